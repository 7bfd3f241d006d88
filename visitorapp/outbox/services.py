"""Queue and send email through the outbox.

``enqueue`` only adds a row to the caller's transaction. ``send_due`` claims due messages with a
conditional UPDATE (pending → sending), so two senders never send the same message, sends each
through Flask-Mail, and records the outcome; a failure schedules a retry with growing back-off.
A sender that crashes mid-send leaves a "sending" row that is reclaimed after LEASE.
"""
import logging
import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_mail import Connection, Message

from ..audit.models import log_action
from ..database import insert_missing
from ..errors import DomainError
from ..extensions import db
from ..timeutil import utcnow
from .models import MessageStatus, OutboxMessage

log = logging.getLogger(__name__)

#: Seconds before attempt n+1: 1 min, 5 min, 15 min, 1 h, 3 h, then give up.
BACKOFF = (60, 300, 900, 3600, 10800)
LEASE = timedelta(minutes=10)

#: Attachment renderers by type: fn(message, attachment_spec) -> (filename, mimetype, bytes, headers)
ATTACHMENT_RENDERERS: dict[str, Callable] = {}


def enqueue(recipient: str, subject: str, body_text: str, *, kind: str, body_html: str = "",
            booking_id: int | None = None, edition_id: int | None = None,
            attachments: list | None = None, dedupe_key: str | None = None) -> int | None:
    """Add a message to the outbox in the current transaction; its id, or None when there is no
    recipient or a message with the same ``dedupe_key`` is already queued.

    One statement, ``INSERT … ON CONFLICT (dedupe_key) DO NOTHING``: losing a race on the key
    (two reminder runs at once) leaves the caller's transaction usable, with no look-up first and
    no savepoint (a confirmation mail used to cost four statements inside the booking's lock)."""
    if not recipient:
        return None
    now = utcnow()  # the row's timestamps, as a column default would stamp them (no rule reads them)
    return insert_missing(OutboxMessage, {
        "kind": kind, "dedupe_key": dedupe_key, "booking_id": booking_id,
        "edition_id": edition_id, "recipient": recipient, "subject": subject,
        "body_text": body_text, "body_html": body_html, "attachments": attachments or [],
        "status": MessageStatus.PENDING, "attempts": 0, "next_attempt_at": now,
        "last_error": "", "created_at": now, "sent_at": None}, ("dedupe_key",), returning="id")


def claim(message_id: int, now: datetime) -> bool:
    """pending (or a stale sending) → sending at ``now``, atomically; False if someone else has it."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id,
               sa.or_(OutboxMessage.status == MessageStatus.PENDING,
                      sa.and_(OutboxMessage.status == MessageStatus.SENDING,
                              OutboxMessage.next_attempt_at < now - LEASE)))
        .values(status=MessageStatus.SENDING, next_attempt_at=now,
                attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def due_ids(now: datetime, limit: int = 50) -> list[int]:
    """Messages due at ``now``: pending and their time has come, or sending past the lease."""
    return list(db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(sa.or_(sa.and_(OutboxMessage.status == MessageStatus.PENDING,
                              OutboxMessage.next_attempt_at <= now),
                      sa.and_(OutboxMessage.status == MessageStatus.SENDING,
                              OutboxMessage.next_attempt_at < now - LEASE)))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)))


def send_due(now: datetime, limit: int = 50) -> dict[str, int]:
    """Send what is due at ``now`` (the caller's clock: a CLI run, a worker tick); returns counts
    {"sent": n, "retry": n, "failed": n}. The batch's moment times its leases, retries and
    ``sent_at``: a batch takes seconds, the back-off steps are minutes."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    with SMTPSession() as smtp:
        for message_id in due_ids(now, limit):
            if not claim(message_id, now):
                continue
            message = db.session.get(OutboxMessage, message_id)
            try:
                smtp.send(build_mail(message))
            except Exception as exc:  # noqa: BLE001 - any SMTP/network failure is retried
                outcome = _failed(message, exc, now)
            else:
                message.status = MessageStatus.SENT
                message.sent_at = now
                message.last_error = ""
                outcome = "sent"
            db.session.commit()
            counts[outcome] += 1
    return counts


class TimeoutConnection(Connection):
    """Flask-Mail's connection with a socket timeout: a mail server that accepts the connection
    and then says nothing must not hang the sender (smtplib waits forever by default)."""

    def configure_host(self):
        state = self.mail
        smtp_class = smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP
        host = smtp_class(state.server, state.port,
                          timeout=current_app.config.get("MAIL_TIMEOUT", 30))
        host.set_debuglevel(int(state.debug))
        if state.use_tls:
            host.starttls()
        if state.username and state.password:
            host.login(state.username, state.password)
        return host


class SMTPSession:
    """One SMTP connection for a batch, opened on the first message and opened again after an
    error (the next message should not inherit a broken connection)."""

    def __init__(self):
        self._connection: TimeoutConnection | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def send(self, message: Message) -> None:
        if self._connection is None:
            connection = TimeoutConnection(current_app.extensions["mail"])
            self._connection = connection.__enter__()
        try:
            self._connection.send(message)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and connection.host is not None:
            try:
                connection.host.quit()
            except (smtplib.SMTPException, OSError):
                connection.host.close()


def build_mail(message: OutboxMessage) -> Message:
    mail_message = Message(subject=message.subject, recipients=[message.recipient],
                           body=message.body_text, html=message.body_html or None,
                           sender=current_app.config["MAIL_DEFAULT_SENDER"])
    for spec in message.attachments or []:
        render = ATTACHMENT_RENDERERS.get(spec.get("type"))
        if render is None:
            raise ValueError(f"unknown attachment type {spec.get('type')!r}")
        rendered = render(message, spec)
        if rendered is None:  # no longer applies (e.g. the QR code of a cancelled booking)
            continue
        filename, mimetype, data, headers = rendered
        # "inline": shown in the HTML part through its Content-ID rather than listed as a file.
        mail_message.attach(filename, mimetype, data, headers=headers,
                            disposition="inline" if spec.get("inline") else None)
    return mail_message


def resend(message: OutboxMessage, now: datetime) -> None:
    """An organizer asks to send a failed (or a sent but lost) message again, from the first
    back-off step. A message still queued is left alone: it would go out twice."""
    if message.status not in (MessageStatus.FAILED, MessageStatus.SENT):
        raise DomainError("still_queued", "该邮件仍在发送队列中，无需重发。")
    before = {"status": message.status.value, "attempts": message.attempts}
    message.status = MessageStatus.PENDING
    message.next_attempt_at = now
    message.attempts = 0
    message.last_error = ""
    log_action("outbox.resend", message, before=before, after={"status": "pending"},
               summary=f"重发邮件 #{message.id}（{message.kind}）")
    db.session.flush()


def _failed(message: OutboxMessage, exc: Exception, now: datetime) -> str:
    # Log the message id and the error class only: the recipient is personal data.
    log.warning("outbox message %s attempt %s failed: %s", message.id, message.attempts,
                type(exc).__name__)
    message.last_error = f"{type(exc).__name__}: {exc}"[:500]
    if message.attempts > len(BACKOFF):
        message.status = MessageStatus.FAILED
        return "failed"
    message.status = MessageStatus.PENDING
    message.next_attempt_at = now + timedelta(seconds=BACKOFF[message.attempts - 1])
    return "retry"
