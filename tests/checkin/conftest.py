"""Every check-in test runs on the gate day (tests/checkin/helpers.MOMENT), clock pinned."""
import pytest

from tests.checkin.helpers import pin_gate_day


@pytest.fixture(autouse=True)
def clock(time_machine):
    """The pinned gate moment; ``time_machine.shift(...)`` moves it on."""
    return pin_gate_day(time_machine)
