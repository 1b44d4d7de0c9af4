"""Crypto-shredding: a data key per dataset (`data_keys`), existing personal data re-encrypted.

Before this migration the identity documents and templates were encrypted under one key derived
from the master key, so a copy surviving erasure (WAL, dead rows, backups) stayed decryptable.
This migration gives every dataset that still holds personal data its own random data key
(stored wrapped by the master key) and re-encrypts its identity and templates under it; it
needs the registry key (the registry passes it when it opens the database; a database holding
personal data cannot be upgraded without it). Copies of the *old* ciphertexts written before
this migration (old backups, WAL frames not yet checkpointed) remain under the old key: the
migration ends with a checkpoint on SQLite and the operator must destroy older backups (see
docs/registry.md, "Existing databases").

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

from migralex.registry.crypto import KeyProblem, Keyring, encrypt_with, new_data_keys

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
CHUNK = 5_000


def upgrade() -> None:
    """Create `data_keys`; move every dataset's personal data under its own data key."""
    op.create_table(
        "data_keys",
        sa.Column("dataset_id", Id, sa.ForeignKey("datasets.id"), primary_key=True),
        sa.Column("wrapped", sa.LargeBinary, nullable=False),
    )
    conn = op.get_bind()
    query = sa.text("SELECT dataset_id FROM personal_data UNION SELECT dataset_id FROM templates")
    holders = [int(row[0]) for row in conn.execute(query).all()]
    if not holders:
        return
    keys = context.config.attributes.get("keys")
    if not isinstance(keys, Keyring):
        raise KeyProblem("migration 0003 re-encrypts personal data: open the registry with its key")
    stored = conn.execute(sa.text("SELECT value FROM meta WHERE key = 'key_fingerprint'")).scalar()
    if stored is not None and stored != keys.fingerprint:
        raise KeyProblem(f"this registry was created with another key (fingerprint {stored})")
    for k in range(0, len(holders), CHUNK):
        _rewrap(conn, keys, sorted(holders)[k : k + CHUNK])


def _rewrap(conn: sa.Connection, keys: Keyring, ids: list[int]) -> None:
    """Give some datasets their data keys and re-encrypt their identity and templates."""
    dks = dict(zip(ids, new_data_keys(len(ids)), strict=True))
    wrapped = keys.wrap_many([dks[i] for i in ids], ids)
    conn.execute(
        sa.text("INSERT INTO data_keys (dataset_id, wrapped) VALUES (:i, :w)"),
        [{"i": i, "w": w} for i, w in zip(ids, wrapped, strict=True)],
    )
    ids_param: sa.BindParameter[list[int]] = sa.bindparam("ids", expanding=True)
    pd = conn.execute(
        sa.text("SELECT dataset_id, ciphertext FROM personal_data WHERE dataset_id IN :ids").bindparams(
            ids_param
        ),
        {"ids": ids},
    ).all()
    aads = [f"personal_data:{r.dataset_id}" for r in pd]
    new = encrypt_with(
        [dks[int(r.dataset_id)] for r in pd], keys.decrypt_many([r.ciphertext for r in pd], aads), aads
    )
    if pd:
        conn.execute(
            sa.text("UPDATE personal_data SET ciphertext = :c WHERE dataset_id = :i"),
            [{"c": c, "i": int(r.dataset_id)} for r, c in zip(pd, new, strict=True)],
        )
    tp = conn.execute(
        sa.text("SELECT dataset_id, modality, ciphertext FROM templates WHERE dataset_id IN :ids").bindparams(
            ids_param
        ),
        {"ids": ids},
    ).all()
    taads = [f"templates:{r.dataset_id}:{r.modality}" for r in tp]
    tnew = encrypt_with(
        [dks[int(r.dataset_id)] for r in tp], keys.decrypt_many([r.ciphertext for r in tp], taads), taads
    )
    if tp:
        conn.execute(
            sa.text("UPDATE templates SET ciphertext = :c WHERE dataset_id = :i AND modality = :m"),
            [{"c": c, "i": int(r.dataset_id), "m": r.modality} for r, c in zip(tp, tnew, strict=True)],
        )


def downgrade() -> None:
    """Drop `data_keys` (refused while personal data depend on them: they would be unreadable)."""
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT count(*) FROM data_keys")).scalar():
        raise KeyProblem("downgrade below 0003 would make every identity unreadable; refused")
    op.drop_table("data_keys")
