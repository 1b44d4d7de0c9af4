"""The screening's tables: one encrypted record per screened person, and the staff's tokens.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create `screenings` and `screening_tokens`."""
    op.create_table(
        "screenings",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("member_state", sa.String(2), nullable=False),
        sa.Column("reason", sa.String(24), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("event_at", sa.DateTime, nullable=False),
        sa.Column("last_day", sa.Date, nullable=False),
        sa.Column("security_flag", sa.Boolean, nullable=False),
        sa.Column("outcome", sa.String(24), nullable=True),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("record", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_screenings"),
    )
    op.create_index("ix_screenings_member_state_status", "screenings", ["member_state", "status"])
    op.create_table(
        "screening_tokens",
        sa.Column("id", sa.String(24), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("member_state", sa.String(2), nullable=False),
        sa.Column("role", sa.String(24), nullable=False),
        sa.Column("label", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_screening_tokens"),
    )


def downgrade() -> None:
    """Drop the screening's tables."""
    op.drop_table("screening_tokens")
    op.drop_index("ix_screenings_member_state_status", table_name="screenings")
    op.drop_table("screenings")
