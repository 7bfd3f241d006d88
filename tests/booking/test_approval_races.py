"""An organizer's confirmation, a rejection and the deadline racing for one pending booking: exactly
one wins, and a confirmed booking always still holds its places — on SQLite and PostgreSQL."""
from datetime import timedelta

import sqlalchemy as sa

from tests.booking.test_concurrency import assert_consistent, outcomes_ok, race, setup
from tests.booking.test_shares import counters, expected_shares
from tests.factories import create_booking, create_edition, create_event, create_slot
from visitorapp.booking import approval
from visitorapp.booking.models import Booking, BookingStatus
from visitorapp.database import atomic
from visitorapp.extensions import db


def test_confirm_reject_and_expiry_race_for_one_pending_booking(race_app):
    def build():
        edition = create_edition(approval_threshold=10)
        booking = create_booking(create_slot(create_event(edition), capacity=100), students=40,
                                 teachers=2)
        assert booking.is_pending
        return booking.id, booking.review_due_at, edition.id
    booking_id, due, edition_id = setup(race_app, build)
    expired = []

    def attempt(i):
        booking = db.session.get(Booking, booking_id)
        if i % 3 == 0:
            atomic(approval.confirm, booking, now=due - timedelta(seconds=1), actor="组织者")
        elif i % 3 == 1:
            atomic(approval.reject, booking, reason="名额调整", now=due - timedelta(seconds=1))
        else:
            expired.extend(b.id for b in atomic(approval.expire_due, due))

    results = race(race_app, attempt, n=30)
    outcomes_ok(results, {"not_pending", "cancelled"})
    wins = results[0::3].count("ok") + results[1::3].count("ok") + len(expired)
    assert wins == 1, (results, expired)
    confirmed = assert_consistent(race_app)  # slot counter == confirmed headcount
    with race_app.app_context():
        booking = db.session.get(Booking, booking_id)
        assert booking.status in (BookingStatus.CONFIRMED, BookingStatus.CANCELLED)
        assert (len(confirmed) == 1) == (booking.status == BookingStatus.CONFIRMED)
        assert counters(db, edition_id) == expected_shares(edition_id)
        decisions = db.session.scalar(sa.select(sa.func.count()).select_from(
            sa.table("audit_entry", sa.column("action"))).where(sa.column("action").in_(
                ("booking.approve", "booking.reject", "booking.review_expired"))))
        assert decisions == 1
