"""`flask seed-demo`: run every demo step in one transaction (idempotent)."""
import importlib
from datetime import datetime

import click

from ..database import atomic
from ..timeutil import utcnow
from . import STEPS
from .context import DemoContext


def run_steps(now: datetime) -> DemoContext:
    """Every step at ``now`` (the editions, the rehearsal day and past check-ins follow it)."""
    ctx = DemoContext(now=now)
    for name in STEPS:
        try:
            step = importlib.import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__package__}.{name}":
                continue  # that feature has no demo data (yet)
            raise
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
