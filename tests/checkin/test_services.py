"""check_in decides every answer and stores every scan: entries, refusals, confirmations."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.checkin.helpers import MOMENT, booking_today, cid, gate_account, slot_now
from tests.factories import create_booking, create_user, create_venue
from visitorapp.booking.services import cancel_booking
from visitorapp.checkin.actors import Actor
from visitorapp.checkin.counts import on_site
from visitorapp.checkin.models import CheckIn
from visitorapp.checkin.services import CheckInInvalid, check_in
from visitorapp.tickets.tokens import token_for
from visitorapp.timeutil import utcnow

DAY = MOMENT.date()


@pytest.fixture
def venue(db):
    return create_venue(safe_occupancy=200)


@pytest.fixture
def gate(db, venue):
    return gate_account(venue)


def scan(token, venue, actor, direction="in", students=None, teachers=None, **kw):
    now = kw.pop("now", MOMENT)
    return check_in(token, venue, direction, students, teachers, kw.pop("client_id", cid()),
                    actor, now=now, **kw)


def stored(db):
    return db.session.scalars(sa.select(CheckIn).order_by(CheckIn.id)).all()


def test_ok_admits_the_booked_group_by_default(db, venue, gate):
    booking, token = booking_today(venue, students=40, teachers=3)
    c = scan(token, venue, gate).checkin
    assert (c.result, c.students, c.teachers, c.warnings) == ("ok", 40, 3, "")
    assert (c.arrived_students, c.arrived_teachers) == (40, 3)
    assert booking.school_name in c.message and c.outcome.tone == "ok"
    assert on_site(DAY, venue.id) == 43 == on_site(DAY)


def test_fewer_arrived_are_recorded_as_counted(db, venue, gate):
    _, token = booking_today(venue, students=40, teachers=3)
    c = scan(token, venue, gate, students=35, teachers=3).checkin
    assert (c.result, c.students) == ("ok", 35)
    assert on_site(DAY, venue.id) == 38


def test_more_than_booked_needs_confirmation_then_takes_places(db, venue, gate):
    booking, token = booking_today(venue, students=40, teachers=3)
    first = scan(token, venue, gate, students=45, teachers=3).checkin
    assert first.result == "confirm_required" and "多 5 人" in first.message
    assert first.outcome.tone == "warn" and on_site(DAY, venue.id) == 0
    second = scan(token, venue, gate, students=45, teachers=3, confirm=True).checkin
    assert second.result == "ok" and "extra" in second.warnings
    db.session.refresh(booking.slot)
    assert booking.slot.booked == 48  # the five extra hold real places


def test_more_than_capacity_is_refused_even_when_confirmed(db, venue, gate):
    slot = slot_now(venue, capacity=45)
    booking = create_booking(slot, students=40, teachers=3)
    c = scan(token_for(booking), venue, gate, students=50, teachers=3, confirm=True).checkin
    assert c.result == "over_capacity" and c.outcome.tone == "bad"
    assert on_site(DAY, venue.id) == 0


@pytest.mark.parametrize("raw,code", [("HC1-NOTATOKEN", "unknown"), ("hello", "unknown"),
                                      ("TY-0101-ZZZZ", "unknown"),
                                      ("HC1-AAAAAAAAAAAAAAAA-AAAAAAAAAAAAA", "forged")])
def test_unknown_and_forged_tokens_are_refused_and_stored(db, venue, gate, raw, code):
    c = scan(raw, venue, gate).checkin
    assert c.result == code and c.booking_id is None
    assert stored(db)[0].result == code


def test_a_reference_typed_at_the_gate_works_like_the_ticket(db, venue, gate):
    booking, _ = booking_today(venue, students=20, teachers=2)
    c = scan(f" {booking.reference.lower()} ", venue, gate).checkin
    assert c.result == "ok" and c.booking_id == booking.id and c.persons == 22


def test_cancelled_booking_is_revoked(db, venue, gate):
    booking, token = booking_today(venue)
    cancel_booking(booking, reason="test", now=utcnow())
    c = scan(token, venue, gate).checkin
    assert c.result == "revoked" and c.booking_id == booking.id and booking.reference in c.message


def test_other_day_is_refused(db, venue, gate):
    slot = slot_now(venue, starts_in=timedelta(days=2))
    booking = create_booking(slot)
    c = scan(token_for(booking), venue, gate).checkin
    assert c.result == "wrong_day" and "不是今天" in c.message


def test_second_scan_of_a_group_inside_is_already_inside(db, venue, gate):
    _, token = booking_today(venue)
    scan(token, venue, gate)
    for later in (timedelta(minutes=1), timedelta(hours=2)):
        c = scan(token, venue, gate, now=MOMENT + later).checkin
        assert c.result == "already_inside" and c.outcome.tone == "warn"
        assert "已在场" in c.message and "09:20" in c.message
    assert on_site(DAY, venue.id) == 42


def test_retry_with_same_client_id_counts_once(db, venue, gate):
    _, token = booking_today(venue)
    a = scan(token, venue, gate, client_id="retry-0001")
    b = scan(token, venue, gate, client_id="retry-0001")
    assert b.replay and a.checkin.id == b.checkin.id
    assert len(stored(db)) == 1 and on_site(DAY, venue.id) == 42


def test_scanner_gun_behind_chinese_ime(db, venue, gate):
    _, token = booking_today(venue)
    fullwidth = "".join(chr(ord(ch) + 0xFEE0) if ch != "-" else "－" for ch in token.lower())
    assert scan(fullwidth, venue, gate).checkin.result == "ok"


def test_late_arrival_and_too_few_teachers_are_noted_in_amber(db, venue, gate):
    slot = slot_now(venue, starts_in=-timedelta(minutes=45))
    booking = create_booking(slot, students=40, teachers=2)
    c = scan(token_for(booking), venue, gate, students=40, teachers=1).checkin
    assert c.result == "ok" and {w["code"] for w in c.warning_list} == {"late", "ratio"}


def test_wrong_venue_asks_and_counts_where_admitted(db, venue, gate):
    booked_at = create_venue(name="精艺楼")
    organizer = Actor(user=create_user())
    _, token = booking_today(booked_at, students=20, teachers=2)
    c = scan(token, venue, organizer).checkin
    assert c.result == "confirm_required" and "精艺楼" in c.message
    c = scan(token, venue, organizer, confirm=True).checkin
    assert c.result == "ok" and c.venue_id == venue.id and "wrong_venue" in c.warnings
    assert (on_site(DAY, venue.id), on_site(DAY, booked_at.id)) == (22, 0)
    # Out and back in through the same gate: asked once is enough.
    scan(token, venue, organizer, "out", now=MOMENT + timedelta(minutes=30))
    c = scan(token, venue, organizer, now=MOMENT + timedelta(minutes=45)).checkin
    assert c.result == "re_entry" and on_site(DAY, venue.id) == 22


def test_far_too_early_asks_but_a_little_early_does_not(db, venue, gate, app):
    early = create_booking(slot_now(venue, starts_in=timedelta(hours=3)))
    c = scan(token_for(early), venue, gate).checkin
    assert c.result == "confirm_required" and "来早了" in c.message
    assert scan(token_for(early), venue, gate, confirm=True).checkin.result == "ok"
    soon = create_booking(slot_now(venue, starts_in=timedelta(minutes=50)))
    assert scan(token_for(soon), venue, gate).checkin.result == "ok"
    app.config["CHECKIN_EARLY_CONFIRM_MINUTES"] = 30
    sooner = create_booking(slot_now(venue, starts_in=timedelta(minutes=50)))
    assert scan(token_for(sooner), venue, gate).checkin.result == "confirm_required"


def test_gate_cannot_scan_for_another_venue(db, venue, gate):
    other = create_venue()
    _, token = booking_today(other)
    assert scan(token, other, gate).checkin.result == "forbidden_venue"


@pytest.fixture
def full_venue(db, gate):
    """A 50-person room: a group of 32 inside, the next group of 22 due at 10:40."""
    small = create_venue(safe_occupancy=50)
    gate.user.venues.append(small)
    _, first = booking_today(small, students=30, teachers=2, slot=slot_now(small, minutes=60))
    later = slot_now(small, starts_in=timedelta(minutes=80), minutes=60)
    _, second = booking_today(small, students=20, teachers=2, slot=later)
    assert scan(first, small, gate).checkin.result == "ok"
    return small, second


def test_full_venue_asks_before_letting_more_in(db, gate, full_venue):
    small, second = full_venue
    half_past = MOMENT + timedelta(minutes=30)
    c = scan(second, small, gate, now=half_past).checkin
    assert c.result == "confirm_required" and c.message.startswith(f"{small.name}在场人数将超过安全上限")
    c = scan(second, small, gate, confirm=True, now=half_past).checkin
    assert c.result == "ok" and "venue_full" in c.warnings
    assert on_site(DAY, small.id) == 54


def test_offline_admission_into_a_full_venue_is_recorded_with_a_warning(db, gate, full_venue):
    small, second = full_venue
    c = scan(second, small, gate, offline=True, scanned_at=MOMENT + timedelta(minutes=30),
             local_result="ok", now=MOMENT + timedelta(minutes=40)).checkin
    assert (c.result, c.conflict) == ("ok", False) and "venue_full" in c.warnings
    assert on_site(DAY, small.id) == 54


def test_offline_scan_admitted_at_two_gates_is_a_conflict(db, venue, gate):
    from visitorapp.checkin.counts import summary
    _, token = booking_today(venue)
    when = MOMENT - timedelta(minutes=5)
    first = scan(token, venue, gate, offline=True, scanned_at=when, local_result="ok").checkin
    second = scan(token, venue, gate, offline=True, scanned_at=when, local_result="ok").checkin
    assert (first.result, first.conflict) == ("ok", False)
    assert (second.result, second.conflict) == ("already_inside", True)
    assert summary(DAY)["conflicts"] == 1 and on_site(DAY) == 42


@pytest.mark.parametrize("kw,code", [
    ({"client_id": "x"}, "client_id_invalid"),
    ({"direction": "sideways"}, "direction_invalid"),
    ({"students": -1}, "students_invalid"),
    ({"teachers": "3"}, "teachers_invalid"),
    ({"offline": True, "scanned_at": MOMENT + timedelta(days=1)}, "scanned_at_invalid"),
    ({"offline": True, "scanned_at": MOMENT - timedelta(days=3)}, "scanned_at_invalid"),
])
def test_malformed_requests_change_nothing(db, venue, gate, kw, code):
    _, token = booking_today(venue)
    direction = kw.pop("direction", "in")
    with pytest.raises(CheckInInvalid) as err:
        scan(token, venue, gate, direction, **kw)
    assert err.value.code == code
    assert stored(db) == []
