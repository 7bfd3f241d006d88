"""Queries and operations on the programme: the current edition, days, slots, edition copies."""
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..timeutil import local
from .models import Edition, Event, ParticipationMode, Slot


def booking_edition(now: datetime) -> Edition | None:
    """下一届: the edition the public books at ``now`` — the earliest whose booking is not over
    (its window open, or still to come); once every edition's booking is over, the current one
    (shown as history). The booking picker, the sign-up list and the demo seed all ask this."""
    ahead = db.session.scalar(sa.select(Edition).where(~Edition.booking_over(now))
                              .order_by(Edition.starts_on).limit(1))
    return ahead if ahead is not None else current_edition(local(now).date())


def current_edition(today: date) -> Edition | None:
    """The running or next week on ``today`` by its dates, else the latest past one: what staff
    work on by default (reports, console), whatever the state of its booking window."""
    upcoming = db.session.scalar(
        sa.select(Edition).where(Edition.ends_on >= today).order_by(Edition.starts_on).limit(1))
    if upcoming is not None:
        return upcoming
    return db.session.scalar(sa.select(Edition).order_by(Edition.starts_on.desc()).limit(1))


def edition_by_year(year: int) -> Edition | None:
    return db.session.scalar(sa.select(Edition).where(Edition.year == year))


def published_events(edition: Edition) -> list[Event]:
    return list(db.session.scalars(
        sa.select(Event).where(Event.edition_id == edition.id, Event.is_published.is_(True))
        .options(selectinload(Event.lead_departments), selectinload(Event.theme_day))
        .order_by(Event.seq)))


def group_slots(edition: Edition, day: date | None = None) -> list[Slot]:
    """Public group-booking slots (rehearsals excluded), optionally of one Shanghai day."""
    stmt = (sa.select(Slot).join(Slot.event)
            .where(Event.edition_id == edition.id, Event.mode == ParticipationMode.GROUP,
                   Event.is_published.is_(True), Slot.is_rehearsal.is_(False))
            .options(selectinload(Slot.venue), selectinload(Slot.event))
            .order_by(Slot.starts_at, Slot.venue_id))
    if day is not None:
        stmt = stmt.where(Slot.starts_on(day))
    return list(db.session.scalars(stmt))


def slot_days(edition: Edition) -> list[date]:
    """The days on which group slots exist, in order."""
    return sorted({s.local_day for s in group_slots(edition)})


def first_slot_days(edition: Edition) -> dict[int, date]:
    """Event id → the first day it has a public group slot, to open the picker on that day."""
    days: dict[int, date] = {}
    for slot in group_slots(edition):
        days.setdefault(slot.event_id, slot.local_day)
    return days


def copy_edition(source: Edition, year: int, starts_on: date) -> Edition:
    """A new year's edition from ``source``: same theme days, events, departments and slots,
    every date shifted by the same number of days; no bookings are copied."""
    shift = starts_on - source.starts_on
    edition = Edition(
        year=year, title=source.title.replace(str(source.year), str(year)), theme=source.theme,
        starts_on=source.starts_on + shift, ends_on=source.ends_on + shift,
        daily_cap=source.daily_cap, students_per_teacher=source.students_per_teacher,
        students_per_teacher_primary=source.students_per_teacher_primary,
        max_group_size=source.max_group_size,
        change_deadline_hours=source.change_deadline_hours,
        report_deadline=source.report_deadline + shift if source.report_deadline else None,
        booking_opens_at=source.booking_opens_at + shift if source.booking_opens_at else None,
        booking_closes_at=source.booking_closes_at + shift if source.booking_closes_at else None)
    db.session.add(edition)
    db.session.flush()
    # After the INSERT: a None ("no limit") passed to the constructor would get the column default.
    for key in ("max_persons_per_mobile_day", "max_persons_per_school_day", "approval_threshold",
                "approval_hours"):
        setattr(edition, key, getattr(source, key))
    day_map = {}
    for td in source.theme_days:
        copy = td.__class__(position=td.position, name=td.name, description=td.description,
                            day=td.day + shift if td.day else None)
        edition.theme_days.append(copy)
        day_map[td.id] = copy
    db.session.flush()
    for event in source.events:
        new = Event(edition=edition, seq=event.seq, name=event.name, content=event.content,
                    requirements=event.requirements, audience=event.audience, mode=event.mode,
                    category=event.category, is_published=event.is_published,
                    theme_day_id=day_map[event.theme_day_id].id if event.theme_day_id else None)
        db.session.add(new)
        db.session.flush()
        new.set_departments(event.lead_departments, event.responsible_departments)
        for slot in event.slots:
            if slot.is_rehearsal:
                continue
            new.slots.append(Slot(venue_id=slot.venue_id, starts_at=slot.starts_at + shift,
                                  ends_at=slot.ends_at + shift, capacity=slot.capacity,
                                  label=slot.label))
    db.session.flush()
    return edition


def shift_for_weekday(source: Edition, year: int) -> date:
    """The start date in ``year`` nearest the same calendar day on the same weekday.

    The activity week is set by the ministry each year; copying keeps its weekday pattern
    (e.g. Sunday 10 May 2026 → Sunday 9 May 2027) and an organizer adjusts it if needed.
    """
    try:
        target = source.starts_on.replace(year=year)
    except ValueError:  # 29 February
        target = source.starts_on.replace(year=year, day=28)
    delta = (source.starts_on.weekday() - target.weekday()) % 7
    if delta > 3:
        delta -= 7
    return target + timedelta(days=delta)


def _public_group_slots() -> sa.Select:
    return (sa.select(Slot).join(Slot.event).join(Event.edition)
            .where(Event.mode == ParticipationMode.GROUP, Event.is_published.is_(True),
                   Slot.is_rehearsal.is_(False))
            .options(selectinload(Slot.venue), selectinload(Slot.event).selectinload(Event.edition))
            .order_by(Slot.starts_at, Slot.venue_id, Slot.id))


def group_slots_on(day: date) -> list[Slot]:
    """Public group slots of every edition on one Shanghai calendar day (open or not)."""
    return list(db.session.scalars(_public_group_slots().where(Slot.starts_on(day))))


def bookable_group_slots(now: datetime) -> list[Slot]:
    """Public group slots taking bookings at ``now``: open, not started, booking window open."""
    return list(db.session.scalars(_public_group_slots().where(
        Slot.is_open.is_(True), Slot.starts_at > now, Edition.booking_open(now))))

