"""i11: 附件1 per edition — a host unit per slot, column titles and the late-submission rule on
the edition, entered report figures that may be blank, departments in the plan's order.

The global column titles (report_setting ``title.*``) become every existing edition's titles,
so no report changes wording on upgrade; from now on a change for one year stays in that year.
A count a department never entered was stored as 0; it cannot be told apart from "none" any
more, so existing zeros stay zeros.

Revision ID: i11_report_per_edition
Revises: i12_edition_contact
Create Date: 2026-12-02 09:40:00

"""
import json

import sqlalchemy as sa
from alembic import op

revision = "i11_report_per_edition"
down_revision = "i12_edition_contact"
branch_labels = None
depends_on = None

COUNTS = ("internal_teachers", "internal_students", "media_national", "media_provincial",
          "media_city", "media_school", "online_views")


def upgrade():
    # Plain ALTERs, never a table rebuild: on SQLite rebuilding slot or edition (which bookings
    # and events refer to) fails on a database that has data.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE slot ADD COLUMN host_department_id INTEGER CONSTRAINT "
                   "fk_slot_host_department_id_department REFERENCES department (id)")
    else:
        op.add_column("slot", sa.Column("host_department_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_slot_host_department_id_department"), "slot",
                              "department", ["host_department_id"], ["id"])
    op.add_column("event_department", sa.Column("position", sa.Integer(), nullable=False,
                                                server_default="0"))
    op.add_column("edition", sa.Column("accept_late_submissions", sa.Boolean(), nullable=False,
                                       server_default="1"))
    op.add_column("edition", sa.Column("report_titles", sa.JSON(), nullable=True,
                                       server_default=sa.text("'{}'")))
    with op.batch_alter_table("activity_report_entry", schema=None) as batch_op:
        for name in COUNTS:
            batch_op.alter_column(name, existing_type=sa.Integer(), nullable=True)

    bind = op.get_bind()
    titles = {key.removeprefix("title."): value for key, value in bind.execute(sa.text(
        "SELECT key, value FROM report_setting WHERE key LIKE 'title.%'"))}
    bind.execute(sa.text("UPDATE edition SET report_titles = :titles"),
                 {"titles": json.dumps(titles, ensure_ascii=False)})
    op.drop_table("report_setting")


def downgrade():
    op.create_table(
        "report_setting",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_report_setting")))
    bind = op.get_bind()
    latest = bind.execute(sa.text(
        "SELECT report_titles FROM edition ORDER BY year DESC LIMIT 1")).scalar()
    titles = json.loads(latest) if isinstance(latest, str) else (latest or {})
    for key, value in titles.items():
        bind.execute(sa.text("INSERT INTO report_setting (key, value) VALUES (:k, :v)"),
                     {"k": f"title.{key}", "v": value})
    bind.execute(sa.text(
        "UPDATE activity_report_entry SET " + ", ".join(f"{n} = COALESCE({n}, 0)" for n in COUNTS)))
    with op.batch_alter_table("activity_report_entry", schema=None) as batch_op:
        for name in COUNTS:
            batch_op.alter_column(name, existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("edition", schema=None) as batch_op:
        batch_op.drop_column("report_titles")
        batch_op.drop_column("accept_late_submissions")
    with op.batch_alter_table("event_department", schema=None) as batch_op:
        batch_op.drop_column("position")
    with op.batch_alter_table("slot", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_slot_host_department_id_department"),
                                 type_="foreignkey")
        batch_op.drop_column("host_department_id")  # (SQLite: only on an empty database)
