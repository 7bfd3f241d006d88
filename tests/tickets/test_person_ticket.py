"""Individual tickets (个人报名 and accepted waiting-list places): the same page, images and mail
as a group's, reached from /my/<token>, resent by organizers."""
import icalendar
import pytest
import sqlalchemy as sa

from tests.factories import create_user, create_venue
from tests.mailserver import attachments, body, decode_qr
from tests.registration.helpers import create_individual_slot, register
from visitorapp.accounts.models import Role
from visitorapp.audit.models import AuditEntry
from visitorapp.database import atomic
from visitorapp.outbox.models import OutboxMessage
from visitorapp.registration import services
from visitorapp.tickets import tokens
from visitorapp.tickets.services import holder_for_token
from visitorapp.timeutil import utcnow


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, **smtp_server.config}


@pytest.fixture
def registration(db):
    venue = create_venue(name="全国化学会科普基地·精艺楼", building="精艺楼")
    slot = create_individual_slot(venue=venue, capacity=5, label="简历门诊专区")
    registration = register(slot, name="王同学", email="wang@example.com")
    db.session.commit()
    return registration


def test_the_manage_page_opens_a_ticket_page_with_qr_png_and_print(client, registration):
    manage = client.get(f"/my/{registration.manage_token}").get_data(as_text=True)
    token = tokens.token_for(registration)
    assert f'href="/ticket/{token}"' in manage and "查看入场码" in manage

    response = client.get(f"/ticket/{token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
    assert "<svg" in page and registration.reference in page and "王同学" in page
    assert "一人一码" in page and "打印确认函" in page and "全团共用一码" not in page
    assert "简历门诊（简历门诊专区）" in page
    assert "全国化学会科普基地·精艺楼" in page and "精艺楼 · 精艺楼" not in page
    assert registration.mobile not in page  # masked

    png = client.get(f"/ticket/{token}.png?download=1")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert f"ticket-{registration.reference}.png" in png.headers["Content-Disposition"]
    [decoded] = decode_qr(png.data)
    assert holder_for_token(decoded) == registration

    # Typed in lower case: the one canonical URL.
    assert client.get(f"/ticket/{token.lower()}").status_code == 301


def test_a_cancelled_registration_shows_a_void_ticket_and_no_qr(client, registration):
    token = tokens.token_for(registration)
    atomic(services.cancel_registration, registration, now=utcnow())
    page = client.get(f"/ticket/{token}").get_data(as_text=True)
    assert "已作废" in page and "此报名已于" in page and "<svg" not in page
    assert client.get(f"/ticket/{token}.png").status_code == 404


def test_confirmation_mail_carries_the_ticket_link_and_a_qr_the_gate_reads(runner, smtp_server,
                                                                          registration):
    result = runner.invoke(args=["mail", "send-outbox"])
    assert "已发送 1 封" in result.output, result.output
    [mail] = smtp_server.messages
    token = tokens.token_for(registration)
    text, html = body(mail, "plain"), body(mail, "html")
    assert f"http://localhost/ticket/{token}" in text and 'src="cid:ticket-qr"' in html
    files = attachments(mail)
    png = files[f"ticket-{registration.reference}.png"]
    [decoded] = decode_qr(png.get_content())
    assert holder_for_token(decoded) == registration
    # The calendar entry, as a group's confirmation has it (the same builder).
    ics = files[f"visit-{registration.reference}.ics"]
    assert ics.get_content_type() == "text/calendar"
    [event] = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert event.decoded("dtstart") == registration.slot.starts_at
    assert "简历门诊（简历门诊专区）" in str(event["summary"])
    assert "全国化学会科普基地·精艺楼" in str(event["location"])
    assert f"/ticket/{token}" in str(event["description"])


def test_the_recovery_mail_has_the_registration_ticket_link(client, db, registration):
    client.post("/recover", data={"mobile": registration.mobile, "reference": registration.reference})
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "recovery"))
    assert f"http://localhost/ticket/{tokens.token_for(registration)}" in mail.body_text
    assert f"http://localhost/my/{registration.manage_token}" in mail.body_text


def test_organizers_see_the_ticket_link_and_resend_the_confirmation_audited(client, login, db,
                                                                          registration):
    login(create_user(Role.ORGANIZER))
    page = client.get(f"/staff/registration/events/{registration.event_id}").get_data(as_text=True)
    assert f"/ticket/{tokens.token_for(registration)}" in page and "重发确认邮件" in page
    before = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    response = client.post(f"/staff/registration/{registration.id}/resend", follow_redirects=True)
    assert "确认邮件已重新发送至 w***@example.com" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == before + 1
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "registration.resend"))
    assert entry is not None and "wang@example.com" not in entry.summary

    atomic(services.cancel_registration, registration, now=utcnow())
    response = client.post(f"/staff/registration/{registration.id}/resend", follow_redirects=True)
    assert "无法重发确认邮件" in response.get_data(as_text=True)


def test_gate_staff_cannot_resend(client, login, registration):
    login(create_user(Role.GATE))
    assert client.post(f"/staff/registration/{registration.id}/resend").status_code in (302, 403)
