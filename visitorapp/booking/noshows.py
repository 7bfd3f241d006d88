"""No-shows (爽约): groups that booked and never arrived, and the rule that may hold them.

`flask bookings mark-no-shows` runs after the day's slots (cron). It reads arrivals from the
check-in feature when it is installed (``visitorapp.checkin.models.CheckIn`` with booking_id,
direction, result); without it nothing can be known, so nothing is marked.
"""
import importlib
from datetime import datetime

import click
import sqlalchemy as sa

from ..audit.models import log_action
from ..database import atomic
from ..extensions import db
from ..programme.models import Edition, Event, Slot
from ..timeutil import utcnow
from .models import Booking, BookingStatus
from .rules import RuleError

#: Check-in results that mean "this group was let in".
ARRIVED_RESULTS = ("ok",)


def checkin_model():
    """The CheckIn model, or None while the check-in feature is not installed (the seam)."""
    try:
        return importlib.import_module("visitorapp.checkin.models").CheckIn
    except (ModuleNotFoundError, AttributeError):
        return None


def mark_no_shows(now: datetime | None = None) -> list[Booking]:
    """Mark confirmed bookings of slots that have ended with no accepted entry scan."""
    now = now or utcnow()
    checkin = checkin_model()
    if checkin is None:
        return []
    arrived = sa.select(checkin.booking_id).where(
        checkin.booking_id.is_not(None), checkin.direction == "in",
        checkin.result.in_(ARRIVED_RESULTS))
    candidates = db.session.scalars(
        sa.select(Booking).join(Booking.slot)
        .where(Booking.status == BookingStatus.CONFIRMED, Booking.no_show_at.is_(None),
               Slot.ends_at <= now, Slot.is_rehearsal.is_(False), Booking.id.not_in(arrived))
        .order_by(Booking.id)).all()
    for booking in candidates:
        booking.no_show_at = now
        log_action("booking.no_show", booking, actor="系统", summary=f"{booking.reference} 爽约")
    return list(candidates)


def check_hold(edition: Edition, mobile: str) -> None:
    """When the edition holds no-shows, a mobile with a no-show this week may not book again."""
    if not edition.hold_no_shows:
        return
    held = db.session.scalar(sa.select(sa.exists().where(
        Booking.leader_mobile == mobile, Booking.no_show_at.is_not(None),
        Booking.slot_id == Slot.id, Slot.event_id == Event.id, Event.edition_id == edition.id)))
    if held:
        raise RuleError("no_show_hold", "该手机号本周已有预约未到场（爽约）记录，按活动周规定本周内暂停预约。"
                                        "如有特殊情况请联系活动周工作组。", field="leader_mobile")


def no_show_bookings(edition: Edition) -> list[Booking]:
    return list(db.session.scalars(
        sa.select(Booking).join(Booking.slot).join(Slot.event)
        .where(Event.edition_id == edition.id, Booking.no_show_at.is_not(None))
        .order_by(Slot.starts_at, Booking.id)))


def set_hold(edition: Edition, hold: bool) -> None:
    """The organizer's rule, audited like every staff change."""
    before = edition.hold_no_shows
    edition.hold_no_shows = hold
    log_action("settings.no_show_hold", edition, before={"hold_no_shows": before},
               after={"hold_no_shows": hold}, summary=f"爽约规则 {'开启' if hold else '关闭'}")


@click.command("mark-no-shows")
def mark_no_shows_command():
    """Mark groups whose slot has ended without an entry scan as no-shows (爽约)."""
    if checkin_model() is None:
        click.echo("未安装入口核验功能（visitorapp.checkin），无法判断到场情况，未做标记。")
        return
    marked = atomic(mark_no_shows)
    click.echo(f"已标记爽约 {len(marked)} 个预约。")


def register_cli(app) -> None:
    group = app.cli.commands.get("bookings")
    if group is None:
        group = click.Group("bookings", help="Booking maintenance commands.")
        app.cli.add_command(group)
    group.add_command(mark_no_shows_command)
