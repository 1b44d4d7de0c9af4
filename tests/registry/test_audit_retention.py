"""Audit-log retention as Eurodac Art. 41(4) sets it: entries erased one year after the storage
period of the data they concern, leaving signed anchors so the chain still verifies."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select, text

from migralex.registry.models import audit_erased, audit_log
from migralex.registry.service import Registry
from tests.registry.conftest import DE_ASYLUM, IT_BORDER, OPERATOR, Clock, People


def _entries(registry: Registry) -> list[tuple[int, str, list[int]]]:
    with registry.store.read() as conn:
        rows = conn.execute(select(audit_log.c.seq, audit_log.c.action, audit_log.c.records)).all()
    return [(r.seq, r.action, json.loads(r.records)) for r in rows]


@pytest.fixture
def logged(registry: Registry, people: People, clock: Clock) -> tuple[int, int]:
    """A crossing (kept five years, to 2031-07-01) and an application (ten years), read and purged."""
    a = registry.register(IT_BORDER, people.submission(1, "irregular_crossing", "IT", "al-1")).dataset_id
    b = registry.register(DE_ASYLUM, people.submission(2, "applicant", "DE", "al-2")).dataset_id
    registry.get(IT_BORDER, a)
    registry.get(DE_ASYLUM, b)
    clock.now = dt.datetime(2031, 7, 2, 9, 0)
    assert registry.purge(OPERATOR).count == 1  # a's storage period is over (Art. 29(6), (10))
    return a, b


def test_entries_go_one_year_after_the_storage_period_and_the_chain_verifies(
    registry: Registry, logged: tuple[int, int], clock: Clock
) -> None:
    a, b = logged
    about_a = [s for s, _, recs in _entries(registry) if recs == [a]]
    about_b = [s for s, _, recs in _entries(registry) if recs == [b]]
    assert len(about_a) >= 3 and len(about_b) >= 2  # registration, read, purge; registration, read
    assert registry.purge_audit(OPERATOR).count == 0  # 2031-07-02: a's period + one year not over
    clock.now = dt.datetime(2032, 7, 1, 23, 0)
    assert registry.purge_audit(OPERATOR).count == 0  # the last day of the year after
    clock.now = dt.datetime(2032, 7, 2, 9, 0)
    result = registry.purge_audit(OPERATOR)
    left = {s for s, _, _ in _entries(registry)}
    assert not left & set(about_a) and set(about_b) <= left
    assert result.count >= len(about_a) and result.basis == "Eurodac Art. 41(4)"
    report = registry.verify(OPERATOR)
    assert report.ok, report.problems
    assert "purge_audit" in [action for _, action, _ in _entries(registry)]


def test_a_monitoring_procedure_keeps_its_entries(registry: Registry, logged: tuple[int, int], clock) -> None:
    a, _ = logged
    clock.now = dt.datetime(2032, 7, 2, 9, 0)
    assert registry.purge_audit(OPERATOR, keep_from="2026-01-01").count == 0
    assert any(recs == [a] for _, _, recs in _entries(registry))


def test_only_anchored_entries_can_be_deleted_and_anchors_cannot_be_forged(
    registry: Registry, logged: tuple[int, int], clock
) -> None:
    clock.now = dt.datetime(2032, 7, 2, 9, 0)
    assert registry.purge_audit(OPERATOR).count > 0
    newest = _entries(registry)[-1][0]
    with pytest.raises(Exception, match="append-only"), registry.store.write() as conn:
        conn.execute(text(f"DELETE FROM audit_log WHERE seq = {newest}"))
    with registry.store.engine.connect() as conn, conn.begin():  # an attacker moving an anchor
        if registry.store.dialect == "sqlite":
            conn.execute(text("DROP TRIGGER audit_erased_no_update"))
        else:
            conn.execute(text("DROP TRIGGER audit_erased_append_only ON audit_erased"))
        first = conn.scalar(select(audit_erased.c.first_seq).order_by(audit_erased.c.first_seq).limit(1))
        conn.execute(text(f"UPDATE audit_erased SET last_seq = last_seq + 1 WHERE first_seq = {first}"))
    report = registry.verify(OPERATOR)
    assert not report.ok and any("anchor altered or forged" in p for p in report.problems)


def test_the_cli_records_article_30_and_31_and_purges_the_log(tmp_path, monkeypatch, people: People) -> None:
    from typer.testing import CliRunner

    from migralex.cli import app as cli
    from migralex.registry.crypto import KEY_ENV, KEY_FILE_ENV

    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.setenv(KEY_ENV, "bWlncmFsZXgtdGVzdC1rZXktMDEyMzQ1Njc4OWFiY2Q")
    monkeypatch.setenv("MIGRALEX_REGISTRY_URL", f"sqlite:///{tmp_path / 'r.sqlite3'}")
    reg = Registry.open()
    a = reg.register(DE_ASYLUM, people.submission(1, "applicant", "DE", "cli-1")).dataset_id
    reg.store.dispose()
    run = CliRunner()
    marked = run.invoke(cli, ["registry", "mark-protection", str(a), "-m", "DE", "--role", "asylum"])
    assert marked.exit_code == 0 and json.loads(marked.output)["legal_basis"] == "Eurodac Art. 31(1)"
    erased = run.invoke(cli, ["registry", "citizenship", str(a), "-m", "DE", "--role", "asylum"])
    assert erased.exit_code == 0, erased.output
    assert json.loads(erased.output)["erased"] is True
    ahead = run.invoke(cli, ["registry", "purge-audit", "--as-of", "2999-01-01"])
    assert ahead.exit_code != 0 and "after today" in ahead.output
    purged = run.invoke(cli, ["registry", "purge-audit"])
    assert purged.exit_code == 0 and "Eurodac Art. 41(4)" in purged.output
