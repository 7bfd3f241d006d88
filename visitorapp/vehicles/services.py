"""Vehicle operations: a group's arrival mode, vehicles and plates, held against the entrance's
daily limit in the booking's transaction.

Vehicles are taken like places (``booking.capacity``): a conditional UPDATE on the entrance's day
counter (``… WHERE vehicles + n <= limit``), never read-then-write, always after the places, so
two groups never both get the last vehicle space and the lock order stays slot → … → entrance.
They follow the booking: a cancellation or a rejection gives them back, a move to another day
takes them on the new day (a full entrance rolls the move back).
"""
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..audit.models import log_action
from ..booking import services as booking_services
from ..booking import signals
from ..booking.models import HOLDING_STATUSES, Booking
from ..database import insert_missing
from ..errors import DomainError
from ..extensions import db
from ..programme.models import Edition, Event, Slot
from ..timeutil import local_day_bounds
from . import plates as plate_rules
from .models import ArrivalMode, EntranceDay, Transport, Vehicle, VehicleSettings

#: Most vehicles one group may declare.
MAX_VEHICLES = 20


class VehicleError(DomainError):
    """The vehicle details break a rule; ``field`` names the form field."""

    status = 422


class VehicleLimitReached(VehicleError):
    """The entrance's daily vehicle limit is reached: no room, like a full slot (409 in the API)."""

    status = 409


@dataclass
class TransportDetails:
    """What a teacher fills in: 到校方式, and for vehicles how many, their plates, the entrance."""

    mode: str = ArrivalMode.WALK.value
    vehicles: int = 0
    plates: list[str] = field(default_factory=list)
    entrance: str = ""


def settings_for(edition: Edition) -> VehicleSettings:
    """The edition's vehicle settings (defaults until an organizer saves them)."""
    return db.session.get(VehicleSettings, edition.id) or VehicleSettings(
        edition_id=edition.id, entrances="\n".join(("东门", "北门")), daily_limit=30)


def save_settings(edition: Edition, entrances: list[str], daily_limit: int | None) -> None:
    if not entrances:
        raise VehicleError("entrances_required", "请至少填写一个车辆入口。", field="entrances")
    settings = db.session.get(VehicleSettings, edition.id)
    before = None
    if settings is None:
        settings = VehicleSettings(edition_id=edition.id)
        db.session.add(settings)
    else:
        before = {"entrances": settings.entrances, "daily_limit": settings.daily_limit}
    settings.entrances, settings.daily_limit = "\n".join(entrances), daily_limit
    db.session.flush()
    log_action("vehicles.settings", edition, before=before,
               after={"entrances": settings.entrances, "daily_limit": daily_limit},
               summary=f"车辆入口：{'、'.join(entrances)}；每入口每天上限："
                       f"{daily_limit if daily_limit is not None else '不限'}")


def check(edition: Edition, details: TransportDetails) -> TransportDetails:
    """The details normalised (plates upper-case, separators gone), or a VehicleError."""
    try:
        mode = ArrivalMode(details.mode or ArrivalMode.WALK.value)
    except ValueError:
        raise VehicleError("arrival_invalid", "请从列表中选择到校方式。", field="arrival") from None
    if not mode.has_vehicles:
        return TransportDetails(mode=mode.value)
    count = details.vehicles or 0
    if not 1 <= count <= MAX_VEHICLES:
        raise VehicleError("vehicle_count", f"请填写车辆数（1–{MAX_VEHICLES}辆）。",
                           field="vehicle_count")
    plates = [plate_rules.normalise(p) for p in details.plates if plate_rules.normalise(p)]
    for plate in plates:
        problem = plate_rules.error(plate)
        if problem:
            raise VehicleError("plate_invalid", problem, field="plates")
    if len(set(plates)) != len(plates):
        raise VehicleError("plate_repeated", "同一车牌填写了两次。", field="plates")
    if len(plates) > count:
        raise VehicleError("plates_exceed", f"填写了{len(plates)}个车牌，多于车辆数（{count}辆）。",
                           field="plates")
    entrances = settings_for(edition).entrance_list
    entrance = details.entrance or (entrances[0] if len(entrances) == 1 else "")
    if entrance not in entrances:
        raise VehicleError("entrance_invalid", "请选择车辆入口。", field="entrance")
    return TransportDetails(mode=mode.value, vehicles=count, plates=plates, entrance=entrance)


def book(slot: Slot, details: booking_services.GroupDetails, transport: TransportDetails | None,
         **kwargs) -> Booking:
    """A group booking with its vehicles, in one transaction: places first, then vehicles, both
    before the confirmation mail is written (it shows them). ``transport`` None: the vehicles
    were not given (the JSON API without them): nothing is recorded, nothing looked up."""
    def record(booking: Booking) -> dict:
        if transport is None:
            return {"transport": None}
        return {"transport": set_transport(booking, transport, actor=None, log=False, new=True)}
    return booking_services.create_booking(slot, details, also=record, **kwargs)


def set_transport(booking: Booking, details: TransportDetails, *, actor: str | None = "领队（管理链接）",
                  log: bool = True, new: bool = False) -> Transport:
    """Record (or change) a group's arrival; more vehicles are taken, fewer given back.
    ``new``: the booking was made in this transaction, so it has no arrival yet (no lookup)."""
    if not booking.holds_places:
        raise VehicleError("cancelled", "该预约已取消。")
    edition = booking.slot.event.edition
    details = check(edition, details)
    transport = None if new else transport_of(booking)
    if transport is None:
        transport = Transport(booking_id=booking.id, mode=ArrivalMode.WALK, entrance="", vehicles=0)
        db.session.add(transport)
    before = {"mode": str(transport.mode), "vehicles": transport.vehicles,
              "entrance": transport.entrance, "plates": "、".join(transport.plate_list)}
    _release(edition.id, transport)
    transport.mode, transport.entrance = ArrivalMode(details.mode), details.entrance
    transport.vehicles = details.vehicles
    _take(edition, transport, booking.slot)
    transport.plates = [Vehicle(plate=p, position=i) for i, p in enumerate(details.plates)]
    db.session.flush()
    if log:
        log_action("booking.vehicles", booking, actor=actor, before=before,
                   after={"mode": details.mode, "vehicles": details.vehicles,
                          "entrance": details.entrance, "plates": "、".join(details.plates)},
                   summary=f"{booking.reference} 车辆信息：{transport.summary}"[:200])
    return transport


def transport_of(booking: Booking) -> Transport | None:
    """The group's arrival with its plates, in one statement (none if already in the session)."""
    return db.session.get(Transport, booking.id, options=[joinedload(Transport.plates)])


def summary(booking: Booking) -> str:
    """What the gate shows beside the group: 大巴 2辆：湘A12345、湘AD12345 (empty: not given)."""
    transport = transport_of(booking)
    return transport.summary if transport is not None else ""


def summaries(booking_ids: list[int]) -> dict[int, str]:
    """``summary`` for many groups in one statement (the gate's offline list of the day); a
    group without vehicle details is left out (its summary is empty)."""
    if not booking_ids:
        return {}
    rows = db.session.scalars(sa.select(Transport).where(Transport.booking_id.in_(booking_ids))
                              .options(joinedload(Transport.plates))).unique()
    return {t.booking_id: t.summary for t in rows}


def entrance_day_vehicles(edition_id: int, entrance: str, day: date) -> int:
    """Vehicles held at an entrance on a day (the counter the limit is checked against)."""
    return db.session.scalar(sa.select(EntranceDay.vehicles).where(
        EntranceDay.edition_id == edition_id, EntranceDay.entrance == entrance,
        EntranceDay.day == day)) or 0


def day_list(edition: Edition, day: date) -> dict[str, list[Transport]]:
    """保卫处's list: the day's groups coming by vehicle, per entrance, by arrival time."""
    start, end = local_day_bounds(day)
    rows = db.session.scalars(
        sa.select(Transport).join(Transport.booking).join(Booking.slot).join(Slot.event)
        .where(Event.edition_id == edition.id, Slot.starts_at >= start, Slot.starts_at < end,
               Booking.status.in_(HOLDING_STATUSES), Transport.vehicles > 0)
        .order_by(Transport.entrance, Slot.starts_at, Booking.id)).all()
    by_entrance: dict[str, list[Transport]] = {e: [] for e in settings_for(edition).entrance_list}
    for transport in rows:
        by_entrance.setdefault(transport.entrance, []).append(transport)
    return by_entrance


def _take(edition: Edition, transport: Transport, slot: Slot) -> None:
    if not transport.vehicles or slot.is_rehearsal:
        transport.held_day = None
        return
    day, limit = slot.local_day, settings_for(edition).daily_limit
    insert_missing(EntranceDay, {"edition_id": edition.id, "entrance": transport.entrance,
                                 "day": day, "vehicles": 0}, ("edition_id", "entrance", "day"))
    where = [EntranceDay.edition_id == edition.id, EntranceDay.entrance == transport.entrance,
             EntranceDay.day == day]
    if limit is not None:
        where.append(EntranceDay.vehicles + transport.vehicles <= limit)
    result = db.session.execute(
        sa.update(EntranceDay).where(*where)
        .values(vehicles=EntranceDay.vehicles + transport.vehicles)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        left = max(0, limit - entrance_day_vehicles(edition.id, transport.entrance, day))
        raise VehicleLimitReached("vehicle_limit",
                           f"{transport.entrance}{day.month}月{day.day}日的车辆已接近上限（每天{limit}辆，"
                           f"还可停{left}辆），请减少车辆（拼车）、选择其他入口或其他日期。",
                           field="vehicle_count", remaining=left)
    transport.held_day = day


def _release(edition_id: int, transport: Transport) -> None:
    if transport.vehicles and transport.held_day is not None:
        n = transport.vehicles
        db.session.execute(
            sa.update(EntranceDay)
            .where(EntranceDay.edition_id == edition_id, EntranceDay.entrance == transport.entrance,
                   EntranceDay.day == transport.held_day)
            .values(vehicles=sa.case((EntranceDay.vehicles >= n, EntranceDay.vehicles - n), else_=0))
            .execution_options(synchronize_session=False))
    transport.held_day = None


# --- the vehicles follow the booking ----------------------------------------------------------

def _on_released(booking: Booking, **_) -> None:
    transport = transport_of(booking)
    if transport is not None:
        _release(booking.slot.event.edition_id, transport)


def _on_changed(booking: Booking, before: dict | None = None, **_) -> None:
    """A move: the vehicles are held on the new slot's day (and may not fit there)."""
    if not before or "slot_id" not in before:
        return
    transport = transport_of(booking)
    if transport is None or not transport.vehicles or transport.held_day == booking.slot.local_day:
        return
    edition = booking.slot.event.edition
    _release(edition.id, transport)
    _take(edition, transport, booking.slot)


signals.booking_cancelled.connect(_on_released)
signals.booking_rejected.connect(_on_released)
signals.booking_changed.connect(_on_changed)
