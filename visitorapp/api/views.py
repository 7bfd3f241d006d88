"""/api/v1/openapi.json and the helpers every feature's API blueprint uses."""
from flask import Blueprint, current_app, jsonify
from flask_login import current_user

from ..errors import DomainError
from ..extensions import csrf, limiter
from .spec import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of the whole API."""
    return jsonify(openapi_document())


def error_response(exc: DomainError):
    """A DomainError as JSON with its HTTP status."""
    response = jsonify(exc.to_dict())
    response.status_code = exc.status
    return response


def validation_response(errors: dict[str, list[str]]):
    """422 with per-field Chinese messages (the same as the HTML form shows)."""
    first = next((msgs[0] for msgs in errors.values() if msgs), "提交的内容有误。")
    response = jsonify({"error": "invalid", "message": first, "errors": errors})
    response.status_code = 422
    return response


def api_blueprint(name: str, import_name: str, prefix: str = "") -> Blueprint:
    """A feature's API blueprint under /api/v1: JSON only, no cookies needed, so not CSRF-bound.

    (Staff-session calls from our own pages are still protected by SameSite=Lax cookies and by
    requiring a JSON body, which a cross-site form cannot send.)
    """
    blueprint = Blueprint(name, import_name, url_prefix=f"/api/v1{prefix}")
    csrf.exempt(blueprint)
    limit_api(blueprint)
    return blueprint


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
    """RATELIMIT_API per client address on every route of an API blueprint (429 + Retry-After)."""
    return limiter.limit(api_limit, exempt_when=_trusted_caller)(blueprint)


def init_app(app):
    csrf.exempt(bp)
    limit_api(bp)
    app.register_blueprint(bp)
