"""Crypto-shredding: one data key per dataset, so that erasure is final (Eurodac Arts 29(10), 30).

Each dataset's identity document and biometric templates are encrypted under a random data key
of its own; the key is stored only wrapped by the master key (`data_keys`). Erasure deletes the
wrapped key with the ciphertexts: any copy of those ciphertexts the database engine leaves
behind (SQLite WAL frames or free pages, PostgreSQL dead tuples, a backup of the data tables
taken before the erasure without `data_keys`) cannot be decrypted any more, with or without the
master key. The wrapped keys are small and live in one table, which the scrub after each purge
overwrites (SQLite `secure_delete` + WAL checkpoint) or vacuums (PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Select, delete, insert, select

from migralex.registry.crypto import DecryptionFailed, Keyring, decrypt_with, encrypt_with, new_data_keys
from migralex.registry.models import data_keys


def create_keys(conn: Connection, keys: Keyring, dataset_ids: list[int]) -> dict[int, bytes]:
    """Give each new dataset its data key (stored wrapped); returns the clear keys by dataset."""
    fresh = new_data_keys(len(dataset_ids))
    wrapped = keys.wrap_many(fresh, dataset_ids)
    if dataset_ids:
        conn.execute(
            insert(data_keys),
            [{"dataset_id": i, "wrapped": w} for i, w in zip(dataset_ids, wrapped, strict=True)],
        )
    return dict(zip(dataset_ids, fresh, strict=True))


def load_keys(conn: Connection, keys: Keyring, dataset_ids: Iterable[int]) -> dict[int, bytes]:
    """The data keys of some datasets (erased datasets have none)."""
    wanted = sorted(set(dataset_ids))
    found: dict[int, bytes] = {}
    for k in range(0, len(wanted), 10_000):
        rows = conn.execute(
            select(data_keys.c.dataset_id, data_keys.c.wrapped).where(
                data_keys.c.dataset_id.in_(wanted[k : k + 10_000])
            )
        ).all()
        ids = [int(r.dataset_id) for r in rows]
        found.update(zip(ids, keys.unwrap_many([r.wrapped for r in rows], ids), strict=True))
    return found


def encrypt(
    conn: Connection, keys: Keyring, dataset_ids: list[int], plaintexts: list[bytes], aads: list[str]
) -> list[bytes]:
    """Encrypt each plaintext under its dataset's data key."""
    dks = load_keys(conn, keys, dataset_ids)
    return encrypt_with([_key(dks, i) for i in dataset_ids], plaintexts, aads)


def decrypt(
    conn: Connection, keys: Keyring, dataset_ids: list[int], blobs: list[bytes], aads: list[str]
) -> list[bytes]:
    """Decrypt each ciphertext with its dataset's data key (an erased dataset's is gone: an error)."""
    dks = load_keys(conn, keys, dataset_ids)
    return decrypt_with([_key(dks, i) for i in dataset_ids], blobs, aads)


def _key(found: dict[int, bytes], dataset_id: int) -> bytes:
    if dataset_id not in found:
        raise DecryptionFailed(f"dataset {dataset_id} has no data key (erased, or its key was removed)")
    return found[dataset_id]


def shred(conn: Connection, chosen: Select[tuple[int]]) -> None:
    """Destroy the data keys of the chosen datasets: their ciphertexts become undecryptable."""
    conn.execute(delete(data_keys).where(data_keys.c.dataset_id.in_(chosen)))
