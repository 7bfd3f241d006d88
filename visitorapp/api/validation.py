"""The OpenAPI document is the API's contract, enforced: before a view runs, every /api/v1
request is checked against its operation — query parameters and the JSON body — with
jsonschema, so the API refuses exactly what the document says it refuses and each view sees
only documented input. ``tests/security/test_api_contract.py`` runs schemathesis with all its
checks against the live server to hold both sides to it.

Messages are Chinese and per field: a property's ``title`` names it ("学生人数"), and a schema
may carry ``x-messages`` (keyword → message) and ``x-codes`` (keyword → error code) for the
cases where a general sentence would not help (a mobile number's pattern, a date's range).
"""
from functools import cache

from flask import jsonify, request
from flask_login import current_user
from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ..checkin.devices import bearer_device
from .spec import openapi_document

ROOT = "urn:visitorapp:openapi"
#: When a value breaks several rules, the first of these is the one reported.
PRIORITY = ("type", "required", "enum", "format", "pattern", "minimum", "maximum", "minLength",
            "maxLength")
TYPE_NAMES = {"integer": "整数", "string": "文字", "boolean": "true 或 false", "number": "数字",
              "object": "JSON 对象", "array": "列表"}


@cache
def _validator(pointer: str) -> Draft202012Validator:
    resource = Resource(contents=openapi_document(), specification=DRAFT202012)
    return Draft202012Validator({"$ref": f"{ROOT}#{pointer}"},
                                registry=Registry().with_resource(ROOT, resource),
                                format_checker=FormatChecker())


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


@cache
def _operations() -> dict[tuple[str, str], str]:
    """(OpenAPI path, method) → the JSON pointer of its operation in the document."""
    return {(path, method.upper()): f"/paths/{_escape(path)}/{method}"
            for path, item in openapi_document()["paths"].items() for method in item
            if method in ("get", "post", "put", "patch", "delete")}


def _operation_pointer() -> str | None:
    rule = request.url_rule.rule if request.url_rule else ""
    path = rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
    return _operations().get((path, request.method))


def _resolve(pointer: str) -> dict:
    node = openapi_document()
    for token in pointer.strip("/").split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def _authorized(operation: dict) -> bool:
    """Would the caller get past the operation's own guard (its documented ``security``)?
    Only then is the request judged: who may not call it learns nothing about its parameters.
    A device token, when sent, is the only credential looked at (as the gate API does)."""
    requirements = operation.get("security")
    if not requirements:
        return True
    header = request.headers.get("Authorization")
    for requirement in requirements:
        for scheme, roles in requirement.items():
            if scheme == "bearerDevice" and header and bearer_device(header) is not None:
                return True
            if scheme == "staffSession" and not header and current_user.is_authenticated \
                    and (not roles or current_user.has_role(*roles)):
                return True
    return False


def check_request():
    """before_request for the API: None (go on to the view) or the refusal to send."""
    if not request.path.startswith("/api/"):
        return None
    pointer = _operation_pointer()
    if pointer is None:
        return None
    operation = _resolve(pointer)
    if not _authorized(operation):
        return None  # the view answers 401 or 403 first
    for index, parameter in enumerate(operation.get("parameters", [])):
        if parameter["in"] != "query":
            continue  # path ids are bounded by the URL converter (404), headers are not used
        refusal = _check_parameter(parameter, f"{pointer}/parameters/{index}/schema")
        if refusal is not None:
            return refusal
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body is not None and request.is_json:
        payload = request.get_json(silent=True)
        if isinstance(payload, dict):  # not JSON, or not an object: the view's own 400
            errors = body_errors(f"{pointer}/requestBody/content/application~1json/schema", payload)
            if errors:
                field, messages = next(iter(errors.items()))
                response = jsonify({"error": "invalid", "message": messages[0], "field": field,
                                    "errors": errors})
                response.status_code = 422
                return response
    return None


def _check_parameter(parameter: dict, pointer: str):
    name = parameter["name"]
    raw = request.args.get(name)
    schema = _resolve(pointer)
    if raw is None:
        if not parameter.get("required"):
            return None
        code, message = "missing_parameter", f"缺少参数 {name}。"
    else:
        error = _first(_validator(pointer).iter_errors(_typed(raw, schema)))
        if error is None:
            return None
        code, message = _code(error, "invalid_parameter"), _message(error, name)
    response = jsonify({"error": code, "message": message, "field": name})
    response.status_code = 400
    return response


def _typed(raw: str, schema: dict):
    """A query string's text as the type its schema declares (so "5" can be an integer)."""
    if "$ref" in schema:
        schema = _resolve(schema["$ref"].removeprefix("#"))
    if schema.get("type") == "integer":
        try:
            return int(raw)
        except ValueError:
            return raw
    return raw


def body_errors(pointer: str, payload: dict) -> dict[str, list[str]]:
    """Per top-level field, the Chinese message of the first rule its value breaks."""
    by_field: dict[str, list[ValidationError]] = {}
    for error in _validator(pointer).iter_errors(payload):
        if error.validator == "required" and not error.path:
            missing = error.message.split("'")[1]
            by_field.setdefault(missing, []).append(error)
        else:
            by_field.setdefault(str(error.path[0]) if error.path else "", []).append(error)
    return {field: [_message(_first(errors), field)] for field, errors in by_field.items()}


def _first(errors) -> ValidationError | None:
    errors = list(errors)
    if not errors:
        return None
    return min(errors, key=lambda e: PRIORITY.index(e.validator) if e.validator in PRIORITY
               else len(PRIORITY))


def _code(error: ValidationError, default: str) -> str:
    return error.schema.get("x-codes", {}).get(error.validator, default) \
        if isinstance(error.schema, dict) else default


def _message(error: ValidationError, field: str) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "required":
        name = error.message.split("'")[1]
        title = schema.get("properties", {}).get(name, {}).get("title", name)
        return f"请填写{title}。"
    custom = schema.get("x-messages", {}).get(error.validator)
    if custom:
        return custom
    title = schema.get("title", field)
    if error.validator == "type":
        if error.instance is None:
            return f"请填写{title}。"
        expected = error.validator_value
        names = "或".join(TYPE_NAMES.get(t, t) for t in (expected if isinstance(expected, list)
                                                         else [expected]) if t != "null")
        return f"{title}格式不正确：应为{names}。"
    if error.validator in ("minimum", "maximum"):
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None:
            return f"{title}应为{low}–{high}之间的整数。"
        return f"{title}不能小于{low}。" if low is not None else f"{title}不能大于{high}。"
    if error.validator in ("minLength", "maxLength"):
        low, high = schema.get("minLength"), schema.get("maxLength")
        if low is not None and high is not None:
            return f"{title}应为{low}–{high}个字。"
        return f"{title}不能超过{high}个字。" if high is not None else f"{title}至少{low}个字。"
    if error.validator == "enum":
        return f"{title}不在可选范围内，请从列表中选择。"
    return f"{title}格式不正确。"
