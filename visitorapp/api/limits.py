"""Rate limits on the JSON API: RATELIMIT_API per client address, trusted callers exempt."""
from flask import Blueprint, current_app
from flask_login import current_user

from ..extensions import limiter


def api_limit() -> str:
    return current_app.config["RATELIMIT_API"]


def _signed_in_staff() -> bool:
    # Gate phones of one venue often share one NAT address: a per-IP limit must not stop
    # signed-in staff scanning a queue. Anonymous callers (schools, scripts) are limited.
    return bool(current_user and current_user.is_authenticated)


#: Callables that return True for a trusted API caller, exempt from RATELIMIT_API. A feature may
#: append its own (e.g. check-in: the request carries a valid, unrevoked gate-device token).
TRUSTED_CALLER_CHECKS = [_signed_in_staff]


def _trusted_caller() -> bool:
    return any(check() for check in TRUSTED_CALLER_CHECKS)


def limit_api(blueprint: Blueprint) -> Blueprint:
    """RATELIMIT_API on every route of an API blueprint (429 + Retry-After + Chinese message)."""
    limiter.limit(api_limit, exempt_when=_trusted_caller)(blueprint)  # returns None for blueprints
    return blueprint
