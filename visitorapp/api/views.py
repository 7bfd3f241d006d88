"""/api/v1/openapi.json and the helpers every feature's API blueprint uses."""
from flask import Blueprint, jsonify

from .. import ratelimits
from ..errors import DomainError
from ..extensions import csrf
from . import validation
from .spec import openapi_document

bp = ratelimits.api(Blueprint("api", __name__, url_prefix="/api/v1"))


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
    ratelimits.api(blueprint)
    return blueprint


def init_app(app):
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.before_request(validation.check_request)

