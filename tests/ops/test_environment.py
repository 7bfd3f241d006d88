"""Settings from the environment (README, docs/mail.md): VISITORAPP_<SETTING> over the defaults,
JSON literals typed, and DATABASE_URL for hosting platforms."""
import pytest

from visitorapp import create_app
from visitorapp.config import normalise_database_url


@pytest.fixture
def environment(monkeypatch, tmp_path, app_config):
    """A clean environment: only what a test sets, with its own instance folder."""
    for name in ("DATABASE_URL", "VISITORAPP_DATABASE_URL", "VISITORAPP_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VISITORAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("VISITORAPP_DATABASE_URL", app_config["SQLALCHEMY_DATABASE_URI"])
    return monkeypatch


def test_documented_settings_are_read_with_their_types(environment):
    environment.setenv("VISITORAPP_MAIL_PORT", "587")
    environment.setenv("VISITORAPP_MAIL_USE_TLS", "true")
    environment.setenv("VISITORAPP_RATELIMIT_ENABLED", "false")
    environment.setenv("VISITORAPP_RATELIMIT_API", '"3 per minute"')
    environment.setenv("VISITORAPP_MAIL_SERVER", "smtp.example.edu.cn")
    environment.setenv("VISITORAPP_SECRET_KEY", "from-the-environment")
    config = create_app().config
    assert config["MAIL_PORT"] == 587 and config["MAIL_USE_TLS"] is True
    assert config["RATELIMIT_ENABLED"] is False and config["RATELIMIT_API"] == "3 per minute"
    assert config["MAIL_SERVER"] == "smtp.example.edu.cn"
    assert config["SECRET_KEY"] == "from-the-environment"


def test_database_url_of_a_hosting_platform_means_psycopg_3(environment):
    environment.delenv("VISITORAPP_DATABASE_URL")
    environment.setenv("DATABASE_URL", "postgres://u:p@db.invalid:5432/week")
    config = create_app().config
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.invalid:5432/week"
    assert "DATABASE_URL" not in config


def test_visitorapp_database_url_wins_over_database_url(environment, app_config):
    environment.setenv("DATABASE_URL", "postgres://u:p@db.invalid:5432/week")
    expected = normalise_database_url(app_config["SQLALCHEMY_DATABASE_URI"])
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == expected
