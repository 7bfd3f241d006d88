"""Contact for the edition (联系人、电话、地址、交通/停车) shown wherever a visitor may need it

Revision ID: i12_edition_contact
Revises: i12_one_per_slot
Create Date: 2026-12-02 10:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = "i12_edition_contact"
down_revision = "i12_one_per_slot"
branch_labels = None
depends_on = None

COLUMNS = (("contact_name", 50), ("contact_phone", 50), ("address", 200), ("directions", 500))


def upgrade():
    for name, length in COLUMNS:  # plain ADD COLUMN: no table copy on SQLite
        op.add_column("edition", sa.Column(name, sa.String(length=length), nullable=False,
                                           server_default=""))


def downgrade():
    with op.batch_alter_table("edition") as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
