"""The one builder of the absolute links every e-mail carries (ticket, management, waiting list).

``PUBLIC_BASE_URL`` when it is set (production: the address people reach, whatever host the
request came in by); otherwise the host of the request being served, so a mail queued while a
teacher books on http://192.168.1.20:8000 links there, not to a default that is wrong on every
other machine. With neither (a CLI command, the outbox worker) FALLBACK_BASE_URL is used, and
docs/mail.md says to set PUBLIC_BASE_URL for that reason.
"""
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request

#: Only for mails queued outside any request while PUBLIC_BASE_URL is unset (`flask run`'s default).
FALLBACK_BASE_URL = "http://127.0.0.1:5000"


def base_url() -> str:
    """scheme://host[:port][/prefix] that links in mails start with (no trailing slash)."""
    configured = (current_app.config.get("PUBLIC_BASE_URL") or "").strip()
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")  # ProxyFix has applied X-Forwarded-Host/-Proto
    return FALLBACK_BASE_URL


def public_url(endpoint: str, _base: str | None = None, **values) -> str:
    """An absolute link to ``endpoint`` under ``base_url()`` (or ``_base``, a base remembered
    when the mail was queued)."""
    base = urlsplit(_base or base_url())
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


def public_host(base: str | None = None) -> str:
    """The host name of ``base_url()`` or ``base`` (the calendar entries' UID domain)."""
    return urlsplit(base or base_url()).hostname or "localhost"
