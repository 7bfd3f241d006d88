"""The vehicles tests' fixtures: a slot whose edition has two entrances taking three vehicles a
day each, and the booking races' fixtures for the vehicle-limit race."""
import pytest

from tests.booking.test_concurrency import pg_race_url, race_app  # noqa: F401 - race fixtures
from tests.factories import create_slot
from visitorapp.vehicles.models import VehicleSettings


@pytest.fixture
def slot(db):
    slot = create_slot(capacity=300)
    db.session.add(VehicleSettings(edition_id=slot.event.edition_id, entrances="东门\n北门",
                                   daily_limit=3))
    db.session.commit()
    return slot
