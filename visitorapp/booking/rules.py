"""Group rules from the safety plan: teacher ratio, largest group, booking window."""
import math
from datetime import datetime, timedelta

from ..errors import DomainError, NotFound
from ..programme.models import BookingWindow, Edition, ParticipationMode, Slot
from ..timeutil import format_datetime
from .models import STAGE_LABELS


class RuleError(DomainError):
    """The request breaks a rule; ``field`` names the form field to mark."""

    status = 422


def teachers_needed(edition: Edition, stage: str, students: int) -> int:
    """At least one teacher, and one per N students (N smaller for 小学)."""
    return max(1, math.ceil(students / edition.ratio_for(stage)))


def check_group(edition: Edition, stage: str, students: int, teachers: int) -> None:
    if students < 1:
        raise RuleError("students_invalid", "学生人数至少为1人。", field="students")
    if teachers < 1:
        raise RuleError("teachers_invalid", "带队教师至少为1人。", field="teachers")
    need = teachers_needed(edition, stage, students)
    if teachers < need:
        raise RuleError(
            "ratio", f"{STAGE_LABELS.get(stage, '')}团队每{edition.ratio_for(stage)}名学生至少配备"
                     f"1名带队教师：{students}名学生需要至少{need}名教师。", field="teachers")
    if students + teachers > edition.max_group_size:
        raise RuleError("group_too_large", f"单个团队（学生+教师）不超过{edition.max_group_size}人，"
                                           "人数较多请分场次预约。", field="students")


class NotPublished(RuleError, NotFound):
    """The event is not (or no longer) published: to the public it does not exist (a page that
    lets it through answers with the 404 page and this message)."""

    status = 404


def check_published(slot: Slot) -> None:
    """The one publication rule: nobody books, registers, queues for or moves into a slot of an
    unpublished event (or a gate rehearsal) through a public path — form, API, move, waiting list.
    Staff bookings (``source="staff"``) are not public paths and skip it."""
    if slot.is_rehearsal or not slot.event.is_published:
        raise NotPublished("not_published", "该活动未发布或已下线，暂不接受预约或报名。",
                           field="slot_id")


def check_window(edition: Edition, now: datetime, *, noun: str = "预约",
                 field: str | None = "slot_id") -> None:
    """The edition's booking window (Edition.booking_window) is open at ``now``; ``noun`` names
    what is refused (预约 for groups, 报名 for individual sign-ups)."""
    window = edition.booking_window(now)
    if window == BookingWindow.NOT_OPEN:
        raise RuleError("window_not_open",
                        f"{noun}将于{format_datetime(edition.booking_opens_at)}开放。", field=field)
    if window == BookingWindow.CLOSED:
        raise RuleError("window_closed", f"{noun}已截止。", field=field)


def check_bookable(slot: Slot, now: datetime) -> None:
    """The slot takes group bookings at ``now``: published, right mode, window open, not started."""
    check_published(slot)
    if slot.event.mode != ParticipationMode.GROUP:
        raise RuleError("not_group_event", "该活动不接受团体预约。", field="slot_id")
    check_window(slot.event.edition, now)
    if slot.starts_at <= now:
        raise RuleError("slot_started", "该场次已开始或已结束，请选择其他场次。", field="slot_id")


def bookable_problem(slot: Slot, now: datetime) -> RuleError | None:
    """Why the slot cannot be booked at ``now`` (window, mode, start), or None: for pages."""
    try:
        check_bookable(slot, now)
    except RuleError as exc:
        return exc
    return None


def change_deadline(slot: Slot) -> datetime:
    return slot.starts_at - timedelta(hours=slot.event.edition.change_deadline_hours)


def check_changeable(slot: Slot, now: datetime) -> None:
    if now > change_deadline(slot):
        raise RuleError("change_deadline_passed",
                        f"已过修改截止时间（{format_datetime(change_deadline(slot))}），"
                        "如需调整请联系活动周工作组。")
