"""Per-event rule for individual events: one registration per person, or one per slot (专区)

Revision ID: i12_one_per_slot
Revises: 5e1a13a0c0de
Create Date: 2026-12-02 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "i12_one_per_slot"
down_revision = "5e1a13a0c0de"
branch_labels = None
depends_on = None

CONFIRMED = sa.text("status = 'confirmed'")


def upgrade():
    # Plain ADD COLUMN (SQLite has it): a batch copy of "event" would fail its foreign keys.
    op.add_column("event", sa.Column("one_per_slot", sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    op.add_column("registration", sa.Column("slot_scope", sa.Integer(), nullable=False,
                                            server_default=sa.text("0")))
    op.drop_index("uq_registration_event_mobile", table_name="registration")
    op.create_index("uq_registration_scope_mobile", "registration",
                    ["event_id", "slot_scope", "mobile"], unique=True,
                    sqlite_where=CONFIRMED, postgresql_where=CONFIRMED)


def downgrade():
    op.drop_index("uq_registration_scope_mobile", table_name="registration")
    op.create_index("uq_registration_event_mobile", "registration", ["event_id", "mobile"],
                    unique=True, sqlite_where=CONFIRMED, postgresql_where=CONFIRMED)
    with op.batch_alter_table("registration") as batch_op:
        batch_op.drop_column("slot_scope")
    with op.batch_alter_table("event") as batch_op:
        batch_op.drop_column("one_per_slot")
