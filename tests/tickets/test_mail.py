"""Booking emails through a real SMTP server on loopback, read back with the email package."""
from datetime import timedelta

import icalendar
import pytest
import sqlalchemy as sa

from tests.factories import create_booking, create_slot, create_venue
from tests.mailserver import attachments, body, decode_qr
from visitorapp.booking import services
from visitorapp.database import atomic
from visitorapp.outbox.models import MessageStatus, OutboxMessage
from visitorapp.tickets import tokens
from visitorapp.tickets.services import booking_for_token
from visitorapp.tickets.tokens import TokenError
from visitorapp.timeutil import utcnow

EMAIL = "li.laoshi@example.com"


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, **smtp_server.config}


@pytest.fixture
def booking(db):
    venue = create_venue(name="湖南省青少年科普基地", building="实训楼B栋",
                         visitor_notes="集合地点：实训楼B栋门口。")
    booking = create_booking(create_slot(venue=venue, capacity=200), email=EMAIL,
                             school_name="株洲市第二中学", leader_name="李老师", students=40, teachers=2)
    db.session.commit()
    return booking


def send_outbox(runner, expect_sent: int):
    result = runner.invoke(args=["mail", "send-outbox"])
    assert result.exit_code == 0, result.output
    assert f"已发送 {expect_sent} 封" in result.output, result.output


def test_confirmation_carries_a_qr_code_the_gate_accepts_until_cancelled(runner, smtp_server, booking):
    send_outbox(runner, 1)
    [mail] = smtp_server.messages
    assert mail["To"] == EMAIL and mail["X-Envelope-To"] == EMAIL
    assert "预约成功" in mail["Subject"] and booking.reference in mail["Subject"]
    token = tokens.token_for(booking)
    text, html = body(mail, "plain"), body(mail, "html")
    assert f"http://localhost/ticket/{token}" in text and "株洲市第二中学" in text
    assert "学生 40 人，教师 2 人" in text and "集合地点：实训楼B栋门口。" in text
    assert 'src="cid:ticket-qr"' in html

    # The QR code inline (referenced by the HTML) and as a file, both decoded by a real decoder.
    inline = [p for p in mail.walk() if p["Content-ID"] == "<ticket-qr>"]
    assert len(inline) == 1 and inline[0].get_content_disposition() == "inline"
    files = attachments(mail)
    png = files[f"ticket-{booking.reference}.png"]
    assert png.get_content_type() == "image/png" and png.get_content_disposition() == "attachment"
    for part in (inline[0], png):
        [decoded] = decode_qr(part.get_content())
        assert booking_for_token(decoded) == booking

    ics = files[f"visit-{booking.reference}.ics"]
    assert ics.get_content_type() == "text/calendar" and ics.get_content_charset() == "utf-8"
    calendar = icalendar.Calendar.from_ical(ics.get_content())
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == booking.slot.starts_at
    assert event.decoded("dtend") == booking.slot.ends_at
    assert "湖南省青少年科普基地" in str(event["location"]) and str(calendar["method"]) == "PUBLISH"

    atomic(services.cancel_booking, booking, reason="学校临时安排考试", now=utcnow())
    with pytest.raises(TokenError) as err:
        booking_for_token(decoded)
    assert err.value.code == "revoked"

    send_outbox(runner, 1)
    cancelled = smtp_server.messages[1]
    assert "预约已取消" in cancelled["Subject"]
    assert "学校临时安排考试" in body(cancelled, "plain") and "作废" in body(cancelled, "plain")
    files = attachments(cancelled)
    assert not any(name.endswith(".png") for name in files)  # no QR for a void ticket
    cancel_ics = icalendar.Calendar.from_ical(files[f"visit-{booking.reference}.ics"].get_content())
    assert str(cancel_ics["method"]) == "CANCEL"
    assert cancel_ics.walk("VEVENT")[0]["uid"] == event["uid"]


def test_change_notice_says_old_and_new_numbers(runner, smtp_server, booking):
    send_outbox(runner, 1)
    atomic(services.change_headcount, booking, 30, 2, enforce_deadline=False, now=utcnow())
    send_outbox(runner, 1)
    notice = smtp_server.messages[1]
    assert "人数已修改" in notice["Subject"]
    text = body(notice, "plain")
    assert "原为 学生 40 人、教师 2 人" in text and "现为 学生 30 人、教师 2 人" in text
    assert "入场码不变" in text and tokens.token_for(booking) in text


def test_no_email_address_no_message(db, runner, smtp_server):
    create_booking()  # email is optional on the form
    db.session.commit()
    send_outbox(runner, 0)
    assert smtp_server.messages == []


def test_confirmation_sent_after_cancellation_has_no_qr(runner, smtp_server, booking):
    atomic(services.cancel_booking, booking, now=utcnow())  # cancelled before the outbox ran
    send_outbox(runner, 2)
    confirmation = next(m for m in smtp_server.messages if "预约成功" in m["Subject"])
    assert attachments(confirmation) == {}


def test_reminder_the_day_before_is_queued_once(db, runner, smtp_server, booking):
    other = create_booking(booking.slot, email="")  # no address: nothing to send
    cancelled = create_booking(booking.slot, email="gone@example.com")
    db.session.commit()
    atomic(services.cancel_booking, cancelled, now=utcnow())
    day = booking.slot.local_day.isoformat()
    first = runner.invoke(args=["send-reminders", "--day", day])
    assert first.exit_code == 0 and "新加入发送队列 1 封" in first.output, first.output
    second = runner.invoke(args=["send-reminders", "--day", day])
    assert "新加入发送队列 0 封" in second.output and "1 封此前已加入" in second.output
    reminders = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.kind == "booking.reminder")).all()
    assert [m.booking_id for m in reminders] == [booking.id]
    assert other.id not in [m.booking_id for m in reminders]

    send_outbox(runner, 4)  # 2 confirmations, 1 cancellation, 1 reminder
    reminder = next(m for m in smtp_server.messages if "行前提醒" in m["Subject"])
    assert reminder["To"] == EMAIL and "明天" in reminder["Subject"]
    png = attachments(reminder)[f"ticket-{booking.reference}.png"]
    assert decode_qr(png.get_content()) == [tokens.token_for(booking)]
    assert 'src="cid:ticket-qr"' in body(reminder, "html")


def test_reminders_for_another_day_find_nothing(runner, booking):
    day = (booking.slot.local_day + timedelta(days=1)).isoformat()
    result = runner.invoke(args=["send-reminders", "--day", day])
    assert "新加入发送队列 0 封" in result.output


def test_reminder_day_must_be_a_date(runner, db):
    result = runner.invoke(args=["send-reminders", "--day", "明天"])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output


def test_message_waits_in_the_outbox_until_sent(db, booking):
    [message] = db.session.scalars(sa.select(OutboxMessage)).all()
    assert message.status == MessageStatus.PENDING and message.kind == "booking.confirmed"
    assert message.booking_id == booking.id
