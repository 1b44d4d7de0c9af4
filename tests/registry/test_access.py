"""Deny by default: other Member States, roles beyond their purpose, law enforcement without grounds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from sqlalchemy import select

from migralex.law import params
from migralex.registry.access import AccessDenied, LawEnforcementRequest, NotVisible, Unauthenticated
from migralex.registry.models import audit_log, datasets
from migralex.registry.service import Registry
from tests.registry.conftest import (
    DE_ASYLUM,
    DE_BORDER,
    FR_LAW,
    FR_RETURN,
    IT_ASYLUM,
    IT_BORDER,
    OPERATOR,
    People,
)

REQUEST = LawEnforcementRequest(
    offence="serious",
    offence_type="murder",
    max_sentence_years=20,
    national_file_number="FR-2026-000123",
    necessity_grounds="overriding public security concern: series of killings",
    specific_case="investigation 2026/123 into the killing of two persons",
    substantial_contribution_grounds="latent prints at the scene; suspect believed to be an applicant",
    requesting_official="officer 4711",
    national_databases_checked=True,
    prum_checked=True,
)


def denials(reg: Registry) -> list[dict]:
    with reg.store.read() as conn:
        rows = conn.execute(
            select(audit_log).where(audit_log.c.outcome == "denied").order_by(audit_log.c.seq)
        ).all()
    return [dict(r._mapping) for r in rows]


def test_another_member_state_cannot_read_a_dataset(registry: Registry, people: People) -> None:
    a = registry.register(IT_BORDER, people.submission(1, "irregular_crossing", "IT", "a-1"))
    assert registry.get(IT_BORDER, a.dataset_id)["identity"]["names"]["surnames"] == ["Surname1"]
    with pytest.raises(NotVisible):
        registry.get(DE_ASYLUM, a.dataset_id)
    with pytest.raises(NotVisible):
        registry.get(DE_ASYLUM, 999)  # absent and forbidden look the same
    [d1, d2] = denials(registry)
    assert (
        d1["member_state"] == "DE" and d1["action"] == "read" and json.loads(d1["records"]) == [a.dataset_id]
    )
    assert d2["records"] == "[999]"


def test_a_comparison_result_opens_the_candidate_until_the_hit_is_rejected(
    registry: Registry, people: People
) -> None:
    a = registry.register(IT_BORDER, people.submission(2, "irregular_crossing", "IT", "a-2"))
    b = registry.register(DE_ASYLUM, people.submission(2, "applicant", "DE", "b-2"))
    seen = registry.get(DE_ASYLUM, a.dataset_id)
    assert seen["scope"] == "hit" and "events" not in seen  # Art. 27(4) data, not the history
    with pytest.raises(NotVisible):
        registry.get(DE_BORDER, a.dataset_id)  # the unit that compared, not the whole Member State
    registry.verify_hit(DE_ASYLUM, b.candidates[0].hit_id, False)
    with pytest.raises(NotVisible):
        registry.get(DE_ASYLUM, a.dataset_id)  # Art. 38(6): erase the result


def test_only_the_member_state_of_origin_amends_its_data(registry: Registry, people: People) -> None:
    a = registry.register(IT_BORDER, people.submission(3, "irregular_crossing", "IT", "a-3"))
    registry.register(DE_ASYLUM, people.submission(3, "applicant", "DE", "b-3"))
    with pytest.raises(AccessDenied, match=r"Art\. 40\(3\)"):
        registry.record(DE_ASYLUM, a.dataset_id, "returned", {"date": "2026-06-30"})
    with pytest.raises(NotVisible):
        registry.record(DE_ASYLUM, 12345, "returned", {"date": "2026-06-30"})
    assert [d["action"] for d in denials(registry)] == ["record_returned", "record_returned"]


@pytest.mark.parametrize(
    ("caller", "category"),
    [
        (IT_BORDER, "applicant"),
        (DE_ASYLUM, "irregular_crossing"),
        (FR_LAW, "applicant"),
        (OPERATOR, "illegal_stay"),
        (FR_RETURN, "temporary_protection"),
    ],
)
def test_roles_register_only_their_categories(registry: Registry, people: People, caller, category) -> None:
    with pytest.raises(AccessDenied):
        registry.register(caller, people.submission(4, category, caller.member_state, "x"))
    with registry.store.read() as conn:
        assert conn.execute(select(datasets)).first() is None
    assert denials(registry)[-1]["role"] == str(caller.role)


def test_roles_record_only_the_actions_of_their_purpose(registry: Registry, people: People) -> None:
    a = registry.register(IT_ASYLUM, people.submission(5, "applicant", "IT", "a-5"))
    border_it = IT_BORDER
    with pytest.raises(AccessDenied):
        registry.record(border_it, a.dataset_id, "marked_protection")  # a border unit grants no protection
    c = registry.register(IT_BORDER, people.submission(6, "irregular_crossing", "IT", "a-6"))
    with pytest.raises(AccessDenied, match="not a datum of category irregular_crossing"):
        registry.record(IT_ASYLUM, c.dataset_id, "marked_protection")  # Art. 31(1): only applicants' data


def test_the_operator_sees_statistics_but_no_personal_data(registry: Registry, people: People) -> None:
    a = registry.register(IT_BORDER, people.submission(7, "irregular_crossing", "IT", "a-7"))
    with pytest.raises(NotVisible):
        registry.get(OPERATOR, a.dataset_id)
    with pytest.raises(AccessDenied):
        registry.statistics(IT_BORDER)
    with pytest.raises(AccessDenied):
        registry.purge(IT_ASYLUM, "2040-01-01")
    stats = registry.statistics(OPERATOR)
    assert all("Surname" not in str(frame.rows()) for frame in stats.values())


def test_law_enforcement_needs_every_condition_of_article_33(registry: Registry, people: People) -> None:
    a = registry.register(IT_ASYLUM, people.submission(8, "applicant", "IT", "a-8"))
    incomplete = [
        dataclasses.replace(REQUEST, national_databases_checked=False),
        dataclasses.replace(REQUEST, prum_checked=False),
        dataclasses.replace(REQUEST, max_sentence_years=2),
        dataclasses.replace(REQUEST, specific_case=""),
        dataclasses.replace(REQUEST, substantial_contribution_grounds=" "),
    ]
    for request in incomplete:
        with pytest.raises(AccessDenied, match="law-enforcement conditions not met"):
            registry.search(FR_LAW, kind="law_enforcement", fingerprint=people.finger(8), request=request)
    with pytest.raises(AccessDenied):
        registry.search(FR_LAW, kind="law_enforcement", fingerprint=people.finger(8))
    with pytest.raises(AccessDenied):
        registry.search(DE_ASYLUM, kind="law_enforcement", fingerprint=people.finger(8), request=REQUEST)
    assert len(denials(registry)) == 7
    prum_reason = dataclasses.replace(
        REQUEST, prum_checked=False, prum_not_useful_grounds="no Prüm partner holds prints"
    )
    for request in (
        REQUEST,
        prum_reason,
        dataclasses.replace(REQUEST, national_databases_checked=False, cir_indicated=True),
    ):
        found = registry.search(FR_LAW, kind="law_enforcement", fingerprint=people.finger(8), request=request)
        assert [c.dataset_id for c in found.candidates] == [a.dataset_id]
    assert registry.get(FR_LAW, a.dataset_id)["scope"] == "hit"
    with registry.store.read() as conn:
        last = conn.execute(select(audit_log).order_by(audit_log.c.seq.desc()).limit(2)).all()[1]
    assert last.action == "search_law_enforcement" and "FR-2026" not in last.detail  # file number hashed


def test_children_under_14_need_additional_grounds(registry: Registry, people: People) -> None:
    child = registry.register(
        IT_BORDER, people.submission(9, "irregular_crossing", "IT", "a-9", dob="2015-01-01")
    )
    adult = registry.register(IT_BORDER, people.submission(10, "irregular_crossing", "IT", "a-10"))
    found = registry.search(FR_LAW, kind="law_enforcement", fingerprint=people.finger(9), request=REQUEST)
    assert found.candidates == () and found.withheld == 1
    with pytest.raises(NotVisible):
        registry.get(FR_LAW, child.dataset_id)
    grounds = dataclasses.replace(REQUEST, child_grounds="the child is suspected of the offence itself")
    found = registry.search(FR_LAW, kind="law_enforcement", fingerprint=people.finger(9), request=grounds)
    assert [c.dataset_id for c in found.candidates] == [child.dataset_id]
    found = registry.search(FR_LAW, kind="law_enforcement", fingerprint=people.finger(10), request=REQUEST)
    assert [c.dataset_id for c in found.candidates] == [adult.dataset_id]


def test_the_age_14_reading_is_a_parameter(open_registry, people: People, clock) -> None:
    """Under 14 when the prints were taken, 14 at the search: withheld under 'either' and 'at_capture'."""
    outcomes = {}
    for person, reading in enumerate(("either", "at_capture", "at_search"), start=11):
        ps = params().overlay({"eurodac.reading.law_enforcement_child_age_on": reading}, label=reading)
        reg = open_registry(ps=ps)
        clock.now = dt.datetime(2026, 7, 1, 12, 0)
        reg.register(
            IT_BORDER, people.submission(person, "irregular_crossing", "IT", f"r-{reading}", dob="2012-07-10")
        )
        clock.now = dt.datetime(2026, 7, 11, 12, 0)  # the person turned 14 yesterday
        found = reg.search(FR_LAW, kind="law_enforcement", fingerprint=people.finger(person), request=REQUEST)
        outcomes[reading] = (found.withheld, len(found.candidates))
    assert outcomes == {"either": (1, 0), "at_capture": (1, 0), "at_search": (0, 1)}


def test_tokens_are_stored_hashed_and_checked(registry: Registry) -> None:
    token = registry.create_token("IT", "border", "Lampedusa hotspot")
    caller = registry.authenticate(token)
    assert caller.member_state == "IT" and str(caller.role) == "border"
    token_id, secret = token.split(".")
    with registry.store.read() as conn:
        stored = conn.exec_driver_sql("SELECT secret_hash FROM tokens").scalar()
    assert secret not in stored and len(stored) == 64
    for bad in (token_id + ".wrong", "garbage", "", token_id):
        with pytest.raises(Unauthenticated):
            registry.authenticate(bad)
    registry.revoke_token(token_id)
    with pytest.raises(Unauthenticated):
        registry.authenticate(token)
    registry.flush_refusals()
    refused = [json.loads(d["detail"]) for d in denials(registry) if d["action"] == "authenticate"]
    assert len(refused) == 2 and refused[1]["refusals"] == 4  # the first at once, the rest as one entry
