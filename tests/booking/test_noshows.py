"""No-shows (爽约): marked after the slot from check-in data; the edition rule holds the mobile."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import PINNED
from tests.factories import create_booking, create_event, create_slot, group_details
from visitorapp.booking import noshows
from visitorapp.booking import services as booking_services
from visitorapp.booking.rules import RuleError
from visitorapp.booking.services import cancel_booking
from visitorapp.timeutil import utcnow


@pytest.fixture(autouse=True)
def clock(pinned):
    """Every test here at the ``pinned`` moment: slots end before it or start after it."""
    return pinned


def past_slot(event, hours_ago=3):
    """A slot that started ``hours_ago`` before the pinned moment (and, 90 minutes long, ended)."""
    return create_slot(event=event, starts_at=PINNED - timedelta(hours=hours_ago), capacity=200)


def test_groups_without_an_arrival_are_marked_after_their_slot(db):
    from tests.checkin.helpers import scan_at
    event = create_event()
    slot = past_slot(event)
    came = create_booking(slot)
    turned_away = create_booking(slot)
    stayed_away = create_booking(slot)
    upcoming = create_booking(create_slot(event=event))
    scan_at(came, slot.starts_at)
    cancel_booking(turned_away, reason="test", now=utcnow())
    scan_at(turned_away, slot.starts_at)  # revoked at the gate: nobody arrived, but cancelled
    marked = noshows.mark_no_shows(utcnow())
    assert {b.id for b in marked} == {stayed_away.id}
    assert came.no_show_at is None and upcoming.no_show_at is None
    assert noshows.mark_no_shows(utcnow()) == []  # idempotent


def test_the_command_says_how_many_were_marked(db, runner):
    create_booking(past_slot(create_event()))
    db.session.commit()
    result = runner.invoke(args=["bookings", "mark-no-shows"])
    assert "已标记爽约 1 个预约" in result.output


def test_the_edition_rule_holds_a_no_show_mobile_for_the_week(db):
    event = create_event()
    slot = past_slot(event)
    create_booking(slot, leader_mobile="13866668888")  # its slot ended: nobody came
    later = create_slot(event=event)
    booking_services.create_booking(later, group_details(leader_mobile="13866668888"), enforce_window=False,
                                    now=utcnow())
    event.edition.hold_no_shows = True
    db.session.flush()
    another = create_slot(event=event, starts_at=later.starts_at + timedelta(hours=2))
    with pytest.raises(RuleError) as err:
        booking_services.create_booking(another, group_details(leader_mobile="13866668888"),
                                        enforce_window=False, now=utcnow())
    assert err.value.code == "no_show_hold" and "爽约" in err.value.message


def test_organizer_sets_the_rule_and_sees_no_shows(client, db, login):
    from tests.factories import create_user
    from visitorapp.accounts.models import Role
    from visitorapp.audit.models import AuditEntry

    event = create_event()
    booking = create_booking(past_slot(event), school_name="株洲市第三中学")  # never came
    login(create_user(role=Role.ORGANIZER))
    page = client.get("/staff/no-shows").get_data(as_text=True)
    assert "株洲市第三中学" in page and booking.reference in page
    response = client.post("/staff/no-show-rule", data={"hold": "y"})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/no-shows"
    db.session.refresh(event.edition)
    assert event.edition.hold_no_shows is True
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "settings.no_show_hold"))
    client.post("/staff/no-show-rule", data={})
    db.session.refresh(event.edition)
    assert event.edition.hold_no_shows is False
