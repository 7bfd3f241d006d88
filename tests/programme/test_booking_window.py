"""The booking window (预约时间) is one rule: Edition.booking_window in Python and Edition.booking_open
/ booking_over in SQL agree at every edge, and booking_edition picks the week the public books."""
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from tests.factories import create_edition
from visitorapp.programme.models import BookingWindow, Edition
from visitorapp.programme.services import booking_edition
from visitorapp.timeutil import TZ, at_local

OPENS = datetime(2027, 4, 20, 9, 0, tzinfo=TZ)
CLOSES = datetime(2027, 5, 11, 17, 0, tzinfo=TZ)
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize("now, window", [
    (OPENS - SECOND, BookingWindow.NOT_OPEN), (OPENS, BookingWindow.OPEN),
    (CLOSES, BookingWindow.OPEN), (CLOSES + SECOND, BookingWindow.CLOSED),
])
def test_python_and_sql_agree_at_the_edges_of_the_window(db, now, window):
    edition = create_edition(starts_on=date(2027, 5, 9), booking_opens_at=OPENS,
                             booking_closes_at=CLOSES)
    unbounded = create_edition(starts_on=date(2027, 5, 9), booking_opens_at=None)
    assert edition.booking_window(now) == window
    assert unbounded.booking_window(now) == BookingWindow.OPEN
    in_sql = set(db.session.scalars(sa.select(Edition.id).where(Edition.booking_open(now))))
    assert in_sql == {e.id for e in (edition, unbounded) if e.booking_open(now)}
    over = set(db.session.scalars(sa.select(Edition.id).where(Edition.booking_over(now))))
    assert over == {e.id for e in (edition, unbounded) if e.booking_over(now)}
    assert edition.booking_over(now) == (window == BookingWindow.CLOSED)


@pytest.mark.parametrize("day, over", [(date(2027, 5, 15), False), (date(2027, 5, 16), True)])
def test_without_a_closing_time_booking_is_over_when_the_week_is(db, day, over):
    edition = create_edition(starts_on=date(2027, 5, 9), booking_opens_at=None)  # to 15 May
    now = at_local(day, time(0, 5))  # 16:05 UTC the day before: the Shanghai date decides
    assert edition.booking_over(now) is over
    assert db.session.scalar(sa.select(Edition.booking_over(now)).where(Edition.id == edition.id)) is over


def test_the_public_books_the_earliest_week_whose_booking_is_not_over(db):
    week_2027 = create_edition(year=2027, starts_on=date(2027, 5, 9), booking_opens_at=OPENS,
                               booking_closes_at=CLOSES)
    week_2028 = create_edition(year=2028, starts_on=date(2028, 5, 7),
                               booking_opens_at=OPENS.replace(year=2028),
                               booking_closes_at=CLOSES.replace(year=2028, day=9))
    assert booking_edition(OPENS - timedelta(days=30)) == week_2027  # not open yet: still that week
    assert booking_edition(CLOSES) == week_2027
    assert booking_edition(CLOSES + SECOND) == week_2028  # 2027 is running but closed for booking
    assert booking_edition(datetime(2029, 1, 1, tzinfo=TZ)) == week_2028  # all past: the latest
