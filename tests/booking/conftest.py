"""Fixtures for the booking tests: an open slot with room for 100, committed for HTTP tests."""
import pytest

from tests.booking.test_concurrency import pg_race_url, race_app  # noqa: F401 - race fixtures
from tests.factories import create_slot


@pytest.fixture
def slot(db):
    slot = create_slot(capacity=100)
    db.session.commit()
    return slot
