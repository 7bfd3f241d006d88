"""Queue and send email through the outbox.

``enqueue`` only adds a row to the caller's transaction. ``send_due`` claims due messages with a
conditional UPDATE (pending → sending), so two senders never send the same message, sends each
through Flask-Mail, and records the outcome; a failure schedules a retry with growing back-off.
A sender that crashes mid-send leaves a "sending" row that is reclaimed after LEASE.
"""
import logging
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_mail import Message

from ..extensions import db, mail
from ..timeutil import utcnow
from .models import MessageStatus, OutboxMessage

log = logging.getLogger(__name__)

#: Seconds before attempt n+1: 1 min, 5 min, 15 min, 1 h, 3 h, then give up.
BACKOFF = (60, 300, 900, 3600, 10800)
LEASE = timedelta(minutes=10)

#: Attachment renderers by type: fn(message, attachment_spec) -> (filename, mimetype, bytes, headers)
ATTACHMENT_RENDERERS: dict[str, Callable] = {}


def enqueue(recipient: str, subject: str, body_text: str, *, kind: str, body_html: str = "",
            booking_id: int | None = None, attachments: list | None = None,
            dedupe_key: str | None = None) -> OutboxMessage | None:
    """Add a message to the outbox in the current transaction (None if already queued)."""
    if not recipient:
        return None
    if dedupe_key and db.session.scalar(
            sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
        return None
    message = OutboxMessage(recipient=recipient, subject=subject, body_text=body_text,
                            body_html=body_html, kind=kind, booking_id=booking_id,
                            attachments=attachments or [], dedupe_key=dedupe_key)
    db.session.add(message)
    db.session.flush()
    return message


def claim(message_id: int) -> bool:
    """pending (or a stale sending) → sending, atomically; False if someone else has it."""
    now = utcnow()
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


def due_ids(limit: int = 50) -> list[int]:
    now = utcnow()
    return list(db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(sa.or_(sa.and_(OutboxMessage.status == MessageStatus.PENDING,
                              OutboxMessage.next_attempt_at <= now),
                      sa.and_(OutboxMessage.status == MessageStatus.SENDING,
                              OutboxMessage.next_attempt_at < now - LEASE)))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)))


def send_due(limit: int = 50) -> dict[str, int]:
    """Send what is due; returns counts {"sent": n, "retry": n, "failed": n}."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for message_id in due_ids(limit):
        if not claim(message_id):
            continue
        message = db.session.get(OutboxMessage, message_id)
        try:
            mail.send(build_mail(message))
        except Exception as exc:  # noqa: BLE001 - any SMTP/network failure is retried
            outcome = _failed(message, exc)
        else:
            message.status = MessageStatus.SENT
            message.sent_at = utcnow()
            message.last_error = ""
            outcome = "sent"
        db.session.commit()
        counts[outcome] += 1
    return counts


def build_mail(message: OutboxMessage) -> Message:
    mail_message = Message(subject=message.subject, recipients=[message.recipient],
                           body=message.body_text, html=message.body_html or None,
                           sender=current_app.config["MAIL_DEFAULT_SENDER"])
    for spec in message.attachments or []:
        render = ATTACHMENT_RENDERERS.get(spec.get("type"))
        if render is None:
            raise ValueError(f"unknown attachment type {spec.get('type')!r}")
        filename, mimetype, data, headers = render(message, spec)
        mail_message.attach(filename, mimetype, data, headers=headers)
    return mail_message


def resend(message: OutboxMessage) -> None:
    """An organizer asks to try a failed message again (from the first back-off step)."""
    message.status = MessageStatus.PENDING
    message.next_attempt_at = utcnow()
    message.attempts = 0
    message.last_error = ""


def _failed(message: OutboxMessage, exc: Exception) -> str:
    # Log the message id and the error class only: the recipient is personal data.
    log.warning("outbox message %s attempt %s failed: %s", message.id, message.attempts,
                type(exc).__name__)
    message.last_error = f"{type(exc).__name__}: {exc}"[:500]
    if message.attempts > len(BACKOFF):
        message.status = MessageStatus.FAILED
        return "failed"
    message.status = MessageStatus.PENDING
    message.next_attempt_at = utcnow() + timedelta(seconds=BACKOFF[message.attempts - 1])
    return "retry"
