"""Demo step: departments, venues, the 2026 edition exactly as planned, and its copy for the next
week that can still be booked (programme.services.booking_edition decides which that is).

Idempotent: everything is looked up by its natural key (department and venue name, edition year,
theme-day position, event seq) and only what is missing is added; nothing existing is overwritten,
so an organizer's edits survive a second `flask seed-demo`.
"""
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from ..extensions import db
from ..programme.models import Department, Edition, Event, Slot, ThemeDay, Venue
from ..programme.services import booking_edition, copy_edition, edition_by_year, shift_for_weekday
from ..timeutil import at_local, format_datetime, format_day, local
from . import plan2026 as plan
from .context import DemoContext

#: Settings of the campus-opening safety plan (校园开放应急预案) for the demo week.
SETTINGS = dict(daily_cap=1200, students_per_teacher=20, students_per_teacher_primary=10,
                max_group_size=100, change_deadline_hours=24)
STARTS_ON = date(2026, 5, 10)
REPORT_DEADLINE = date(2026, 5, 18)
#: Booking opened three weeks ahead and closed the afternoon before the experience day.
OPENS_AT = (date(2026, 4, 20), time(9, 0))
CLOSES_AT = (date(2026, 5, 12), time(17, 0))


def seed(ctx: DemoContext) -> None:
    departments = seed_departments()
    venues = seed_venues(departments)
    ctx.past = seed_plan_edition(departments, venues)
    ctx.upcoming = seed_upcoming(ctx.past, ctx.now)
    up = ctx.upcoming
    ctx.messages.append(f"演示活动周：{ctx.past.title}（往届）；{up.title} "
                        f"{format_day(up.starts_on)}—{format_day(up.ends_on)}，"
                        f"自{format_datetime(up.booking_opens_at)}起开放预约。")


def seed_departments() -> dict[str, Department]:
    wanted = [(name, "college") for name in plan.COLLEGES] + list(plan.OFFICES)
    existing = {d.name: d for d in db.session.scalars(sa.select(Department))}
    for name, kind in wanted:
        if name not in existing:
            existing[name] = Department(name=name, kind=kind)
            db.session.add(existing[name])
    db.session.flush()
    return existing


def resolve(names: list[str], departments: dict[str, Department]) -> list[Department]:
    """Departments named in a table cell, with "各二级学院" expanded (see plan2026's docstring)."""
    result: list[Department] = []
    for name in names:
        name = plan.ALIASES.get(name, name)
        group = plan.COLLEGES if name == plan.ALL_COLLEGES else (name,)
        result += [departments[n] for n in group if departments[n] not in result]
    return result


def seed_venues(departments: dict[str, Department]) -> dict[str, Venue]:
    existing = {v.name: v for v in db.session.scalars(sa.select(Venue))}
    for name, spec in plan.VENUES.items():
        if name not in existing:
            existing[name] = Venue(name=name, building=spec["building"],
                                   host_department=departments[spec["host"]],
                                   safe_occupancy=spec["safe_occupancy"], visitor_notes=spec["notes"])
            db.session.add(existing[name])
    db.session.flush()
    return existing


def seed_plan_edition(departments, venues) -> Edition:
    edition = edition_by_year(plan.YEAR)
    if edition is None:
        edition = Edition(year=plan.YEAR, title=plan.TITLE, theme=plan.THEME, starts_on=STARTS_ON,
                          ends_on=STARTS_ON + timedelta(days=6), report_deadline=REPORT_DEADLINE,
                          booking_opens_at=at_local(*OPENS_AT), booking_closes_at=at_local(*CLOSES_AT),
                          **SETTINGS)
        db.session.add(edition)
        db.session.flush()
    days = {td.position: td for td in edition.theme_days}
    for position, (name, description) in enumerate(plan.THEME_DAYS, 1):
        if position not in days:
            days[position] = ThemeDay(position=position, name=name, description=description,
                                      day=edition.starts_on + timedelta(days=position - 1))
            edition.theme_days.append(days[position])
    db.session.flush()
    events = {e.seq: e for e in edition.events}
    for row in plan.TASKS:
        if row["seq"] in events:
            continue
        event = Event(edition=edition, seq=row["seq"], name=row["name"], content=row["content"],
                      requirements=row["requirements"], audience=row["audience"], mode=row["mode"],
                      category=row["category"], theme_day=days[row["day"]])
        db.session.add(event)
        db.session.flush()
        event.set_departments(resolve(row["lead"], departments),
                              resolve(row["responsible"], departments))
        events[event.seq] = event
        _seed_slots(event, days, venues)
    db.session.flush()
    return edition


def _seed_slots(event: Event, days: dict[int, ThemeDay], venues: dict[str, Venue]) -> None:
    experience_day = days[4].day
    for seq, venue, (start, end), capacity, label in plan.EXPERIENCE_SLOTS:
        if seq == event.seq:
            event.slots.append(Slot(venue=venues[venue], capacity=capacity, label=label,
                                    starts_at=at_local(experience_day, start),
                                    ends_at=at_local(experience_day, end)))
    for seq, position, (start, end), capacity, label in plan.INDIVIDUAL_SLOTS:
        if seq == event.seq:
            day = days[position].day
            event.slots.append(Slot(capacity=capacity, label=label, starts_at=at_local(day, start),
                                    ends_at=at_local(day, end)))


def next_year(past: Edition, now: datetime) -> int:
    """The first year after the plan's whose copy of it can still be booked at ``now``."""
    year = max(local(now).date().year, past.year + 1)
    while _copy_dates(past, year).booking_over(now):
        year += 1
    return year


def _copy_dates(past: Edition, year: int) -> Edition:
    """The dates copy_edition would give the plan's copy in ``year`` (an unsaved Edition)."""
    shift = shift_for_weekday(past, year) - past.starts_on
    return Edition(year=year, starts_on=past.starts_on + shift, ends_on=past.ends_on + shift,
                   booking_closes_at=past.booking_closes_at + shift if past.booking_closes_at else None)


def seed_upcoming(past: Edition, now: datetime) -> Edition:
    """The week the public books at ``now`` (programme.services.booking_edition) when it is a
    copy of the plan; else (every copy's booking is over) the plan copied to the next year that
    can still be booked, open from the start of today (Shanghai). Earlier copies stay as history."""
    upcoming = booking_edition(now)
    if upcoming is not None and upcoming.year > past.year and not upcoming.booking_over(now):
        return upcoming
    year = next_year(past, now)
    edition = edition_by_year(year)
    if edition is None:
        edition = copy_edition(past, year, shift_for_weekday(past, year))
        edition.booking_opens_at = at_local(local(now).date(), time(0, 0))
        db.session.flush()
    return edition
