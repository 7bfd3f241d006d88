"""Build /api/v1/openapi.json from the base document and every feature's fragment."""
import copy
import json
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
#: The features with an API (``<feature>/api.py``), each describing it in ``<feature>/openapi.json``.
FEATURES_WITH_AN_API = ("booking", "checkin", "registration")


@cache
def openapi_document() -> dict:
    doc = json.loads((Path(__file__).parent / "openapi-base.json").read_text("utf-8"))
    for feature in FEATURES_WITH_AN_API:
        fragment = json.loads((PACKAGE / feature / "openapi.json").read_text("utf-8"))
        doc["paths"].update(fragment.get("paths", {}))
        for section, items in fragment.get("components", {}).items():
            doc["components"].setdefault(section, {}).update(items)
        doc["tags"].extend(fragment.get("tags", []))
    _document_the_validation(doc)
    return doc


def _document_the_validation(doc: dict) -> None:
    """Every operation is checked against this document before its view runs
    (visitorapp.api.validation): say so in each operation that can be refused that way."""
    for item in doc["paths"].values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                responses.setdefault("400", {"$ref": "#/components/responses/BadParameter"})
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                responses.setdefault("422", {"$ref": "#/components/responses/InvalidBody"})


def document_copy() -> dict:
    return copy.deepcopy(openapi_document())
