"""A crash between the booking and its mail loses no mail: the outbox row commits with the booking."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories import create_slot, group_details
from visitorapp.booking import services as booking_services
from visitorapp.booking.models import Booking
from visitorapp.database import atomic
from visitorapp.extensions import db, mail
from visitorapp.outbox import services as outbox
from visitorapp.outbox.models import MessageStatus, OutboxMessage
from visitorapp.timeutil import utcnow


def _fresh_count(db, model) -> int:
    """Counted on a new connection: only what was really committed."""
    with db.engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(model))


def _book_and_queue(slot, details):
    """A booking in one unit of work: the tickets feature's booking_created receiver queues its
    confirmation in the same transaction (nothing here queues it)."""
    booking = booking_services.create_booking(slot, details, now=utcnow())
    queued = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                               .where(OutboxMessage.booking_id == booking.id,
                                      OutboxMessage.kind == "booking.confirmed"))
    assert queued == 1, "booking a slot must queue its confirmation mail"
    return booking


def mail_server_down(app, monkeypatch):
    """Real sends to a closed port on 127.0.0.1: the SMTP connection is refused."""
    state = app.extensions["mail"]
    for name, value in (("suppress", False), ("server", "127.0.0.1"), ("port", 1),
                        ("use_tls", False), ("use_ssl", False)):
        monkeypatch.setattr(state, name, value)


def mail_server_up(app, monkeypatch):
    """Flask-Mail's suppressed mode: nothing leaves, every dispatched message is recorded."""
    monkeypatch.setattr(app.extensions["mail"], "suppress", True)


def test_mail_server_crash_after_commit_keeps_booking_and_mail(app, db, monkeypatch):
    slot = create_slot()
    db.session.commit()
    booking = atomic(_book_and_queue, slot, group_details(email="teacher@example.edu.cn"))
    assert _fresh_count(db, Booking) == 1 and _fresh_count(db, OutboxMessage) == 1

    mail_server_down(app, monkeypatch)
    assert outbox.send_due(now=utcnow()) == {"sent": 0, "retry": 1, "failed": 0}
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.status == MessageStatus.PENDING and message.attempts == 1
    assert message.last_error and message.booking_id == booking.id

    mail_server_up(app, monkeypatch)
    message.next_attempt_at = message.next_attempt_at - timedelta(hours=1)  # the retry is due
    db.session.commit()
    with mail.record_messages() as sent:
        assert outbox.send_due(now=utcnow()) == {"sent": 1, "retry": 0, "failed": 0}
    assert [m.recipients for m in sent] == [["teacher@example.edu.cn"]]


def test_sender_process_dies_mid_send_then_the_message_is_reclaimed(app, db, monkeypatch):
    slot = create_slot()
    db.session.commit()
    mail_server_down(app, monkeypatch)  # nothing may leave before the simulated crash
    atomic(_book_and_queue, slot, group_details(email="a@example.edu.cn"))
    message_id = db.session.scalar(sa.select(OutboxMessage.id))
    assert outbox.claim(message_id, now=utcnow())  # a worker claimed it … and was killed before sending
    assert outbox.send_due(now=utcnow()) == {"sent": 0, "retry": 0, "failed": 0}  # not sent twice meanwhile
    message = db.session.get(OutboxMessage, message_id)
    db.session.refresh(message)
    message.next_attempt_at -= outbox.LEASE + timedelta(seconds=1)  # the lease has run out
    db.session.commit()
    mail_server_up(app, monkeypatch)
    with mail.record_messages() as sent:
        assert outbox.send_due(now=utcnow())["sent"] == 1
    assert len(sent) == 1


def test_crash_inside_the_unit_leaves_neither_booking_nor_mail(app, db):
    slot = create_slot(capacity=100)
    db.session.commit()

    def book_then_crash(slot, details):
        _book_and_queue(slot, details)
        raise RuntimeError("worker killed before commit")

    with pytest.raises(RuntimeError):
        atomic(book_then_crash, slot, group_details(email="b@example.edu.cn"))
    assert _fresh_count(db, Booking) == 0 and _fresh_count(db, OutboxMessage) == 0
    db.session.refresh(slot)
    assert slot.booked == 0


def test_web_booking_commits_its_confirmation_mail_with_it(app, client, db, monkeypatch):
    """Through the form: the mail row exists as soon as the teacher sees the confirmation."""
    mail_server_down(app, monkeypatch)
    slot = create_slot()
    db.session.commit()
    response = client.post(f"/book/{slot.id}", data={
        "slot_id": slot.id, "school_name": "长沙市邮件中学", "school_stage": "junior",
        "students": 20, "teachers": 2, "leader_name": "吴老师", "leader_mobile": "13912345670",
        "email": "wu@example.edu.cn", "privacy": "y"})
    assert response.status_code == 302
    assert _fresh_count(db, OutboxMessage) == 1
    booking = db.session.scalar(sa.select(Booking))
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.booking_id == booking.id and message.recipient == "wu@example.edu.cn"
    outbox.send_due(now=utcnow())  # the mail server is down: the message stays queued for a retry
    db.session.refresh(message)
    assert message.status != MessageStatus.SENT and message.status != MessageStatus.FAILED
