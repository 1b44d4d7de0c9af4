"""Encryption at rest with an outside key, and the hash-chained audit log under attack."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlalchemy import text

from migralex.errors import InvalidInput
from migralex.registry import audit
from migralex.registry.crypto import (
    KEY_ENV,
    KEY_FILE_ENV,
    DecryptionFailed,
    KeyProblem,
    Keyring,
    create_key_file,
    new_key_text,
)
from migralex.registry.store import Store


def test_ciphertext_is_bound_to_its_row_and_key(keys: Keyring) -> None:
    blob = keys.encrypt(b"Amina Surname7", "personal_data:1")
    assert b"Amina" not in blob
    assert keys.decrypt(blob, "personal_data:1") == b"Amina Surname7"
    with pytest.raises(DecryptionFailed):
        keys.decrypt(blob, "personal_data:2")  # copied onto another row
    with pytest.raises(DecryptionFailed):
        Keyring.from_master(b"x" * 32).decrypt(blob, "personal_data:1")
    flipped = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(DecryptionFailed):
        keys.decrypt(flipped, "personal_data:1")
    assert keys.encrypt(b"same", "a") != keys.encrypt(b"same", "a")  # fresh nonce each time


def test_key_from_environment_or_a_private_key_file(tmp_path) -> None:
    text_key = new_key_text()
    assert (
        Keyring.from_env({KEY_ENV: text_key}).fingerprint == Keyring.from_env({KEY_ENV: text_key}).fingerprint
    )
    path = create_key_file(tmp_path / "registry.key")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert Keyring.from_env({KEY_FILE_ENV: str(path)}).fingerprint
    os.chmod(path, 0o644)
    with pytest.raises(KeyProblem, match="chmod 600"):
        Keyring.from_env({KEY_FILE_ENV: str(path)})
    with pytest.raises(KeyProblem, match="no registry key"):
        Keyring.from_env({})
    with pytest.raises(KeyProblem, match="32 bytes"):
        Keyring.from_env({KEY_ENV: "c2hvcnQ"})
    with pytest.raises(KeyProblem, match="no key file"):
        Keyring.from_env({KEY_FILE_ENV: str(tmp_path / "missing.key")})


def test_a_database_refuses_a_different_key(db_url: str, keys: Keyring) -> None:
    Store.open(db_url, keys).dispose()
    with pytest.raises(KeyProblem, match="another key"):
        Store.open(db_url, Keyring.from_master(b"y" * 32))


def _entries(n: int) -> list[audit.AuditEntry]:
    return [
        audit.AuditEntry(
            dt.datetime(2026, 7, 1, 12, 0, i),
            "tk_a",
            "asylum",
            "IT",
            "read",
            "Art. 1(1)(a)",
            "Eurodac Art. 40(1)",
            "ok",
            (i + 1,),
            {"i": i},
        )
        for i in range(n)
    ]


@pytest.fixture
def logged(db_url: str, keys: Keyring):
    store = Store.open(db_url, keys)
    with store.write() as conn:
        audit.append(conn, keys.audit_key, _entries(6))
    yield store
    store.dispose()


def _tamper(store: Store, sql: str) -> None:
    """An attacker with database rights: drop the append-only triggers, then write."""
    with store.engine.connect() as conn, conn.begin():
        if store.dialect == "sqlite":
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log"))
        conn.execute(text(sql))


def test_the_intact_chain_verifies(logged: Store, keys: Keyring) -> None:
    with logged.read() as conn:
        report = audit.verify(conn, keys.audit_key)
    assert report.ok and report.entries == 6 and report.head_seq == 6


def test_triggers_refuse_update_and_delete(logged: Store) -> None:
    with logged.write() as conn:
        conn.execute(
            text(
                "INSERT INTO events (dataset_id, type, occurred_at, recorded_at, member_state, actor, "
                "legal_basis, "
                "payload) VALUES (1, 'registered', '2026-07-01', '2026-07-01', 'IT', 'tk', 'Art. 15', '{}')"
            )
        )
    for sql in (
        "UPDATE audit_log SET outcome = 'ok' WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 6",
        "UPDATE events SET type = 'x'",
        "DELETE FROM events",
    ):
        with pytest.raises(Exception, match="append-only"), logged.write() as conn:
            conn.execute(text(sql))


def test_an_altered_entry_is_detected(logged: Store, keys: Keyring) -> None:
    _tamper(logged, "UPDATE audit_log SET member_state = 'DE' WHERE seq = 3")
    with logged.read() as conn:
        report = audit.verify(conn, keys.audit_key)
    assert not report.ok
    assert any("entry 3" in p and "altered" in p for p in report.problems)


def test_a_removed_entry_is_detected(logged: Store, keys: Keyring) -> None:
    _tamper(logged, "DELETE FROM audit_log WHERE seq = 4")
    with logged.read() as conn:
        report = audit.verify(conn, keys.audit_key)
    assert not report.ok
    assert any("4..4 are missing" in p for p in report.problems)


def test_a_recomputed_chain_without_the_key_is_detected(logged: Store, keys: Keyring) -> None:
    """Rewrite entry 2 and every later hash with a guessed key: the real key sees it."""
    with logged.read() as conn:
        rows = conn.execute(text("SELECT * FROM audit_log ORDER BY seq")).mappings().all()
    forged_key = b"guess" * 6 + b"xx"
    prev = audit.GENESIS
    updates = []
    for r in rows:
        row = dict(r)
        if row["seq"] == 2:
            row["action"] = "nothing"
        row["prev_hash"] = prev
        row["hash"] = prev = audit.chain_hash(forged_key, prev, row["seq"], row)
        updates.append(row)
    for u in updates:
        _tamper(
            logged,
            f"UPDATE audit_log SET action = '{u['action']}', prev_hash = '{u['prev_hash']}', "
            f"hash = '{u['hash']}' "
            f"WHERE seq = {u['seq']}",
        )
    with logged.read() as conn:
        report = audit.verify(conn, keys.audit_key)
    assert not report.ok and len(report.problems) >= 6


def test_a_removed_tail_is_detected_only_against_an_anchor(logged: Store, keys: Keyring) -> None:
    with logged.read() as conn:
        anchor = audit.parse_anchor(audit.verify(conn, keys.audit_key).anchor())
    _tamper(logged, "DELETE FROM audit_log WHERE seq >= 5")
    with logged.read() as conn:
        assert audit.verify(conn, keys.audit_key).ok  # a shorter chain is still a chain
        report = audit.verify(conn, keys.audit_key, anchor=anchor)
    assert not report.ok and "truncated after entry 4" in report.problems[0]
    with pytest.raises(InvalidInput):
        audit.parse_anchor("6:abc")


def test_embedded_default_key_is_created_once_outside_the_database_folder(tmp_path, monkeypatch) -> None:
    import stat as _stat

    from migralex.registry.crypto import KEY_FILE_ENV, Keyring, ensure_local_key
    from migralex.registry.store import data_dir

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("MIGRALEX_REGISTRY_KEY", raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.delenv("MIGRALEX_REGISTRY_DIR", raising=False)
    env: dict[str, str] = {}
    path = ensure_local_key(env)
    assert path is not None and env[KEY_FILE_ENV] == str(path)
    assert _stat.S_IMODE(path.stat().st_mode) == 0o600
    assert data_dir() not in path.parents
    first = Keyring.from_env(env).digest("x")
    env2: dict[str, str] = {}
    assert ensure_local_key(env2) == path and Keyring.from_env(env2).digest("x") == first  # same key again
    assert ensure_local_key({"MIGRALEX_REGISTRY_KEY": "k"}) is None  # a configured key wins
