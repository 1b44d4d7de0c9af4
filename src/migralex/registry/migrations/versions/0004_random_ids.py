"""Random public ids for searches and hits (as datasets have): no id sequence left on PostgreSQL.

The registry draws the ids of datasets, searches and hits at random (`registration.new_ids`), so
an id tells nothing about how many the registry holds or how fast it grows. This migration drops
the PostgreSQL sequences behind those columns, so no insert can fall back to a sequential id
(SQLite has no sequence: its INTEGER PRIMARY KEY takes the id given). Searches and hits created
before it keep their sequential ids: they were given to Member States and are named in the
sealed events and the hash-chained audit log, so renumbering them would break the links the
registry verifies; they reveal only the counts as of the upgrade.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PUBLIC = ("datasets", "searches", "hits")


def upgrade() -> None:
    """Drop the id sequences of the tables with public ids (PostgreSQL)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in PUBLIC:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN id DROP DEFAULT")
        op.execute(f"DROP SEQUENCE IF EXISTS {table}_id_seq")


def downgrade() -> None:
    """Give the id columns a sequence again, starting above the largest id in use."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in PUBLIC:
        op.execute(f"CREATE SEQUENCE {table}_id_seq OWNED BY {table}.id")
        op.execute(f"SELECT setval('{table}_id_seq', COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)")
        op.execute(f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{table}_id_seq')")
