"""The gate's answer to one scan, for group bookings and individual registrations alike.

``decide`` looks at the ticket's presence (read under its lock) and says what is physically
possible, in the words of docs/gate.md:

* Entry — by default those of the ticket who went out come back (再次入场), or, when nobody went
  out, those booked who have not come yet arrive (签到: the second bus). Persons beyond everyone
  outside (gone out + still due) are "extra" and need a confirmation (and free places). A
  ticket with nobody left to come in answers 已在场 (amber), and so does a second scan within a
  short window of an entry when nobody has gone out — a double scan, not the rest of the group.
  Entering at another venue's gate, far too early, or into a full venue asks for a confirmation
  too (⚠ 需确认).
* Exit — by default everyone of the ticket inside that venue leaves; more than are inside is
  refused with the count inside. An exit counts where the persons are: at the scanning gate's
  venue when some are inside it, else where most of them are.
* Arrival (签到, what 附件1 counts as 实到) is the high-water mark of persons inside: a re-entry
  does not arrive again.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..booking.rules import teachers_needed
from ..programme.models import Venue
from ..timeutil import format_time
from .holders import Holder
from .models import CheckInResult, Direction
from .presence import Movement, TicketState


@dataclass(frozen=True)
class GateRules:
    """The gate's tolerances (CHECKIN_* settings)."""

    #: Arriving earlier than this before the slot starts asks for a confirmation.
    early_confirm: timedelta = timedelta(minutes=60)
    #: Arriving later than this after the slot started is noted in amber.
    late_warning: timedelta = timedelta(minutes=30)
    #: A scan this soon after an entry, with nobody gone out, is a double scan.
    repeat_window: timedelta = timedelta(minutes=5)

    @classmethod
    def from_config(cls, config) -> "GateRules":
        return cls(early_confirm=timedelta(minutes=config.get("CHECKIN_EARLY_CONFIRM_MINUTES", 60)),
                   late_warning=timedelta(minutes=config.get("CHECKIN_LATE_WARNING_MINUTES", 30)),
                   repeat_window=timedelta(seconds=config.get("CHECKIN_REPEAT_WINDOW_SECONDS", 300)))


@dataclass
class Request:
    """What the gate asked for."""

    direction: str
    #: None: the default (everyone outside for an entry, everyone inside for an exit).
    students: int | None
    teachers: int | None
    when: datetime
    confirm: bool = False
    #: An offline gate already let them pass: record it with notes, do not ask again.
    already_passed: bool = False
    #: Correcting the numbers of the last movement: only the numbers are decided again.
    correcting: bool = False


@dataclass
class Decision:
    result: CheckInResult
    message: str
    move: Movement | None = None
    #: Persons asked for (kept on a refusal so organizers see what the gate tried).
    students: int = 0
    teachers: int = 0
    warnings: list[tuple[str, str]] = field(default_factory=list)
    #: Persons beyond the booking arriving now: places the capacity function must find.
    extra_places: int = 0


def decide(holder: Holder, state: TicketState, venue: Venue, req: Request, rules: GateRules,
           venue_on_site) -> Decision:
    """The answer to one scan. ``venue_on_site()`` counts who is inside ``venue`` (asked lazily)."""
    if req.direction == Direction.OUT.value:
        return _exit(holder, state, venue, req)
    return _enter(holder, state, venue, req, rules, venue_on_site)


def _enter(holder, state, venue, req, rules, venue_on_site) -> Decision:
    booked_s, booked_t = holder.booked
    arr_s, arr_t = state.arrived
    in_s, in_t = state.inside
    gone_s, gone_t = arr_s - in_s, arr_t - in_t                      # came, then went out
    due_s, due_t = max(0, booked_s - arr_s), max(0, booked_t - arr_t)  # booked, not come yet
    out_s, out_t = gone_s + due_s, gone_t + due_t
    explicit = holder.is_group and (req.students is not None or req.teachers is not None)
    # By default those who went out come back; if nobody went out, those still due arrive.
    default = (gone_s, gone_t) if gone_s + gone_t else (due_s, due_t)
    s = req.students if explicit and req.students is not None else default[0]
    t = req.teachers if explicit and req.teachers is not None else default[1]
    last_in = state.attendance.last_in_at
    double_scan = last_in is not None and gone_s + gone_t == 0 and req.when - last_in < rules.repeat_window
    if not (req.correcting or explicit) and in_s + in_t > 0 and (s + t == 0 or double_scan):
        return Decision(CheckInResult.ALREADY_INSIDE,
                        f"{_who(holder)}已在场：{in_s + in_t}人在内（最近一次入场 "
                        f"{format_time(last_in) if last_in else '—'}），无需再次放行。")
    if s + t == 0:
        return Decision(CheckInResult.NO_PERSONS, "入场人数不能为 0。")
    first_arrival = arr_s + arr_t == 0
    new_s, new_t = max(0, in_s + s - arr_s), max(0, in_t + t - arr_t)
    extra = max(0, s - out_s) + max(0, t - out_t)
    reasons, notes = [], []
    if extra:
        reasons.append(("extra", f"到场人数比预约多 {extra} 人" if first_arrival
                        else f"在外只有 {out_s + out_t} 人，本次多出 {extra} 人"))
    if not req.correcting:
        slot = holder.slot
        if slot.venue_id is not None and slot.venue_id != venue.id and not state.been_at(venue.id):
            where = slot.venue.name if slot.venue is not None else "其他场馆"
            reasons.append(("wrong_venue", f"这是“{where}”的预约，不是{venue.name}"))
        if first_arrival and req.when < slot.starts_at - rules.early_confirm:
            minutes = int((slot.starts_at - req.when).total_seconds() // 60)
            reasons.append(("early", f"来早了：场次 {format_time(slot.starts_at)} 开始，还有 {minutes} 分钟"))
        elif first_arrival and req.when > slot.starts_at + rules.late_warning:
            notes.append(("late", f"迟到：场次 {format_time(slot.starts_at)} 已开始。"))
        if venue_on_site() + s + t > venue.safe_occupancy:
            reasons.append(("venue_full", f"{venue.name}在场人数将超过安全上限（{venue.safe_occupancy}人）"))
    if reasons and not (req.confirm or req.already_passed):
        return Decision(CheckInResult.CONFIRM_REQUIRED,
                        "；".join(text for _, text in reasons) + "。请核实后确认放行。",
                        students=s, teachers=t)
    notes += [(code, f"{text}（已确认放行）。") for code, text in reasons]
    if holder.is_group and first_arrival and s:
        need = teachers_needed(holder.slot.event.edition, str(holder.booking.school_stage), s)
        if t < need:
            notes.append(("ratio", f"带队教师不足：{s}名学生至少需要{need}名教师。"))
    booked = booked_s + booked_t
    places = max(0, arr_s + arr_t + new_s + new_t - max(booked, arr_s + arr_t))
    move = Movement(Direction.IN.value, venue.id, s, t, new_s, new_t)
    if new_s + new_t == 0:
        message = f"再次入场：{_who(holder)}，{_persons(s, t, holder)}。"
        result = CheckInResult.RE_ENTRY
    else:
        again = s + t - new_s - new_t
        message = f"签到成功：{_who(holder)}，{_persons(s, t, holder)}" + (
            f"（其中再次入场 {again} 人）。" if again else "。")
        result = CheckInResult.OK
    return Decision(result, message, move, s, t, notes, extra_places=places)


def _exit(holder, state, venue, req) -> Decision:
    arr_s, arr_t = state.arrived
    if arr_s + arr_t == 0:
        return Decision(CheckInResult.NOT_CHECKED_IN, f"{_who(holder)}尚未签到，无法登记离场。")
    in_s, in_t = state.inside
    if in_s + in_t == 0:
        return Decision(CheckInResult.ALREADY_CHECKED_OUT, f"{_who(holder)}已全部离场，目前无人在场。")
    where = venue.id if sum(state.inside_at(venue.id)) else state.venue_with_most_inside()
    at_s, at_t = state.inside_at(where)
    explicit = holder.is_group and (req.students is not None or req.teachers is not None)
    s = req.students if explicit and req.students is not None else at_s
    t = req.teachers if explicit and req.teachers is not None else at_t
    place = "" if where == venue.id else f"（在{state.presences[where].venue.name}）"
    if s > at_s or t > at_t:
        return Decision(CheckInResult.MORE_THAN_INSIDE,
                        f"{_who(holder)}在场只有{_persons(at_s, at_t, holder)}{place}，"
                        f"不能登记{_persons(s, t, holder)}离场。", students=s, teachers=t)
    if s + t == 0:
        return Decision(CheckInResult.NO_PERSONS, "离场人数不能为 0。")
    rest = in_s + in_t - s - t
    return Decision(CheckInResult.OK,
                    f"离场登记成功：{_who(holder)}，{s + t}人{place}；仍在场 {rest} 人。",
                    Movement(Direction.OUT.value, where, s, t), s, t)


def _who(holder: Holder) -> str:
    return holder.label if holder.is_group else f"个人报名 {holder.reference}（{holder.slot.title}）"


def _persons(s: int, t: int, holder: Holder) -> str:
    return f"{s}名学生、{t}名教师" if holder.is_group else f"{s + t}人"
