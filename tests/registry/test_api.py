"""The HTTP API under attack: tokens, other Member States, injection, oversized and malformed payloads."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from migralex.registry.api import MAX_BODY, create_app
from migralex.registry.models import audit_log, datasets, personal_data, templates
from migralex.registry.schemas import encode_template
from migralex.registry.service import Registry
from tests.registry.conftest import People


@pytest.fixture
def api(registry: Registry):
    client = TestClient(create_app(registry))
    tokens = {
        "it": registry.create_token("IT", "border", "IT border"),
        "de": registry.create_token("DE", "asylum", "DE asylum"),
        "fr_law": registry.create_token("FR", "law_enforcement", "FR police"),
        "op": registry.create_token("EU", "operator", "operator"),
    }
    return client, {k: {"Authorization": f"Bearer {v}"} for k, v in tokens.items()}


def body(people: People, person: int, category: str, ms: str, tx: str, **identity) -> dict:
    s = people.submission(person, category, ms, tx, identity=identity or None)
    return {
        "transaction_id": tx,
        "category": category,
        "event_at": s.event_at.isoformat() + "Z",
        "biometrics_taken_at": s.biometrics_taken_at.isoformat() + "Z",
        "identity": dict(s.identity),
        "fingerprint": encode_template(s.fingerprint),
        "face": encode_template(s.face),
    }


def rows(registry: Registry) -> tuple[int, int, int]:
    with registry.store.read() as conn:
        return tuple(
            int(conn.scalar(select(func.count()).select_from(t)))
            for t in (datasets, personal_data, templates)
        )


def test_register_read_and_search_over_http(api, people: People, registry: Registry) -> None:
    client, h = api
    r = client.post(
        "/v1/registry/datasets", json=body(people, 1, "irregular_crossing", "IT", "h-1"), headers=h["it"]
    )
    assert r.status_code == 201, r.text
    first = r.json()
    again = client.post(
        "/v1/registry/datasets", json=body(people, 1, "irregular_crossing", "IT", "h-1"), headers=h["it"]
    )
    assert again.status_code == 409  # a new capture under the same transaction id: different content
    d = client.post(
        "/v1/registry/datasets", json=body(people, 1, "applicant", "DE", "h-2"), headers=h["de"]
    ).json()
    [cand] = d["candidates"]
    assert cand["dataset_id"] == first["dataset_id"] and cand["status"] == "pending"
    seen = client.get(f"/v1/registry/datasets/{first['dataset_id']}", headers=h["de"])
    assert seen.status_code == 200 and seen.json()["scope"] == "hit"
    v = client.post(
        f"/v1/registry/hits/{cand['hit_id']}/verification", json={"confirmed": True}, headers=h["de"]
    )
    assert v.status_code == 200 and v.json()["status"] == "confirmed"
    mark = client.post(
        f"/v1/registry/datasets/{d['dataset_id']}/actions",
        json={"type": "marked_protection"},
        headers=h["de"],
    )
    assert mark.status_code == 200 and mark.json()["notified"] == 1
    assert client.get("/v1/registry/notifications", headers=h["it"]).json()[0]["kind"] == "marked_protection"
    stats = client.get("/v1/registry/statistics", headers=h["op"]).json()
    assert sum(r["datasets"] for r in stats["datasets"]) == 2
    audit = client.get("/v1/registry/audit/verification", headers=h["op"]).json()
    assert audit["ok"] and audit["entries"] > 8


def test_idempotent_replay_answers_200_with_the_stored_result(
    api, people: People, registry: Registry
) -> None:
    client, h = api
    payload = body(people, 2, "irregular_crossing", "IT", "idem-1")
    first = client.post("/v1/registry/datasets", json=payload, headers=h["it"])
    second = client.post("/v1/registry/datasets", json=payload, headers=h["it"])
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["dataset_id"] == first.json()["dataset_id"] and second.json()["replay"]
    assert rows(registry) == (1, 1, 2)


def test_no_token_a_bad_token_and_a_token_of_another_member_state(api, people: People) -> None:
    client, h = api
    payload = body(people, 3, "irregular_crossing", "IT", "t-1")
    assert client.post("/v1/registry/datasets", json=payload).status_code == 401
    assert (
        client.post(
            "/v1/registry/datasets", json=payload, headers={"Authorization": "Bearer tk_x.y"}
        ).status_code
        == 401
    )
    assert (
        client.post("/v1/registry/datasets", json=payload, headers={"Authorization": "Basic abc"}).status_code
        == 401
    )
    dataset_id = client.post("/v1/registry/datasets", json=payload, headers=h["it"]).json()["dataset_id"]
    assert client.get(f"/v1/registry/datasets/{dataset_id}", headers=h["de"]).status_code == 404
    assert client.get(f"/v1/registry/datasets/{dataset_id}", headers=h["op"]).status_code == 404
    r = client.post(f"/v1/registry/datasets/{dataset_id}/actions", json={"type": "avrr"}, headers=h["de"])
    assert r.status_code == 403 and "40(3)" in r.json()["detail"]["legal_basis"]
    wrong_role = client.post(
        "/v1/registry/datasets", json=body(people, 4, "applicant", "IT", "t-2"), headers=h["it"]
    )
    assert wrong_role.status_code == 403
    le = client.post(
        "/v1/registry/searches",
        json={"kind": "law_enforcement", "fingerprint": payload["fingerprint"]},
        headers=h["fr_law"],
    )
    assert le.status_code == 403 and "32(1)" in le.json()["detail"]["legal_basis"]
    assert client.get("/v1/registry/statistics", headers=h["it"]).status_code == 403


def test_sql_injection_is_stored_as_text_and_changes_nothing(api, people: People, registry: Registry) -> None:
    client, h = api
    evil = "Robert'); DROP TABLE datasets; --"
    payload = body(
        people, 5, "irregular_crossing", "IT", "inj-1", names={"surnames": [evil], "aliases": ["' OR 1=1 --"]}
    )
    r = client.post("/v1/registry/datasets", json=payload, headers=h["it"])
    assert r.status_code == 201
    seen = client.get(f"/v1/registry/datasets/{r.json()['dataset_id']}", headers=h["it"]).json()
    assert seen["identity"]["names"]["surnames"] == [evil]
    for path in (
        "/v1/registry/datasets/1%20OR%201=1",
        "/v1/registry/datasets/1;DROP%20TABLE%20datasets",
        "/v1/registry/datasets/-1",
    ):
        assert client.get(path, headers=h["it"]).status_code == 422
    assert (
        client.get(
            "/v1/registry/datasets", params={"transaction_id": "x' OR '1'='1"}, headers=h["it"]
        ).status_code
        == 422
    )
    assert rows(registry) == (1, 1, 2)


def test_oversized_and_malformed_payloads_are_refused_and_store_nothing(
    api, people: People, registry: Registry
) -> None:
    client, h = api
    good = body(people, 6, "irregular_crossing", "IT", "m-1")
    huge = dict(good, identity=dict(good["identity"], place_of_birth="x" * (MAX_BODY + 10)))
    assert client.post("/v1/registry/datasets", json=huge, headers=h["it"]).status_code == 413
    cases = [
        dict(good, fingerprint=encode_template(people.finger(6)[:100])),  # wrong length
        dict(good, fingerprint="!!!notbase64"),
        dict(good, fingerprint=encode_template(people.finger(6) * float("nan"))),
        dict(good, category="tourist"),
        dict(good, extra_field=1),
        dict(good, identity=dict(good["identity"], sex="female")),
        dict(good, identity=dict(good["identity"], religion="any")),
        dict(good, identity=dict(good["identity"], date_of_birth="2024-02-30")),
        dict(good, identity=dict(good["identity"], date_of_birth="2023-01-01")),  # under six
        dict(good, identity=dict(good["identity"], names={"surnames": ["x" * 201]})),
        dict(good, identity=dict(good["identity"], reference_number="DE2-1")),
        dict(good, transaction_id="a" * 65),
        dict(good, event_at="yesterday"),
        dict(good, fingerprint=None, face=None),
    ]
    for i, case in enumerate(cases):
        r = client.post("/v1/registry/datasets", json=case, headers=h["it"])
        assert r.status_code == 422, (i, r.status_code, r.text[:200])
    r = client.post(
        "/v1/registry/datasets",
        content=b'{"transaction_id": "x", ',
        headers={**h["it"], "content-type": "application/json"},
    )
    assert r.status_code == 422
    r = client.post(
        "/v1/registry/datasets",
        content=b"\xff\xfe\x00",
        headers={**h["it"], "content-type": "application/json"},
    )
    assert r.status_code in (400, 422)
    assert client.post(
        "/v1/registry/datasets/batch", json={"submissions": [good] * 1001}, headers=h["it"]
    ).status_code in (413, 422)
    assert rows(registry) == (0, 0, 0)


def test_a_bad_submission_in_a_batch_stores_none_of_it(api, people: People, registry: Registry) -> None:
    client, h = api
    good = [body(people, 10 + i, "irregular_crossing", "IT", f"bb-{i}") for i in range(3)]
    bad = dict(good[1], identity=dict(good[1]["identity"], date_of_birth="2024-01-01"))
    r = client.post(
        "/v1/registry/datasets/batch", json={"submissions": [good[0], bad, good[2]]}, headers=h["it"]
    )
    assert r.status_code == 422 and r.json()["detail"]["path"] == "[1]identity.date_of_birth"
    assert rows(registry) == (0, 0, 0)
    r = client.post("/v1/registry/datasets/batch", json={"submissions": good}, headers=h["it"])
    assert r.status_code == 200 and len({x["dataset_id"] for x in r.json()}) == 3


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "transaction_id": st.text(max_size=70),
            "category": st.sampled_from(["applicant", "irregular_crossing", "x", ""]),
            "event_at": st.one_of(st.text(max_size=30), st.datetimes().map(lambda d: d.isoformat())),
            "biometrics_taken_at": st.datetimes().map(lambda d: d.isoformat()),
            "identity": st.dictionaries(
                st.sampled_from(["names", "sex", "date_of_birth", "reference_number", "zz"]),
                st.one_of(
                    st.none(), st.text(max_size=20), st.integers(), st.lists(st.text(max_size=5), max_size=3)
                ),
            ),
            "fingerprint": st.one_of(
                st.text(max_size=50),
                st.binary(max_size=600).map(lambda b: __import__("base64").b64encode(b).decode()),
            ),
            "face": st.none(),
            "kind": st.text(max_size=10),
        },
    )
)
def test_fuzzed_submissions_never_cause_a_server_error(api, registry: Registry, payload: dict) -> None:
    client, h = api
    r = client.post("/v1/registry/datasets", json=payload, headers=h["it"])
    assert r.status_code < 500, r.text
    assert r.status_code in (201, 200, 403, 409, 422)


def test_every_api_call_is_audited_with_who_and_which_records(
    api, people: People, registry: Registry
) -> None:
    client, h = api
    d = client.post(
        "/v1/registry/datasets", json=body(people, 20, "irregular_crossing", "IT", "au-1"), headers=h["it"]
    ).json()
    client.get(f"/v1/registry/datasets/{d['dataset_id']}", headers=h["it"])
    client.get(f"/v1/registry/datasets/{d['dataset_id']}", headers=h["de"])
    with registry.store.read() as conn:
        log = conn.execute(select(audit_log).order_by(audit_log.c.seq)).all()
    entries = [(e.action, e.member_state, e.role, e.outcome, json.loads(e.records)) for e in log[-3:]]
    assert entries == [
        ("register", "IT", "border", "ok", [d["dataset_id"]]),
        ("read", "IT", "border", "ok", [d["dataset_id"]]),
        ("read", "DE", "asylum", "denied", [d["dataset_id"]]),
    ]
    assert all(e.purpose and e.legal_basis and e.token_id for e in log[-3:])
    assert log[-1].at <= dt.datetime(2026, 7, 1, 12, 0)
