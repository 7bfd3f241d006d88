"""visitorapp: booking, ticketing and check-in for the college's Vocational Education Activity Week."""
import logging
import os
import secrets

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as config_module
from . import privatefiles
from .extensions import csrf, db, limiter, mail, migrate


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config → extensions → features → error handlers → CLI."""
    app = Flask(__name__, instance_relative_config=True, instance_path=_instance_path(test_config),
                template_folder="../templates", static_folder="../static")
    load_config(app, test_config)
    trust_proxies(app)
    from . import web
    app.url_map.converters["int"] = web.RecordIdConverter  # before any route is added
    register_extensions(app)
    register_features(app)
    from .errors import register_error_handlers
    register_error_handlers(app)
    web.init_app(app)
    return app


def _instance_path(test_config: dict | None) -> str | None:
    """instance/ beside the package, or INSTANCE_PATH (VISITORAPP_INSTANCE_PATH) elsewhere, e.g.
    a fresh instance to restore a backup into (``flask db-restore``)."""
    if test_config is not None:
        path = test_config.get("INSTANCE_PATH")
    else:
        path = os.environ.get("VISITORAPP_INSTANCE_PATH")
    return os.path.abspath(path) if path else None


def load_config(app: Flask, test_config: dict | None) -> None:
    app.config.from_object(config_module.Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        # VISITORAPP_MAIL_PORT=587 → MAIL_PORT = 587: values are JSON literals where they parse.
        app.config.from_prefixed_env("VISITORAPP")
        # Hosting platforms set DATABASE_URL; VISITORAPP_DATABASE_URL wins.
        url = app.config.pop("DATABASE_URL", None) or os.environ.get("DATABASE_URL")
        if url:
            app.config["SQLALCHEMY_DATABASE_URI"] = url
    else:
        app.config.update(test_config)
    privatefiles.private_dir(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = os.path.join(app.instance_path, "visitorapp.sqlite3")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"])
    config_module.derive_security_settings(app.config)
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


def trust_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` reverse proxies (nginx, a load balancer), read the client's
    address and scheme from the X-Forwarded-For / X-Forwarded-Proto entries those proxies added,
    so rate limits, logs and the audit see the real client. Only that many entries, counted from
    the right, are believed: whatever a client sends itself stays to their left and is ignored.
    Nothing else (Host, port, prefix) is taken from headers. 0 (default): no proxy, no headers.
    """
    count = app.config["TRUSTED_PROXIES"]
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"TRUSTED_PROXIES must be a whole number ≥ 0 (proxies in front), not {count!r}")
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=0, x_port=0,
                                x_prefix=0)


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
            privatefiles.private_sqlite_file(engine.url.database)
    logging.getLogger("visitorapp").setLevel(logging.INFO)


def register_features(app: Flask) -> None:
    """Every feature, by name: each ``<feature>.views.init_app`` registers that feature's own
    blueprints, CLI commands, settings and signal receivers. A missing feature is an ImportError
    here, at start-up — never a silently absent page."""
    from . import models  # noqa: F401 - every table, so relationships resolve and Alembic sees all
    from .accounts import views as accounts
    from .api import views as api
    from .audit import views as audit
    from .booking import views as booking
    from .checkin import views as checkin
    from .console import views as console
    from .demo import views as demo
    from .letters import views as letters
    from .notices import views as notices
    from .ops import views as ops
    from .outbox import views as outbox
    from .programme import views as programme
    from .recovery import views as recovery
    from .registration import views as registration
    from .reports import views as reports
    from .share import views as share
    from .submissions import views as submissions
    from .tickets import views as tickets
    from .vehicles import views as vehicles
    from .waitlist import views as waitlist
    for feature in (programme, booking, tickets, outbox, accounts, checkin, console, reports,
                    registration, waitlist, recovery, submissions, api, ops, demo, audit,
                    notices, vehicles, letters, share):
        feature.init_app(app)
