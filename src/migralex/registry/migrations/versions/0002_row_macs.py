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


_SAME = (
    " AND ".join(
        f"NEW.{c} IS OLD.{c}"
        for c in ("seq", "dataset_id", "type", "occurred_at", "recorded_at", "member_state", "actor")
    )
    + " AND NEW.legal_basis IS OLD.legal_basis AND NEW.payload IS OLD.payload"
)


def upgrade() -> None:
    """Add the `mac` column; events stay append-only except sealing a legacy row once (mac NULL → set)."""
    for table in SEALED:
        op.add_column(table, sa.Column("mac", sa.String(64), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER events_no_update")
        op.execute(
            "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
            f"WHEN NOT (OLD.mac IS NULL AND NEW.mac IS NOT NULL AND {_SAME}) "
            "BEGIN SELECT RAISE(ABORT, 'events is append-only'); END"
        )
    else:
        same = _SAME.replace(" IS ", " IS NOT DISTINCT FROM ")
        op.execute(
            "CREATE OR REPLACE FUNCTION migralex_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN IF TG_OP = 'UPDATE' AND OLD.mac IS NULL AND NEW.mac IS NOT NULL AND {same} "
            "THEN RETURN NEW; END IF; RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        op.execute("DROP TRIGGER events_append_only ON events")
        op.execute(
            "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
            "FOR EACH ROW EXECUTE FUNCTION migralex_events_append_only()"
        )


def downgrade() -> None:
    """Drop the `mac` column and restore the plain append-only trigger."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER events_no_update")
        op.execute(
            "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
            "BEGIN SELECT RAISE(ABORT, 'events is append-only'); END"
        )
    else:
        op.execute("DROP TRIGGER events_append_only ON events")
        op.execute(
            "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
            "FOR EACH ROW EXECUTE FUNCTION migralex_append_only()"
        )
        op.execute("DROP FUNCTION IF EXISTS migralex_events_append_only()")
    for table in SEALED:
        op.drop_column(table, "mac")
