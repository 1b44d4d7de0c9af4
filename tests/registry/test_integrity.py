"""Tampering detected anywhere: every row carrying a legal fact is sealed with a keyed MAC, so an
attacker with the database but not the key cannot move a dataset to another Member State, extend or
shorten its storage, rewrite an event or promote a token without `verify` naming the row."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from migralex.cli import app as cli
from migralex.registry import integrity
from migralex.registry.access import Unauthenticated
from migralex.registry.crypto import KEY_ENV, KEY_FILE_ENV
from migralex.registry.service import Registry
from tests.registry.conftest import DE_BORDER, IT_BORDER, OPERATOR, People


def _raw(registry: Registry, *sql: str) -> None:
    """An attacker with database rights (the append-only triggers dropped first)."""
    store = registry.store
    with store.engine.connect() as conn, conn.begin():
        if store.dialect == "sqlite":
            conn.execute(text("DROP TRIGGER IF EXISTS events_no_update"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS events_append_only ON events"))
        for s in sql:
            conn.execute(text(s))


@pytest.fixture
def two(registry: Registry, people: People) -> tuple[int, int]:
    a = registry.register(IT_BORDER, people.submission(1, "irregular_crossing", "IT", "i-1")).dataset_id
    b = registry.register(IT_BORDER, people.submission(2, "irregular_crossing", "IT", "i-2")).dataset_id
    registry.record(IT_BORDER, a, "security_flag", details={"grounds": ["armed"]})
    return a, b


def test_an_untouched_registry_verifies(registry: Registry, two) -> None:
    report = registry.verify(OPERATOR)
    assert report.ok, report.problems
    assert report.rows.checked["datasets"] == 2 and report.rows.checked["events"] >= 5


def test_moving_a_dataset_to_another_member_state_is_named_and_refused(registry: Registry, two) -> None:
    a, b = two
    _raw(registry, f"UPDATE datasets SET member_state = 'DE' WHERE id = {a}")
    report = registry.verify(OPERATOR)
    assert not report.ok and report.rows.altered == {"datasets": [a]}
    assert any(f"datasets row {a}" in p for p in report.problems)
    with pytest.raises(integrity.Tampered):
        registry.get(DE_BORDER, a)  # the new "owner" cannot read it
    with pytest.raises(integrity.Tampered):
        registry.record(DE_BORDER, a, "security_flag_deleted")
    assert registry.get(IT_BORDER, b)["dataset"]["id"] == b  # the others still serve


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE datasets SET retain_until = '2099-01-01' WHERE id = {a}",
        "UPDATE datasets SET retain_until = NULL WHERE id = {a}",
        "UPDATE datasets SET security_flag = {false} WHERE id = {a}",
        "UPDATE datasets SET mac = (SELECT mac FROM datasets WHERE id = {b}) WHERE id = {a}",
        "UPDATE datasets SET mac = NULL WHERE id = {a}",
    ],
)
def test_altered_legal_facts_of_a_dataset_are_named(registry: Registry, two, sql: str) -> None:
    a, b = two
    false = "0" if registry.store.dialect == "sqlite" else "false"
    _raw(registry, sql.format(a=a, b=b, false=false))
    report = registry.verify(OPERATOR)
    assert not report.ok and report.rows.altered == {"datasets": [a]}, report.problems


def test_an_altered_event_payload_is_named(registry: Registry, two) -> None:
    a, _ = two
    with registry.store.read() as conn:
        seq = conn.scalar(text(f"SELECT max(seq) FROM events WHERE dataset_id = {a}"))
    _raw(registry, f"UPDATE events SET payload = '{{}}', legal_basis = 'none' WHERE seq = {seq}")
    report = registry.verify(OPERATOR)
    assert report.rows.altered == {"events": [seq]}
    with pytest.raises(integrity.Tampered):
        registry.get(IT_BORDER, a)


def test_a_promoted_token_is_refused(registry: Registry) -> None:
    token = registry.create_token("IT", "border", "x")
    assert registry.authenticate(token).role == "border"
    _raw(
        registry,
        f"UPDATE tokens SET role = 'operator', member_state = 'EU' WHERE id = '{token.split('.')[0]}'",
    )
    with pytest.raises(Unauthenticated, match="integrity"):
        registry.authenticate(token)
    assert registry.verify(OPERATOR).rows.altered == {"tokens": [token.split(".")[0]]}


def test_purge_and_actions_keep_the_seals(registry: Registry, two, clock) -> None:
    _, b = two
    registry.record(IT_BORDER, b, "security_flag", details={"grounds": ["violent"]})
    clock.now = clock.now.replace(year=2060)
    assert registry.purge(OPERATOR).count == 2
    registry.revoke_token("tk_nothing")
    assert registry.verify(OPERATOR).ok


def test_the_cli_verify_names_the_row_and_exits_1(tmp_path, monkeypatch, people: People) -> None:
    import sqlite3

    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.setenv(KEY_ENV, "bWlncmFsZXgtdGVzdC1rZXktMDEyMzQ1Njc4OWFiY2Q")
    monkeypatch.setenv("MIGRALEX_REGISTRY_URL", f"sqlite:///{tmp_path / 'r.sqlite3'}")
    reg = Registry.open()
    a = reg.register(IT_BORDER, people.submission(1, "irregular_crossing", "IT", "c-1")).dataset_id
    reg.store.dispose()
    ok = CliRunner().invoke(cli, ["registry", "verify"])
    assert ok.exit_code == 0 and "rows intact" in ok.output
    db = sqlite3.connect(tmp_path / "r.sqlite3")
    db.execute(f"UPDATE datasets SET member_state = 'DE' WHERE id = {a}")
    db.commit()
    db.close()
    for command in ("verify", "verify-audit"):
        bad = CliRunner().invoke(cli, ["registry", command])
        assert bad.exit_code == 1 and f"datasets row {a}" in bad.output, bad.output


def test_erased_data_do_not_stay_on_disk_and_files_are_private(tmp_path, keys, clock, people: People) -> None:
    import stat

    from migralex.registry.store import Store

    folder = tmp_path / "private" / "registry"
    reg = Registry(Store.open(f"sqlite:///{folder / 'r.sqlite3'}", keys), clock=clock)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    marker = "Zyxwvutsrq"
    reg.register(
        IT_BORDER,
        people.submission(9, "irregular_crossing", "IT", "e-1", identity={"names": {"surnames": [marker]}}),
    )
    for f in folder.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) & 0o077 == 0, f
    with reg.store.read() as conn:
        blob = conn.scalar(text("SELECT ciphertext FROM personal_data"))
    clock.now = clock.now.replace(year=2040)
    assert reg.purge(OPERATOR).count == 1
    reg.store.dispose()
    on_disk = b"".join(f.read_bytes() for f in folder.iterdir())
    assert bytes(blob)[13:45] not in on_disk  # the ciphertext is gone from the file and the WAL


def test_law_enforcement_reasons_are_bound_to_the_audit_chain(registry: Registry, people: People) -> None:
    import json

    from sqlalchemy import select

    from migralex.registry.models import audit_log
    from tests.registry.conftest import FR_LAW, IT_ASYLUM
    from tests.registry.test_access import REQUEST

    registry.register(IT_ASYLUM, people.submission(8, "applicant", "IT", "le-1"))
    found = registry.search(FR_LAW, kind="law_enforcement", fingerprint=people.finger(8), request=REQUEST)
    with registry.store.read() as conn:
        entry = conn.execute(select(audit_log).where(audit_log.c.action == "search_law_enforcement")).one()
    assert json.loads(entry.detail)["search_id"] == found.search_id
    assert registry.verify(OPERATOR).ok
    _raw(registry, f"UPDATE searches SET request = '{{}}' WHERE id = {found.search_id}")
    report = registry.verify(OPERATOR)
    assert report.rows.altered == {"searches": [found.search_id]}


def test_rows_from_before_the_seals_are_sealed_once(registry: Registry, two) -> None:
    a, _ = two
    _raw(registry, "UPDATE datasets SET mac = NULL", "UPDATE tokens SET mac = NULL")
    with registry.store.engine.connect() as conn, conn.begin():  # as left by migration 0002
        conn.execute(text("UPDATE events SET mac = NULL"))
    assert registry.verify(OPERATOR).rows.altered.keys() == {"datasets", "events"}
    counts = registry.seal_legacy(OPERATOR)
    assert counts["datasets"] == 2 and counts["events"] >= 5
    assert registry.verify(OPERATOR).ok
    _raw(registry, f"UPDATE datasets SET mac = NULL, member_state = 'DE' WHERE id = {a}")
    with pytest.raises(integrity.Tampered, match="sealed already"):
        registry.seal_legacy(OPERATOR)  # no laundering of a later alteration
    assert registry.verify(OPERATOR).rows.altered == {"datasets": [a]}


def _raw_delete(registry: Registry, *sql: str) -> None:
    """An attacker deleting rows: append-only triggers and foreign keys out of the way."""
    store = registry.store
    with store.engine.connect() as conn, conn.begin():
        if store.dialect == "sqlite":
            conn.execute(text("DROP TRIGGER IF EXISTS events_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS events_append_only ON events"))
        for s in sql:
            conn.execute(text(s))


def test_a_deleted_row_and_an_older_copy_put_back_are_named(registry: Registry, people: People) -> None:
    """Without the audit log: the seal log names a dataset row deleted and an older copy restored."""
    from sqlalchemy import select

    from migralex.registry.models import datasets

    a = registry.register(IT_BORDER, people.submission(1, "irregular_crossing", "IT", "o-1")).dataset_id
    b = registry.register(IT_BORDER, people.submission(2, "irregular_crossing", "IT", "o-2")).dataset_id
    with registry.store.read() as conn:
        old = conn.execute(select(datasets.c.security_flag, datasets.c.mac).where(datasets.c.id == a)).one()
    registry.record(IT_BORDER, a, "security_flag", details={"grounds": ["armed"]})
    assert registry.verify(OPERATOR).ok
    false = "0" if registry.store.dialect == "sqlite" else "false"
    _raw(registry, f"UPDATE datasets SET security_flag = {false}, mac = '{old.mac}' WHERE id = {a}")
    report = registry.verify(OPERATOR)
    assert report.rows.altered == {"datasets": [a]}, report.problems  # its own MAC holds: an old copy
    assert any(f"datasets row {a}: an older copy" in p for p in report.problems)
    _raw_delete(
        registry,
        *(f"DELETE FROM {t} WHERE dataset_id = {b}" for t in ("data_keys", "templates", "personal_data")),
        f"DELETE FROM datasets WHERE id = {b}",
    )
    assert registry.verify(OPERATOR).rows.altered == {"datasets": [a, b]}


def test_a_removed_event_is_named_by_the_next_link(registry: Registry, two) -> None:
    a, _ = two
    with registry.store.read() as conn:
        seqs = list(
            conn.execute(text(f"SELECT seq FROM events WHERE dataset_id = {a} ORDER BY seq")).scalars()
        )
        after = conn.scalar(text(f"SELECT min(seq) FROM events WHERE seq > {seqs[0]}"))
    _raw_delete(registry, f"DELETE FROM events WHERE seq = {seqs[0]}")
    report = registry.verify(OPERATOR)
    assert report.rows.altered == {"events": [after]}, report.problems
    assert "chain broken" in " ".join(report.problems)


def test_the_cli_verify_names_a_restored_row_and_exits_1(tmp_path, monkeypatch, people: People) -> None:
    import sqlite3

    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.setenv(KEY_ENV, "bWlncmFsZXgtdGVzdC1rZXktMDEyMzQ1Njc4OWFiY2Q")
    monkeypatch.setenv("MIGRALEX_REGISTRY_URL", f"sqlite:///{tmp_path / 'r.sqlite3'}")
    reg = Registry.open()
    a = reg.register(IT_BORDER, people.submission(1, "irregular_crossing", "IT", "c-1")).dataset_id
    db = sqlite3.connect(tmp_path / "r.sqlite3")
    old = db.execute(f"SELECT * FROM datasets WHERE id = {a}").fetchone()
    db.close()
    reg.record(IT_BORDER, a, "security_flag", details={"grounds": ["armed"]})
    reg.store.dispose()
    db = sqlite3.connect(tmp_path / "r.sqlite3")
    db.execute("PRAGMA foreign_keys=OFF")
    db.execute(f"DELETE FROM datasets WHERE id = {a}")
    db.execute(f"INSERT INTO datasets VALUES ({', '.join('?' * len(old))})", old)
    db.commit()
    db.close()
    bad = CliRunner().invoke(cli, ["registry", "verify"])
    assert bad.exit_code == 1 and f"datasets row {a}: an older copy" in bad.output, bad.output
