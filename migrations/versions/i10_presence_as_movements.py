"""Presence as movements: attendance and presence per ticket, arrivals on each scan

Check-ins were "one admitted entry and one admitted exit per ticket" (partial unique indexes).
Now every admitted scan moves persons in or out of a venue; ``attendance`` (one row per ticket,
the lock two gates take turns on) and ``presence`` (per ticket and venue: inside now, arrived
there) hold the sums. Existing check-ins — the 2026 demo's included — are replayed into them in
the order they were scanned, and "already_checked_in" becomes "already_inside".

Revision ID: i10_presence
Revises: 68329e3e2fbe
Create Date: 2026-12-02 04:00:00

"""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "i10_presence"
down_revision = "68329e3e2fbe"
branch_labels = None
depends_on = None

PARTIAL = {"uq_checkin_admitted_in": ("booking_id", "in"), "uq_checkin_admitted_out": ("booking_id", "out"),
           "uq_checkin_person_in": ("registration_id", "in"),
           "uq_checkin_person_out": ("registration_id", "out")}


def upgrade():
    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("first_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("(booking_id IS NULL) <> (registration_id IS NULL)",
                           name=op.f("ck_attendance_attendance_one_holder")),
        sa.ForeignKeyConstraint(["booking_id"], ["booking.id"],
                                name=op.f("fk_attendance_booking_id_booking")),
        sa.ForeignKeyConstraint(["registration_id"], ["registration.id"],
                                name=op.f("fk_attendance_registration_id_registration")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint("booking_id", name=op.f("uq_attendance_booking_id")),
        sa.UniqueConstraint("registration_id", name=op.f("uq_attendance_registration_id")),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_day"), ["day"], unique=False)

    op.create_table(
        "presence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attendance_id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("students", sa.Integer(), nullable=False),
        sa.Column("teachers", sa.Integer(), nullable=False),
        sa.Column("arrived_students", sa.Integer(), nullable=False),
        sa.Column("arrived_teachers", sa.Integer(), nullable=False),
        sa.CheckConstraint("students >= 0 AND teachers >= 0 AND arrived_students >= 0 "
                           "AND arrived_teachers >= 0", name=op.f("ck_presence_presence_counts")),
        sa.ForeignKeyConstraint(["attendance_id"], ["attendance.id"],
                                name=op.f("fk_presence_attendance_id_attendance"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["venue_id"], ["venue.id"], name=op.f("fk_presence_venue_id_venue")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_presence")),
        sa.UniqueConstraint("attendance_id", "venue_id", name="uq_presence_ticket_venue"),
    )
    with op.batch_alter_table("presence", schema=None) as batch_op:
        batch_op.create_index("ix_presence_day_venue", ["day", "venue_id"], unique=False)

    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.add_column(sa.Column("arrived_students", sa.Integer(), nullable=False,
                                      server_default="0"))
        batch_op.add_column(sa.Column("arrived_teachers", sa.Integer(), nullable=False,
                                      server_default="0"))
        for name, (column, direction) in PARTIAL.items():
            where = sa.text(f"result = 'ok' AND direction = '{direction}'")
            batch_op.drop_index(name, sqlite_where=where, postgresql_where=where)
        batch_op.create_check_constraint(op.f("ck_check_in_checkin_arrived"),
                                         "arrived_students >= 0 AND arrived_teachers >= 0")
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.alter_column("arrived_students", server_default=None)
        batch_op.alter_column("arrived_teachers", server_default=None)

    _replay_check_ins(op.get_bind())


def _replay_check_ins(conn) -> None:
    """Rebuild presence from the stored scans, as the gate would have recorded them."""
    check_in = sa.table("check_in", sa.column("id"), sa.column("booking_id"),
                        sa.column("registration_id"), sa.column("venue_id"), sa.column("direction"),
                        sa.column("students"), sa.column("teachers"), sa.column("arrived_students"),
                        sa.column("arrived_teachers"), sa.column("result"),
                        sa.column("scanned_at", sa.DateTime(timezone=True)))
    attendance = sa.table("attendance", sa.column("id"), sa.column("booking_id"),
                          sa.column("registration_id"), sa.column("day", sa.Date),
                          sa.column("first_in_at", sa.DateTime(timezone=True)),
                          sa.column("last_in_at", sa.DateTime(timezone=True)))
    presence = sa.table("presence", sa.column("attendance_id"), sa.column("venue_id"),
                        sa.column("day", sa.Date), sa.column("students"), sa.column("teachers"),
                        sa.column("arrived_students"), sa.column("arrived_teachers"))
    conn.execute(check_in.update().where(check_in.c.result == "already_checked_in")
                 .values(result="already_inside"))
    slot_start = {}
    for table, column in (("booking", "booking_id"), ("registration", "registration_id")):
        rows = conn.execute(sa.text(f"SELECT t.id, s.starts_at FROM {table} t "
                                    "JOIN slot s ON s.id = t.slot_id"))
        slot_start.update({(column, i): starts for i, starts in rows})
    scans = conn.execute(
        sa.select(check_in).where(check_in.c.result == "ok", check_in.c.venue_id.is_not(None))
        .order_by(check_in.c.scanned_at, check_in.c.id)).mappings().all()
    tickets: dict[tuple, dict] = {}
    for scan in scans:
        key = ("booking_id", scan["booking_id"]) if scan["booking_id"] is not None else (
            "registration_id", scan["registration_id"])
        if key[1] is None or key not in slot_start:
            continue
        t = tickets.setdefault(key, {"venues": {}, "first": None, "last": None})
        v = t["venues"].setdefault(scan["venue_id"], [0, 0, 0, 0])  # inside s/t, arrived s/t
        if scan["direction"] == "in":
            arrived_s = max(0, sum(x[0] for x in t["venues"].values()) + scan["students"]
                            - sum(x[2] for x in t["venues"].values()))
            arrived_t = max(0, sum(x[1] for x in t["venues"].values()) + scan["teachers"]
                            - sum(x[3] for x in t["venues"].values()))
            v[0] += scan["students"]
            v[1] += scan["teachers"]
            v[2] += arrived_s
            v[3] += arrived_t
            when = _aware(scan["scanned_at"])
            t["first"] = t["first"] or when
            t["last"] = when
            conn.execute(check_in.update().where(check_in.c.id == scan["id"])
                         .values(arrived_students=arrived_s, arrived_teachers=arrived_t))
        else:
            out_s, out_t = min(scan["students"], v[0]), min(scan["teachers"], v[1])
            v[0] -= out_s
            v[1] -= out_t
            conn.execute(check_in.update().where(check_in.c.id == scan["id"])
                         .values(students=out_s, teachers=out_t))
    for (column, holder_id), t in tickets.items():
        day = _aware(slot_start[(column, holder_id)]).astimezone(ZoneInfo("Asia/Shanghai")).date()
        attendance_id = conn.execute(attendance.insert().values(
            {column: holder_id, "day": day, "first_in_at": t["first"], "last_in_at": t["last"]})
            .returning(attendance.c.id)).scalar_one()
        for venue_id, (s, te, a_s, a_t) in t["venues"].items():
            conn.execute(presence.insert().values(
                attendance_id=attendance_id, venue_id=venue_id, day=day, students=s, teachers=te,
                arrived_students=a_s, arrived_teachers=a_t))


def _aware(value):
    """SQLite hands timestamps back naive (they are stored in UTC)."""
    if value is None or isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc)


def downgrade():
    # Movements cannot be folded back into one entry and one exit per ticket without losing
    # re-entries; the downgrade keeps the scans and drops what the new shape added.
    op.execute("UPDATE check_in SET result = 'already_checked_in' WHERE result = 'already_inside'")
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_check_in_checkin_arrived"), type_="check")
        batch_op.drop_column("arrived_teachers")
        batch_op.drop_column("arrived_students")
    with op.batch_alter_table("presence", schema=None) as batch_op:
        batch_op.drop_index("ix_presence_day_venue")
    op.drop_table("presence")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_day"))
    op.drop_table("attendance")
