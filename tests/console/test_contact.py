"""Contact on every page that may need it: the organizers set 联系人、电话、地址、交通/停车 once for the
week, and teachers and students find it on the confirmation, the 确认函/ticket, every e-mail and the
privacy page."""
import sqlalchemy as sa

from tests.console.test_programme import settings_data
from tests.factories import create_event, create_user
from tests.registration.helpers import create_individual_slot, register
from visitorapp.accounts.models import Role
from visitorapp.outbox.models import OutboxMessage
from visitorapp.programme.models import ParticipationMode
from visitorapp.tickets.tokens import token_for

CONTACT = {"contact_name": "活动周工作组 王老师", "contact_phone": "0731-12345678",
           "address": "株洲市天元区新马西路", "directions": "大巴请停放在东门停车场\n乘公交T12路至学院站"}


def test_the_week_contact_is_shown_wherever_a_visitor_may_need_it(client, db, login, world):
    login(create_user(Role.ORGANIZER))
    response = client.post(f"/console/settings?edition={world.edition.year}",
                           data=settings_data(booking_opens_at="", booking_closes_at="",
                                              **CONTACT))
    assert response.status_code == 302
    client.post("/logout")
    world.booking.email = "li@school.cn"
    clinic = create_event(world.edition, name="简历门诊", mode=ParticipationMode.INDIVIDUAL)
    person = register(create_individual_slot(event=clinic, capacity=3), email="s@example.com")
    db.session.commit()

    booking = world.booking
    pages = {
        "confirmation": client.get(f"/b/{booking.manage_token}/confirmed"),
        "manage": client.get(f"/b/{booking.manage_token}"),
        "ticket": client.get(f"/ticket/{token_for(booking)}"),
        "person ticket": client.get(f"/ticket/{token_for(person)}"),
        "my": client.get(f"/my/{person.manage_token}"),
        "privacy": client.get("/privacy"),
        # Whoever lost the link and gave no e-mail must know whom to call.
        "recovery": client.get("/recover"),
        "recovery sent": client.get("/recover/sent"),
    }
    for name, page in pages.items():
        text = page.get_data(as_text=True)
        assert page.status_code == 200, name
        assert "0731-12345678" in text and "活动周工作组 王老师" in text, name
        assert "株洲市天元区新马西路" in text and "大巴请停放在东门停车场" in text, name

    from visitorapp.tickets import services as tickets
    tickets.resend_confirmation(booking)
    tickets.resend_confirmation(person)
    db.session.flush()
    for mail in db.session.scalars(sa.select(OutboxMessage)):
        if mail.recipient in ("li@school.cn", "s@example.com"):
            for body in (mail.body_text, mail.body_html):
                assert "0731-12345678" in body and "株洲市天元区新马西路" in body, mail.kind
