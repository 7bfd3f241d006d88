"""Cross-cutting web concerns: security headers (CSP, HSTS), bounded ids in URLs and query
strings, bounded JSON bodies, day parameters, template filters."""
from datetime import date

from flask import Flask, abort, current_app, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from . import logmask, timeutil
from .errors import InvalidInput
from .forms import typed_values
from .tickets import tokens
from .validators import MAX_ID, day_error, mask_mobile, record_id

#: One year: once a phone has seen the site over HTTPS it never tries plain HTTP again.
HSTS = "max-age=31536000"


#: How deeply a request body may nest arrays and objects. Ours are flat; a body nested 50 000
#: deep is an attack on the parser's recursion, answered 400 like any malformed JSON.
MAX_JSON_DEPTH = 32


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing bodies nested deeper than MAX_JSON_DEPTH as invalid JSON (a
    ValueError, which ``request.get_json`` turns into None or a 400) instead of a 500."""

    def loads(self, s, **kwargs):
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        if _depth(value) > MAX_JSON_DEPTH:
            raise ValueError("JSON nested too deeply")
        return value


def _depth(value) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                break
            stack.extend((child, depth + 1) for child in
                         (item.values() if isinstance(item, dict) else item))
    return deepest


class RecordIdConverter(IntegerConverter):
    """``<int:…>`` in every route: at most MAX_ID, so an id no table can hold (2^31 and up on
    PostgreSQL, 2^63 on SQLite) is a 404 like any unknown id, never an overflow in SQL."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def id_arg(name: str) -> int | None:
    """``?name=<id>`` (``?venue=``, ``?slot=`` …): None when absent or not a number (the filter is
    not applied), 404 when a number no row can have."""
    raw = request.args.get(name, "").strip()
    if not raw.lstrip("-").isdigit():
        return None
    try:
        return record_id(raw)
    except ValueError:
        abort(404)


def page_arg() -> int:
    """``?page=`` of a paginated list: 1 by default; a page number no list can reach is a 404."""
    return id_arg("page") or 1


def day_arg(name: str) -> date | None:
    """``?name=YYYY-MM-DD``: None when absent or not a date (the page shows its default day);
    400 with the reason for a real date outside FIRST_DAY..LAST_DAY."""
    try:
        day = date.fromisoformat(request.args.get(name, "").strip())
    except ValueError:
        return None
    problem = day_error(day)
    if problem:
        raise InvalidInput("day_out_of_range", problem)
    return day


def security_headers(response):
    # Scripts only from our own files: no template has an inline <script> or handler (a test
    # keeps it so), so there is no nonce and no 'unsafe-inline' to weaken the policy.
    response.headers.setdefault("Content-Security-Policy", "; ".join((
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
    if request.is_secure:  # behind a proxy: X-Forwarded-Proto, believed per TRUSTED_PROXIES
        # Browsers ignore HSTS over plain HTTP, so it is only sent where it means something.
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def favicon():
    """The browser's /favicon.ico probe: the site icon (a PNG, which every browser accepts here)."""
    response = current_app.send_static_file("favicon.png")
    response.headers["Cache-Control"] = "public, max-age=604800"
    return response


def init_app(app: Flask) -> None:
    app.json = BoundedJSONProvider(app)
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    logmask.init_app(app)
    app.after_request(security_headers)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(now_utc=timeutil.utcnow, typed_values=typed_values)
    app.jinja_env.filters.update(
        day=timeutil.format_day,
        hm=timeutil.format_time,
        dt=timeutil.format_datetime,
        local=timeutil.local,
        mask_mobile=mask_mobile,
        ticket_token=tokens.token_for,
    )
