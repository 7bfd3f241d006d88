"""Rate limits, in one place: who a client is, what each kind of route allows, who is exempt.

Every limit keys on :func:`client_key`, the client's address as the app sees it — the socket
peer, or behind ``TRUSTED_PROXIES`` reverse proxies the address the nearest trusted proxy saw
(``visitorapp.proxies`` applies Werkzeug's ProxyFix before any limit is counted). Views never
define a limit of their own; they use the decorators below, which also mark the view so the test
suite can check that every limited route has a test.

* :func:`public_form` — forms anyone may post (booking, registration, waiting list, manage links):
  ``RATELIMIT_PUBLIC_FORM`` per client and route; the recovery page (it sends mail) has the
  stricter ``RATELIMIT_RECOVERY``;
* :func:`api` — every route of an API blueprint: ``RATELIMIT_API`` per client and route;
* :func:`login` — ``RATELIMIT_LOGIN`` per client, and ``RATELIMIT_LOGIN_ACCOUNT`` failed
  attempts per account name, so guessing one account's password slows that account down
  without locking anyone else out.

Signed-in staff are exempt from the public and API limits (gate phones of a venue often share
one NAT address), and so is a gate device presenting its valid token on the API.
"""
from collections.abc import Callable

from flask import Blueprint, current_app, g, request
from flask_limiter import Limiter
from flask_login import current_user


def client_key() -> str:
    """The one rate-limit key: the client's address (after ProxyFix, the real client's)."""
    return request.remote_addr or "unknown"


#: Bare extension object (bound in create_app); visitorapp.extensions re-exports it.
limiter = Limiter(key_func=client_key)


def public_form_limit() -> str:
    return current_app.config["RATELIMIT_PUBLIC_FORM"]


def recovery_limit() -> str:
    return current_app.config["RATELIMIT_RECOVERY"]


def api_limit() -> str:
    return current_app.config["RATELIMIT_API"]


def login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def login_account_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN_ACCOUNT"]


def _signed_in_staff() -> bool:
    return bool(current_user and current_user.is_authenticated)


def _gate_device() -> bool:
    """A request carrying a valid, unrevoked gate-device token (scanner guns, shared phones)."""
    if not request.headers.get("Authorization"):
        return False
    from .checkin.devices import bearer_device  # checkin imports extensions, which imports us
    return bearer_device(request.headers["Authorization"]) is not None


def trusted_caller() -> bool:
    """Exempt from the public and API limits: signed-in staff, or a gate device on the API."""
    return _signed_in_staff() or (request.path.startswith("/api/") and _gate_device())


def _mark(view: Callable, kind: str) -> Callable:
    view.rate_limit = kind  # read by tests/ops/test_rate_limits.py (a test per limited route)
    return view


def public_form(methods: list[str] | None = None, limit: Callable[[], str] = public_form_limit
                ) -> Callable:
    """``limit`` (``RATELIMIT_PUBLIC_FORM``) on a public view (on ``methods`` only, e.g. POST)."""
    decorate = limiter.limit(limit, methods=methods, exempt_when=trusted_caller)

    def decorator(view):
        return _mark(decorate(view), "public_form")

    return decorator


def api(blueprint: Blueprint) -> Blueprint:
    """``RATELIMIT_API`` on every route of an API blueprint. Routes add no limit of their own:
    a route-level limit would replace this one and lose its exemptions."""
    limiter.limit(api_limit, exempt_when=trusted_caller)(blueprint)  # returns None for blueprints
    blueprint.rate_limit = "api"
    return blueprint


#: The error code visitorapp.errors shows as "this account: too many failed sign-ins".
ACCOUNT_THROTTLED = "login_account_throttled"


def _login_account() -> str:
    """The account name being tried, normalised the way sign-in looks it up."""
    return "account:" + (request.form.get("username") or "").strip().lower()[:40]


def record_failed_login() -> None:
    """Count this request against the account's ``RATELIMIT_LOGIN_ACCOUNT`` (called by the view)."""
    g.login_failed = True


def login(view: Callable) -> Callable:
    """Sign-in: a per-client limit on every POST, and a per-account limit counted only on
    failed attempts (an account's own holder, once through, is not slowed by earlier typos
    beyond the window)."""
    per_client = limiter.limit(login_limit, methods=["POST"])
    per_account = limiter.limit(login_account_limit, methods=["POST"], key_func=_login_account,
                                deduct_when=lambda response: g.get("login_failed", False),
                                error_message=ACCOUNT_THROTTLED)
    return _mark(per_client(per_account(view)), "login")
