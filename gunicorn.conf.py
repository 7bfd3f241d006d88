"""gunicorn settings for visitorapp: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be overridden from the environment (GUNICORN_* below, or gunicorn's own
GUNICORN_CMD_ARGS). See docs/deployment.md for several instances behind nginx.
"""
import multiprocessing
import os
import sys
from pathlib import Path

from gunicorn.glogging import Logger

# gunicorn runs from .venv/bin: make this checkout importable for the one masking function.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from visitorapp.logmask import mask  # noqa: E402

#: 127.0.0.1:8000 by default: nginx in front terminates TLS. Use 0.0.0.0 only on purpose.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

#: Sync workers: each request holds one worker, one DB connection, no threads. Measured here
#: their p99 under a booking burst is clearly better than gthread's (1.7x on a loaded 2-CPU run,
#: 3-5x earlier; docs/performance.md): a booking is a short CPU + DB transaction, not a slow I/O
#: wait, and threads only queue more writers on the database lock. nginx buffers slow clients.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

#: Well above the database busy timeout (SQLITE_BUSY_TIMEOUT_MS, 2 s) times the retries
#: (DB_RETRY_ATTEMPTS, 4), so a request waiting on a lock answers 503 itself instead of
#: being killed mid-transaction by the arbiter.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

#: Recycle workers now and then (memory hygiene); jitter so they do not restart together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))

#: Load the app once in the arbiter; workers fork with it (faster start, shared pages).
#: Database connections are opened lazily in each worker, never shared across the fork.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() == "true"

#: gunicorn itself believes no forwarded header: the app does, in one place (TRUSTED_PROXIES →
#: Werkzeug's ProxyFix, X-Forwarded-For/-Proto only). Otherwise a client could pass an
#: X-Forwarded-Ssl through nginx and have gunicorn call a plain-HTTP request secure.
forwarded_allow_ips = ""
secure_scheme_headers: dict = {}

accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-")
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
#: No query string (%(q)s) and no user agent: paths are logged without ?token=…, and the
#: secret path segments (/b/, /my/, /w/, /ticket/ tokens) are masked by RedactingLogger below.
#: %(h)s is the client: behind nginx with TRUSTED_PROXIES=1, the real one (ProxyFix).
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


class RedactingLogger(Logger):
    """Access and error logs without management, ticket or device tokens (visitorapp.logmask)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r", "q", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = mask(atoms[key])
        return atoms

    def error(self, msg, *args, **kwargs):
        super().error(mask(str(msg) % args if args else str(msg)), **kwargs)

    def exception(self, msg, *args, **kwargs):
        super().exception(mask(str(msg) % args if args else str(msg)), **kwargs)


logger_class = RedactingLogger
