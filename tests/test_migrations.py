"""The Alembic migrations build exactly the schema the models describe, on each backend."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from tests.conftest import PG_URL, base_config, create_pg_database, drop_pg_database
from visitorapp import create_app
from visitorapp.extensions import db


@pytest.fixture
def empty_database_url(tmp_path):
    if PG_URL:
        url = create_pg_database(PG_URL)
        yield url
        drop_pg_database(PG_URL, url)
    else:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"


def test_upgrade_from_nothing_matches_the_models(empty_database_url, tmp_path):
    app = create_app(base_config(empty_database_url, str(tmp_path)))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations differ — run `flask db migrate`: {diff}"
