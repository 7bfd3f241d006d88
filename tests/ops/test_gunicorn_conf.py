"""gunicorn.conf.py: sane production defaults, and no secret tokens in the access log."""
import importlib.util
from pathlib import Path

import pytest

from visitorapp.tickets import tokens

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


@pytest.fixture
def conf(monkeypatch):
    for name in ("GUNICORN_BIND", "GUNICORN_WORKER_CLASS", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    spec = importlib.util.spec_from_file_location("gunicorn_conf", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_defaults(conf, app):
    assert conf.bind == "127.0.0.1:8000" and conf.worker_class == "sync"
    # Longer than the whole retry budget of a locked database, so the app answers 503 itself.
    budget = app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000 * app.config["DB_RETRY_ATTEMPTS"]
    assert conf.timeout > budget
    assert "%(q)s" not in conf.access_log_format and "%(r)s" not in conf.access_log_format


def test_access_log_masks_management_links_and_ticket_tokens(conf, app):
    ticket = tokens.sign(tokens.new_nonce())
    assert conf.mask("/b/Zm9vYmFyLXNlY3JldA/cancel") == "/b/***/cancel"
    assert conf.mask("/b/Zm9vYmFy") == "/b/***"
    assert ticket not in conf.mask(f"/t/{ticket}") and conf.mask(f"/t/{ticket}") == "/t/***"
    assert conf.mask("/book/12") == "/book/12"
