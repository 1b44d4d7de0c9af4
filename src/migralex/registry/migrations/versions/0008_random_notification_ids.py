"""Random public ids for notifications too (as datasets, searches and hits have since 0004).

A notification id is shown to the receiving Member State (`GET /notifications`); a sequential id
would tell it how many notifications the registry has sent to all Member States and how fast
(Eurodac Art. 48(2)(g), data access control). The registry now draws notification ids at random
(`registration.new_ids`); this migration drops the PostgreSQL sequence behind the column so no
insert can fall back to a sequential id (SQLite has no sequence: its INTEGER PRIMARY KEY takes the
id given). Notifications created before it keep their ids, for the reasons given in 0004.

The alerts on return of Regulation (EU) 2018/1860 (category `return_alert`) need no schema change:
an alert is a dataset like any other (its data encrypted in `personal_data`, its biometrics in
`templates`, its key in `data_keys`), and its erasure is the registry's crypto-shredding.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Drop the id sequence of `notifications` (PostgreSQL)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE notifications ALTER COLUMN id DROP DEFAULT")
    op.execute("DROP SEQUENCE IF EXISTS notifications_id_seq")


def downgrade() -> None:
    """Give the id column a sequence again, starting above the largest id in use."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE SEQUENCE notifications_id_seq OWNED BY notifications.id")
    op.execute(
        "SELECT setval('notifications_id_seq', COALESCE((SELECT max(id) FROM notifications), 0) + 1, false)"
    )
    op.execute("ALTER TABLE notifications ALTER COLUMN id SET DEFAULT nextval('notifications_id_seq')")
