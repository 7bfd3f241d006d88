"""Secrets kept out of every log: the tokens some paths carry are masked before a line is written.

A management link (``/b/<token>``, ``/my/<token>``, ``/w/<token>``) or a ticket (``/ticket/<token>``,
``HC1-…``) grants access to someone's booking, and a gate device token (``gd_…``) lets a phone
record check-ins: none may reach a log file. One function, :func:`mask`, is used by the access log
(``gunicorn.conf.py``), by Flask's own error log ("Exception on /b/… [POST]") and by the
development server's request log. ``tests/ops/test_logs.py`` checks every route with a ``<token>``
in its URL is covered, so a new token-bearing route cannot slip through.
"""
import logging
import re

#: Path segments after which the next segment is a secret token.
TOKEN_SEGMENTS = ("b", "my", "w", "ticket")

_SECRET = re.compile(
    r"(?P<keep>(?:/|%2F)(?:" + "|".join(TOKEN_SEGMENTS) + r")(?:/|%2F))[^/\s\"'?&#%]+"
    r"|HC1-[A-Z2-7]{16}-[A-Z2-7]{13}"
    r"|gd_[A-Za-z0-9_-]{16,}",
    re.IGNORECASE)


def mask(text: str) -> str:
    """``/b/Zm9v…/cancel`` → ``/b/***/cancel``; ticket and device tokens → ``***``."""
    return _SECRET.sub(lambda m: (m.group("keep") or "") + "***", text)


class MaskingFilter(logging.Filter):
    """Masks the formatted message of every record it sees (the message is fixed at this point,
    so a handler further on prints the masked text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def init_app(app) -> None:
    masking = MaskingFilter()
    # Records logged on the app's logger ("Exception on <path>") and on the dev server's;
    # the handlers too, so records of child loggers (visitorapp.*) are masked on their way out.
    for logger in (app.logger, logging.getLogger("werkzeug")):
        if not any(isinstance(f, MaskingFilter) for f in logger.filters):
            logger.addFilter(masking)
        for handler in logger.handlers:
            if not any(isinstance(f, MaskingFilter) for f in handler.filters):
                handler.addFilter(masking)
