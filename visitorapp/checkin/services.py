"""Check-in decisions (签到/离场): one function decides every scan's outcome and stores it.

Outcomes follow pretix's explicit reasons: ``ok`` (green, maybe with amber ``warnings``) or a
refusal code (red): unknown, forged, revoked, wrong_day, already_checked_in, not_checked_in,
already_checked_out, confirm_required (amber: more persons than booked or the venue is full —
the gate must confirm), over_capacity, no_venue, forbidden_venue. Every scan is stored.

Idempotency: ``client_id`` is unique, so a retried request returns the first answer. Two gates
scanning one ticket at once race on a partial unique index (one admitted entry per booking):
the loser's insert fails inside a savepoint and it is stored as ``already_checked_in``.
"""
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..booking.capacity import CapacityError, take_places
from ..booking.models import Booking
from ..booking.rules import teachers_needed
from ..errors import DomainError
from ..extensions import db
from ..programme.models import Venue
from ..tickets import tokens
from ..tickets.services import booking_for_token
from ..timeutil import format_datetime, format_time, local, utcnow
from . import individual
from .actors import Actor
from .counts import on_site
from .models import ADMITTED, CheckIn, Direction

#: Arriving more than this before the slot starts, or after it starts, is flagged amber.
EARLY_TOLERANCE = timedelta(minutes=60)
LATE_TOLERANCE = timedelta(minutes=30)
#: An offline scan may be synced this long after it was made.
OFFLINE_MAX_AGE = timedelta(days=2)
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


class CheckInInvalid(DomainError):
    """The request itself is malformed (no scan is stored)."""

    status = 422


@dataclass
class Outcome:
    checkin: CheckIn
    #: True when this answer is the stored one of an earlier request with the same client_id.
    replay: bool = False


def check_in(token: str, venue: Venue | None, direction: str, students: int | None,
             teachers: int | None, client_id: str, actor: Actor, *, confirm: bool = False,
             scanned_at: datetime | None = None, offline: bool = False,
             local_result: str = "") -> Outcome:
    """Decide and store one scan. Returns the stored CheckIn (a replay for a known client_id)."""
    client_id = (client_id or "").strip()
    if not CLIENT_ID_RE.match(client_id):
        raise CheckInInvalid("client_id_invalid", "扫码编号（client_id）缺失或格式不正确。",
                             field="client_id")
    previous = db.session.scalar(sa.select(CheckIn).where(CheckIn.client_id == client_id))
    if previous is not None:
        return Outcome(previous, replay=True)
    try:
        direction = Direction(direction).value
    except ValueError:
        raise CheckInInvalid("direction_invalid", "方向只能是 in（签到）或 out（离场）。",
                             field="direction") from None
    for name, value in (("students", students), ("teachers", teachers)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                  or not 0 <= value <= 10000):
            raise CheckInInvalid(f"{name}_invalid", "人数必须是 0 到 10000 之间的整数。", field=name)
    now = utcnow()
    when = now
    if offline and scanned_at is not None:
        if scanned_at > now + timedelta(minutes=10) or scanned_at < now - OFFLINE_MAX_AGE:
            raise CheckInInvalid("scanned_at_invalid", "离线扫码时间不合理，请检查设备时间。",
                                 field="scanned_at")
        when = scanned_at

    scan = CheckIn(client_id=client_id, direction=direction, token=tokens.normalise(token)[:64],
                   user=actor.user, device=actor.device, scanned_at=when, synced_at=now,
                   offline=offline, local_result=(local_result or "")[:30],
                   venue_id=venue.id if venue is not None else None)
    try:
        booking = booking_for_token(token)
    except tokens.TokenError as exc:
        person = individual.find_registration(token) if exc.code == "unknown" else None
        if person is not None:
            return individual.check_in_person(scan, person, venue, actor, when, _refuse)
        revoked = _revoked_booking(token) if exc.code == "revoked" else None
        return _refuse(scan, exc.code, exc.message, booking=revoked)
    scan.booking = booking
    if venue is None:
        venue = booking.slot.venue
        scan.venue_id = venue.id if venue is not None else None
    if venue is None:
        return _refuse(scan, "no_venue", "请先选择本入口所属场馆。")
    if not actor.may_use(venue.id):
        return _refuse(scan, "forbidden_venue", f"您无权在“{venue.name}”核验。")
    if local(booking.slot.starts_at).date() != local(when).date():
        day = booking.slot.local_day
        return _refuse(scan, "wrong_day", f"不是今天的预约：该团队预约的是 {day.month}月{day.day}日"
                                          f" {format_time(booking.slot.starts_at)} 的场次。")
    if direction == Direction.OUT.value:
        return _exit(scan, booking, students, teachers)
    return _enter(scan, booking, venue, students, teachers, confirm, when)


def _enter(scan, booking, venue, students, teachers, confirm, when) -> Outcome:
    first = admitted_entry(booking)
    if first is not None:
        return _refuse(scan, "already_checked_in", _already_message(first))
    scan.students = booking.students if students is None else students
    scan.teachers = booking.teachers if teachers is None else teachers
    if scan.persons == 0:
        return _refuse(scan, "no_persons", "到场人数不能为 0。")
    warnings = _warnings(booking, venue, scan, when)
    extra = scan.persons - booking.headcount
    full = on_site(venue.id, local(when).date()) + scan.persons > venue.safe_occupancy
    # A group an offline gate already let in is inside: record it (with the warning), not refuse it.
    already_inside = scan.offline and scan.local_result == ADMITTED
    if (extra > 0 or full) and not (confirm or already_inside):
        reasons = []
        if extra > 0:
            reasons.append(f"到场人数比预约多 {extra} 人")
        if full:
            reasons.append(f"{venue.name}在场人数将超过安全上限（{venue.safe_occupancy}人）")
        return _refuse(scan, "confirm_required", "；".join(reasons) + "。请核实后确认放行。")
    if full:
        warnings.append(("venue_full", f"已超过{venue.name}安全上限，已由核验员确认放行。"))
    scan.warnings = "\n".join(f"{code}:{message}" for code, message in warnings)
    try:
        with db.session.begin_nested():
            if extra > 0:
                # The extra persons take real places (slot, campus day, venue): the one capacity function.
                take_places(booking.slot, extra)
            scan.result = ADMITTED
            scan.message = f"签到成功：{booking.school_name}，{scan.students}名学生、{scan.teachers}名教师。"
            db.session.add(scan)
            db.session.flush()
    except CapacityError as exc:
        db.session.expire(booking.slot)
        return _refuse(scan, "over_capacity", f"不能超额放行：{exc.message}")
    except IntegrityError:
        return _lost_race(scan, booking)
    return Outcome(scan)


def _exit(scan, booking, students, teachers) -> Outcome:
    entry = admitted_entry(booking)
    if entry is None:
        return _refuse(scan, "not_checked_in", "该团队尚未签到，无法登记离场。")
    left = db.session.scalar(sa.select(CheckIn).where(
        CheckIn.booking_id == booking.id, CheckIn.direction == Direction.OUT.value,
        CheckIn.result == ADMITTED))
    if left is not None:
        return _refuse(scan, "already_checked_out",
                       f"该团队已于 {format_time(left.scanned_at)} 离场（{left.actor_name}）。")
    # Counted against the venue the group entered, whichever gate it leaves by.
    scan.venue_id = entry.venue_id
    scan.students = entry.students if students is None else min(students, entry.students)
    scan.teachers = entry.teachers if teachers is None else min(teachers, entry.teachers)
    try:
        with db.session.begin_nested():
            scan.result = ADMITTED
            scan.message = f"离场登记成功：{booking.school_name}，{scan.persons}人。"
            db.session.add(scan)
            db.session.flush()
    except IntegrityError:
        return _lost_race(scan, booking)
    return Outcome(scan)


def _lost_race(scan, booking) -> Outcome:
    """Our insert lost to a concurrent one: the same client_id (a retry) or another gate."""
    twin = db.session.scalar(sa.select(CheckIn).where(CheckIn.client_id == scan.client_id))
    if twin is not None:
        return Outcome(twin, replay=True)
    fresh = CheckIn(client_id=scan.client_id, direction=scan.direction, token=scan.token,
                    user=scan.user, device=scan.device, scanned_at=scan.scanned_at,
                    synced_at=scan.synced_at, offline=scan.offline, local_result=scan.local_result,
                    venue_id=scan.venue_id, booking=booking, students=scan.students,
                    teachers=scan.teachers)
    if scan.direction == Direction.OUT.value:
        return _refuse(fresh, "already_checked_out", "该团队已由其他入口登记离场。")
    first = admitted_entry(booking)
    return _refuse(fresh, "already_checked_in", _already_message(first) if first else "已签到。")


def _refuse(scan: CheckIn, code: str, message: str, *, booking: Booking | None = None) -> Outcome:
    scan.result = code
    scan.message = message[:300]
    if booking is not None:
        scan.booking = booking
    # An offline gate already let the group in (or out): keep both answers for organizers.
    scan.conflict = scan.offline and scan.local_result == ADMITTED
    try:
        with db.session.begin_nested():
            db.session.add(scan)
            db.session.flush()
    except IntegrityError:  # the same client_id stored by a concurrent retry
        twin = db.session.scalar(sa.select(CheckIn).where(CheckIn.client_id == scan.client_id))
        if twin is None:
            raise
        return Outcome(twin, replay=True)
    return Outcome(scan)


def _warnings(booking, venue, scan, when) -> list[tuple[str, str]]:
    slot = booking.slot
    warnings = []
    if when < slot.starts_at - EARLY_TOLERANCE:
        warnings.append(("early", f"早到：场次 {format_time(slot.starts_at)} 开始。"))
    elif when > slot.starts_at + LATE_TOLERANCE:
        warnings.append(("late", f"迟到：场次 {format_time(slot.starts_at)} 已开始。"))
    if slot.venue_id is not None and slot.venue_id != venue.id:
        warnings.append(("wrong_venue", f"其他场馆的预约：应到“{slot.venue.name}”。"))
    need = teachers_needed(slot.event.edition, str(booking.school_stage), scan.students)
    if scan.students and scan.teachers < need:
        warnings.append(("ratio", f"带队教师不足：{scan.students}名学生至少需要{need}名教师。"))
    return warnings


def _already_message(first: CheckIn) -> str:
    return f"该团队已于 {format_datetime(first.scanned_at)} 签到（{first.actor_name}）。"


def _revoked_booking(token: str) -> Booking | None:
    return booking_for_token(token, allow_revoked=True)


def admitted_entry(booking: Booking) -> CheckIn | None:
    return db.session.scalar(sa.select(CheckIn).where(
        CheckIn.booking_id == booking.id, CheckIn.direction == Direction.IN.value,
        CheckIn.result == ADMITTED))


def everyone_out(venue: Venue, day, actor: Actor, client_prefix: str) -> int:
    """统一退场 at closing time: an exit for every group still on site at ``venue``."""
    from .counts import groups_on_site
    count = 0
    for entry in groups_on_site(venue.id, day):
        outcome = check_in(tokens.token_for(entry.booking), venue, "out", None, None,
                           f"{client_prefix}-{entry.booking_id}"[:64], actor, scanned_at=None)
        count += outcome.checkin.admitted and not outcome.replay
    return count


def correct_numbers(checkin: CheckIn, students: int, teachers: int, actor: Actor, *,
                    confirm: bool = False) -> CheckIn:
    """The gate counted the group: fewer than booked is fine; more needs a confirmation and
    free places (taken or given back through the one capacity function)."""
    if not checkin.admitted or checkin.direction != Direction.IN.value or checkin.booking is None:
        raise CheckInInvalid("not_admitted", "只能修改已签到团队的到场人数。")
    if checkin.venue_id is not None and not actor.may_use(checkin.venue_id):
        raise CheckInInvalid("forbidden_venue", "您无权修改该场馆的签到记录。")
    for name, value in (("students", students), ("teachers", teachers)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10000:
            raise CheckInInvalid(f"{name}_invalid", "人数必须是 0 到 10000 之间的整数。", field=name)
    if students + teachers == 0:
        raise CheckInInvalid("no_persons", "到场人数不能为 0。", field="students")
    booked = checkin.booking.headcount
    extra_before = max(0, checkin.persons - booked)
    extra_after = max(0, students + teachers - booked)
    if extra_after > extra_before:
        if not confirm:
            raise DomainError("confirm_required", f"到场人数比预约多 {extra_after} 人，请核实后确认。")
        try:
            take_places(checkin.booking.slot, extra_after - extra_before)
        except CapacityError as exc:
            raise DomainError("over_capacity", f"不能超额放行：{exc.message}") from None
    elif extra_after < extra_before:
        from ..booking.capacity import release_places
        release_places(checkin.booking.slot, extra_before - extra_after)
    before = {"students": checkin.students, "teachers": checkin.teachers}
    checkin.students, checkin.teachers = students, teachers
    checkin.message = (f"签到成功：{checkin.booking.school_name}，{students}名学生、"
                       f"{teachers}名教师（已核对人数）。")
    from ..audit.models import log_action
    log_action("checkin.numbers", checkin, before=before,
               after={"students": students, "teachers": teachers},
               summary=f"{checkin.booking.reference} 到场人数", actor=actor.name)
    db.session.flush()
    return checkin
