"""Cross-cutting web concerns: security headers with a CSP nonce, template filters, health."""
import secrets

from flask import Flask, current_app, g

from . import timeutil
from .tickets import tokens
from .validators import mask_mobile


def csp_nonce() -> str:
    """One nonce per response; inline <script nonce="{{ csp_nonce() }}"> blocks must carry it."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def security_headers(response):
    nonce = g.get("csp_nonce")
    script_src = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    response.headers.setdefault("Content-Security-Policy", "; ".join((
        "default-src 'self'",
        f"script-src {script_src}",
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
    return response


def has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


def init_app(app: Flask) -> None:
    app.after_request(security_headers)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(csp_nonce=csp_nonce, has_endpoint=has_endpoint,
                                 now_utc=timeutil.utcnow)
    app.jinja_env.filters.update(
        day=timeutil.format_day,
        hm=timeutil.format_time,
        dt=timeutil.format_datetime,
        local=timeutil.local,
        mask_mobile=mask_mobile,
        ticket_token=tokens.token_for,
    )
