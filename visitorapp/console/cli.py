"""``flask editions …``: next year's week from the last one — the console's own operation, so the
audit log records it whichever way it is done."""
from datetime import date

import click
from flask.cli import AppGroup

from ..database import atomic
from ..errors import DomainError
from ..programme.services import edition_by_year, shift_for_weekday
from ..timeutil import format_day
from . import services

editions = AppGroup("editions", help="Activity weeks (年度活动周).")


def _iso_date(ctx, param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("日期格式应为 YYYY-MM-DD，例如 2027-05-09。") from None


def _copy(source_year: int, year: int, starts_on: date | None):
    source = edition_by_year(source_year)
    if source is None:
        raise click.ClickException(f"没有 {source_year} 年的活动周，无法复制。")
    starts_on = starts_on or shift_for_weekday(source, year)
    if starts_on.year != year:
        raise click.ClickException(f"开始日期 {starts_on} 不在 {year} 年内。")
    try:
        return services.copy_edition(source, year, starts_on)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None


@editions.command("copy")
@click.option("--from", "source_year", type=int, required=True, help="Year to copy, e.g. 2026.")
@click.option("--year", type=int, required=True, help="Year of the new week, e.g. 2027.")
@click.option("--starts-on", callback=_iso_date,
              help="First day (YYYY-MM-DD); default: the same weekday nearest the same date.")
def copy(source_year, year, starts_on):
    """Copy a week's theme days, events, departments and slots to another year (no bookings)."""
    edition = atomic(_copy, source_year, year, starts_on)
    slots = sum(len(e.slots) for e in edition.events)
    click.echo(f"已创建 {edition.title}：{format_day(edition.starts_on)}—{format_day(edition.ends_on)}，"
               f"{len(edition.events)} 项活动，{slots} 个场次。")
