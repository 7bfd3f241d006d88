"""A background thread in the web process that drains the outbox (when OUTBOX_WORKER is true).

It starts with the first request, not with the app, so `flask db upgrade` or `flask shell`
never send mail. Several processes may each run one: claims make every message go out once.
"""
import logging
import threading

from flask import Flask

log = logging.getLogger(__name__)
_lock = threading.Lock()


def init_app(app: Flask) -> None:
    if not app.config.get("OUTBOX_WORKER"):
        return

    @app.before_request
    def _start_outbox_worker():
        if "outbox_worker" in app.extensions:
            return
        with _lock:
            if "outbox_worker" not in app.extensions:
                app.extensions["outbox_worker"] = start(app)


class Worker:
    """The running thread; ``stop()`` ends it after the round in progress."""

    def __init__(self, thread: threading.Thread, stop_event: threading.Event):
        self.thread = thread
        self._stop = stop_event

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self.thread.join(timeout)


def start(app: Flask) -> Worker:
    """Run send_due every OUTBOX_INTERVAL seconds until stopped."""
    from ..timeutil import utcnow
    from .services import send_due

    stop = threading.Event()
    interval = float(app.config.get("OUTBOX_INTERVAL", 15))

    def run():
        while True:
            try:
                with app.app_context():
                    counts = send_due(utcnow())  # the worker is the outermost layer
                if counts["sent"] or counts["retry"] or counts["failed"]:
                    log.info("outbox worker: %s", counts)
            except Exception:  # noqa: BLE001 - the worker must outlive a bad round (DB restart …)
                log.exception("outbox worker round failed")
            if stop.wait(interval):
                return

    thread = threading.Thread(target=run, name="outbox-worker", daemon=True)
    thread.start()
    return Worker(thread, stop)
