"""visitorapp: booking, ticketing and check-in for the college's Vocational Education Activity Week."""
import importlib
import logging
import os
import secrets

from flask import Flask

from . import config as config_module
from .extensions import csrf, db, limiter, mail, migrate

#: Feature packages, in registration order. Each exposes ``init_app(app)`` in its ``views``
#: module (blueprints, CLI commands); a package without one is skipped.
FEATURES = (
    "programme", "booking", "tickets", "outbox", "accounts", "checkin", "console",
    "reports", "registration", "waitlist", "recovery", "submissions", "api", "ops", "demo", "audit",
)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config → extensions → features → error handlers → CLI."""
    app = Flask(__name__, instance_relative_config=True,
                template_folder="../templates", static_folder="../static")
    load_config(app, test_config)
    register_extensions(app)
    register_features(app)
    from .errors import register_error_handlers
    register_error_handlers(app)
    from . import web
    web.init_app(app)
    return app


def load_config(app: Flask, test_config: dict | None) -> None:
    app.config.from_object(config_module.Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        config_module.load_environment(app.config)
    else:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = os.path.join(app.instance_path, "visitorapp.sqlite3")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # An unreachable server must fail fast (→ 503) well inside gunicorn's timeout, and a
        # connection left over from before a database restart is replaced, not handed out.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("pool_pre_ping", True)
        options["connect_args"] = {"connect_timeout": 5, **options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A short busy wait, then our own retry (visitorapp.database.retry_on_busy) or a 503.
        # Copy: the defaults' dicts are shared by every app in the process (tests, benches).
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {"timeout": app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000,
                                   **options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _instance_secret(app: Flask) -> str:
    """A per-machine secret kept in instance/, so tickets and sessions survive restarts.

    Production sets VISITORAPP_SECRET_KEY (the same on every gunicorn instance).
    """
    path = os.path.join(app.instance_path, "secret_key")
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    with open(path) as f:
        return f.read().strip()


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "..", "migrations"))
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            from .database import configure_sqlite
            configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    logging.getLogger("visitorapp").setLevel(logging.INFO)


def register_features(app: Flask) -> None:
    # Import every model module first so relationships resolve and Alembic sees all tables.
    from . import models  # noqa: F401
    for name in FEATURES:
        try:
            views = importlib.import_module(f".{name}.views", __name__)
        except ModuleNotFoundError as exc:
            if exc.name in (f"{__name__}.{name}", f"{__name__}.{name}.views"):
                continue
            raise
        views.init_app(app)
    from .api.views import register_feature_apis
    register_feature_apis(app)
