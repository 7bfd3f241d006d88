"""`flask send-reminders`: queue tomorrow's 行前提醒 (safe to run twice: one reminder per booking)."""
from datetime import date, timedelta

import click

from ..database import atomic
from ..timeutil import local_today
from .notifications import queue_reminders


@click.command("send-reminders")
@click.option("--day", "day_text", metavar="YYYY-MM-DD",
              help="Slots on this day (Asia/Shanghai); default: tomorrow.")
def send_reminders(day_text: str | None):
    """Queue the day-before reminder for every confirmed booking with an email address.

    The messages go through the outbox (`flask mail send-outbox` or the worker sends them).
    """
    try:
        day = date.fromisoformat(day_text) if day_text else local_today() + timedelta(days=1)
    except ValueError:
        raise click.BadParameter("日期格式应为 YYYY-MM-DD", param_hint="--day") from None
    queued, skipped = atomic(queue_reminders, day)
    click.echo(f"{day.isoformat()}：新加入发送队列 {queued} 封提醒邮件，"
               f"{skipped} 封此前已加入（不重复发送）。")


def init_app(app):
    app.cli.add_command(send_reminders)
