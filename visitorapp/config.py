"""Configuration defaults.

Order of precedence (later wins): these defaults → ``instance/config.py`` →
``VISITORAPP_*`` environment variables (``DATABASE_URL`` too, for hosting platforms).
"""
from datetime import timedelta

#: Asia/Shanghai is the only timezone people see; the database stores UTC.
LOCAL_TZ = "Asia/Shanghai"


class Defaults:
    SECRET_KEY = None  # set in instance/config.py or VISITORAPP_SECRET_KEY; dev gets a generated one
    SQLALCHEMY_DATABASE_URI = None  # None → sqlite:///<instance>/visitorapp.sqlite3
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    #: SQLite's busy handler is unfair under contention: wait briefly, then retry or answer 503.
    SQLITE_BUSY_TIMEOUT_MS = 2000
    #: How often a booking transaction is retried when the database is momentarily locked.
    DB_RETRY_ATTEMPTS = 4

    MAX_CONTENT_LENGTH = 8 * 1024 * 1024  # uploads (CVs, images) are checked per field as well
    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a teacher may fill the form slowly on a phone
    #: Use WTForms' own zh translations (Flask-WTF's i18n needs Flask-Babel, which we do not use).
    WTF_I18N_ENABLED = False
    #: Reverse proxies in front of the app (nginx = 1) whose X-Forwarded-For/-Proto are believed
    #: (Werkzeug's ProxyFix). 0: none — the socket peer is the client. Never more than there are:
    #: each extra one lets a client choose its own address.
    TRUSTED_PROXIES = 0
    #: Served over HTTPS: every cookie gets ``Secure`` and HTTPS responses carry HSTS. None: true
    #: when PREFERRED_URL_SCHEME is "https" or PUBLIC_BASE_URL starts with https://.
    HTTPS = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # True behind HTTPS (see docs/deployment.md)
    REMEMBER_COOKIE_HTTPONLY = True
    #: "保持登录" lasts 14 days at most; the server refuses an older sign-in even if a copied
    #: cookie is replayed (the session id carries when the sign-in began).
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PREFERRED_URL_SCHEME = "http"
    #: Base of every link in e-mails (https://visit.example.edu.cn). Unset: the host of the request
    #: that queued the mail (visitorapp.outbox.links, the one URL builder).
    PUBLIC_BASE_URL = ""

    # Flask-Limiter: memory by default; redis://127.0.0.1:6379 when several workers run.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_PUBLIC_FORM = "20 per minute;200 per hour"
    RATELIMIT_API = "60 per minute"
    #: Sign-in attempts per client address (the real client behind TRUSTED_PROXIES).
    RATELIMIT_LOGIN = "10 per minute"
    #: Failed sign-ins per account name: guessing one account's password slows that account
    #: (its holder waits out the window), never the others.
    RATELIMIT_LOGIN_ACCOUNT = "5 per 15 minutes"
    #: 找回预约/报名: per client; each address also gets at most RECOVERY_MAILS_PER_HOUR mails.
    RATELIMIT_RECOVERY = "5 per minute;30 per hour"
    RECOVERY_MAILS_PER_HOUR = 3
    #: The recovery page answers no sooner than this (seconds), found or not: its timing must
    #: not tell whether a booking exists (the lookup and queueing a mail take far less).
    RECOVERY_MIN_SECONDS = 0.6

    # Flask-Mail. Without a server, messages wait in the outbox (viewable by organizers).
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "职业教育活动周 <noreply@example.edu.cn>"
    MAIL_SUPPRESS_SEND = False
    #: Seconds to wait for the SMTP server before the attempt counts as failed (and is retried).
    MAIL_TIMEOUT = 30
    #: When true, a background thread in the web process drains the outbox.
    OUTBOX_WORKER = False
    #: Seconds between the worker's rounds.
    OUTBOX_INTERVAL = 15

    #: Personal data of a past week is kept this many days after the week (privacy notice).
    RETENTION_DAYS = 90


#: The longest a sign-in may last ("保持登录" included), whatever the configuration says.
MAX_SIGN_IN = timedelta(days=14)


def derive_security_settings(config) -> None:
    """Settings that follow from others: Secure cookies under HTTPS, the sign-in lifetime cap."""
    https = config.get("HTTPS")
    if https is None:
        https = (config.get("PREFERRED_URL_SCHEME") == "https"
                 or str(config.get("PUBLIC_BASE_URL") or "").startswith("https://"))
    config["HTTPS"] = bool(https)
    if config["HTTPS"]:
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
    duration = config.get("REMEMBER_COOKIE_DURATION") or MAX_SIGN_IN
    if not isinstance(duration, timedelta):  # seconds, e.g. from the environment
        duration = timedelta(seconds=int(duration))
    config["REMEMBER_COOKIE_DURATION"] = min(duration, MAX_SIGN_IN)


def normalise_database_url(url: str) -> str:
    """postgres:// and postgresql:// mean psycopg 3 here (psycopg2 is not installed)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
