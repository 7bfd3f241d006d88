"""Individual tickets (个人报名) at the gate: the same token format and gate flow as a group's,
for one person. A registration's ticket is found when no booking carries the token's nonce.

One admitted entry and one admitted exit per registration, decided by partial unique indexes
(uq_checkin_person_in/out) exactly as for groups.
"""
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..programme.models import Venue
from ..tickets.tokens import TokenError
from ..timeutil import format_datetime, format_time, local
from .models import ADMITTED, CheckIn, Direction


def find_registration(token: str):
    """The registration (cancelled ones too) a verified token belongs to, or None."""
    from ..registration.services import registration_for_token
    try:
        return registration_for_token(token, allow_revoked=True)
    except TokenError:
        return None


def check_in_person(scan: CheckIn, registration, venue: Venue | None, actor, when, refuse):
    """Decide one scan of an individual ticket; ``refuse`` is the group flow's refusal writer."""
    from .services import Outcome
    scan.registration = registration
    if not registration.is_active:
        return refuse(scan, "revoked", f"入场码已作废：报名 {registration.reference} 已取消。")
    slot = registration.slot
    venue = venue or slot.venue
    scan.venue_id = venue.id if venue is not None else None
    if venue is None:
        return refuse(scan, "no_venue", "请先选择本入口所属场馆。")
    if not actor.may_use(venue.id):
        return refuse(scan, "forbidden_venue", f"您无权在“{venue.name}”核验。")
    if local(slot.starts_at).date() != local(when).date():
        day = slot.local_day
        return refuse(scan, "wrong_day", f"不是今天的报名：报名的是 {day.month}月{day.day}日"
                                         f" {format_time(slot.starts_at)} 的场次。")
    entry = _admitted(registration, Direction.IN)
    if scan.direction == Direction.IN.value and entry is not None:
        return refuse(scan, "already_checked_in",
                      f"此人已于 {format_datetime(entry.scanned_at)} 签到（{entry.actor_name}）。")
    if scan.direction == Direction.OUT.value:
        if entry is None:
            return refuse(scan, "not_checked_in", "此人尚未签到，无法登记离场。")
        if _admitted(registration, Direction.OUT) is not None:
            return refuse(scan, "already_checked_out", "此人已登记离场。")
        scan.venue_id = entry.venue_id
    # One person: counted as a student (our students and the public alike).
    scan.students, scan.teachers = 1, 0
    verb = "签到" if scan.direction == Direction.IN.value else "离场登记"
    try:
        with db.session.begin_nested():
            scan.result = ADMITTED
            scan.message = f"{verb}成功：个人报名 {registration.reference}（{slot.event.name}）。"
            db.session.add(scan)
            db.session.flush()
    except IntegrityError:  # another gate won the unique index, or the same client_id retried
        twin = db.session.scalar(sa.select(CheckIn).where(CheckIn.client_id == scan.client_id))
        if twin is not None:
            return Outcome(twin, replay=True)
        fresh = CheckIn(client_id=scan.client_id, direction=scan.direction, token=scan.token,
                        user=scan.user, device=scan.device, scanned_at=scan.scanned_at,
                        synced_at=scan.synced_at, offline=scan.offline,
                        local_result=scan.local_result, venue_id=scan.venue_id,
                        registration=registration)
        code = "already_checked_in" if scan.direction == Direction.IN.value else "already_checked_out"
        return refuse(fresh, code, "此人已由其他入口登记。")
    return Outcome(scan)


def _admitted(registration, direction: Direction) -> CheckIn | None:
    return db.session.scalar(sa.select(CheckIn).where(
        CheckIn.registration_id == registration.id, CheckIn.direction == direction.value,
        CheckIn.result == ADMITTED))
