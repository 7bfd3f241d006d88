"""Organizer operations on the programme: events, venues, slots, theme days, edition settings.

Every function flushes only (the view commits through ``atomic``) and writes one audit entry with
the fields it changed, before and after, so an admin can see who changed what.
"""
from datetime import date, datetime

import sqlalchemy as sa

from ..audit.models import log_action
from ..errors import DomainError
from ..extensions import db
from ..programme import services as programme
from ..programme.models import (
    CampusDay,
    Department,
    Edition,
    Event,
    EventCategory,
    ParticipationMode,
    Slot,
    ThemeDay,
    Venue,
)


class ConsoleError(DomainError):
    status = 422


def apply_changes(obj, values: dict, action: str, summary: str) -> dict:
    """Set ``values`` on ``obj``; log the changed fields (before/after). Returns the changes."""
    before, after = {}, {}
    for key, value in values.items():
        old = getattr(obj, key)
        if old != value:
            before[key], after[key] = old, value
            setattr(obj, key, value)
    db.session.flush()
    if after:
        log_action(action, obj, before=before, after=after, summary=summary)
    return after


# --- events -----------------------------------------------------------------------------------

EVENT_FIELDS = ("seq", "name", "theme_day_id", "content", "requirements", "audience", "mode",
                "category", "is_published", "one_per_slot")


def save_event(edition: Edition, event: Event | None, values: dict,
               lead_ids: list[int], responsible_ids: list[int]) -> Event:
    """Create (``event`` None) or edit an event, with its lead and responsible departments."""
    if values.get("theme_day_id") and db.session.get(ThemeDay, values["theme_day_id"]) is None:
        raise ConsoleError("theme_day_not_found", "主题活动日不存在。", field="theme_day_id")
    values = dict(values)
    if "mode" in values:
        values["mode"] = ParticipationMode(values["mode"])
    if "category" in values:
        values["category"] = EventCategory(values["category"])
    created = event is None
    if created:
        event = Event(edition=edition, **{k: values[k] for k in EVENT_FIELDS if k in values})
        db.session.add(event)
        db.session.flush()
        log_action("event.create", event, after=values, summary=f"新建活动 {event.name}")
    else:
        apply_changes(event, {k: values[k] for k in EVENT_FIELDS if k in values},
                      "event.update", f"修改活动 {event.name}")
    old = ([d.id for d in event.lead_departments], [d.id for d in event.responsible_departments])
    if old != (sorted(lead_ids), sorted(responsible_ids)):
        event.set_departments(_departments(lead_ids), _departments(responsible_ids))
        if not created:
            log_action("event.departments", event, summary=f"修改活动部门 {event.name}",
                       before={"lead": str(old[0]), "responsible": str(old[1])},
                       after={"lead": str(sorted(lead_ids)),
                              "responsible": str(sorted(responsible_ids))})
    return event


def _departments(ids: list[int]) -> list[Department]:
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Department).where(Department.id.in_(ids))
                                   .order_by(Department.id)))


# --- venues -----------------------------------------------------------------------------------

VENUE_FIELDS = ("name", "building", "host_department_id", "safe_occupancy", "visitor_notes",
                "is_active")


def save_venue(venue: Venue | None, values: dict) -> Venue:
    values = {k: values[k] for k in VENUE_FIELDS if k in values}
    clash = db.session.scalar(sa.select(Venue).where(Venue.name == values["name"]))
    if clash is not None and clash is not venue:
        raise ConsoleError("venue_name_taken", "已有同名场地，请换一个名称。", field="name")
    if venue is None:
        venue = Venue(**values)
        db.session.add(venue)
        db.session.flush()
        log_action("venue.create", venue, after=values, summary=f"新建场地 {venue.name}")
    else:
        apply_changes(venue, values, "venue.update", f"修改场地 {venue.name}")
    return venue


# --- slots ------------------------------------------------------------------------------------

def overlapping_slot(event_id: int, venue_id: int | None, starts_at: datetime,
                     ends_at: datetime, exclude_id: int | None = None) -> Slot | None:
    """An existing slot of the same event at the same venue whose time overlaps."""
    stmt = sa.select(Slot).where(Slot.event_id == event_id, Slot.venue_id == venue_id,
                                 Slot.starts_at < ends_at, Slot.ends_at > starts_at)
    if exclude_id is not None:
        stmt = stmt.where(Slot.id != exclude_id)
    return db.session.scalar(stmt.limit(1))


def create_slot(event: Event, venue: Venue | None, starts_at: datetime, ends_at: datetime,
                capacity: int, label: str = "", audit: bool = True) -> Slot:
    if ends_at <= starts_at:
        raise ConsoleError("ends_before_start", "结束时间必须晚于开始时间。", field="ends_at")
    check_capacity(capacity, venue)
    if overlapping_slot(event.id, venue.id if venue else None, starts_at, ends_at):
        raise ConsoleError("slot_overlaps", "该场地已有与此时段重叠的同一活动场次。",
                           field="starts_at")
    slot = Slot(event=event, venue=venue, starts_at=starts_at, ends_at=ends_at,
                capacity=capacity, label=label)
    db.session.add(slot)
    db.session.flush()
    if audit:
        log_action("slot.create", slot, summary=f"新建场次 {event.name}",
                   after={"venue_id": slot.venue_id, "starts_at": starts_at,
                          "ends_at": ends_at, "capacity": capacity})
    return slot


def check_capacity(capacity: int, venue: Venue | None) -> None:
    """At least one person, and no more than the venue holds safely at once."""
    if capacity < 1:
        raise ConsoleError("capacity_invalid", "容量至少为1人。", field="capacity")
    if venue is not None and capacity > venue.safe_occupancy:
        raise ConsoleError("capacity_over_venue",
                           f"每场容量不能超过场地安全容量（{venue.safe_occupancy}人）。",
                           field="capacity")


def set_capacity(slot: Slot, capacity: int) -> None:
    """New capacity, never below the persons already booked (checked by the UPDATE itself,
    so a booking arriving meanwhile cannot slip under it)."""
    before = slot.capacity
    check_capacity(capacity, slot.venue)
    result = db.session.execute(
        sa.update(Slot).where(Slot.id == slot.id, Slot.booked <= capacity)
        .values(capacity=capacity).execution_options(synchronize_session=False))
    db.session.refresh(slot)
    if result.rowcount != 1:
        raise ConsoleError("capacity_below_booked",
                           f"容量不能低于已预约人数（{slot.booked}人）。", field="capacity")
    if before != capacity:
        log_action("slot.capacity", slot, before={"capacity": before},
                   after={"capacity": capacity}, summary=f"场次容量 {before}→{capacity}")


def update_slot(slot: Slot, capacity: int, label: str) -> None:
    set_capacity(slot, capacity)
    apply_changes(slot, {"label": label}, "slot.update", "修改场次名称")


def close_slot(slot: Slot, reason: str) -> None:
    """Stop bookings at once (emergency plan); teachers see ``reason`` on the picker."""
    if not reason.strip():
        raise ConsoleError("reason_required", "请填写暂停原因（将显示给预约教师）。", field="reason")
    before = {"is_open": slot.is_open, "closed_reason": slot.closed_reason}
    slot.is_open, slot.closed_reason = False, reason.strip()
    db.session.flush()
    log_action("slot.close", slot, before=before, after={"is_open": False, "closed_reason": reason},
               summary=f"暂停场次：{reason}")


def reopen_slot(slot: Slot) -> None:
    before = {"is_open": slot.is_open, "closed_reason": slot.closed_reason}
    slot.is_open, slot.closed_reason = True, ""
    db.session.flush()
    log_action("slot.reopen", slot, before=before, after={"is_open": True, "closed_reason": ""},
               summary="恢复场次预约")


# --- theme days, settings, copy ---------------------------------------------------------------

def update_theme_day(theme_day: ThemeDay, position: int, name: str, day: date | None) -> None:
    edition = theme_day.edition
    if day is not None and not (edition.starts_on <= day <= edition.ends_on):
        raise ConsoleError("day_outside_edition", "日期须在本届活动周期间内。", field="day")
    apply_changes(theme_day, {"position": position, "name": name, "day": day},
                  "theme_day.update", f"修改主题日 {name}")


SETTINGS_FIELDS = ("daily_cap", "students_per_teacher", "students_per_teacher_primary",
                   "max_group_size", "booking_opens_at", "booking_closes_at",
                   "change_deadline_hours", "report_deadline",
                   # 公平份额 and 待审核 (None: no limit / no review)
                   "max_persons_per_mobile_day", "max_persons_per_school_day",
                   "approval_threshold", "approval_hours",
                   # 联系方式 shown to visitors
                   "contact_name", "contact_phone", "address", "directions")


def update_settings(edition: Edition, values: dict) -> None:
    values = {k: values[k] for k in SETTINGS_FIELDS if k in values}
    opens, closes = values.get("booking_opens_at"), values.get("booking_closes_at")
    if opens and closes and closes <= opens:
        raise ConsoleError("window_invalid", "预约截止时间必须晚于开放时间。",
                           field="booking_closes_at")
    busiest = db.session.scalar(sa.select(sa.func.max(CampusDay.booked))
                                .where(CampusDay.edition_id == edition.id)) or 0
    if values["daily_cap"] < busiest:
        raise ConsoleError("cap_below_booked",
                           f"每日接待上限不能低于已预约最多的一天（{busiest}人）。",
                           field="daily_cap")
    apply_changes(edition, values, "settings.update", f"修改{edition.year}年活动周设置")


def copy_edition(source: Edition, year: int, starts_on: date) -> Edition:
    """Next year's week from ``source`` (theme days, events, departments, slots — no bookings),
    audited. The console's copy button and `flask editions copy` both call this."""
    if programme.edition_by_year(year) is not None:
        raise ConsoleError("year_taken", f"{year}年活动周已存在，未做任何修改。", field="year")
    edition = programme.copy_edition(source, year, starts_on)
    log_action("edition.copy", edition, before={"source_year": source.year},
               after={"year": year, "starts_on": starts_on},
               summary=f"由{source.year}年复制{year}年活动周")
    return edition
