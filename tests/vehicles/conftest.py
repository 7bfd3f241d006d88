"""The booking races' fixtures, for the vehicle-limit race."""
from tests.booking.test_concurrency import pg_race_url, race_app  # noqa: F401 - race fixtures
