"""Crypto-shredding: after erasure, no copy of a dataset's ciphertexts decrypts, even with the key."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.engine import make_url

from migralex.registry import shredding
from migralex.registry.crypto import DecryptionFailed, Keyring
from migralex.registry.models import data_keys, personal_data, templates
from migralex.registry.service import Registry
from tests.registry.conftest import DE_ASYLUM, IT_BORDER, OPERATOR, Clock, People

WRAPPED_LEN = 1 + 12 + 32 + 16  # version, nonce, data key, tag


def _ciphertexts(reg: Registry, ids: list[int]) -> list[tuple[bytes, str]]:
    """Every ciphertext of some datasets with its associated data (what an attacker might keep)."""
    with reg.store.read() as conn:
        pd = conn.execute(
            select(personal_data.c.dataset_id, personal_data.c.ciphertext).where(
                personal_data.c.dataset_id.in_(ids)
            )
        ).all()
        tp = conn.execute(select(templates).where(templates.c.dataset_id.in_(ids))).all()
    return [(bytes(r.ciphertext), f"personal_data:{r.dataset_id}") for r in pd] + [
        (bytes(r.ciphertext), f"templates:{r.dataset_id}:{r.modality}") for r in tp
    ]


def _decrypts(keys: Keyring, blob: bytes, aad: str, data_keys_found: list[bytes]) -> bool:
    """Whether a ciphertext opens with the master key's data key or any data key recovered."""
    attempts = [lambda: keys.decrypt(blob, aad)]
    attempts += [lambda k=k: shredding.decrypt_with([k], [blob], [aad]) for k in data_keys_found]
    for attempt in attempts:
        try:
            attempt()
            return True
        except DecryptionFailed:
            pass
    return False


def _keys_in_database(reg: Registry) -> list[bytes]:
    with reg.store.read() as conn:
        rows = conn.execute(select(data_keys)).all()
    return reg.keys.unwrap_many([r.wrapped for r in rows], [int(r.dataset_id) for r in rows])


def test_a_kept_copy_of_an_erased_datasets_ciphertexts_no_longer_decrypts(
    registry: Registry, people: People, clock: Clock
) -> None:
    """A copy taken before erasure (a PostgreSQL dead row, a WAL frame, a backup of the data
    tables) decrypts before the erasure and not after, with the master key in hand."""
    crossed = registry.register(IT_BORDER, people.submission(3, "irregular_crossing", "IT", "s-1"))
    applied = registry.register(DE_ASYLUM, people.submission(4, "applicant", "DE", "s-2"))
    kept = _ciphertexts(registry, [crossed.dataset_id, applied.dataset_id])
    assert len(kept) == 6
    live = _keys_in_database(registry)
    assert all(_decrypts(registry.keys, b, a, live) for b, a in kept)
    registry.record(DE_ASYLUM, applied.dataset_id, "citizenship_acquired")  # Art. 30(1), advance
    clock.now = dt.datetime(2031, 7, 2, 9, 0)
    assert registry.purge(OPERATOR).count == 1  # Art. 29(10), the crossing's five years are over
    left = _keys_in_database(registry)
    assert left == []
    assert not any(_decrypts(registry.keys, b, a, left) for b, a in kept)


def test_an_active_datasets_data_key_is_bound_to_it(registry: Registry, people: People) -> None:
    """Identity and templates are under the dataset's own key: not the master key, not another's."""
    a = registry.register(IT_BORDER, people.submission(5, "irregular_crossing", "IT", "b-1"))
    b = registry.register(IT_BORDER, people.submission(6, "irregular_crossing", "IT", "b-2"))
    [(blob, aad), *_] = _ciphertexts(registry, [a.dataset_id])
    with pytest.raises(DecryptionFailed):
        registry.keys.decrypt(blob, aad)
    with registry.store.read() as conn:
        kb = shredding.load_keys(conn, registry.keys, [b.dataset_id])[b.dataset_id]
        wrapped_a = conn.scalar(select(data_keys.c.wrapped).where(data_keys.c.dataset_id == a.dataset_id))
    with pytest.raises(DecryptionFailed):
        shredding.decrypt_with([kb], [blob], [aad])
    with pytest.raises(DecryptionFailed):  # a wrapped key copied to another dataset does not unwrap
        registry.keys.unwrap_many([wrapped_a], [b.dataset_id])
    assert registry.get(IT_BORDER, a.dataset_id)["identity"]["names"]["surnames"] == ["Surname5"]


def test_nothing_in_the_sqlite_files_decrypts_after_a_purge(
    open_registry, people: People, clock: Clock, db_url: str
) -> None:
    """Scan the raw database file and its WAL: no wrapped key of an erased dataset unwraps, no
    ciphertext of it decrypts, with the master key."""
    if not db_url.startswith("sqlite"):
        pytest.skip("raw files: SQLite (PostgreSQL's dead rows: the kept-copy test above)")
    registry = open_registry()
    subs = [people.submission(10 + i, "irregular_crossing", "IT", f"w-{i}") for i in range(4)]
    ids = [r.dataset_id for r in registry.register_batch(IT_BORDER, subs)]
    kept = _ciphertexts(registry, ids)
    clock.now = dt.datetime(2031, 7, 2, 9, 0)
    assert registry.purge(OPERATOR).count == 4
    path = Path(make_url(db_url).database or "")
    raw = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    assert b"Surname10" not in raw
    recovered = []
    for at in (i for i, byte in enumerate(raw) if byte == 3):
        for dataset_id in ids:
            with contextlib.suppress(DecryptionFailed):
                recovered += registry.keys.unwrap_many([raw[at : at + WRAPPED_LEN]], [dataset_id])
    assert recovered == []
    assert not any(_decrypts(registry.keys, b, a, recovered) for b, a in kept)


def test_migration_0003_moves_existing_personal_data_under_data_keys(
    registry: Registry, people: People, keys: Keyring
) -> None:
    """Rows from before 0003 (identity and templates under the master key, no data key) are
    re-encrypted under per-dataset keys by the migration's step, and then read as usual."""
    a = registry.register(IT_BORDER, people.submission(7, "irregular_crossing", "IT", "m-1")).dataset_id
    with registry.store.write() as conn:  # as a 0002 database held them
        for blob, aad in _ciphertexts(registry, [a]):
            plain = shredding.decrypt(conn, keys, [a], [blob], [aad])[0]
            table = personal_data if aad.startswith("personal_data") else templates
            where = table.c.dataset_id == a
            if table is templates:
                where &= templates.c.modality == aad.rsplit(":", 1)[1]
            conn.execute(update(table).where(where).values(ciphertext=keys.encrypt(plain, aad)))
        conn.execute(delete(data_keys))
    [(old, aad), *_] = _ciphertexts(registry, [a])
    assert keys.decrypt(old, aad)
    step = _migration("0003_data_keys")
    with registry.store.write() as conn:
        step._rewrap(conn, keys, [a])
    assert registry.get(IT_BORDER, a)["identity"]["names"]["surnames"] == ["Surname7"]
    [(blob, aad), *_] = _ciphertexts(registry, [a])
    with pytest.raises(DecryptionFailed):
        keys.decrypt(blob, aad)  # no longer under the master key


def _migration(name: str) -> Any:
    path = Path(shredding.__file__).parent / "migrations" / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
