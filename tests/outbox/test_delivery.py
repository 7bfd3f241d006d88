"""The outbox: a booking never waits for the mail server, and every message goes out exactly once."""
import socket
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories import create_booking, create_slot
from visitorapp.booking.models import Booking
from visitorapp.extensions import db as _db
from visitorapp.outbox import services as outbox
from visitorapp.outbox.models import MessageStatus, OutboxMessage
from visitorapp.timeutil import utcnow


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, **smtp_server.config}


def book_over_http(client, slot, n: int):
    return client.post(f"/book/{slot.id}", data={
        "slot_id": slot.id, "school_name": f"株洲市第{n}小学", "school_stage": "junior",
        "grades": "七年级", "students": 20, "teachers": 2, "leader_name": "赵老师",
        "leader_mobile": f"1390000{n:04d}", "email": f"teacher{n}@example.com", "privacy": "y"})


def messages(status=None):
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if status:
        query = query.where(OutboxMessage.status == status)
    return _db.session.scalars(query).all()


def make_due():
    """Let the back-off time pass."""
    _db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    _db.session.commit()


def test_mail_server_down_bookings_succeed_and_a_later_run_delivers_each_once(
        client, runner, smtp_server, db):
    slot = create_slot(capacity=200)
    db.session.commit()
    smtp_server.stop()

    for n in range(3):
        response = book_over_http(client, slot, n)
        assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 3
    assert len(messages(MessageStatus.PENDING)) == 3

    result = runner.invoke(args=["mail", "send-outbox"])
    assert "已发送 0 封，稍后重试 3 封" in result.output
    for message in messages():
        assert message.status == MessageStatus.PENDING and message.attempts == 1
        assert "Connection refused" in message.last_error or "Errno" in message.last_error
        assert message.next_attempt_at > utcnow() + timedelta(seconds=30)  # back-off, not a hot loop

    smtp_server.start()
    assert "已发送 0 封" in runner.invoke(args=["mail", "send-outbox"]).output  # not yet due
    make_due()
    assert "已发送 3 封" in runner.invoke(args=["mail", "send-outbox"]).output
    assert "已发送 0 封" in runner.invoke(args=["mail", "send-outbox"]).output
    make_due()
    assert "已发送 0 封" in runner.invoke(args=["mail", "send-outbox"]).output
    assert sorted(m["To"] for m in smtp_server.messages) == [
        f"teacher{n}@example.com" for n in range(3)]
    assert all(m.status == MessageStatus.SENT and m.sent_at for m in messages())


def test_two_concurrent_senders_send_each_message_once(app, smtp_server, db):
    slot = create_slot(capacity=2000)
    for n in range(24):
        create_booking(slot, email=f"t{n}@example.com", students=10, teachers=1)
    db.session.commit()
    results, errors = [], []
    start = threading.Barrier(2)

    def sender():
        try:
            with app.app_context():
                start.wait()
                results.append(outbox.send_due(limit=100, now=utcnow()))
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sum(r["sent"] for r in results) == 24
    recipients = [m["To"] for m in smtp_server.messages]
    assert len(recipients) == 24 and len(set(recipients)) == 24
    db.session.expire_all()
    assert {m.attempts for m in messages()} == {1}


def test_gives_up_after_the_last_back_off_step_then_an_organizer_can_resend(runner, smtp_server, db):
    create_booking(email="a@example.com")
    db.session.commit()
    smtp_server.stop()
    for _ in range(len(outbox.BACKOFF) + 1):
        make_due()
        runner.invoke(args=["mail", "send-outbox"])
    [message] = messages()
    assert message.status == MessageStatus.FAILED and message.attempts == len(outbox.BACKOFF) + 1
    listing = runner.invoke(args=["mail", "list", "--status", "failed"])
    assert f"#{message.id}" in listing.output and "发送失败" in listing.output
    assert "a@example.com" not in listing.output

    smtp_server.start()
    outbox.resend(message, now=utcnow())
    db.session.commit()
    assert "已发送 1 封" in runner.invoke(args=["mail", "send-outbox"]).output
    assert len(smtp_server.messages) == 1


def test_a_server_that_never_answers_times_out_instead_of_hanging(app, db):
    create_booking(email="a@example.com")
    db.session.commit()
    with socket.socket() as silent:  # accepts connections (backlog) but never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        app.config["MAIL_PORT"] = silent.getsockname()[1]
        app.config["MAIL_TIMEOUT"] = 0.5
        app.extensions["mail"].port = app.config["MAIL_PORT"]
        began = time.monotonic()
        counts = outbox.send_due(now=utcnow())
    assert counts["retry"] == 1 and time.monotonic() - began < 5
    assert "timed out" in messages()[0].last_error


def test_background_worker_delivers_without_the_cli(app_config, smtp_server, db):
    from visitorapp import create_app
    app = create_app({**app_config, "OUTBOX_WORKER": True, "OUTBOX_INTERVAL": 0.05})
    with app.app_context():
        create_booking(email="worker@example.com")
        _db.session.commit()
        assert "outbox_worker" not in app.extensions  # not started by create_app (CLI-safe)
        app.test_client().get("/privacy")  # the first request starts it
        worker = app.extensions["outbox_worker"]
        try:
            deadline = time.monotonic() + 10
            while not smtp_server.messages and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            worker.stop()
        assert not worker.thread.is_alive()
        assert [m["To"] for m in smtp_server.messages] == ["worker@example.com"]
        _db.session.remove()
        _db.engine.dispose()
