"""补录到场: arrivals recorded after the day, from a paper sign-in list, by an organizer.

A gate that had no phone or no network still had a paper list. Once the slot has ended, an
organizer records who came through the same operation the gate uses (``services._record`` →
``outcome.decide`` → ``presence``): an entry at the slot's start, and — since they have long
gone home — an exit at its end, so nobody is left "on site" on a past day. The arrival then
counts everywhere the gate's would: ``counts.arrivals`` (实到 in 附件1, exports, the gate
record) and ``booking.noshows.no_show`` (a booking with an arrival is not a no-show). Each
entry is audited with the organizer's note.
"""
import uuid
from datetime import datetime

from ..audit.models import log_action
from ..booking.noshows import slot_ended
from ..errors import DomainError
from ..programme.models import Venue
from . import outcome, presence, services
from .actors import Actor
from .holders import Holder
from .models import CheckIn, Direction


class ManualArrivalError(DomainError):
    status = 422


def record_arrival(holder: Holder, students: int, teachers: int, note: str, actor: Actor, *,
                   now: datetime, venue: Venue | None = None) -> CheckIn:
    """Record ``students`` + ``teachers`` of ``holder`` as arrived at its slot (slot ended)."""
    slot = holder.slot
    if not slot_ended(slot, now):
        raise ManualArrivalError("slot_not_ended", "场次尚未结束：到场请在入口扫码或输入预约号核验。"
                                                   "补录用于场次结束后按纸质签到表补记。")
    if not note.strip():
        raise ManualArrivalError("note_required", "请填写补录依据（例如：纸质签到表，经办人）。",
                                 field="note")
    if students + teachers <= 0:
        raise ManualArrivalError("no_persons", "补录人数不能为 0。", field="students")
    if not holder.is_group:
        students, teachers = 1, 0
    venue = venue or slot.venue
    if venue is None:
        raise ManualArrivalError("no_venue", "该场次没有场地，请选择到场的场地。", field="venue_id")
    # The list gives everyone who came; the gate counts who enters now. Those of the ticket who
    # are outside come back and the ones never scanned arrive, so 实到 becomes the list's total.
    state = presence.lock(holder, slot.local_day)
    (arr_s, arr_t), (in_s, in_t) = state.arrived, state.inside
    new_s, new_t = max(0, students - arr_s), max(0, teachers - arr_t)
    if new_s + new_t == 0:
        raise ManualArrivalError(
            "nothing_to_add", f"签到表上的人数不多于已记录的到场人数（{arr_s + arr_t}人），无需补录。",
            field="students")
    entry = _move(holder, venue, Direction.IN.value, arr_s - in_s + new_s, arr_t - in_t + new_t,
                  slot.starts_at, actor)
    if not entry.admitted:
        raise ManualArrivalError(entry.result, entry.message, field="students")
    entry.warnings = "\n".join(filter(None, (entry.warnings, f"manual:补录：{note.strip()[:200]}")))
    for place in [p.venue for p in presence.lock(holder, slot.local_day).presences.values()
                  if p.persons > 0]:
        _move(holder, place, Direction.OUT.value, None, None, slot.ends_at, actor)
    log_action("checkin.manual_arrival", holder.record,
               before={"students": arr_s, "teachers": arr_t},
               after={"students": arr_s + new_s, "teachers": arr_t + new_t,
                      "venue_id": venue.id, "note": note.strip()[:200]},
               summary=f"补录到场 {holder.reference}：实到{arr_s + arr_t}→{arr_s + new_s + arr_t + new_t}人"
                       f"（{note.strip()[:60]}）")
    return entry


def _move(holder: Holder, venue: Venue, direction: str, students, teachers, when: datetime,
          actor: Actor) -> CheckIn:
    scan = CheckIn(client_id=f"manual-{uuid.uuid4().hex}", direction=direction, token="",
                   user=actor.user, scanned_at=when, synced_at=when, venue_id=venue.id)
    request = outcome.Request(direction, students, teachers, when, already_passed=True)
    return services._record(holder, scan, venue, actor, request).checkin
