"""`flask seed-demo`: run every demo step in one transaction (idempotent)."""
from datetime import datetime

import click

from ..database import atomic
from ..timeutil import utcnow
from . import accounts, bookings, checkins, programme, registrations, rehearsal
from .context import DemoContext

#: The demo steps, in order.
STEPS = (
    programme,      # departments, venues, the 2026 edition as planned, next year's copy
    bookings,       # sample school bookings in both editions
    accounts,       # one demo account per role (printed at make run)
    rehearsal,      # 演练场次 today at each venue, with a few bookings
    checkins,       # check-ins of the past edition (so reports have real figures)
    registrations,  # individual registrations, waiting lists, submissions
)


def run_steps(now: datetime) -> DemoContext:
    """Every step at ``now`` (the editions, the rehearsal day and past check-ins follow it)."""
    ctx = DemoContext(now=now)
    for step in STEPS:
        step.seed(ctx)
    return ctx


@click.command("seed-demo")
def seed_demo():
    """Load the demo week from the 2026 plan (safe to run again)."""
    ctx = atomic(run_steps, utcnow())
    for line in ctx.messages:
        click.echo(line)


def init_app(app):
    app.cli.add_command(seed_demo)
