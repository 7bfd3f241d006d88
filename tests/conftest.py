"""Test fixtures: one app per test on a fresh database (SQLite file, or PostgreSQL when asked).

Set VISITORAPP_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test to run the suite on
PostgreSQL: a throw-away database is created next to ``test`` for this run and dropped after it.

Set VISITORAPP_TEST_NOW=2027-05-13T23:55+08:00 (any ISO moment) to run the whole suite as if the
machine's clock started at that moment (it keeps ticking): `make test-clock` does this at the
moments that have broken the suite before. A test about a particular moment pins it itself with
time-machine's ``time_machine`` fixture (``time_machine.move_to(...)``), or takes ``pinned`` (the
clock stopped at ``PINNED``) for "before/after" a rule, never "now + 10 minutes" on the machine's
clock. Services never read the clock: tests hand them ``now`` as a view would.
"""
import os
import shutil
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from visitorapp import create_app
from visitorapp.extensions import db as _db

PG_URL = os.environ.get("VISITORAPP_TEST_DATABASE_URL", "")
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


TEST_NOW = os.environ.get("VISITORAPP_TEST_NOW", "")

#: The fixed moment of the ``pinned`` fixture: Wednesday 14 April 2027, 10:00 in Shanghai — a
#: weekday morning, weeks before that year's activity week, far from midnight and month ends.
PINNED = datetime(2027, 4, 14, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def pytest_configure(config):
    if TEST_NOW:
        # Runs in every xdist worker too: the whole process lives at the chosen moment.
        time_machine.travel(datetime.fromisoformat(TEST_NOW), tick=True).start()


def pytest_collection_modifyitems(config, items):
    """In the PostgreSQL pass, SQLite-only tests (a locked database file and its busy handler, the
    SQLite half of a race) skip and say why, whether or not ``-m "not sqlite_only"`` was given."""
    if not PG_URL:
        return
    skip = pytest.mark.skip(reason="SQLite only (a locked SQLite file, or the SQLite side of a "
                                   "race): the SQLite pass of make test runs it")
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(skip)


def pytest_report_header(config):
    clock = f"; clock starts at {TEST_NOW}" if TEST_NOW else ""
    return (f"visitorapp database: {'PostgreSQL (' + PG_URL + ')' if PG_URL else 'SQLite (file per test)'}"
            f"{clock}")


def base_config(database_url: str, instance_path: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_SUPPRESS_SEND": True,
        "PUBLIC_BASE_URL": "http://localhost",
        "SERVER_NAME": None,
    }


def _pg_admin_url(url: str) -> str:
    from visitorapp.config import normalise_database_url
    return normalise_database_url(url)


def create_pg_database(url: str) -> str:
    """CREATE DATABASE vt_<random> beside the given one; returns its URL."""
    admin = sa.create_engine(_pg_admin_url(url), isolation_level="AUTOCOMMIT")
    name = f"vt_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return _replace_db(_pg_admin_url(url), name)


def _replace_db(url: str, name: str) -> str:
    parsed = sa.engine.make_url(url)
    return parsed.set(database=name).render_as_string(hide_password=False)


def drop_pg_database(base_url: str, url: str) -> None:
    name = sa.engine.make_url(url).database
    admin = sa.create_engine(_pg_admin_url(base_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def pg_reachable(url: str = DEFAULT_PG) -> str | None:
    """None when PostgreSQL answers, else the reason (printed by tests that skip)."""
    try:
        engine = sa.create_engine(_pg_admin_url(url), connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable here"
        return f"PostgreSQL not reachable at {url}: {type(exc).__name__}"


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """The schema, created once: a SQLite file to copy per test, or a PostgreSQL database."""
    if PG_URL:
        url = create_pg_database(PG_URL)
        app = create_app(base_config(url, str(tmp_path_factory.mktemp("instance"))))
        with app.app_context():
            _db.create_all()
            _db.engine.dispose()
        yield url
        drop_pg_database(PG_URL, url)
    else:
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        app = create_app(base_config(f"sqlite:///{path}", str(path.parent)))
        with app.app_context():
            _db.create_all()
            _db.engine.dispose()
        yield str(path)


@pytest.fixture
def database_url(template_db, tmp_path):
    if PG_URL:
        yield template_db
        engine = sa.create_engine(template_db)
        tables = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
    else:
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(template_db, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def empty_database_url(tmp_path):
    """A database without tables (migrations from nothing, a restore into a new instance): a new
    SQLite file, or a new PostgreSQL database beside the test one, dropped afterwards."""
    if PG_URL:
        url = create_pg_database(PG_URL)
        yield url
        drop_pg_database(PG_URL, url)
    else:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"


@pytest.fixture
def app_config(database_url, tmp_path):
    """Override in a test module (or extend) to change settings for its app."""
    return base_config(database_url, str(tmp_path))


@pytest.fixture
def app(app_config, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    application = create_app(app_config)
    application.instance_path = str(tmp_path / "instance")
    os.makedirs(application.instance_path, exist_ok=True)
    with application.app_context():
        yield application
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def pinned(time_machine):
    """The clock stopped at ``PINNED``, for tests about "before" and "after" a rule: slots and
    windows are placed relative to this fixed moment, never to the machine's clock."""
    time_machine.move_to(PINNED, tick=False)
    return PINNED


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(client):
    """login(user) signs the test client in as that user (password from the factory)."""

    def do_login(user, password="correct-horse-9"):
        _db.session.commit()
        response = client.post("/login", data={"username": user.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return do_login
