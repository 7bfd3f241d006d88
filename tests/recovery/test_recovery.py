"""找回预约/报名: the links arrive by e-mail (a real SMTP server on loopback), only at the address
given when signing up; the page answers the same — body, status, timing — whether or not anything
was found; and it is rate-limited per client and per recipient."""
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories import create_booking, create_slot
from tests.mailserver import body
from tests.registration.helpers import create_individual_slot, register
from visitorapp.booking import services
from visitorapp.database import atomic
from visitorapp.outbox.models import OutboxMessage
from visitorapp.tickets.tokens import token_for
from visitorapp.timeutil import utcnow

#: A short constant answer time keeps the suite fast; the mechanism is the one production uses.
MIN_SECONDS = 0.25
EMAIL = "Li.Laoshi@Example.com"


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, **smtp_server.config, "RECOVERY_MIN_SECONDS": MIN_SECONDS}


@pytest.fixture
def booking(db):
    booking = create_booking(create_slot(capacity=200), email=EMAIL, leader_mobile="13811112222",
                             school_name="株洲市第二中学", students=40, teachers=2)
    db.session.commit()
    return booking


def ask(client, **data):
    started = time.monotonic()
    response = client.post("/recover", data=data)
    return response, time.monotonic() - started


def send_outbox(runner):
    result = runner.invoke(args=["mail", "send-outbox"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_teacher_gets_the_links_by_mail_and_they_work(client, runner, smtp_server, booking):
    smtp_server.inbox.messages.clear()
    send_outbox(runner)  # the confirmation mail, sent when the booking was made
    smtp_server.inbox.messages.clear()
    response, _ = ask(client, mobile="138 1111 2222", reference=booking.reference.lower())
    assert response.status_code == 302 and response.location.endswith("/recover/sent")
    assert "已发送 1 封" in send_outbox(runner)
    [mail] = smtp_server.messages
    assert mail["X-Envelope-To"] == EMAIL and "找回预约/报名" in mail["Subject"]
    text = body(mail, "plain")
    manage = f"http://localhost/b/{booking.manage_token}"
    ticket = f"http://localhost/ticket/{token_for(booking)}"
    assert manage in text and ticket in text and booking.reference in text
    assert manage in body(mail, "html")
    page = client.get(manage.removeprefix("http://localhost")).get_data(as_text=True)
    assert booking.reference in page
    assert client.get(ticket.removeprefix("http://localhost")).status_code == 200


def test_by_email_too_for_registrations_and_waiting_lists(client, runner, smtp_server, db):
    from tests.waitlist.test_services import join_person
    slot = create_individual_slot(capacity=1)
    registration = register(slot, mobile="13722223333", email="xiaoli@example.com")
    other = create_individual_slot(event=slot.event, capacity=1,
                                   starts_at=slot.starts_at + timedelta(hours=2))
    register(other)
    entry = join_person(other, mobile="13722223333", email="xiaoli@example.com")
    db.session.commit()
    response, _ = ask(client, mobile="13722223333", email="XiaoLi@example.com")
    assert response.status_code == 302
    send_outbox(runner)
    [mail] = [m for m in smtp_server.messages if "找回" in m["Subject"]]
    text = body(mail, "plain")
    assert f"/my/{registration.manage_token}" in text and f"/w/{entry.token}" in text
    assert registration.reference in text and "候补" in text


def page_of(response) -> tuple:
    return response.status_code, response.headers.get("Location"), response.get_data()


def test_the_answer_is_the_same_whether_or_not_a_booking_exists(client, db, booking):
    found, t_found = ask(client, mobile="13811112222", reference=booking.reference)
    wrong_reference, t_wrong = ask(client, mobile="13811112222", reference="TY-0101-AAAA")
    nobody, t_nobody = ask(client, mobile="13999999999", email="nobody@example.com")
    assert page_of(found) == page_of(wrong_reference) == page_of(nobody)
    assert found.status_code == 302
    # The constant answer time: a found booking (lookup, rendering and queueing a mail) and a miss
    # both answer after the same floor, so timing does not tell them apart.
    assert min(t_found, t_wrong, t_nobody) >= MIN_SECONDS
    sent = [client.get(r.location).get_data() for r in (found, wrong_reference, nobody)]
    assert sent[0] == sent[1] == sent[2]
    page = sent[0].decode()
    assert "请查收邮件" in page and "不显示是否查到记录" in page
    assert booking.reference not in page and booking.manage_token not in page
    mails = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "recovery")).all()
    assert [m.recipient for m in mails] == [EMAIL]


def test_links_go_only_to_the_address_on_the_booking(client, db, booking):
    ask(client, mobile="13811112222", email="attacker@example.com")   # someone else's mobile
    ask(client, mobile="13800000000", reference=booking.reference)     # a reference read aloud
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.kind == "recovery")) == 0
    ask(client, mobile="13811112222", reference=booking.reference, email="attacker@example.com")
    [mail] = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "recovery"))
    assert mail.recipient == EMAIL


def test_one_address_gets_at_most_three_recovery_mails_an_hour(client, db, booking):
    for _ in range(5):
        assert ask(client, mobile="13811112222", reference=booking.reference)[0].status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.kind == "recovery")) == 3


def test_a_cancelled_booking_or_one_without_email_gets_no_mail(client, db):
    no_mail = create_booking(create_slot(), leader_mobile="13811113333", email="")
    db.session.commit()
    response, _ = ask(client, mobile="13811113333", reference=no_mail.reference)
    assert response.status_code == 302
    cancelled = create_booking(create_slot(), leader_mobile="13811114444", email="c@example.com")
    atomic(services.cancel_booking, cancelled, now=utcnow())
    response, _ = ask(client, mobile="13811114444", reference=cancelled.reference)
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.kind == "recovery")) == 0


@pytest.mark.parametrize("data, message", [
    ({"mobile": "13811112222"}, "请填写预约号/报名号，或预约/报名时填写的电子邮箱。"),
    ({"mobile": "12345", "reference": "TY-0513-4K7Q"}, "请填写正确的11位手机号码"),
    ({"mobile": "13811112222", "reference": "<script>"}, "预约号/报名号格式不正确"),
    ({"mobile": "13811112222", "email": "not-an-email"}, "电子邮箱格式不正确。"),
])
def test_malformed_requests_say_why_in_chinese_and_send_nothing(client, db, data, message):
    response = client.post("/recover", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_the_page_is_linked_from_the_forms_and_every_footer(client, db):
    slot = create_slot()
    person = create_individual_slot()
    db.session.commit()
    for path in (f"/book/{slot.id}", f"/r/{person.id}", "/privacy", "/"):
        assert 'href="/recover"' in client.get(path).get_data(as_text=True), path
    assert "找回预约/报名" in client.get("/recover").get_data(as_text=True)


class TestRateLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_RECOVERY": "2 per minute",
                "RECOVERY_MIN_SECONDS": 0}

    def test_a_client_asking_too_often_is_slowed_down(self, client, db):
        for _ in range(2):
            assert client.post("/recover", data={"mobile": "13811112222",
                                                 "email": "a@example.com"}).status_code == 302
        refused = client.post("/recover", data={"mobile": "13811112222", "email": "a@example.com"})
        assert refused.status_code == 429 and "操作过于频繁" in refused.get_data(as_text=True)
