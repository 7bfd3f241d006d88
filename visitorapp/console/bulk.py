"""Bulk slot generation (批量生成场次): the same rhythm of slots at one venue over several days.

``plan`` computes the slots without touching the database, so the organizer sees a preview and
which ones clash with existing slots; ``generate`` creates them all or none.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..audit.models import log_action
from ..programme.models import Event, Slot, Venue
from ..timeutil import at_local, local
from . import services

#: More than this in one go is almost certainly a typo (e.g. 200 instead of 20 per day).
MAX_SLOTS = 200


@dataclass
class PlannedSlot:
    starts_at: datetime
    ends_at: datetime
    capacity: int
    clash: Slot | None = None


@dataclass
class BulkRequest:
    event: Event
    venue: Venue
    days: list[date]
    first_start: time
    minutes: int
    gap: int
    count: int
    capacity: int
    label: str = ""


def plan(req: BulkRequest) -> list[PlannedSlot]:
    """The slots the request would create, each with the existing slot it overlaps (if any)."""
    if req.count * len(req.days) > MAX_SLOTS:
        raise services.ConsoleError("too_many", f"一次最多生成{MAX_SLOTS}个场次，请减少日期或每日场次数。",
                                    field="count")
    services.check_capacity(req.capacity, req.venue)
    edition = req.event.edition
    planned = []
    for day in sorted(set(req.days)):
        if not (edition.starts_on <= day <= edition.ends_on):
            raise services.ConsoleError("day_outside_edition", "日期须在本届活动周期间内。",
                                        field="days")
        start = at_local(day, req.first_start)
        for _ in range(req.count):
            end = start + timedelta(minutes=req.minutes)
            if local(end).date() != day or local(end).time() == time(0, 0):
                raise services.ConsoleError("past_midnight", "最后一场须在当天结束，请减少场次数或缩短时长。",
                                            field="count")
            clash = services.overlapping_slot(req.event.id, req.venue.id, start, end)
            planned.append(PlannedSlot(start, end, req.capacity, clash))
            start = end + timedelta(minutes=req.gap)
    return planned


def generate(req: BulkRequest) -> list[Slot]:
    """Create every planned slot, or none when any of them overlaps an existing one."""
    planned = plan(req)
    clashes = [p for p in planned if p.clash is not None]
    if clashes:
        raise services.ConsoleError(
            "slot_overlaps", f"有{len(clashes)}个场次与已有场次时间重叠，未生成任何场次。请调整后重新预览。")
    slots = [services.create_slot(req.event, req.venue, p.starts_at, p.ends_at, p.capacity,
                                  req.label, audit=False) for p in planned]
    log_action("slot.bulk_create", req.event, summary=f"批量生成{len(slots)}个场次 {req.venue.name}",
               after={"venue_id": req.venue.id, "days": ",".join(d.isoformat() for d in req.days),
                      "first_start": req.first_start.strftime("%H:%M"), "minutes": req.minutes,
                      "gap": req.gap, "count": req.count, "capacity": req.capacity,
                      "slot_ids": ",".join(str(s.id) for s in slots)})
    return slots
