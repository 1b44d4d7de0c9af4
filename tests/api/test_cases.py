"""/v1/cases: the engine's answers over HTTP, every bad field named, batches kept together and in order."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from migralex.api import ApiSettings, create_app
from migralex.context import default_context
from migralex.rules.procedure import channel
from migralex.rules.responsibility.hierarchy import decide_responsibility
from migralex.web import STATIC_DIR

EXAMPLES = [e["case"] for e in json.loads((STATIC_DIR / "examples" / "cases.json").read_text())["examples"]]
CITATION = re.compile(r"^(AMMR|APR|SR|CFMR|RBPR|RCD|QR|URF|Eurodac|Dublin III) (Art\.|recital) (\d+)")


@pytest.mark.parametrize("case", EXAMPLES, ids=[c["id"] for c in EXAMPLES])
def test_responsibility_is_the_engines_answer(client: TestClient, case: dict) -> None:
    r = client.post("/v1/cases/responsibility", json=case)
    assert r.status_code == 200
    assert r.json() == decide_responsibility(case, with_trace=True).answer(0, trace=True)


@pytest.mark.parametrize("case", EXAMPLES, ids=[c["id"] for c in EXAMPLES])
def test_procedure_is_the_engines_answer_with_and_without_crisis(client: TestClient, case: dict) -> None:
    for crisis in (False, True):
        r = client.post("/v1/cases/procedure", json=case, params={"crisis_derogation": crisis})
        assert r.status_code == 200
        expected = channel(case, default_context(crisis_derogation=crisis)).answer(0, trace=True)
        assert r.json() == json.loads(json.dumps(expected))


def test_a_list_is_one_batch_answered_in_order(client: TestClient) -> None:
    r = client.post("/v1/cases/responsibility", json=EXAMPLES, params={"trace": False})
    body = r.json()
    assert [a["id"] for a in body] == [c["id"] for c in EXAMPLES]
    assert all("trace" not in a for a in body)
    assert body == list(decide_responsibility(EXAMPLES).answers())
    assert client.post("/v1/cases/procedure", json=[]).json() == []


def test_every_cited_rule_links_to_an_article_that_exists(client: TestClient) -> None:
    for case in EXAMPLES:
        for kind in ("responsibility", "procedure"):
            answer = client.post(f"/v1/cases/{kind}", json=case).json()
            for step in answer["trace"]:
                m = CITATION.match(step["rule"])
                assert m, step["rule"]
                act = m.group(1).replace(" ", "_")
                kind = "recitals" if m.group(2) == "recital" else "articles"
                assert client.get(f"/v1/law/{act}/{kind}/{m.group(3)}").status_code == 200, step["rule"]


def test_each_bad_field_is_named_with_its_json_path(client: TestClient) -> None:
    bad = json.loads(json.dumps(EXAMPLES[0]))
    bad["registration"] = {"member_state": "XX", "date": "2026-02-30"}
    bad["family"][0]["relation"] = "cousin"
    bad["colour"] = "blue"
    r = client.post("/v1/cases/responsibility", json=bad)
    assert r.status_code == 422
    paths = {d["path"] for d in r.json()["detail"]}
    assert paths == {"$.registration.member_state", "$.registration.date", "$.family[0].relation", "$.colour"}
    r = client.post("/v1/cases/procedure", json=[EXAMPLES[1], bad])
    assert {d["path"] for d in r.json()["detail"]} == {f"$[1]{p[1:]}" for p in paths}


def test_impossible_facts_blame_the_field(client: TestClient) -> None:
    case = json.loads(json.dumps(EXAMPLES[1]))
    case["documents"][0]["valid_until"] = "2020-01-01"
    r = client.post("/v1/cases/responsibility", json=case)
    assert r.status_code == 422
    assert [d["path"] for d in r.json()["detail"]] == ["$.documents[0].valid_until"]


@pytest.mark.parametrize("body", [3, "case", None, True])
def test_neither_object_nor_list_is_422_at_the_root(client: TestClient, body: object) -> None:
    r = client.post("/v1/cases/responsibility", json=body)
    assert r.status_code == 422 and r.json()["detail"][0]["path"] == "$"


def test_too_many_cases_is_413() -> None:
    with TestClient(create_app(ApiSettings(max_cases=2))) as small:
        assert small.post("/v1/cases/responsibility", json=EXAMPLES[:2]).status_code == 200
        r = small.post("/v1/cases/responsibility", json=EXAMPLES[:3])
        assert r.status_code == 413 and r.json()["error"] == "too_large"


@pytest.mark.parametrize("case", EXAMPLES, ids=[c["id"] for c in EXAMPLES])
def test_deadlines_are_the_engines_answer(client: TestClient, case: dict) -> None:
    from migralex.rules.deadlines import deadlines

    for crisis in (False, True):
        r = client.post("/v1/cases/deadlines", json=case, params={"crisis_derogation": crisis})
        assert r.status_code == 200
        context = default_context(crisis_derogation=crisis)
        expected = deadlines(
            case, channel(case, context), context, responsibility=decide_responsibility(case)
        )
        engine = json.loads(json.dumps(expected.answer(0), default=str))
        assert r.json() == engine


BORDER_J = {
    "id": "bd-sar",
    "registration": {"member_state": "IT", "date": "2026-09-01", "place": "sar_disembarkation"},
    "applicant": {"date_of_birth": "1995-01-01", "nationality": "BD"},
    "entries": [{"kind": "sar_disembarkation", "member_state": "IT", "date": "2026-08-30"}],
}


def test_capacity_reached_in_the_query_relieves_only_that_member_state(client: TestClient) -> None:
    base = client.post("/v1/cases/procedure", json=BORDER_J).json()
    assert base["procedure"] == "border" and "APR Art. 42(1)(j)" in base["mandatory_grounds"]
    relieved = client.post("/v1/cases/procedure?border_capacity_reached=IT,GR", json=BORDER_J).json()
    assert relieved["procedure"] == "border_optional" and relieved["mandatory_grounds"] == []
    assert any("47(2)" in step["rule"] or "48" in step["rule"] for step in relieved["trace"])
    elsewhere = client.post("/v1/cases/procedure?border_capacity_reached=GR", json=BORDER_J).json()
    assert elsewhere["procedure"] == "border"
    deadlines = client.post("/v1/cases/deadlines?annual_maximum_reached=IT", json=BORDER_J).json()
    assert deadlines["id"] == "bd-sar"


def test_a_bad_member_state_in_the_query_is_a_422_naming_it(client: TestClient) -> None:
    r = client.post("/v1/cases/procedure?border_capacity_reached=IT,XX", json=BORDER_J)
    assert r.status_code == 422
    assert any("border_capacity_reached" in d["path"] for d in r.json()["detail"])


def test_the_regime_can_be_forced_and_the_answer_says_so(client: TestClient) -> None:
    case = {**BORDER_J, "registration": {**BORDER_J["registration"], "date": "2026-06-30"}}
    by_date = client.post("/v1/cases/responsibility", json=case).json()
    assert by_date["regime"] == "DUBLIN_III"
    forced = client.post("/v1/cases/responsibility?regime=AMMR", json=case).json()
    assert forced["regime"] == "AMMR" and "forced" in forced["legal_basis"]
    assert client.post("/v1/cases/responsibility?regime=PACT", json=case).status_code == 422


def test_deadlines_take_the_authorisations_per_member_state(client: TestClient) -> None:
    """CFMR Art. 12: `crisis_in` extends only the limits of the authorised Member State."""
    case = {
        "id": "de-se",
        "registration": {"member_state": "DE", "date": "2026-09-30", "place": "territory"},
        "applicant": {"nationality": "SY"},
        "family": [
            {
                "relation": "spouse",
                "member_state": "SE",
                "status": "beneficiary_of_international_protection",
                "consent_in_writing": True,
            }
        ],
    }

    def bases(**params: object) -> dict[str, str]:
        r = client.post("/v1/cases/deadlines", json=case, params=params)
        assert r.status_code == 200, r.text
        return {d["name"]: d["legal_basis"] for d in r.json()["deadlines"]}

    assert bases(crisis_in="IT:2026-09-01:2026-12-31") == bases()
    se = bases(crisis_in="SE:2026-09-01:2026-12-31")
    assert se["take_charge_reply"] == "CFMR Art. 12(2)(b)" and se["take_charge_request"] == "AMMR Art. 39(1)"
    assert se["transfer"] == "CFMR Art. 12(4)"  # the responsible State receives
    bad = client.post("/v1/cases/deadlines", json=case, params={"crisis_in": "SE:2026-09-01"})
    assert bad.status_code == 422 and "crisis_in[0]" in bad.text
