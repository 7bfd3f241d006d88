"""`flask bookings …`: the booking feature's maintenance commands, run by cron."""
import click

from ..database import atomic
from ..timeutil import utcnow
from . import approval, noshows


@click.group("bookings")
def bookings():
    """Booking maintenance commands."""


@bookings.command("mark-no-shows")
def mark_no_shows_command():
    """Store the no-show rule's answer (爽约) for groups whose slot has ended (nightly)."""
    marked = atomic(noshows.mark_no_shows, utcnow())
    click.echo(f"已标记爽约 {len(marked)} 个预约。")


@bookings.command("expire-pending")
def expire_pending_command():
    """Release pending (待审核) bookings past their review deadline (cron, e.g. every 10 min)."""
    expired = atomic(approval.expire_due, utcnow())
    click.echo(f"已释放审核超时的预约 {len(expired)} 个。")
