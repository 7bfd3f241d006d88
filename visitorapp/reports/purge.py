"""清除个人信息 (数据保护): once a week's retention period is over, every feature's purge step runs
in one transaction — bookings, registrations (with their uploaded files), waiting lists, mails —
then the files are deleted and the database is compacted so no old page still holds the data.

Every count the statistics report needs stays (schools, stages, numbers, statuses, check-ins), so
附件1 is the same file after the purge as before. School names are kept on purpose: they are
institutions, not persons, and 接待学校数 needs them.
"""
import os
from dataclasses import dataclass, field
from datetime import date

import click
import sqlalchemy as sa
from flask import current_app

from ..audit.models import log_action
from ..booking import purge as booking_purge
from ..database import atomic, compact
from ..errors import DomainError
from ..extensions import db
from ..outbox import purge as outbox_purge
from ..privacy import retention_ends
from ..programme.models import Edition
from ..registration import purge as registration_purge
from ..registration.uploads import path_of
from ..timeutil import local_today
from ..vehicles import purge as vehicles_purge
from ..waitlist import purge as waitlist_purge


@dataclass
class PurgeReport:
    counts: dict[str, int] = field(default_factory=dict)
    #: Uploaded files of the week, deleted from disk after the commit.
    files: list[str] = field(default_factory=list)


def purge_edition(edition: Edition, *, today: date, retention_days: int,
                  force: bool = False) -> PurgeReport:
    """Run every purge step for a finished week, in the caller's transaction (flush only).

    Refused while the week is not over; before its retention period ends, unless ``force``."""
    if edition.ends_on >= today:
        raise DomainError("week_not_over",
                          f"{edition.year}年活动周尚未结束（{edition.ends_on:%Y-%m-%d}），不能清除个人信息。")
    due = retention_ends(edition.ends_on, retention_days)
    if today < due and not force:
        raise DomainError("retention_not_over",
                          f"{edition.year}年活动周的个人信息按《个人信息保护说明》保留至{due:%Y-%m-%d}"
                          f"（活动周结束后{retention_days}天），尚未到期；如确需提前清除，请加 --force。")
    bookings = booking_purge.purge(edition)
    registrations = registration_purge.purge(edition)
    waiting = waitlist_purge.purge(edition)
    plates = vehicles_purge.purge(edition)
    mails = outbox_purge.purge(edition, bookings.addresses | registrations.addresses
                               | waiting.addresses)
    report = PurgeReport(counts={"bookings": bookings.count, "registrations": registrations.count,
                                 "waitlist": waiting.count, "mails": mails.count,
                                 "plates": plates},
                         files=registrations.files)
    if any(report.counts.values()):
        log_action("privacy.purge", edition, after=dict(report.counts, files=len(report.files)),
                   summary=f"清除{edition.year}年活动周个人信息：预约{bookings.count}、报名"
                           f"{registrations.count}、候补{waiting.count}、邮件{mails.count}、"
                           f"上传文件{len(report.files)}")
    db.session.expire_all()
    return report


def delete_files(names: list[str]) -> list[str]:
    """Delete the week's uploaded files; returns those that could not be deleted."""
    left = []
    for name in names:
        try:
            os.remove(path_of("cv", name))
        except FileNotFoundError:
            pass
        except OSError:
            left.append(name)
    return left


def due_editions(today: date, retention_days: int, force: bool) -> list[Edition]:
    """Finished weeks whose retention is over (all finished weeks with ``force``)."""
    editions = db.session.scalars(sa.select(Edition).where(Edition.ends_on < today)
                                  .order_by(Edition.year)).all()
    return [e for e in editions if force or retention_ends(e.ends_on, retention_days) <= today]


@click.command("purge-personal-data")
@click.option("--edition", "year", type=int, help="只清除该年度（默认：所有保留期已满的活动周）")
@click.option("--force", is_flag=True, help="保留期未满也清除（活动周须已结束）")
def purge_personal_data(year: int | None, force: bool):
    """Delete the personal data of finished weeks past RETENTION_DAYS (counts are kept)."""
    today, days = local_today(), current_app.config["RETENTION_DAYS"]
    if year is not None:
        edition = db.session.scalar(sa.select(Edition).where(Edition.year == year))
        if edition is None:
            raise click.ClickException(f"没有{year}年的活动周。")
        editions = [edition]
    else:
        editions = due_editions(today, days, force)
    for edition in editions:
        try:
            report = atomic(purge_edition, edition, today=today, retention_days=days, force=force)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        left = delete_files(report.files)
        c = report.counts
        click.echo(f"{edition.year}年：已匿名 {c['bookings']} 条预约、{c['registrations']} 条报名、"
                   f"{c['waitlist']} 条候补，清除 {c['mails']} 封邮件，删除 {len(report.files) - len(left)} "
                   "个上传文件。")
        if left:
            click.echo(f"警告：{len(left)} 个上传文件无法删除（权限？），请手工删除：instance/uploads/cv/")
    if editions:
        click.echo(compact())
    backups = os.path.join(current_app.instance_path, "backups")
    if os.path.isdir(backups) and os.listdir(backups):
        click.echo(f"提醒：{backups} 中的备份仍含清除前的个人信息，请按保留期删除旧备份。")
