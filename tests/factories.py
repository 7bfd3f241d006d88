"""Callable factories for tests: build the smallest valid world, override what the test is about.

Each returns a flushed (not committed) object; tests commit when they exercise HTTP.
"""
import itertools
from datetime import date, datetime, time, timedelta

from visitorapp.accounts.models import Role, User
from visitorapp.booking.models import Booking, BookingStatus
from visitorapp.booking.services import GroupDetails
from visitorapp.extensions import db
from visitorapp.programme.models import (
    Department,
    Edition,
    Event,
    EventCategory,
    ParticipationMode,
    Slot,
    ThemeDay,
    Venue,
)
from visitorapp.timeutil import TZ, local_today, utcnow

_seq = itertools.count(1)


def create_department(name=None, kind="college"):
    dept = Department(name=name or f"测试学院{next(_seq)}", kind=kind)
    db.session.add(dept)
    db.session.flush()
    return dept


def create_edition(year=None, starts_on=None, **kw):
    """An edition whose week starts 30 days from today, open for booking now."""
    starts_on = starts_on or (local_today() + timedelta(days=30))
    # Unique per test, and inside the console's accepted range however long the run.
    edition = Edition(year=year or 2100 + next(_seq) % 800, title=kw.pop("title", "测试活动周"),
                      theme=kw.pop("theme", "一技在手 一生无忧"), starts_on=starts_on,
                      ends_on=kw.pop("ends_on", starts_on + timedelta(days=6)),
                      booking_opens_at=kw.pop("booking_opens_at", utcnow() - timedelta(days=1)),
                      booking_closes_at=kw.pop("booking_closes_at", None),
                      report_deadline=kw.pop("report_deadline", starts_on + timedelta(days=8)),
                      **kw)
    db.session.add(edition)
    db.session.flush()
    edition.theme_days.append(ThemeDay(position=1, name="职业技能体验日", day=starts_on + timedelta(days=3)))
    db.session.flush()
    return edition


def create_venue(name=None, safe_occupancy=500, **kw):
    venue = Venue(name=name or f"测试基地{next(_seq)}", safe_occupancy=safe_occupancy,
                  building=kw.pop("building", "精艺楼"), **kw)
    db.session.add(venue)
    db.session.flush()
    return venue


def create_event(edition=None, name=None, mode=ParticipationMode.GROUP, **kw):
    edition = edition or create_edition()
    event = Event(edition=edition, seq=kw.pop("seq", next(_seq) % 90 + 1), name=name or "开放科普基地",
                  mode=mode, category=kw.pop("category", EventCategory.FOUR_OPEN),
                  theme_day=kw.pop("theme_day", edition.theme_days[0] if edition.theme_days else None),
                  **kw)
    db.session.add(event)
    db.session.flush()
    return event


def create_slot(event=None, venue=None, capacity=100, starts_at=None, minutes=90, **kw):
    """A slot on the event's theme day at 09:00 Shanghai (or ``starts_at``)."""
    event = event or create_event()
    venue = venue if venue is not None else create_venue()
    if starts_at is None:
        day = event.edition.starts_on + timedelta(days=3)
        starts_at = datetime.combine(day, time(9, 0), tzinfo=TZ)
    slot = Slot(event=event, venue=venue, starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=minutes), capacity=capacity, **kw)
    db.session.add(slot)
    db.session.flush()
    return slot


def group_details(**kw) -> GroupDetails:
    n = next(_seq)
    values = dict(school_name=f"株洲市第{n}中学", school_stage="junior", grades="七年级",
                  students=40, teachers=2, leader_name="王老师",
                  leader_mobile=f"139{n:08d}"[-11:], email="", notes="")
    values.update(kw)
    return GroupDetails(**values)


def create_booking(slot=None, now=None, **kw) -> Booking:
    """A confirmed booking made through the real service (so places are really taken), at ``now``
    or at the test's clock (pinned by the test, or started at VISITORAPP_TEST_NOW)."""
    from visitorapp.booking import services
    slot = slot or create_slot()
    return services.create_booking(slot, group_details(**kw), enforce_window=False,
                                   now=now or utcnow())


def create_user(role=Role.ORGANIZER, username=None, password="correct-horse-9", venues=(),
                department=None):
    user = User(username=username or f"{role.value}{next(_seq)}", role=Role(role),
                display_name=f"测试{Role(role).label}", department=department)
    user.set_password(password)
    user.venues = list(venues)
    db.session.add(user)
    db.session.flush()
    return user


__all__ = ["BookingStatus", "date", "create_department", "create_edition", "create_venue",
           "create_event", "create_slot", "create_booking", "group_details", "create_user"]
