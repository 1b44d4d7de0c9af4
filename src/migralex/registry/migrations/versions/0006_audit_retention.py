"""Audit-log retention (Eurodac Art. 41(4)): signed anchors of erased runs; anchored deletes only.

`audit_erased` is append-only. The audit log stays append-only, except that an entry inside a
run already anchored in `audit_erased` may be deleted (the registry writes the anchor first, in
the same transaction); any other DELETE or UPDATE is still refused by the database.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ANCHORED = (
    "EXISTS (SELECT 1 FROM audit_erased WHERE first_seq = "
    "(SELECT max(first_seq) FROM audit_erased WHERE first_seq <= OLD.seq) AND last_seq >= OLD.seq)"
)


def upgrade() -> None:
    """Create `audit_erased` (append-only); let only anchored audit entries be deleted."""
    op.create_table(
        "audit_erased",
        sa.Column("first_seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("entries", sa.Integer, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("erased_at", sa.DateTime, nullable=False),
        sa.Column("legal_basis", sa.String(200), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_erased_no_{verb.lower()} BEFORE {verb} ON audit_erased "
                "BEGIN SELECT RAISE(ABORT, 'audit_erased is append-only'); END"
            )
        op.execute("DROP TRIGGER audit_log_no_delete")
        op.execute(
            f"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log WHEN NOT {ANCHORED} "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )
        return
    op.execute(
        "CREATE TRIGGER audit_erased_append_only BEFORE UPDATE OR DELETE ON audit_erased "
        "FOR EACH ROW EXECUTE FUNCTION migralex_append_only()"
    )
    op.execute(
        "CREATE OR REPLACE FUNCTION migralex_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN IF TG_OP = 'DELETE' AND {ANCHORED} THEN RETURN OLD; END IF; "
        "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
    )
    op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
    op.execute(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION migralex_audit_append_only()"
    )


def downgrade() -> None:
    """Restore the plain append-only audit log; drop `audit_erased`."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_log_no_delete")
        op.execute(
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )
    else:
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION migralex_append_only()"
        )
        op.execute("DROP FUNCTION IF EXISTS migralex_audit_append_only()")
    op.drop_table("audit_erased")
