"""Chained seals: events chained by `prev`; every dataset and token seal logged in `seal_log`.

With only per-row MACs, deleting a row, or putting back an older copy of a row (its old MAC is
valid for its old content), went unnoticed without the audit log. Now each event's MAC covers the
previous event's (a removed event breaks the next link), and each seal of a dataset or token row
is appended to the chained, append-only `seal_log`, whose last entry per row must match the row.

Existing databases: the current seal of every dataset and token row is logged here, with the
registry key (the registry passes it when opening the database); the state as of the upgrade is
trusted, as `registry seal` trusts rows from before 0002 (run `registry verify` before upgrading).
Events written before this migration stay unchained (`prev` NULL); from the first chained event
on, an event without a link is reported.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

from migralex.registry.crypto import KeyProblem, Keyring
from migralex.registry.integrity import log_seals

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add `events.prev` and the append-only `seal_log`; log the seals of existing rows."""
    op.add_column("events", sa.Column("prev", sa.String(64), nullable=True))
    op.create_table(
        "seal_log",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("table_name", sa.String(16), nullable=False),
        sa.Column("row_id", sa.String(32), nullable=False),
        sa.Column("row_mac", sa.String(64), nullable=False),
        sa.Column("chain", sa.String(64), nullable=False),
    )
    op.create_index("ix_seal_log_table_name_row_id_seq", "seal_log", ["table_name", "row_id", "seq"])
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER seal_log_no_{verb.lower()} BEFORE {verb} ON seal_log "
                "BEGIN SELECT RAISE(ABORT, 'seal_log is append-only'); END"
            )
    else:
        op.execute(
            "CREATE TRIGGER seal_log_append_only BEFORE UPDATE OR DELETE ON seal_log "
            "FOR EACH ROW EXECUTE FUNCTION migralex_append_only()"
        )
        op.execute(
            "CREATE TRIGGER seal_log_no_truncate BEFORE TRUNCATE ON seal_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION migralex_append_only()"
        )
    _log_existing(conn)


def _log_existing(conn: sa.Connection) -> None:
    """Log the current seal of every sealed dataset and token row (needs the key if there are any)."""
    found = {
        t: conn.execute(sa.text(f"SELECT id, mac FROM {t} WHERE mac IS NOT NULL ORDER BY id")).all()
        for t in ("datasets", "tokens")
    }
    if not any(found.values()):
        return
    keys = context.config.attributes.get("keys")
    if not isinstance(keys, Keyring):
        raise KeyProblem("migration 0005 logs the seals of existing rows: open the registry with its key")
    for table, rows in found.items():
        log_seals(conn, keys.mac_key, table, [(r.id, r.mac) for r in rows])


def downgrade() -> None:
    """Drop `seal_log` and `events.prev`."""
    op.drop_index("ix_seal_log_table_name_row_id_seq", "seal_log")
    op.drop_table("seal_log")
    op.execute("ALTER TABLE events DROP COLUMN prev")  # in place: SQLite keeps the triggers
