"""Purging a past week's personal data (数据保护): leaders' names, mobiles and emails go; every
count the statistics report needs (school, stage, students, teachers, check-ins) stays.

School names are kept on purpose: they are institutions, not persons, and 接待学校数 needs them.
"""
import click
import sqlalchemy as sa

from ..audit.models import log_action
from ..booking.models import Booking
from ..database import atomic
from ..errors import DomainError
from ..extensions import db
from ..outbox.models import OutboxMessage
from ..programme.models import Edition, Event, Slot
from ..timeutil import local_today

ANONYMOUS_NAME = "（已匿名）"


def purge_edition(edition: Edition) -> int:
    """Anonymize every booking of a finished edition; returns how many were changed."""
    if edition.ends_on >= local_today():
        raise DomainError("week_not_over",
                          f"{edition.year}年活动周尚未结束（{edition.ends_on:%Y-%m-%d}），不能清除个人信息。")
    ids = (sa.select(Booking.id).join(Slot, Booking.slot_id == Slot.id)
           .join(Event, Slot.event_id == Event.id)
           .where(Event.edition_id == edition.id, Booking.anonymized.is_(False)))
    booking_ids = list(db.session.scalars(ids))
    if not booking_ids:
        return 0
    # The placeholder mobile stays unique per booking: (slot, mobile) is unique among confirmed ones.
    db.session.execute(
        sa.update(Booking).where(Booking.id.in_(booking_ids)).values(
            leader_name=ANONYMOUS_NAME,
            leader_mobile=sa.literal("anon-") + sa.cast(Booking.id, sa.String),
            email="", notes="", anonymized=True)
        .execution_options(synchronize_session=False))
    # Mails sent to those leaders hold the same data in their address and text.
    db.session.execute(
        sa.update(OutboxMessage).where(OutboxMessage.booking_id.in_(booking_ids)).values(
            recipient="", body_text="（个人信息已清除）", body_html="")
        .execution_options(synchronize_session=False))
    log_action("privacy.purge", edition,
               summary=f"清除{edition.year}年活动周{len(booking_ids)}条预约的个人信息",
               after={"bookings": len(booking_ids)})
    db.session.expire_all()
    return len(booking_ids)


def finished_editions() -> list[Edition]:
    return list(db.session.scalars(
        sa.select(Edition).where(Edition.ends_on < local_today()).order_by(Edition.year)))


@click.command("purge-personal-data")
@click.option("--edition", "year", type=int, help="只清除该年度（默认：所有已结束的活动周）")
def purge_personal_data(year: int | None):
    """Anonymize leaders' names, mobiles and emails of finished weeks (counts are kept)."""
    if year is not None:
        edition = db.session.scalar(sa.select(Edition).where(Edition.year == year))
        if edition is None:
            raise click.ClickException(f"没有{year}年的活动周。")
        editions = [edition]
    else:
        editions = finished_editions()
    for edition in editions:
        try:
            n = atomic(purge_edition, edition)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        click.echo(f"{edition.year}年：已匿名 {n} 条预约。")
