"""No-shows (爽约): marked after the slot from check-in data; the edition rule holds the mobile."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tests.factories import create_booking, create_event, create_slot, group_details
from visitorapp.booking import noshows
from visitorapp.booking import services as booking_services
from visitorapp.booking.rules import RuleError
from visitorapp.timeutil import utcnow


class _Base(DeclarativeBase):
    pass


class StandInCheckIn(_Base):
    """The columns the seam reads from visitorapp.checkin.models.CheckIn."""

    __tablename__ = "standin_checkin"
    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int | None]
    direction: Mapped[str] = mapped_column(sa.String(10))
    result: Mapped[str] = mapped_column(sa.String(30))


@pytest.fixture
def checkins(db, monkeypatch):
    _Base.metadata.create_all(db.engine)
    monkeypatch.setattr(noshows, "checkin_model", lambda: StandInCheckIn)
    yield StandInCheckIn
    db.session.rollback()
    _Base.metadata.drop_all(db.engine)


def past_slot(event, hours_ago=3):
    start = utcnow() - timedelta(hours=hours_ago)
    return create_slot(event=event, starts_at=start, capacity=200)


def test_groups_without_an_entry_scan_are_marked_after_their_slot(db, checkins):
    event = create_event()
    slot = past_slot(event)
    came = create_booking(slot)
    scanned_but_refused = create_booking(slot)
    stayed_away = create_booking(slot)
    upcoming = create_booking(create_slot(event=event))
    db.session.add_all([StandInCheckIn(booking_id=came.id, direction="in", result="ok"),
                        StandInCheckIn(booking_id=scanned_but_refused.id, direction="in",
                                       result="invalid_time")])
    db.session.flush()
    marked = noshows.mark_no_shows()
    assert {b.id for b in marked} == {scanned_but_refused.id, stayed_away.id}
    assert came.no_show_at is None and upcoming.no_show_at is None
    assert noshows.mark_no_shows() == []  # idempotent


def test_without_the_checkin_feature_nothing_is_marked(db, runner, monkeypatch):
    monkeypatch.setattr(noshows, "checkin_model", lambda: None)
    result = runner.invoke(args=["bookings", "mark-no-shows"])
    assert "未做标记" in result.output


def test_the_edition_rule_holds_a_no_show_mobile_for_the_week(db):
    event = create_event()
    slot = past_slot(event)
    booking = create_booking(slot, leader_mobile="13866668888")
    booking.no_show_at = utcnow()
    later = create_slot(event=event)
    booking_services.create_booking(later, group_details(leader_mobile="13866668888"), enforce_window=False)
    event.edition.hold_no_shows = True
    db.session.flush()
    another = create_slot(event=event, starts_at=later.starts_at + timedelta(hours=2))
    with pytest.raises(RuleError) as err:
        booking_services.create_booking(another, group_details(leader_mobile="13866668888"),
                                        enforce_window=False)
    assert err.value.code == "no_show_hold" and "爽约" in err.value.message


def test_organizer_sets_the_rule_and_sees_no_shows(client, db, login):
    from tests.factories import create_user
    from visitorapp.accounts.models import Role
    from visitorapp.audit.models import AuditEntry

    event = create_event()
    booking = create_booking(past_slot(event), school_name="株洲市第三中学")
    booking.no_show_at = utcnow()
    login(create_user(role=Role.ORGANIZER))
    page = client.get("/staff/waitlist").get_data(as_text=True)
    assert "株洲市第三中学" in page and booking.reference in page
    response = client.post("/staff/no-show-rule", data={"hold": "y"})
    assert response.status_code == 302
    db.session.refresh(event.edition)
    assert event.edition.hold_no_shows is True
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "settings.no_show_hold"))
    client.post("/staff/no-show-rule", data={})
    db.session.refresh(event.edition)
    assert event.edition.hold_no_shows is False
