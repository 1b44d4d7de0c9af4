"""Initial registry schema: datasets, events, encrypted personal data and templates, hits, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
APPEND_ONLY = ("events", "audit_log")


def upgrade() -> None:
    """Create the tables, their indexes and the append-only triggers."""
    op.create_table(
        "datasets",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("member_state", sa.String(2), nullable=False),
        sa.Column("transaction_id", sa.String(64), nullable=False),
        sa.Column("submission_digest", sa.String(64), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("event_at", sa.DateTime, nullable=False),
        sa.Column("biometrics_taken_at", sa.DateTime, nullable=False),
        sa.Column("transmitted_at", sa.DateTime, nullable=False),
        sa.Column("transmission_deadline", sa.DateTime, nullable=True),
        sa.Column("late", sa.Boolean, nullable=False),
        sa.Column("retain_until", sa.Date, nullable=True),
        sa.Column("tp_decision", sa.String(32), nullable=True),
        sa.Column("minor", sa.Boolean, nullable=False),
        sa.Column("birth_year", sa.Integer, nullable=True),
        sa.Column("sex", sa.String(1), nullable=True),
        sa.Column("person_key", sa.BigInteger, nullable=False),
        sa.Column("mark", sa.String(24), nullable=True),
        sa.Column("security_flag", sa.Boolean, nullable=False),
        sa.Column("ms_responsible", sa.String(2), nullable=True),
        sa.Column("ms_relocation", sa.String(2), nullable=True),
        sa.Column("arrived_on", sa.Date, nullable=True),
        sa.Column("left_territory_on", sa.Date, nullable=True),
        sa.Column("returned_on", sa.Date, nullable=True),
        sa.Column("visa", sa.Boolean, nullable=False),
        sa.Column("application_rejected", sa.Boolean, nullable=False),
        sa.Column("border_procedure_rejection", sa.Boolean, nullable=False),
        sa.Column("avrr", sa.Boolean, nullable=False),
        sa.Column("erased_at", sa.DateTime, nullable=True),
        sa.Column("erasure_basis", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_datasets"),
        sa.UniqueConstraint("member_state", "transaction_id", name="uq_datasets_member_state_transaction_id"),
    )
    op.create_index("ix_datasets_retain_until", "datasets", ["retain_until"])
    op.create_index("ix_datasets_person_key", "datasets", ["person_key"])
    op.create_index("ix_datasets_member_state_category", "datasets", ["member_state", "category"])
    op.create_table(
        "personal_data",
        sa.Column("dataset_id", Id, nullable=False),
        sa.Column("ciphertext", sa.LargeBinary, nullable=False),
        sa.Column("name_key", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("dataset_id", name="pk_personal_data"),
        sa.ForeignKeyConstraint(["dataset_id"], ["datasets.id"], name="fk_personal_data_dataset_id_datasets"),
    )
    op.create_index("ix_personal_data_name_key", "personal_data", ["name_key"])
    op.create_table(
        "templates",
        sa.Column("dataset_id", Id, nullable=False),
        sa.Column("modality", sa.String(12), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("dataset_id", "modality", name="pk_templates"),
        sa.ForeignKeyConstraint(["dataset_id"], ["datasets.id"], name="fk_templates_dataset_id_datasets"),
    )
    op.create_table(
        "events",
        sa.Column("seq", Id, primary_key=True, autoincrement=True),
        sa.Column("dataset_id", sa.BigInteger, nullable=True),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("occurred_at", sa.DateTime, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("member_state", sa.String(2), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("legal_basis", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_events"),
    )
    op.create_index("ix_events_dataset_id_seq", "events", ["dataset_id", "seq"])
    op.create_index("ix_events_type_seq", "events", ["type", "seq"])
    op.create_table(
        "searches",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("member_state", sa.String(2), nullable=False),
        sa.Column("role", sa.String(24), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("purpose", sa.String(200), nullable=False),
        sa.Column("probe_dataset_id", sa.BigInteger, nullable=True),
        sa.Column("include_own", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("request", sa.Text, nullable=False),
        sa.Column("candidates", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_searches"),
    )
    op.create_table(
        "hits",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("search_id", sa.BigInteger, nullable=False),
        sa.Column("probe_dataset_id", sa.BigInteger, nullable=True),
        sa.Column("candidate_dataset_id", sa.BigInteger, nullable=False),
        sa.Column("requesting_ms", sa.String(2), nullable=False),
        sa.Column("search_kind", sa.String(24), nullable=False),
        sa.Column("modality", sa.String(12), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("demographic_score", sa.Float, nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("verified_at", sa.DateTime, nullable=True),
        sa.Column("verified_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_hits"),
        sa.ForeignKeyConstraint(["search_id"], ["searches.id"], name="fk_hits_search_id_searches"),
        sa.ForeignKeyConstraint(
            ["candidate_dataset_id"], ["datasets.id"], name="fk_hits_candidate_dataset_id_datasets"
        ),
    )
    op.create_index("ix_hits_requesting_ms_status", "hits", ["requesting_ms", "status"])
    op.create_index("ix_hits_candidate_dataset_id", "hits", ["candidate_dataset_id"])
    op.create_table(
        "notifications",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("recipient_ms", sa.String(2), nullable=False),
        sa.Column("dataset_id", sa.BigInteger, nullable=False),
        sa.Column("about_dataset_id", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("legal_basis", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("due_by", sa.DateTime, nullable=False),
        sa.Column("delivered_at", sa.DateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
    )
    op.create_index(
        "ix_notifications_recipient_ms_delivered_at", "notifications", ["recipient_ms", "delivered_at"]
    )
    op.create_table(
        "tp_decisions",
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("entry_into_force", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date, nullable=True),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("reference", name="pk_tp_decisions"),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger, autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("token_id", sa.String(24), nullable=True),
        sa.Column("role", sa.String(24), nullable=False),
        sa.Column("member_state", sa.String(2), nullable=True),
        sa.Column("action", sa.String(48), nullable=False),
        sa.Column("purpose", sa.String(200), nullable=False),
        sa.Column("legal_basis", sa.String(200), nullable=False),
        sa.Column("outcome", sa.String(12), nullable=False),
        sa.Column("records", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
    )
    op.create_table(
        "tokens",
        sa.Column("id", sa.String(24), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("member_state", sa.String(2), nullable=False),
        sa.Column("role", sa.String(24), nullable=False),
        sa.Column("label", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_tokens"),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_meta"),
    )
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "sqlite":
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
        elif dialect == "postgresql":
            op.execute(
                "CREATE OR REPLACE FUNCTION migralex_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
            )
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION migralex_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION migralex_append_only()"
            )


def downgrade() -> None:
    """Drop everything (the registry's data with it)."""
    for table in ("meta", "tokens", "audit_log", "tp_decisions", "notifications", "hits", "searches"):
        op.drop_table(table)
    for table in ("events", "templates", "personal_data", "datasets"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS migralex_append_only()")
