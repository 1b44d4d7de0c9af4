"""Keyed MACs on the rows that carry legal facts: datasets, events, tokens (`registry.integrity`).

Rows written before this migration have no MAC; `migralex registry seal` seals them once, with the
key, after the operator has checked them (`verify` reports them as not sealed until then).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEALED = ("datasets", "events", "tokens")


def upgrade() -> None:
    """Add the `mac` column."""
    for table in SEALED:
        op.add_column(table, sa.Column("mac", sa.String(64), nullable=True))


def downgrade() -> None:
    """Drop the `mac` column."""
    for table in SEALED:
        op.drop_column(table, "mac")
