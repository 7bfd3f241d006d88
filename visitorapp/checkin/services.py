"""Check-in operations (签到/离场): record one scan, 统一退场, correct the last movement's numbers.

``check_in`` validates the request, resolves the ticket once (``holders.resolve``), locks the
ticket's presence, lets ``outcome.decide`` answer, and stores the scan with its movement in the
caller's transaction (the view commits once). Every scan is stored, refusals included.

Exactly once: ``client_id`` is unique, so a retried request, or an offline scan synced twice,
gets the first answer back (``replay``) and moves nobody again.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .. import validators
from ..audit.models import log_action
from ..booking.capacity import CapacityError, take_places
from ..booking.models import Booking
from ..errors import DomainError
from ..extensions import db
from ..programme.models import Slot, Venue
from ..registration.models import Registration
from ..tickets import tokens
from ..tickets.tokens import TokenError
from ..timeutil import format_time, local
from . import counts, holders, outcome, presence
from .actors import Actor
from .holders import Holder
from .models import CheckIn, CheckInResult, Direction

#: An offline scan may be synced this long after it was made.
OFFLINE_MAX_AGE = timedelta(days=2)
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


class CheckInInvalid(DomainError):
    """The request itself is malformed (no scan is stored)."""

    status = 422


class DayInvalid(DomainError):
    """A ``?date=`` the gate pages and API cannot use (malformed, or out of the app's range)."""

    status = 400


@dataclass
class Outcome:
    checkin: CheckIn
    #: True when this answer is the stored one of an earlier request with the same client_id.
    replay: bool = False


def check_in(token: str, venue: Venue | None, direction: str, students: int | None,
             teachers: int | None, client_id: str, actor: Actor, *, now: datetime,
             confirm: bool = False, scanned_at: datetime | None = None, offline: bool = False,
             local_result: str = "") -> Outcome:
    """Decide and store one scan of a ticket token or a typed reference, at ``now``."""
    client_id = _client_id(client_id)
    direction = _direction(direction)
    for name, value in (("students", students), ("teachers", teachers)):
        if value is not None:
            _count(name, value)
    when = _scan_moment(now, offline, scanned_at)
    previous = _stored(client_id)
    if previous is not None:
        return Outcome(previous, replay=True)
    scan = CheckIn(client_id=client_id, direction=direction, token=tokens.normalise(token)[:64],
                   user=actor.user, device=actor.device, scanned_at=when, synced_at=now,
                   offline=offline, local_result=(local_result or "")[:30],
                   venue_id=venue.id if venue is not None else None)
    try:
        holder = holders.resolve(token)
    except TokenError as exc:
        return _refuse(scan, CheckInResult(exc.code), exc.message)
    request = outcome.Request(direction, students, teachers, when, confirm=confirm,
                              already_passed=offline and _passed(local_result))
    return _record(holder, scan, venue, actor, request)


def _record(holder: Holder, scan: CheckIn, venue: Venue | None, actor: Actor,
            request: outcome.Request) -> Outcome:
    # The objects, not only their ids: the answer describes the ticket without loading it again.
    scan.booking, scan.registration = holder.booking, holder.registration
    venue = venue or holder.slot.venue
    if venue is None:
        return _refuse(scan, CheckInResult.NO_VENUE, "请先选择本入口所属场馆。")
    scan.venue_id = venue.id
    if not actor.may_use(venue.id):
        return _refuse(scan, CheckInResult.FORBIDDEN_VENUE, f"您无权在“{venue.name}”核验。")
    if request.direction == Direction.IN.value and holder.is_pending:
        return _refuse(scan, CheckInResult.UNDER_REVIEW,
                       f"入场码尚未生效：预约 {holder.reference} 正在等待活动周工作组审核。")
    if request.direction == Direction.IN.value and not holder.is_active:
        kind = "预约" if holder.is_group else "报名"
        return _refuse(scan, CheckInResult.REVOKED, f"入场码已作废：{kind} {holder.reference} 已取消。")
    day = holder.slot.local_day
    if day != local(request.when).date():
        return _refuse(scan, CheckInResult.WRONG_DAY,
                       f"不是今天的{'预约' if holder.is_group else '报名'}：{day.month}月{day.day}日"
                       f" {format_time(holder.slot.starts_at)} 的场次。")
    state = presence.lock(holder, day)
    decision = outcome.decide(holder, state, venue, request, gate_rules(),
                              lambda: counts.on_site(day, venue.id))
    if not decision.result.admitted:
        scan.students, scan.teachers = decision.students, decision.teachers
        return _refuse(scan, decision.result, decision.message)
    try:
        with db.session.begin_nested():
            if decision.extra_places:
                # Persons beyond the booking take real places: the one capacity function.
                take_places(holder.slot, decision.extra_places)
            _admit(scan, state, decision, request.when)
            db.session.add(scan)
            db.session.flush()
    except CapacityError as exc:
        db.session.expire_all()
        return _refuse(scan, CheckInResult.OVER_CAPACITY, f"不能超额放行：{exc.message}")
    except IntegrityError as exc:
        # A concurrent retry of this very scan held the ticket's lock first and stored it: its
        # answer is the answer, and the savepoint took this movement back out of the presence.
        return _twin(scan.client_id, exc)
    return Outcome(scan)


def _admit(scan: CheckIn, state, decision: outcome.Decision, when: datetime) -> None:
    move = decision.move
    presence.apply(state, move, when)
    scan.result = decision.result.value
    scan.message = decision.message[:300]
    scan.venue_id = move.venue_id
    scan.students, scan.teachers = move.students, move.teachers
    scan.arrived_students, scan.arrived_teachers = move.arrived_students, move.arrived_teachers
    scan.warnings = "\n".join(f"{code}:{text}" for code, text in decision.warnings)


def _refuse(scan: CheckIn, result: CheckInResult, message: str) -> Outcome:
    scan.result = result.value
    scan.message = message[:300]
    # An offline gate already let them pass: keep both answers for organizers.
    scan.conflict = scan.offline and _passed(scan.local_result)
    try:
        with db.session.begin_nested():
            db.session.add(scan)
            db.session.flush()
    except IntegrityError as exc:  # the same client_id stored by a concurrent retry
        return _twin(scan.client_id, exc)
    return Outcome(scan)


def _twin(client_id: str, error: IntegrityError) -> Outcome:
    twin = _stored(client_id)
    if twin is None:  # not a duplicate client_id: another constraint, which stands
        raise error
    return Outcome(twin, replay=True)


def everyone_out(venue: Venue, day: date, actor: Actor, batch_id: str, *,
                 now: datetime) -> tuple[int, int]:
    """统一退场 at closing time: an exit for every ticket with persons still inside ``venue``
    (the rest of partly-exited groups and individual registrants too).

    Returns (tickets, persons) that left. The batch id makes a repeated form count once.
    """
    tickets = persons = 0
    for line in counts.inside(day, venue.id):
        scan = CheckIn(client_id=f"{batch_id}-{line.attendance_id}"[:64], direction="out",
                       token=line.holder.reference, user=actor.user, device=actor.device,
                       scanned_at=now, synced_at=now, venue_id=venue.id)
        if _stored(scan.client_id) is not None:
            continue
        done = _record(line.holder, scan, venue, actor,
                       outcome.Request(Direction.OUT.value, None, None, now)).checkin
        if done.admitted:
            tickets += 1
            persons += done.persons
    return tickets, persons


def correct_numbers(checkin: CheckIn, students, teachers, actor: Actor, *,
                    confirm: bool = False) -> CheckIn:
    """The gate counted again: change the numbers of a ticket's last movement (an entry, a
    re-entry or an exit). More persons than possible need a confirmation and free places."""
    if not checkin.admitted or checkin.booking is None:
        raise CheckInInvalid("not_admitted", "只能修改已放行团队的人数。")
    if not actor.may_use(checkin.venue_id):
        raise CheckInInvalid("forbidden_venue", "您无权修改该场馆的核验记录。")
    students, teachers = _count("students", students), _count("teachers", teachers)
    if students + teachers == 0:
        raise CheckInInvalid("no_persons", "人数不能为 0。", field="students")
    holder = holders.for_booking(checkin.booking)
    state = presence.lock(holder, checkin.booking.slot.local_day)
    if presence.latest_movement(holder).id != checkin.id:
        raise DomainError("not_latest", "此后该团队已有新的出入记录，只能修改最近一次的人数。")
    before = {"students": checkin.students, "teachers": checkin.teachers}
    # In a savepoint: a refusal leaves the movement and the presence exactly as they were.
    with db.session.begin_nested():
        _redo(holder, state, checkin, students, teachers, confirm)
    log_action("checkin.numbers", checkin, before=before,
               after={"students": students, "teachers": teachers},
               summary=f"{holder.reference} 核对人数", actor=actor.name)
    db.session.flush()
    return checkin


def parse_day(value: str) -> date:
    """``YYYY-MM-DD`` within the app's days (validators.FIRST_DAY..LAST_DAY), or DayInvalid
    with a Chinese message."""
    try:
        day = date.fromisoformat(str(value).strip())
    except ValueError:
        raise DayInvalid("invalid_date", "日期格式不正确，应为 YYYY-MM-DD。", field="date") from None
    problem = validators.day_error(day)
    if problem:
        raise DayInvalid("day_out_of_range", problem, field="date")
    return day


def _redo(holder: Holder, state, checkin: CheckIn, students: int, teachers: int,
          confirm: bool) -> None:
    """Take the movement back out of the presence and record it again with the new numbers."""
    arrived_with = sum(state.arrived)
    presence.revert(state, checkin)
    request = outcome.Request(checkin.direction, students, teachers, checkin.scanned_at,
                              confirm=confirm, correcting=True)
    decision = outcome.decide(holder, state, checkin.venue, request, gate_rules(), lambda: 0)
    if not decision.result.admitted:
        raise DomainError(decision.result.value, decision.message)
    held_before = max(0, arrived_with - max(sum(holder.booked), sum(state.arrived)))
    try:
        take_places(holder.slot, decision.extra_places - held_before)
    except CapacityError as exc:
        raise DomainError("over_capacity", f"不能超额放行：{exc.message}") from None
    warnings = checkin.warnings
    _admit(checkin, state, decision, checkin.scanned_at)
    checkin.warnings = warnings
    checkin.message = checkin.message[:290] + "（已核对人数）"
    db.session.flush()


def gate_rules() -> outcome.GateRules:
    return outcome.GateRules.from_config(current_app.config)


def _stored(client_id: str) -> CheckIn | None:
    """The scan stored under ``client_id``, with what its answer shows (a replay loads nothing
    more). Asked of every scan and almost always absent: the cheap question first, because the
    ORM's eager-load setup costs more CPU than the query itself."""
    found = db.session.scalar(sa.select(CheckIn.id).where(CheckIn.client_id == client_id))
    if found is None:
        return None
    slot = (joinedload(Slot.event), joinedload(Slot.venue))
    return db.session.scalar(sa.select(CheckIn).where(CheckIn.id == found).options(
        joinedload(CheckIn.booking).joinedload(Booking.slot).options(*slot),
        joinedload(CheckIn.registration).joinedload(Registration.slot).options(*slot),
        joinedload(CheckIn.device), joinedload(CheckIn.user)))


def _passed(local_result: str) -> bool:
    return local_result in {r.value for r in CheckInResult if r.admitted}


def _client_id(value) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if not CLIENT_ID_RE.match(value):
        raise CheckInInvalid("client_id_invalid", "扫码编号（client_id）缺失或格式不正确。",
                             field="client_id")
    return value


def _direction(value) -> str:
    try:
        return Direction(value).value
    except ValueError:
        raise CheckInInvalid("direction_invalid", "方向只能是 in（入场）或 out（离场）。",
                             field="direction") from None


def _count(name: str, value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10000:
        raise CheckInInvalid(f"{name}_invalid", "人数必须是 0 到 10000 之间的整数。", field=name)
    return value


def _scan_moment(now: datetime, offline: bool, scanned_at: datetime | None) -> datetime:
    if not (offline and scanned_at is not None):
        return now
    if scanned_at > now + timedelta(minutes=10) or scanned_at < now - OFFLINE_MAX_AGE:
        raise CheckInInvalid("scanned_at_invalid", "离线扫码时间不合理，请检查设备时间。",
                             field="scanned_at")
    return scanned_at
