"""`flask mail send-outbox` and `flask mail list`: the outbox from the command line (cron, systemd)."""
import click
import sqlalchemy as sa

from ..extensions import db
from ..timeutil import utcnow
from .models import MessageStatus, OutboxMessage
from .services import send_due


@click.group("mail")
def mail_group():
    """Outgoing email (the outbox)."""


@mail_group.command("send-outbox")
@click.option("--limit", default=200, show_default=True, help="At most this many messages per batch.")
@click.option("--all", "drain", is_flag=True, help="Repeat batches until nothing is due.")
def send_outbox(limit: int, drain: bool):
    """Send the messages that are due (failures are retried later with growing back-off)."""
    total = {"sent": 0, "retry": 0, "failed": 0}
    while True:
        counts = send_due(utcnow(), limit)  # each batch at its own moment
        for key, value in counts.items():
            total[key] += value
        if not drain or sum(counts.values()) < limit:
            break
    click.echo(f"已发送 {total['sent']} 封，稍后重试 {total['retry']} 封，放弃 {total['failed']} 封。")


@mail_group.command("list")
@click.option("--status", type=click.Choice([s.value for s in MessageStatus]),
              help="Only messages in this state.")
@click.option("--limit", default=50, show_default=True)
def list_messages(status: str | None, limit: int):
    """The newest messages: id, state, attempts, kind, subject (no addresses: personal data)."""
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == MessageStatus(status))
    for m in db.session.scalars(query):
        error = f"  [{m.last_error[:60]}]" if m.last_error else ""
        click.echo(f"#{m.id:<6} {m.status.label:<5} 尝试{m.attempts}次  {m.kind:<18} {m.subject}{error}")


def init_app(app):
    app.cli.add_command(mail_group)
