"""Alerts on return (Regulation (EU) 2018/1860) in the registry: entry, the return check on
apprehension, deletion on each ground and at the end of the review period; the legal examples of
`examples/sis_return_alerts.yaml` run against the registry on both backends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from migralex.errors import InvalidInput, MigralexError
from migralex.law import article
from migralex.law.texts import TEXT_FILES
from migralex.registry.access import AccessDenied, Caller
from migralex.registry.models import audit_log, data_keys, datasets, personal_data, templates
from migralex.registry.registration import Submission
from migralex.registry.service import Registry
from tests.registry.conftest import DE_ASYLUM, FR_LAW, FR_RETURN, IT_BORDER, OPERATOR, Clock, People
from tests.registry.test_access import REQUEST

FILE = Path(__file__).parent / "examples" / "sis_return_alerts.yaml"
EXAMPLES: list[dict[str, Any]] = yaml.safe_load(FILE.read_text())["examples"]
IT_RETURN = Caller("tk_itreturn", "IT", "return")
ENTERED = dt.datetime(2026, 7, 1, 12, 0)


def alert(people: People, person: int, ms: str, tx: str, **data: Any) -> Submission:
    """An alert on return entered by `ms` for a person (SIS Return Reg. Arts 3, 4)."""
    identity = {
        "names": {"surnames": [f"Surname{person}"], "forenames": ["Omar"]},
        "date_of_birth": "1990-02-01",
        "sex": "M",
        "return_decision_date": "2026-06-30",
        "return_decision_reference": f"{ms}-RD-{tx}",
        "entry_ban": False,
        **data,
    }
    return Submission(
        transaction_id=tx,
        category="return_alert",
        event_at=dt.datetime(2026, 6, 30, 9, 0),
        biometrics_taken_at=dt.datetime(2026, 6, 30, 9, 30),
        identity=identity,
        fingerprint=people.finger(person),
        face=people.face(person),
    )


def test_an_alert_is_entered_without_eurodac_reference_number_and_only_with_its_data(
    registry: Registry, people: People
) -> None:
    reg = registry.register(FR_RETURN, alert(people, 1, "FR", "a-1", voluntary_departure_end="2026-07-31"))
    assert reg.candidates == () and reg.retain_until == dt.date(2029, 7, 1)  # 3-year review period
    assert reg.legal_basis == "SIS Return Reg. Art. 3"
    with pytest.raises(InvalidInput, match=r"identity\.reference_number"):
        registry.register(FR_RETURN, alert(people, 2, "FR", "a-2", reference_number="FR3-x"))
    with pytest.raises(InvalidInput, match=r"identity\.entry_ban"):
        registry.register(FR_RETURN, alert(people, 2, "FR", "a-3", entry_ban=None))
    with pytest.raises(InvalidInput, match=r"identity\.voluntary_departure_end"):
        registry.register(FR_RETURN, alert(people, 2, "FR", "a-4", voluntary_departure_end="2026-06-01"))
    with pytest.raises(AccessDenied):  # an asylum authority enters no alert on return
        registry.register(DE_ASYLUM, alert(people, 2, "DE", "a-5"))


def test_an_alert_may_date_from_before_eurodac_applies_but_not_before_the_sis_return_regime(
    registry: Registry, people: People
) -> None:
    def dated(day: dt.datetime, tx: str) -> Submission:
        sub = alert(people, 30, "FR", tx, return_decision_date=day.date().isoformat())
        return Submission(**{**sub.__dict__, "event_at": day, "biometrics_taken_at": day})

    # SIS alerts on return from 7 March 2023 (Reg. 2018/1860; Eurodac applies from 12 June 2026)
    first = registry.register(FR_RETURN, dated(dt.datetime(2023, 3, 7, 10), "old-1"))
    assert first.retain_until == dt.date(2029, 7, 1)  # three years from its entry, not from the decision
    with pytest.raises(InvalidInput, match=r"does not apply on 2023-03-06 \(SIS_RETURN from 2023-03-07"):
        registry.register(FR_RETURN, dated(dt.datetime(2023, 3, 6, 10), "old-2"))


def test_eurodac_comparisons_never_return_an_alert_on_return(registry: Registry, people: People) -> None:
    registry.register(FR_RETURN, alert(people, 3, "FR", "a-1"))
    applicant = registry.register(DE_ASYLUM, people.submission(3, "applicant", "DE", "d-1"))
    assert applicant.candidates == ()  # Eurodac Art. 27(1) lists Eurodac categories only
    found = registry.search(FR_LAW, kind="law_enforcement", fingerprint=people.finger(3), request=REQUEST)
    assert [c.category for c in found.candidates] == ["applicant"]  # not the alert (Art. 32(2))
    check = registry.search(IT_BORDER, kind="return_check", fingerprint=people.finger(3))
    assert [a["issuing_member_state"] for a in check.alerts] == ["FR"]
    assert check.legal_basis == "SIS Return Reg. Art. 7(2)"
    with pytest.raises(AccessDenied):  # an asylum authority runs no return check
        registry.search(DE_ASYLUM, kind="return_check", fingerprint=people.finger(3))


def test_a_return_check_opens_the_alert_to_the_apprehending_state_until_the_hit_is_rejected(
    registry: Registry, people: People
) -> None:
    entered = registry.register(FR_RETURN, alert(people, 4, "FR", "a-1", entry_ban=True))
    check = registry.search(IT_BORDER, kind="return_check", face=people.face(4), sex="M")
    (hit,) = check.alerts
    assert hit["dataset_id"] == entered.dataset_id and hit["status"] == "pending" and hit["entry_ban"]
    assert registry.get(IT_BORDER, entered.dataset_id)["scope"] == "hit"
    with registry.store.read() as conn:
        read = conn.execute(select(audit_log).order_by(audit_log.c.seq.desc()).limit(1)).one()
    assert read.action == "read" and read.legal_basis == "SIS Return Reg. Art. 7(2)"
    rejected = registry.verify_hit(IT_BORDER, hit["hit_id"], confirmed=False)
    assert rejected.status == "rejected"
    with pytest.raises(MigralexError):
        registry.get(IT_BORDER, entered.dataset_id)
    own = registry.search(FR_RETURN, kind="return_check", fingerprint=people.finger(4), include_own=True)
    assert [a["dataset_id"] for a in own.alerts] == [entered.dataset_id]


def test_deletion_shreds_the_alert_and_the_audit_chain_verifies(registry: Registry, people: People) -> None:
    entered = registry.register(FR_RETURN, alert(people, 5, "FR", "a-1"))
    out = registry.record(FR_RETURN, entered.dataset_id, "return_confirmed", {"date": "2026-07-01"})
    assert out["erased"] and out["legal_basis"] == "SIS Return Reg. Art. 6"
    with registry.store.read() as conn:
        for table in (personal_data, templates, data_keys):
            assert conn.execute(select(table).where(table.c.dataset_id == entered.dataset_id)).first() is None
        row = conn.execute(select(datasets).where(datasets.c.id == entered.dataset_id)).one()
    assert row.erasure_basis == "SIS Return Reg. Art. 6" and row.returned_on == dt.date(2026, 7, 1)
    assert registry.search(IT_BORDER, kind="return_check", fingerprint=people.finger(5)).alerts == ()
    assert registry.verify(OPERATOR).ok
    registry.register(IT_BORDER, people.submission(6, "irregular_crossing", "IT", "s-1"))
    stats = registry.statistics(OPERATOR)  # Eurodac Art. 12: an alert on return is not Eurodac data
    assert stats["datasets"]["category"].to_list() == ["irregular_crossing"]
    assert stats["hits"].height == 0


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["name"][:60] for e in EXAMPLES])
def test_each_example_names_an_indexed_article_of_an_unshipped_act(example: dict[str, Any]) -> None:
    assert example["act"] not in TEXT_FILES and "quote" not in example and example["note"]
    article(example["act"], example["article"])


def test_both_sides_of_each_boundary_are_covered() -> None:
    names = " ".join(e["name"] for e in EXAMPLES)
    for words in (
        "kept on the last day",
        "day after the review period",
        "last day of voluntary departure",
        "has passed",
        "is refused",
        "cannot be deleted again",
    ):
        assert words in names, words


def test_the_examples_hold(registry: Registry, people: People, clock: Clock) -> None:
    for n, ex in enumerate(EXAMPLES):
        clock.now = ENTERED
        entered = registry.register(FR_RETURN, alert(people, 200 + n, "FR", f"ex-{n}", **ex["alert"]))
        found = None
        for step in ex["steps"]:
            clock.now = dt.datetime.fromisoformat(step.get("at") or step.get("purge")) + dt.timedelta(hours=9)
            if "purge" in step:
                registry.purge(OPERATOR)
            elif "check" in step:
                who = Caller(f"tk_{step['check'][0]}{step['check'][1]}", *step["check"])
                found = registry.search(who, kind="return_check", fingerprint=people.finger(200 + n))
            else:
                who = Caller(f"tk_{(step.get('by') or ['FR'])[0]}r", *(step.get("by") or ["FR", "return"]))
                if step.get("refused"):
                    with pytest.raises(MigralexError):
                        registry.record(who, entered.dataset_id, step["action"], step.get("payload"))
                else:
                    registry.record(who, entered.dataset_id, step["action"], step.get("payload"))
        _check(registry, entered.dataset_id, found, ex)


def _check(registry: Registry, dataset_id: int, found: Any, ex: dict[str, Any]) -> None:
    want = ex["expect"]
    name = ex["name"]
    if "found" in want:
        assert found is not None and len(found.alerts) == want["found"], name
    if found is not None and found.alerts:
        a = found.alerts[0]
        for key in ("issuing_member_state", "entry_ban", "voluntary_departure_ended"):
            if key in want:
                assert a[key] == want[key], (name, key)
        if "measures" in want:
            assert [m["measure"] for m in a["measures"]] == want["measures"], name
            assert all(m["legal_basis"] and m["confidence"] == "SECONDARY" for m in a["measures"]), name
    with registry.store.read() as conn:
        row = conn.execute(select(datasets).where(datasets.c.id == dataset_id)).one()
    if "erased_basis" in want:
        assert row.erased_at is not None and row.erasure_basis == want["erased_basis"], name
    elif want.get("found"):
        assert row.erased_at is None, name
    if "retain_until" in want:
        assert row.retain_until == dt.date.fromisoformat(want["retain_until"]), name
    if "returned_on" in want:
        assert row.returned_on == dt.date.fromisoformat(want["returned_on"]), name


def test_the_return_check_over_http(registry: Registry, people: People) -> None:
    from fastapi.testclient import TestClient

    from migralex.registry.api import create_app
    from migralex.registry.schemas import encode_template

    client = TestClient(create_app(registry))
    fr = {"Authorization": f"Bearer {registry.create_token('FR', 'return', 'FR return')}"}
    sub = alert(people, 7, "FR", "a-1", voluntary_departure_end="2026-07-15", return_type="removal")
    body = {
        "transaction_id": sub.transaction_id,
        "category": "return_alert",
        "event_at": sub.event_at.isoformat() + "Z",
        "biometrics_taken_at": sub.biometrics_taken_at.isoformat() + "Z",
        "identity": dict(sub.identity),
        "fingerprint": encode_template(sub.fingerprint),
    }
    entered = client.post("/v1/registry/datasets", json=body, headers=fr)
    assert entered.status_code == 201, entered.text
    assert entered.json()["legal_basis"] == "SIS Return Reg. Art. 3"
    it = {"Authorization": f"Bearer {registry.create_token('IT', 'border', 'IT border')}"}
    de = {"Authorization": f"Bearer {registry.create_token('DE', 'asylum', 'DE asylum')}"}
    probe = {"fingerprint": encode_template(people.finger(7))}
    r = client.post("/v1/registry/return-checks", json=probe, headers=it)
    assert r.status_code == 200, r.text
    (found,) = r.json()["alerts"]
    assert found["issuing_member_state"] == "FR" and found["voluntary_departure_end"] == "2026-07-15"
    assert found["return_decision_reference"] == "FR-RD-a-1" and found["confidence"] == "SECONDARY"
    assert found["return_type"] == "removal" and found["entry_ban"] is False
    assert r.json()["legal_basis"] == "SIS Return Reg. Art. 7(2)"
    assert client.post("/v1/registry/return-checks", json=probe, headers=de).status_code == 403
    bad = client.post("/v1/registry/return-checks", json={**probe, "kind": "x"}, headers=it)
    assert bad.status_code == 422
    none = client.post(
        "/v1/registry/return-checks", json={"fingerprint": encode_template(people.finger(8))}, headers=it
    )
    assert none.status_code == 200 and none.json()["alerts"] == []


def test_the_return_check_from_the_command_line(
    registry: Registry, people: People, db_url: str, keys, tmp_path, monkeypatch
) -> None:
    import base64
    import json

    from typer.testing import CliRunner

    from migralex.cli import app
    from migralex.registry.crypto import KEY_ENV, KEY_FILE_ENV
    from migralex.registry.schemas import encode_template

    if not db_url.startswith("sqlite"):
        pytest.skip("the CLI path is the same on both backends; run once")
    registry.register(FR_RETURN, alert(people, 9, "FR", "a-1", entry_ban=True))
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.setenv(KEY_ENV, base64.urlsafe_b64encode(b"migralex-test-key-0123456789abcd").decode())
    probe = tmp_path / "probe.json"
    probe.write_text(json.dumps({"fingerprint": encode_template(people.finger(9))}))
    out = CliRunner().invoke(
        app, ["registry", "return-check", str(probe), "-m", "IT", "-r", "border", "--url", db_url]
    )
    assert out.exit_code == 0, out.output
    (found,) = json.loads(out.output)["alerts"]
    assert found["issuing_member_state"] == "FR" and found["entry_ban"] is True
    bad = CliRunner().invoke(
        app, ["registry", "return-check", str(probe), "-m", "DE", "-r", "asylum", "--url", db_url]
    )
    assert bad.exit_code == 2 and "may not make return_check" in bad.output


def test_notification_ids_are_random_and_no_sequence_hands_them_out(
    registry: Registry, people: People, db_url: str, clock: Clock
) -> None:
    from tests.registry.conftest import IT_ASYLUM
    from tests.registry.test_public_ids import SMALL

    registry.register(IT_BORDER, people.submission(22, "irregular_crossing", "IT", "n-1"))
    b = registry.register(DE_ASYLUM, people.submission(22, "applicant", "DE", "n-2"))
    registry.verify_hit(DE_ASYLUM, b.candidates[0].hit_id, True)
    registry.record(DE_ASYLUM, b.dataset_id, "marked_protection")
    clock.advance(seconds=1)  # in order of creation; ids no longer tell it
    registry.record(DE_ASYLUM, b.dataset_id, "member_state_responsible", {"member_state": "AT"})
    notes = registry.notifications_for(IT_ASYLUM)
    assert [n["kind"] for n in notes] == ["marked_protection", "member_state_responsible"]  # in order made
    assert all(n["id"] >= SMALL for n in notes) and len({n["id"] for n in notes}) == 2
    if db_url.startswith("postgresql"):
        with registry.store.write() as conn:
            default = conn.exec_driver_sql(
                "SELECT column_default FROM information_schema.columns "
                "WHERE table_name = 'notifications' AND column_name = 'id'"
            ).scalar()
        assert default is None


def test_a_residence_permit_withdraws_the_decision_or_under_the_other_reading_suspends_it(
    open_registry: Any, people: People
) -> None:
    from migralex.law import params

    default = open_registry()
    entered = default.register(FR_RETURN, alert(people, 11, "FR", "a-1"))
    out = default.record(FR_RETURN, entered.dataset_id, "residence_permit_granted", {"member_state": "FR"})
    assert out["erased"] and out["legal_basis"] == "Return Directive Art. 6"
    other = open_registry(ps=params().overlay({"sis_return.reading.residence_permit": "suspended"}))
    kept = other.register(FR_RETURN, alert(people, 12, "FR", "a-2"))
    out = other.record(FR_RETURN, kept.dataset_id, "residence_permit_granted", {"member_state": "FR"})
    assert not out["erased"]
    (found,) = other.search(IT_BORDER, kind="return_check", fingerprint=people.finger(12)).alerts
    assert found["decision_suspended"] is True
    assert "suspended" in [m["measure"] for m in found["measures"]]
