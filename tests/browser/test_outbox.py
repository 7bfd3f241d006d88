"""An organizer finds a failed confirmation and resends it, in a real browser (CSRF on)."""
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.factories import create_booking, create_user
from visitorapp.accounts.models import Role
from visitorapp.outbox.models import MessageStatus, OutboxMessage


def test_organizer_resends_a_failed_message(page, live_server, db):
    create_booking(email="li@example.com")
    message = db.session.scalar(sa.select(OutboxMessage))
    message.status, message.attempts = MessageStatus.FAILED, 6
    message.last_error = "SMTPRecipientsRefused: mailbox unavailable"
    create_user(role=Role.ORGANIZER, username="organizer1")
    db.session.commit()

    page.goto(f"{live_server}/login?next=/staff/mail/")
    page.get_by_label("用户名").fill("organizer1")
    page.get_by_label("密码").fill("correct-horse-9")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="发送失败（1）").click()
    row = page.locator("tr.status-failed")
    expect(row).to_contain_text("mailbox unavailable")
    row.get_by_role("button", name="重发").click()
    expect(page.locator(".flash-success")).to_contain_text("已重新加入发送队列")
    db.session.refresh(message)
    assert message.status == MessageStatus.PENDING and message.attempts == 0
