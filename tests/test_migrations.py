"""The Alembic migrations build exactly the schema the models describe, on each backend."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from tests.conftest import base_config
from visitorapp import create_app
from visitorapp.extensions import db


def test_upgrade_from_nothing_matches_the_models(empty_database_url, tmp_path):
    app = create_app(base_config(empty_database_url, str(tmp_path)))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations differ — run `flask db migrate`: {diff}"
