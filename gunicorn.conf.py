"""gunicorn settings for visitorapp: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be overridden from the environment (GUNICORN_* below, or gunicorn's own
GUNICORN_CMD_ARGS). See docs/deployment.md for several instances behind nginx.
"""
import multiprocessing
import os
import re

from gunicorn.glogging import Logger

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

#: Behind nginx: trust X-Forwarded-* only from the proxy on this host.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-")
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
#: No query string (%(q)s) and no user agent: paths are logged without ?token=…, and the
#: secret path segments (/b/<manage token>, tickets) are masked by RedactingLogger below.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

#: Secret path segments: management links (/b/<token>…) and ticket tokens (HC1-…).
_SECRETS = re.compile(r"(/b/)[^/\s\"?]+|HC1-[A-Z2-7]{16}-[A-Z2-7]{13}", re.IGNORECASE)


def redact(text: str) -> str:
    return _SECRETS.sub(lambda m: (m.group(1) or "") + "***", text)


class RedactingLogger(Logger):
    """Access log without management tokens or ticket tokens (they grant access to a booking)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r", "q", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms


logger_class = RedactingLogger
