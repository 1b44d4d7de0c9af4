"""The registry's tables (SQLAlchemy Core), identical on SQLite and PostgreSQL.

- `events`: the append-only log of every dataset (database triggers refuse UPDATE and DELETE);
- `datasets`: the current-state projection of each dataset, derived from its events;
- `personal_data`, `templates`: the encrypted identity data and biometric templates, the only
  place personal data live; erasure deletes their rows;
- `data_keys`: each dataset's own data key, wrapped by the master key; erasure deletes it
  (crypto-shredding: the dataset's ciphertexts, wherever a copy survives, no longer decrypt);
- `searches`, `hits`: comparisons and their candidates (Arts 27, 28, 33, 38);
- `notifications`: what Eurodac tells other Member States of origin (Arts 16(4), 17(4), 30(2), 31);
- `tp_decisions`: Council implementing decisions on temporary protection (Art. 29(9));
- `audit_log`: the append-only, hash-chained record of every read, search and write (Art. 41);
- `audit_erased`: signed anchors of the audit entries erased at the end of their keeping period
  (Art. 41(4)): the hashes entering and leaving each erased run, so the chain still verifies;
- `tokens`: API tokens, stored as SHA-256 hashes;
- `meta`: the fingerprint of the encryption key the database was created with.

`datasets`, `events` and `tokens` rows carry `mac`, a keyed MAC of their content
(`registry.integrity`): altered outside the registry, they fail `migralex registry verify`.
Events are chained (each MAC covers the previous event's, `prev`); every seal of a dataset or
token row is appended to `seal_log`, a chained log, so a deleted row or an older copy put back
is named too.

The schema is created by the Alembic migrations in `registry/migrations/`; tests check that
the migrations and these tables agree.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

#: BIGINT on PostgreSQL, INTEGER (the rowid alias, autoincrementing) on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

datasets = Table(
    "datasets",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),  # random public ids
    Column("member_state", String(2), nullable=False),
    Column("transaction_id", String(64), nullable=False),
    Column("submission_digest", String(64), nullable=False),
    Column("category", String(32), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("event_at", DateTime, nullable=False),
    Column("biometrics_taken_at", DateTime, nullable=False),
    Column("transmitted_at", DateTime, nullable=False),
    Column("transmission_deadline", DateTime, nullable=True),
    Column("late", Boolean, nullable=False),
    Column("retain_until", Date, nullable=True),
    Column("tp_decision", String(32), nullable=True),
    Column("minor", Boolean, nullable=False),
    Column("birth_year", Integer, nullable=True),
    Column("sex", String(1), nullable=True),
    Column("person_key", BigInteger, nullable=False),
    Column("mark", String(24), nullable=True),
    Column("security_flag", Boolean, nullable=False),
    Column("ms_responsible", String(2), nullable=True),
    Column("ms_relocation", String(2), nullable=True),
    Column("arrived_on", Date, nullable=True),
    Column("left_territory_on", Date, nullable=True),
    Column("returned_on", Date, nullable=True),
    Column("visa", Boolean, nullable=False),
    Column("application_rejected", Boolean, nullable=False),
    Column("border_procedure_rejection", Boolean, nullable=False),
    Column("avrr", Boolean, nullable=False),
    Column("erased_at", DateTime, nullable=True),
    Column("erasure_basis", String(64), nullable=True),
    Column("mac", String(64), nullable=True),
    UniqueConstraint("member_state", "transaction_id"),
    Index(None, "retain_until"),
    Index(None, "person_key"),
    Index(None, "member_state", "category"),
)

personal_data = Table(
    "personal_data",
    metadata,
    Column("dataset_id", Id, ForeignKey("datasets.id"), primary_key=True),
    Column("ciphertext", LargeBinary, nullable=False),
    Column("name_key", String(64), nullable=True),
    Index(None, "name_key"),
)

data_keys = Table(
    "data_keys",
    metadata,
    Column("dataset_id", Id, ForeignKey("datasets.id"), primary_key=True),
    Column("wrapped", LargeBinary, nullable=False),
)

templates = Table(
    "templates",
    metadata,
    Column("dataset_id", Id, ForeignKey("datasets.id"), nullable=False),
    Column("modality", String(12), nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),
    PrimaryKeyConstraint("dataset_id", "modality"),
)

events = Table(
    "events",
    metadata,
    Column("seq", Id, primary_key=True, autoincrement=True),
    Column("dataset_id", BigInteger, nullable=True),
    Column("type", String(32), nullable=False),
    Column("occurred_at", DateTime, nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("member_state", String(2), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("legal_basis", String(200), nullable=False),
    Column("payload", Text, nullable=False),
    Column("prev", String(64), nullable=True),
    Column("mac", String(64), nullable=True),
    Index(None, "dataset_id", "seq"),
    Index(None, "type", "seq"),
)

searches = Table(
    "searches",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),  # random public ids
    Column("member_state", String(2), nullable=False),
    Column("role", String(24), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("purpose", String(200), nullable=False),
    Column("probe_dataset_id", BigInteger, nullable=True),
    Column("include_own", Boolean, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("request", Text, nullable=False),
    Column("candidates", Integer, nullable=False),
)

hits = Table(
    "hits",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),  # random public ids
    Column("search_id", BigInteger, ForeignKey("searches.id"), nullable=False),
    Column("probe_dataset_id", BigInteger, nullable=True),
    Column("candidate_dataset_id", BigInteger, ForeignKey("datasets.id"), nullable=False),
    Column("requesting_ms", String(2), nullable=False),
    Column("search_kind", String(24), nullable=False),
    Column("modality", String(12), nullable=False),
    Column("score", Float, nullable=False),
    Column("demographic_score", Float, nullable=True),
    Column("status", String(10), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("verified_at", DateTime, nullable=True),
    Column("verified_by", String(64), nullable=True),
    Index(None, "requesting_ms", "status"),
    Index(None, "candidate_dataset_id"),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),  # random public ids (migration 0008)
    Column("recipient_ms", String(2), nullable=False),
    Column("dataset_id", BigInteger, nullable=False),
    Column("about_dataset_id", BigInteger, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("legal_basis", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("due_by", DateTime, nullable=False),
    Column("delivered_at", DateTime, nullable=True),
    Index(None, "recipient_ms", "delivered_at"),
)

tp_decisions = Table(
    "tp_decisions",
    metadata,
    Column("reference", String(32), primary_key=True),
    Column("entry_into_force", Date, nullable=False),
    Column("ended_on", Date, nullable=True),
    Column("recorded_at", DateTime, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", DateTime, nullable=False),
    Column("token_id", String(24), nullable=True),
    Column("role", String(24), nullable=False),
    Column("member_state", String(2), nullable=True),
    Column("action", String(48), nullable=False),
    Column("purpose", String(200), nullable=False),
    Column("legal_basis", String(200), nullable=False),
    Column("outcome", String(12), nullable=False),
    Column("records", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

audit_erased = Table(
    "audit_erased",
    metadata,
    Column("first_seq", BigInteger, primary_key=True, autoincrement=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("entries", Integer, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("last_hash", String(64), nullable=False),
    Column("erased_at", DateTime, nullable=False),
    Column("legal_basis", String(200), nullable=False),
    Column("mac", String(64), nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", String(24), primary_key=True),
    Column("secret_hash", String(64), nullable=False),
    Column("member_state", String(2), nullable=False),
    Column("role", String(24), nullable=False),
    Column("label", String(120), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime, nullable=True),
    Column("mac", String(64), nullable=True),
)

seal_log = Table(
    "seal_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("table_name", String(16), nullable=False),
    Column("row_id", String(32), nullable=False),
    Column("row_mac", String(64), nullable=False),
    Column("chain", String(64), nullable=False),
    Index(None, "table_name", "row_id", "seq"),
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

#: Tables whose rows are never updated or deleted (enforced by triggers in the migration).
APPEND_ONLY = ("events", "audit_log", "seal_log", "audit_erased")

# --- the screening (SR 2024/1356; `migralex.screening`, migration 0007) ----------------------

#: One row per screened person: searchable status columns, the record itself encrypted (`record`).
screenings = Table(
    "screenings",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("member_state", String(2), nullable=False),
    Column("reason", String(24), nullable=False),
    Column("status", String(24), nullable=False),
    Column("event_at", DateTime, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("security_flag", Boolean, nullable=False),
    Column("outcome", String(24), nullable=True),
    Column("updated_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Column("record", LargeBinary, nullable=False),
    Index(None, "member_state", "status"),
)

#: Tokens of the screening's staff (roles `border`, `medical`), stored as SHA-256 hashes.
screening_tokens = Table(
    "screening_tokens",
    metadata,
    Column("id", String(24), primary_key=True),
    Column("secret_hash", String(64), nullable=False),
    Column("member_state", String(2), nullable=False),
    Column("role", String(24), nullable=False),
    Column("label", String(120), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime, nullable=True),
)
