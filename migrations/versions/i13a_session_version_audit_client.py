"""Revocable sessions (user.session_version) and the staff member's address in the audit log

Revision ID: 5e1a13a0c0de
Revises: i10_presence
Create Date: 2026-12-02 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "5e1a13a0c0de"
down_revision = "i10_presence"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), nullable=False,
                                      server_default=sa.text("1")))
    with op.batch_alter_table("audit_entry") as batch_op:
        batch_op.add_column(sa.Column("client", sa.String(length=45), nullable=False,
                                      server_default=""))


def downgrade():
    with op.batch_alter_table("audit_entry") as batch_op:
        batch_op.drop_column("client")
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("session_version")
