"""Every mail the service sends links to one host: PUBLIC_BASE_URL when set, else the request's.

Each mail type is produced here through the real operations (booking confirmed / pending /
rejected / changed / moved / cancelled / reminder / resent, registration confirmed / moved /
cancelled, waiting list joined / offered / expired, recovery), and every link in every body is
checked — the text part, the HTML part, and the calendar entry rendered later by the worker.
"""
import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
import sqlalchemy as sa

from tests.factories import create_edition, create_event, create_slot, create_venue, group_details
from tests.registration.helpers import create_individual_slot, person
from visitorapp.booking import approval
from visitorapp.booking import services as booking_services
from visitorapp.notices import services as notices
from visitorapp.outbox.models import OutboxMessage
from visitorapp.outbox.services import ATTACHMENT_RENDERERS
from visitorapp.recovery import services as recovery
from visitorapp.registration import services as registration_services
from visitorapp.tickets import notifications
from visitorapp.tickets import services as tickets
from visitorapp.timeutil import TZ, utcnow
from visitorapp.waitlist import services as waitlist
from visitorapp.waitlist.models import EntryKind

NOW = datetime(2031, 4, 28, 10, 0, tzinfo=TZ)
URL_RE = re.compile(r"https?://[^\s\"'<>）]+")
KINDS = {"booking.confirmed", "booking.pending", "booking.rejected", "booking.changed",
         "booking.moved", "booking.cancelled", "booking.reminder", "booking.notice",
         "registration.confirmed", "registration.moved", "registration.cancelled",
         "registration.notice", "waitlist.joined", "waitlist.offer", "waitlist.expired", "recovery"}

#: A rejection offers nothing to open (the booking is gone): it names whom to contact instead.
NO_LINKS = {"booking.rejected"}


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def produce_every_mail(db, **edition):
    """One of each mail, through the operations the pages and the CLI call (``edition``: more
    settings of the week, e.g. its contact)."""
    edition = create_edition(starts_on=NOW.date() + timedelta(days=7), approval_threshold=60,
                             approval_hours=48, **edition)
    venue = create_venue(safe_occupancy=400)
    event = create_event(edition)
    first = create_slot(event, venue, capacity=200, label="化工体验路线")
    second = create_slot(event, venue, capacity=200, label="制药体验路线",
                         starts_at=first.starts_at + timedelta(hours=2))

    booking = booking_services.create_booking(first, group_details(email="lead@school.cn"), now=utcnow())
    booking_services.change_headcount(booking, 30, 3, now=utcnow())
    booking_services.move_booking(booking, second, now=utcnow())
    notifications.queue_reminders(second.local_day)
    tickets.resend_confirmation(booking)
    big = booking_services.create_booking(first, group_details(students=75, teachers=5,
                                                               email="big@school.cn"), now=utcnow())
    approval.reject(big, reason="人数过多", now=NOW)
    recovery.send_links(booking.leader_mobile, booking.reference, "", NOW)
    notices.send_notice(edition, "day", "东门临时封闭", "请从北门入校。", day=second.local_day)
    booking_services.cancel_booking(booking, now=utcnow())

    clinic = create_individual_slot(capacity=1, event=create_event(edition, name="简历门诊",
                                                                   mode=event.mode.INDIVIDUAL))
    later = create_slot(clinic.event, clinic.venue, capacity=5,
                        starts_at=clinic.starts_at + timedelta(hours=1))
    student = registration_services.create_registration(clinic, person(email="s1@example.com"), now=utcnow())
    registration_services.move_registration(student, later, now=utcnow())
    notices.send_notice(edition, "slot", "请携带学生证", "入场时核对学生证。", slot=later)
    other = registration_services.create_registration(clinic, person(email="s2@example.com"), now=utcnow())
    waiting = person(email="s3@example.com")
    waitlist.join(clinic, EntryKind.INDIVIDUAL, name=waiting.name, mobile=waiting.mobile,
                  email=waiting.email, headcount=1, details=waiting.as_dict(), now=utcnow())
    registration_services.cancel_registration(other, now=utcnow())  # the place is offered to the queue
    waitlist.expire_offers(NOW + timedelta(days=3))
    db.session.flush()
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def hosts_of(message: OutboxMessage) -> set[str]:
    links = URL_RE.findall(message.body_text) + URL_RE.findall(message.body_html)
    for spec in message.attachments:
        if spec["type"] == "ics":
            rendered = ATTACHMENT_RENDERERS["ics"](message, spec)
            if rendered:
                links += URL_RE.findall(rendered[2].decode().replace("\r\n ", ""))
    assert links or message.kind in NO_LINKS, f"{message.kind} has no link"
    return {urlsplit(link).netloc for link in links}


@pytest.mark.parametrize("configured, request_base, expected", [
    ("https://visit.example.edu.cn", "http://10.0.0.5:8000", "visit.example.edu.cn"),
    ("", "http://10.0.0.5:8000", "10.0.0.5:8000"),
])
def test_every_mail_links_to_one_host(app, db, clock, configured, request_base, expected):
    app.config["PUBLIC_BASE_URL"] = configured
    with app.test_request_context("/", base_url=request_base):
        messages = produce_every_mail(db)
    assert {m.kind for m in messages} >= KINDS
    for message in messages:
        if message.kind in KINDS:
            assert hosts_of(message) <= {expected}, (message.kind, message.body_text)


def test_a_move_says_the_old_and_the_new_time_and_route(app, db, clock):
    messages = produce_every_mail(db)
    [moved] = [m for m in messages if m.kind == "booking.moved"]
    assert moved.subject.startswith("【职教周】预约时间已变更")
    assert "原为" in moved.body_text and "现为" in moved.body_text
    assert "09:00–10:30 测试" not in moved.body_text  # names the route, not only the event
    assert "（化工体验路线）" in moved.body_text and "（制药体验路线）" in moved.body_text
    assert "11:00–12:30" in moved.body_text and "09:00–10:30" in moved.body_text
    assert "人数已修改" not in moved.subject
    # The calendar entry moves too (a SEQUENCE above the confirmation's), and the later
    # cancellation outranks the move.
    [spec] = [a for a in moved.attachments if a["type"] == "ics"]
    [cancelled] = [m for m in messages if m.kind == "booking.cancelled"]
    [cancel_spec] = cancelled.attachments
    assert 0 < spec["sequence"] <= cancel_spec["sequence"]
    entry = icalendar.Calendar.from_ical(ATTACHMENT_RENDERERS["ics"](cancelled, cancel_spec)[2])
    [event] = entry.walk("VEVENT")
    assert int(event["sequence"]) == cancel_spec["sequence"]
    assert event.decoded("dtstart").astimezone(TZ).strftime("%H:%M") == "11:00"


def test_every_mail_says_whom_to_call(app, db, clock):
    """Contact on every mail (issue 12): the week's 联系人、电话、地址、交通/停车, in both parts."""
    messages = produce_every_mail(db, contact_name="活动周工作组 王老师", contact_phone="0731-12345678",
                                  address="株洲市天元区新马西路", directions="大巴请停放在东门停车场")
    assert {m.kind for m in messages} >= KINDS
    for message in messages:
        for part in (message.body_text, message.body_html):
            assert "0731-12345678" in part and "株洲市天元区新马西路" in part, message.kind
            assert "大巴请停放在东门停车场" in part, message.kind


def test_registration_mails_carry_the_calendar_entry_as_booking_mails_do(app, db, clock):
    """One .ics builder: a registration's confirmation, move and cancellation attach the entry;
    the move updates the same UID to the new time, the cancellation removes it."""
    messages = produce_every_mail(db)

    def entry(kind, nth=0):
        message = [m for m in messages if m.kind == kind][nth]
        [spec] = [a for a in message.attachments if a["type"] == "ics"]
        filename, mimetype, data, _ = ATTACHMENT_RENDERERS["ics"](message, spec)
        [event] = icalendar.Calendar.from_ical(data).walk("VEVENT")
        return filename, mimetype, event

    confirmed = entry("registration.confirmed")  # the student's, moved later: still active
    moved = entry("registration.moved")
    _, cancel_type, cancelled = entry("registration.cancelled")
    assert confirmed[0] == moved[0] and confirmed[0].startswith("visit-BM-")
    assert str(confirmed[2]["uid"]) == str(moved[2]["uid"])
    assert str(confirmed[2]["uid"]).startswith("registration-")
    assert int(moved[2]["sequence"]) > int(confirmed[2]["sequence"]) == 0
    assert "简历门诊" in str(moved[2]["summary"])
    # Rendered when sent, from the registration as it is then: the new slot, 10:00.
    assert moved[2].decoded("dtstart").astimezone(TZ).strftime("%H:%M") == "10:00"
    assert "method=CANCEL" in cancel_type and str(cancelled["status"]) == "CANCELLED"
    assert str(cancelled["uid"]) != str(moved[2]["uid"])  # the other student's entry
