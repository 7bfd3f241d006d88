"""check_in decides every outcome and stores every scan."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.checkin.helpers import booking_today, cid, slot_now
from tests.factories import create_booking, create_user, create_venue
from visitorapp.booking.services import cancel_booking
from visitorapp.checkin.actors import Actor
from visitorapp.checkin.counts import on_site, summary
from visitorapp.checkin.models import CheckIn
from visitorapp.checkin.services import CheckInInvalid, check_in, everyone_out
from visitorapp.tickets.tokens import token_for
from visitorapp.timeutil import local_today, utcnow


@pytest.fixture
def venue(db):
    return create_venue(safe_occupancy=200)


@pytest.fixture
def gate(db, venue):
    from visitorapp.accounts.models import Role
    return Actor(user=create_user(Role.GATE, venues=[venue]))


def scan(token, venue, actor, direction="in", students=None, teachers=None, **kw):
    return check_in(token, venue, direction, students, teachers, kw.pop("client_id", cid()),
                    actor, **kw)


def stored(db):
    return db.session.scalars(sa.select(CheckIn).order_by(CheckIn.id)).all()


def test_ok_admits_the_booked_group_by_default(db, venue, gate):
    booking, token = booking_today(venue, students=40, teachers=3)
    outcome = scan(token, venue, gate)
    c = outcome.checkin
    assert (c.result, c.students, c.teachers, c.warnings) == ("ok", 40, 3, "")
    assert booking.school_name in c.message
    assert on_site(venue.id, local_today()) == 43


def test_fewer_arrived_are_recorded_as_confirmed(db, venue, gate):
    _, token = booking_today(venue, students=40, teachers=3)
    c = scan(token, venue, gate, students=35, teachers=3).checkin
    assert (c.result, c.students) == ("ok", 35)
    assert on_site(venue.id, local_today()) == 38


def test_more_than_booked_needs_confirmation_then_takes_places(db, venue, gate):
    booking, token = booking_today(venue, students=40, teachers=3)
    first = scan(token, venue, gate, students=45, teachers=3).checkin
    assert first.result == "confirm_required" and "多 5 人" in first.message
    second = scan(token, venue, gate, students=45, teachers=3, confirm=True).checkin
    assert second.result == "ok"
    db.session.refresh(booking.slot)
    assert booking.slot.booked == 48  # the five extra hold real places


def test_more_than_capacity_is_refused_even_when_confirmed(db, venue, gate):
    slot = slot_now(venue, capacity=45)
    booking = create_booking(slot, students=40, teachers=3)
    c = scan(token_for(booking), venue, gate, students=50, teachers=3, confirm=True).checkin
    assert c.result == "over_capacity"
    assert on_site(venue.id, local_today()) == 0


@pytest.mark.parametrize("raw,code", [("HC1-NOTATOKEN", "unknown"), ("hello", "unknown"),
                                      ("HC1-AAAAAAAAAAAAAAAA-AAAAAAAAAAAAA", "forged")])
def test_unknown_and_forged_tokens_are_refused_and_stored(db, venue, gate, raw, code):
    c = scan(raw, venue, gate).checkin
    assert c.result == code and c.booking_id is None
    assert stored(db)[0].result == code


def test_cancelled_booking_is_revoked(db, venue, gate):
    booking, token = booking_today(venue)
    cancel_booking(booking, reason="test")
    c = scan(token, venue, gate).checkin
    assert c.result == "revoked" and c.booking_id == booking.id


def test_other_day_is_refused(db, venue, gate):
    slot = slot_now(venue, starts_in=timedelta(days=2))
    booking = create_booking(slot)
    c = scan(token_for(booking), venue, gate).checkin
    assert c.result == "wrong_day" and "不是今天" in c.message


def test_second_scan_says_when_and_by_whom(db, venue, gate):
    _, token = booking_today(venue)
    scan(token, venue, gate)
    c = scan(token, venue, gate).checkin
    assert c.result == "already_checked_in"
    assert gate.user.display_name in c.message
    assert on_site(venue.id, local_today()) == 42


def test_retry_with_same_client_id_counts_once(db, venue, gate):
    _, token = booking_today(venue)
    a = scan(token, venue, gate, client_id="retry-0001")
    b = scan(token, venue, gate, client_id="retry-0001")
    assert b.replay and a.checkin.id == b.checkin.id
    assert len(stored(db)) == 1


def test_scanner_gun_behind_chinese_ime(db, venue, gate):
    _, token = booking_today(venue)
    fullwidth = "".join(chr(ord(ch) + 0xFEE0) if ch != "-" else "－" for ch in token.lower())
    assert scan(fullwidth, venue, gate).checkin.result == "ok"


def test_amber_warnings_early_other_venue_ratio(db, venue, gate):
    other = create_venue()
    slot = slot_now(other, starts_in=timedelta(hours=3))
    booking = create_booking(slot, students=40, teachers=2)
    c = scan(token_for(booking), venue, Actor(user=create_user()), teachers=1).checkin
    codes = {w["code"] for w in c.warning_list}
    assert c.result == "ok" and codes == {"early", "wrong_venue", "ratio"}


def test_late_arrival_warns(db, venue, gate):
    slot = slot_now(venue, starts_in=-timedelta(minutes=45))
    booking = create_booking(slot)
    c = scan(token_for(booking), venue, gate).checkin
    assert [w["code"] for w in c.warning_list] == ["late"]


def test_gate_cannot_scan_for_another_venue(db, venue, gate):
    other = create_venue()
    _, token = booking_today(other)
    assert scan(token, other, gate).checkin.result == "forbidden_venue"


def test_full_venue_warns_before_letting_more_in(db, gate):
    small = create_venue(safe_occupancy=60)
    gate.user.venues.append(small)
    _, first = booking_today(small, students=40, teachers=2, slot=slot_now(small, minutes=60))
    later = slot_now(small, starts_in=timedelta(minutes=80), minutes=60)
    _, second = booking_today(small, students=30, teachers=2, slot=later)
    assert scan(first, small, gate).checkin.result == "ok"
    c = scan(second, small, gate).checkin
    assert c.result == "confirm_required" and "安全上限" in c.message
    c = scan(second, small, gate, confirm=True).checkin
    assert c.result == "ok" and "venue_full" in c.warnings


def test_exit_and_everyone_out(db, venue, gate):
    _, a = booking_today(venue, students=20, teachers=2)
    _, b = booking_today(venue, students=30, teachers=2)
    assert scan(a, venue, gate, "out").checkin.result == "not_checked_in"
    scan(a, venue, gate)
    scan(b, venue, gate)
    assert on_site(venue.id, local_today()) == 54
    assert scan(a, venue, gate, "out").checkin.result == "ok"
    assert scan(a, venue, gate, "out").checkin.result == "already_checked_out"
    assert on_site(venue.id, local_today()) == 32
    assert everyone_out(venue, local_today(), gate, "close-2026") == 1
    assert everyone_out(venue, local_today(), gate, "close-2026") == 0
    counts = summary(local_today())
    assert counts["campus"]["on_site"] == 0 and counts["campus"]["arrived_groups"] == 2


def test_offline_scan_admitted_at_two_gates_is_a_conflict(db, venue, gate):
    _, token = booking_today(venue)
    when = utcnow() - timedelta(minutes=5)
    first = scan(token, venue, gate, offline=True, scanned_at=when, local_result="ok").checkin
    second = scan(token, venue, gate, offline=True, scanned_at=when, local_result="ok").checkin
    assert (first.result, first.conflict) == ("ok", False)
    assert (second.result, second.conflict) == ("already_checked_in", True)
    assert summary(local_today())["conflicts"] == 1


@pytest.mark.parametrize("kw,code", [
    ({"client_id": "x"}, "client_id_invalid"),
    ({"direction": "sideways"}, "direction_invalid"),
    ({"students": -1}, "students_invalid"),
    ({"teachers": "3"}, "teachers_invalid"),
    ({"offline": True, "scanned_at": utcnow() + timedelta(days=1)}, "scanned_at_invalid"),
])
def test_malformed_requests_change_nothing(db, venue, gate, kw, code):
    _, token = booking_today(venue)
    direction = kw.pop("direction", "in")
    with pytest.raises(CheckInInvalid) as err:
        scan(token, venue, gate, direction, **kw)
    assert err.value.code == code
    assert stored(db) == []


def test_correcting_numbers_fewer_then_more_with_confirmation(db, venue, gate):
    from visitorapp.checkin.services import correct_numbers
    from visitorapp.errors import DomainError
    slot = slot_now(venue, capacity=50)
    booking = create_booking(slot, students=40, teachers=3)
    c = scan(token_for(booking), venue, gate).checkin
    correct_numbers(c, 35, 3, gate)
    assert on_site(venue.id, local_today()) == 38
    with pytest.raises(DomainError) as err:
        correct_numbers(c, 45, 3, gate)
    assert err.value.code == "confirm_required"
    correct_numbers(c, 45, 3, gate, confirm=True)
    db.session.refresh(slot)
    assert slot.booked == 48
    with pytest.raises(DomainError) as err:
        correct_numbers(c, 60, 3, gate, confirm=True)
    assert err.value.code == "over_capacity"
    correct_numbers(c, 40, 3, gate)  # back to booked: the extra places are released
    db.session.refresh(slot)
    assert slot.booked == 43


def test_offline_admission_into_a_full_venue_is_recorded_with_a_warning(db, gate):
    small = create_venue(safe_occupancy=50)
    gate.user.venues.append(small)
    _, first = booking_today(small, students=30, teachers=2, slot=slot_now(small, minutes=60))
    later = slot_now(small, starts_in=timedelta(minutes=80), minutes=60)
    _, second = booking_today(small, students=20, teachers=2, slot=later)
    scan(first, small, gate)
    c = scan(second, small, gate, offline=True, scanned_at=utcnow(), local_result="ok").checkin
    assert (c.result, c.conflict) == ("ok", False) and "venue_full" in c.warnings
    assert on_site(small.id, local_today()) == 54


def test_exit_counts_against_the_venue_entered(db, venue, gate):
    other = create_venue()
    organizer = Actor(user=create_user())
    _, token = booking_today(venue)
    scan(token, venue, organizer)
    assert scan(token, other, organizer, "out").checkin.venue_id == venue.id
    assert on_site(venue.id, local_today()) == 0 and on_site(other.id, local_today()) == 0
