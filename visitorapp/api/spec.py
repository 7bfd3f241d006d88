"""Build /api/v1/openapi.json from the base document and every feature's fragment."""
import copy
import json
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent


@cache
def openapi_document() -> dict:
    doc = json.loads((Path(__file__).parent / "openapi-base.json").read_text("utf-8"))
    for fragment_path in sorted(PACKAGE.glob("*/openapi.json")):
        fragment = json.loads(fragment_path.read_text("utf-8"))
        doc["paths"].update(fragment.get("paths", {}))
        for section, items in fragment.get("components", {}).items():
            doc["components"].setdefault(section, {}).update(items)
        doc["tags"].extend(fragment.get("tags", []))
    return doc


def document_copy() -> dict:
    return copy.deepcopy(openapi_document())
