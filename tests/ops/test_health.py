"""/healthz as a load balancer sees it: 200 while the database answers, 503 when it does not."""
import pytest

from tests.conftest import base_config
from visitorapp import create_app

UNREACHABLE_PG = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("url", [UNREACHABLE_PG, "sqlite:////nonexistent-dir/x/db.sqlite3"])
def test_healthz_503_when_database_unreachable(tmp_path, url):
    app = create_app({**base_config(url, str(tmp_path)),
                      "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}}
                      if url.startswith("postgresql") else {}})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error" and body["database"] == "unreachable"
    assert "数据库" in body["message"]
    assert response.headers["Retry-After"]



def test_sqlite_settings_do_not_leak_into_a_later_postgresql_app(tmp_path):
    """One process, two apps (as the benches and tests do): engine options are per app."""
    create_app(base_config(f"sqlite:///{tmp_path}/a.sqlite3", str(tmp_path)))
    app = create_app(base_config(UNREACHABLE_PG, str(tmp_path)))
    assert "timeout" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("connect_args", {})


def test_postgresql_engine_fails_fast_and_checks_pooled_connections(tmp_path):
    app = create_app(base_config(UNREACHABLE_PG, str(tmp_path)))
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_pre_ping"] is True
    assert 0 < options["connect_args"]["connect_timeout"] < 30  # below gunicorn's timeout
