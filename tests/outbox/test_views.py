"""邮件发送 page: organizers see failed messages, read them and resend; nobody else gets in."""
import pytest
import sqlalchemy as sa

from tests.factories import create_booking, create_user
from visitorapp.accounts.models import Role
from visitorapp.audit.models import AuditEntry
from visitorapp.outbox.models import MessageStatus, OutboxMessage
from visitorapp.tickets import tokens


@pytest.fixture
def failed(db):
    booking = create_booking(email="li@example.com", school_name="醴陵市第一中学")
    message = db.session.scalar(sa.select(OutboxMessage))
    message.status = MessageStatus.FAILED
    message.attempts = 6
    message.last_error = "SMTPRecipientsRefused: {'li@example.com': (550, b'mailbox unavailable')}"
    db.session.commit()
    return message, booking


@pytest.mark.parametrize("role, status", [(Role.ORGANIZER, 200), (Role.ADMIN, 200),
                                          (Role.GATE, 403), (Role.REPORTER, 403)])
def test_only_organizers_see_the_outbox(client, login, db, failed, role, status):
    message, _ = failed
    login(create_user(role=role))
    for url in ("/staff/mail/", f"/staff/mail/{message.id}", f"/staff/mail/{message.id}/html",
                f"/staff/mail/{message.id}/attachments/0"):
        assert client.get(url).status_code == status, url
    assert client.post(f"/staff/mail/{message.id}/resend").status_code in (status, 302)


def test_anonymous_is_sent_to_login(client, db, failed):
    message, _ = failed
    response = client.get("/staff/mail/")
    assert response.status_code == 302 and "/login" in response.location
    assert client.post(f"/staff/mail/{message.id}/resend").status_code == 302
    db.session.refresh(message)
    assert message.status == MessageStatus.FAILED


def test_failed_message_is_listed_with_its_error_and_can_be_resent(client, login, db, failed):
    message, _ = failed
    login(create_user(role=Role.ORGANIZER))
    html = client.get("/staff/mail/?status=failed").get_data(as_text=True)
    assert "发送失败" in html and "mailbox unavailable" in html and "li@example.com" in html
    assert "重发" in html and message.subject in html

    response = client.post(f"/staff/mail/{message.id}/resend", data={"back": "list"})
    assert response.status_code == 302 and response.location.endswith("/staff/mail/")
    db.session.refresh(message)
    assert message.status == MessageStatus.PENDING and message.attempts == 0
    assert message.last_error == ""
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "outbox.resend"))
    assert entry.object_id == message.id and entry.before["status"] == "failed"

    again = client.post(f"/staff/mail/{message.id}/resend", follow_redirects=True)
    assert "仍在发送队列中" in again.get_data(as_text=True)


def test_message_body_and_attachments_can_be_read(client, login, db, failed):
    message, booking = failed
    login(create_user(role=Role.ORGANIZER))
    html = client.get(f"/staff/mail/{message.id}").get_data(as_text=True)
    assert "醴陵市第一中学" in html and tokens.token_for(booking) in html
    assert "入场二维码（PNG）" in html and "日历文件（.ics）" in html
    body = client.get(f"/staff/mail/{message.id}/html")
    assert "sandbox" in body.headers["Content-Security-Policy"]
    assert "script-src" not in body.headers["Content-Security-Policy"]
    assert "预约成功" in body.get_data(as_text=True)
    png = client.get(f"/staff/mail/{message.id}/attachments/1")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    ics = client.get(f"/staff/mail/{message.id}/attachments/2")
    assert ics.mimetype == "text/calendar" and b"BEGIN:VCALENDAR" in ics.data
    assert client.get(f"/staff/mail/{message.id}/attachments/9").status_code == 404


def test_school_names_are_escaped(client, login, db):
    create_booking(email="x@example.com", school_name="<script>alert(1)</script>中学")
    db.session.commit()
    login(create_user(role=Role.ORGANIZER))
    message = db.session.scalar(sa.select(OutboxMessage))
    html = client.get(f"/staff/mail/{message.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


class TestWithCSRF:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_resend_without_csrf_token_changes_nothing(self, client, db, failed):
        message, _ = failed
        user = create_user(role=Role.ORGANIZER)
        db.session.commit()
        with client.session_transaction() as session:  # sign in without a form post
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        response = client.post(f"/staff/mail/{message.id}/resend")
        assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)
        db.session.refresh(message)
        assert message.status == MessageStatus.FAILED
