"""Every model, imported in one place so that SQLAlchemy and Alembic see the whole schema."""
import importlib

from . import FEATURES

for _name in ("audit", *FEATURES):
    try:
        importlib.import_module(f"visitorapp.{_name}.models")
    except ModuleNotFoundError as _exc:
        if _exc.name not in (f"visitorapp.{_name}", f"visitorapp.{_name}.models"):
            raise
