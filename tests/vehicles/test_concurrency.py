"""Many groups booking with buses at once never overfill an entrance's day: vehicles are taken
with the places, in one transaction (SQLite file and PostgreSQL)."""
import sqlalchemy as sa

from tests.booking.test_concurrency import outcomes_ok, race, setup
from tests.factories import create_slot, group_details
from visitorapp.booking.models import Booking, BookingStatus
from visitorapp.database import atomic
from visitorapp.extensions import db
from visitorapp.programme.models import Slot
from visitorapp.timeutil import utcnow
from visitorapp.vehicles import services
from visitorapp.vehicles.models import EntranceDay, Transport, VehicleSettings

LIMIT = 7


def test_the_entrance_limit_holds_under_a_race(race_app):
    def build():
        slot = create_slot(capacity=2000)
        db.session.add(VehicleSettings(edition_id=slot.event.edition_id, entrances="东门",
                                       daily_limit=LIMIT))
        return slot.id
    slot_id = setup(race_app, build)

    def attempt(i):
        slot = db.session.get(Slot, slot_id)
        atomic(services.book, slot, group_details(leader_mobile=f"139{i:08d}", students=9, teachers=1),
               services.TransportDetails("coach", 2, [f"湘A{i:05d}"], "东门"), enforce_window=False,
               now=utcnow())

    results = race(race_app, attempt)
    outcomes_ok(results, {"vehicle_limit"})
    winners = results.count("ok")
    assert winners <= LIMIT // 2
    if "busy" not in results:
        assert winners == LIMIT // 2
    with race_app.app_context():
        held = db.session.scalar(sa.select(EntranceDay.vehicles))
        confirmed = db.session.scalars(sa.select(Booking).where(
            Booking.status == BookingStatus.CONFIRMED)).all()
        assert len(confirmed) == winners
        assert held == sum(db.session.get(Transport, b.id).vehicles for b in confirmed) <= LIMIT
        # The refused groups took no places either.
        assert db.session.get(Slot, slot_id).booked == 10 * winners
