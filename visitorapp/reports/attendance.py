"""The one seam between reports and check-in: who arrived, who left, who is on site.

Everything the reports know about check-in goes through this module, so the check-in feature
(visitorapp.checkin, built in parallel) can change its internals without touching the reports.
It relies on nothing but these columns of ``CheckIn`` (table ``check_in``): booking_id, venue_id,
direction ("in" | "out"), students, teachers, result (only "ok" counts: a duplicate or revoked
scan let nobody in), scanned_at.

Figures per booking are *sums* of its accepted scans, so a group arriving in two buses (two
partial check-ins) counts once per person, and on site = entered − left.
"""
from datetime import datetime

import sqlalchemy as sa

from ..checkin.models import CheckIn

#: The result of a scan that let people pass.
ACCEPTED = "ok"


def _sum(direction: str, column):
    return sa.func.coalesce(sa.func.sum(
        sa.case((CheckIn.direction == direction, column), else_=0)), 0)


def arrivals(since: datetime | None = None, until: datetime | None = None) -> sa.Subquery:
    """Per booking: students/teachers who entered and left, and the first entry time.

    Columns: booking_id, in_students, in_teachers, out_students, out_teachers, first_in_at.
    ``since``/``until`` limit the scans considered (the roster looks at today only).
    """
    stmt = (sa.select(
        CheckIn.booking_id.label("booking_id"),
        _sum("in", CheckIn.students).label("in_students"),
        _sum("in", CheckIn.teachers).label("in_teachers"),
        _sum("out", CheckIn.students).label("out_students"),
        _sum("out", CheckIn.teachers).label("out_teachers"),
        sa.func.min(sa.case((CheckIn.direction == "in", CheckIn.scanned_at))).label("first_in_at"),
    ).where(CheckIn.result == ACCEPTED, CheckIn.booking_id.is_not(None))
        .group_by(CheckIn.booking_id))
    if since is not None:
        stmt = stmt.where(CheckIn.scanned_at >= since)
    if until is not None:
        stmt = stmt.where(CheckIn.scanned_at < until)
    return stmt.subquery("arrivals")


def accepted_entries_total(booking_ids_stmt: sa.Select | None = None) -> int:
    """Persons let in by accepted entry scans (optionally of the bookings a select returns):
    the figure the statistics report must add up to."""
    from ..extensions import db
    stmt = sa.select(sa.func.coalesce(sa.func.sum(CheckIn.students + CheckIn.teachers), 0)).where(
        CheckIn.result == ACCEPTED, CheckIn.direction == "in")
    if booking_ids_stmt is not None:
        stmt = stmt.where(CheckIn.booking_id.in_(booking_ids_stmt))
    return int(db.session.scalar(stmt))
