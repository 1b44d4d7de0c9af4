"""Multiple temporary-protection registrations (registry.tp_multiple): hits and no hits, linked and
pending, the Member State's own view, refusals, CLI and API."""

from __future__ import annotations

import datetime as dt

import pytest

from migralex.registry.access import AccessDenied, Caller
from migralex.registry.service import Registry
from tests.registry.conftest import DE_ASYLUM, IT_BORDER, OPERATOR, Clock, People

PL_ASYLUM = Caller("tk_plasylum", "PL", "asylum")
FR_ASYLUM = Caller("tk_frasylum", "FR", "asylum")
WHEN = dt.datetime(2030, 3, 1, 9, 0)


@pytest.fixture
def tp_registry(registry: Registry, clock: Clock) -> Registry:
    """A registry in 2030 with a Council decision on temporary protection in force (Art. 29(9))."""
    clock.now = dt.datetime(2030, 3, 2, 9, 0)
    registry.record_tp_decision(OPERATOR, "2030/101", "2030-02-01")
    return registry


def _tp(reg: Registry, caller: Caller, people: People, person: int, tx: str) -> list[int]:
    ms = caller.member_state
    r = reg.register(caller, people.submission(person, "temporary_protection", ms, tx, event_at=WHEN))
    return [c.hit_id for c in r.candidates]


def test_different_persons_in_two_member_states_are_no_hit(tp_registry: Registry, people: People) -> None:
    _tp(tp_registry, DE_ASYLUM, people, 30, "a")
    _tp(tp_registry, PL_ASYLUM, people, 31, "b")
    assert tp_registry.tp_multiple_registrations(OPERATOR).height == 0


def test_same_person_twice_in_one_member_state_is_not_a_multiple_registration(
    tp_registry: Registry, people: People
) -> None:
    _tp(tp_registry, DE_ASYLUM, people, 32, "a")
    hits = _tp(tp_registry, DE_ASYLUM, people, 32, "b")
    for h in hits:
        tp_registry.verify_hit(DE_ASYLUM, h, True)
    assert tp_registry.tp_multiple_registrations(OPERATOR).height == 0


def test_pending_hit_then_confirmed_link(tp_registry: Registry, people: People) -> None:
    _tp(tp_registry, DE_ASYLUM, people, 33, "a")
    _tp(tp_registry, FR_ASYLUM, people, 34, "x")  # someone else
    hits = _tp(tp_registry, PL_ASYLUM, people, 33, "b")
    assert hits, "the second registration of the same person must hit the first (Art. 27(1))"
    pending = tp_registry.tp_multiple_registrations(OPERATOR)
    assert pending["status"].to_list() == ["pending"]
    assert pending["member_states"].to_list() == [["DE", "PL"]]
    assert pending["registrations"].to_list() == [2]
    tp_registry.verify_hit(PL_ASYLUM, hits[0], True)
    linked = tp_registry.tp_multiple_registrations(OPERATOR)
    assert linked["status"].to_list() == ["linked"]
    assert linked["member_states"].to_list() == [["DE", "PL"]]
    assert linked["tp_decisions"].to_list() == [["2030/101"]]


def test_a_rejected_hit_is_no_multiple_registration(tp_registry: Registry, people: People) -> None:
    _tp(tp_registry, DE_ASYLUM, people, 35, "a")
    hits = _tp(tp_registry, PL_ASYLUM, people, 35, "b")
    tp_registry.verify_hit(PL_ASYLUM, hits[0], False)
    assert tp_registry.tp_multiple_registrations(OPERATOR).height == 0


def test_a_member_state_sees_only_rows_with_its_own_datasets(tp_registry: Registry, people: People) -> None:
    _tp(tp_registry, DE_ASYLUM, people, 36, "a")
    hits = _tp(tp_registry, PL_ASYLUM, people, 36, "b")
    tp_registry.verify_hit(PL_ASYLUM, hits[0], True)
    assert tp_registry.tp_multiple_registrations(DE_ASYLUM).height == 1
    assert tp_registry.tp_multiple_registrations(FR_ASYLUM).height == 0
    with pytest.raises(AccessDenied):
        tp_registry.tp_multiple_registrations(IT_BORDER)


def test_api_reports_the_rows_and_refuses_other_roles(tp_registry: Registry, people: People) -> None:
    from fastapi.testclient import TestClient

    from migralex.registry.api import create_app

    _tp(tp_registry, DE_ASYLUM, people, 37, "a")
    _tp(tp_registry, PL_ASYLUM, people, 37, "b")
    client = TestClient(create_app(tp_registry))
    op = {"Authorization": f"Bearer {tp_registry.create_token('EU', 'operator', 'op')}"}
    border = {"Authorization": f"Bearer {tp_registry.create_token('IT', 'border', 'it')}"}
    r = client.get("/v1/registry/tp-multiple-registrations", headers=op)
    assert r.status_code == 200
    body = r.json()
    assert body["by_status"] == {"linked": 0, "pending": 1}
    assert body["rows"][0]["member_states"] == ["DE", "PL"]
    assert "Art. 38(4)" in body["basis"] and "2022/382" in body["note"]
    denied = client.get("/v1/registry/tp-multiple-registrations", headers=border)
    assert denied.status_code == 403


def test_cli_prints_the_report_and_refuses_with_one_line(
    tp_registry: Registry, people: People, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import base64
    import json

    from typer.testing import CliRunner

    from migralex.cli import app
    from migralex.registry.crypto import KEY_ENV, KEY_FILE_ENV

    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.setenv(KEY_ENV, base64.urlsafe_b64encode(b"migralex-test-key-0123456789abcd").decode())
    _tp(tp_registry, DE_ASYLUM, people, 38, "a")
    hits = _tp(tp_registry, PL_ASYLUM, people, 38, "b")
    tp_registry.verify_hit(PL_ASYLUM, hits[0], True)
    out = CliRunner().invoke(app, ["registry", "tp-multiple", "--url", db_url, "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["by_status"] == {"linked": 1, "pending": 0}
    table = CliRunner().invoke(app, ["registry", "tp-multiple", "--url", db_url], env={"COLUMNS": "80"})
    assert table.exit_code == 0 and "DE+PL" in table.output
    assert max(len(line) for line in table.output.splitlines()) <= 80
    refused = CliRunner().invoke(
        app, ["registry", "tp-multiple", "--url", db_url, "-m", "IT", "-r", "border"]
    )
    assert refused.exit_code == 2 and "error" in refused.output and "Traceback" not in refused.output


@pytest.mark.parametrize("decision", ["(EU) 2022/382", "2025/1460"])
def test_the_ukrainian_scheme_and_its_extensions_are_outside_eurodac(
    tp_registry: Registry, people: People, decision: str
) -> None:
    from migralex.errors import InvalidInput

    with pytest.raises(InvalidInput, match="63\\(3\\)"):
        tp_registry.register(
            DE_ASYLUM,
            people.submission(39, "temporary_protection", "DE", "u", event_at=WHEN, tp_decision=decision),
        )
