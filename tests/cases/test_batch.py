"""CaseBatch: columns in, columns out, one case back in the case format."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import polars as pl
import pytest

from migralex.cases import codes as C
from migralex.cases.batch import CaseBatch
from migralex.cases.format import parse_case
from migralex.errors import InvalidInput


def _cases(example: dict[str, Any]) -> list[dict[str, Any]]:
    b = copy.deepcopy(example)
    b["id"] = "b"
    b["family"] = []
    b["entries"].append({"kind": "irregular_crossing", "member_state": "GR", "date": "2025-01-10"})
    c = copy.deepcopy(example)
    c["id"] = "c"
    c["documents"] = []
    c["applicant"] = {"nationality": "stateless", "former_habitual_residence": "PS"}
    return [example, b, c]


def test_columns_hold_codes(example: dict[str, Any]) -> None:
    batch = CaseBatch.from_dicts(_cases(example))
    a = batch.applicants
    assert batch.n == 3
    assert a.reg_ms.tolist() == [C.MS_INDEX["IT"]] * 3
    assert a.reg_date.dtype == np.dtype("datetime64[D]")
    assert np.isnat(a.dob[2]) and not np.isnat(a.dob[0])
    assert a.nationality[2] == C.STATELESS_CODE and C.NATIONALITIES[a.former_residence[2]] == "PS"
    assert batch.family.case.tolist() == [0, 2]  # case b has no family
    assert batch.entries.case.tolist() == [0, 1, 1, 2]
    assert C.MEMBER_STATES[batch.entries.ms[2]] == "GR"


def test_case_dict_round_trip(example: dict[str, Any]) -> None:
    cases = _cases(example)
    batch = CaseBatch.from_dicts(cases)
    for i, case in enumerate(cases):
        assert batch.case_dict(i) == parse_case(case).to_json_dict()


def test_frames_round_trip(example: dict[str, Any]) -> None:
    batch = CaseBatch.from_dicts(_cases(example))
    again = CaseBatch.from_frames(**batch.to_frames())
    assert [again.case_dict(i) for i in range(3)] == [batch.case_dict(i) for i in range(3)]


def test_frames_from_arrow_and_unsorted_edges(example: dict[str, Any]) -> None:
    batch = CaseBatch.from_dicts(_cases(example))
    frames = batch.to_frames()
    entries = frames["entries"].reverse()
    again = CaseBatch.from_frames(frames["applicants"].to_arrow(), entries=entries.to_arrow())
    assert again.entries.case.tolist() == [0, 1, 1, 2]
    assert len(again.family) == 0 and len(again.documents) == 0


def test_frames_defaults_for_optional_columns() -> None:
    apps = pl.DataFrame(
        {
            "id": ["a"],
            "registration.member_state": ["EL"],
            "registration.date": ["2026-08-01"],
            "applicant.nationality": ["AF"],
        }
    )
    batch = CaseBatch.from_frames(apps)
    assert batch.case_dict(0)["registration"] == {
        "member_state": "GR",
        "date": "2026-08-01",
        "place": "territory",
    }


@pytest.mark.parametrize(
    ("column", "value", "path"),
    [
        ("registration.member_state", "US", "applicants.registration.member_state[0]"),
        ("registration.date", "2026-02-30", "applicants.registration.date[0]"),
        ("registration.place", "harbour", "applicants.registration.place[0]"),
    ],
)
def test_frames_reject_bad_values(column: str, value: str, path: str) -> None:
    apps = pl.DataFrame(
        {
            "id": ["a"],
            "registration.member_state": ["DE"],
            "registration.date": ["2026-08-01"],
            "applicant.nationality": ["AF"],
        }
    ).with_columns(pl.lit(value).alias(column))
    with pytest.raises(InvalidInput) as info:
        CaseBatch.from_frames(apps)
    assert info.value.path == path


def test_frames_reject_unknown_columns_and_bad_case_index() -> None:
    apps = pl.DataFrame(
        {
            "id": ["a"],
            "registration.member_state": ["DE"],
            "registration.date": ["2026-08-01"],
            "applicant.nationality": ["AF"],
        }
    )
    with pytest.raises(InvalidInput, match="unknown column"):
        CaseBatch.from_frames(apps.with_columns(pl.lit(1).alias("colour")))
    entries = pl.DataFrame(
        {"case": [3], "kind": ["irregular_crossing"], "member_state": ["GR"], "date": ["2026-01-01"]}
    )
    with pytest.raises(InvalidInput) as info:
        CaseBatch.from_frames(apps, entries=entries)
    assert info.value.path == "entries[0].case"


def test_dicts_report_the_index(example: dict[str, Any]) -> None:
    bad = copy.deepcopy(example)
    bad["family"][0]["status"] = "tourist"
    with pytest.raises(InvalidInput) as info:
        CaseBatch.from_dicts([example, bad])
    assert info.value.path == "[1].family[0].status"


def test_take_renumbers_edges(example: dict[str, Any]) -> None:
    batch = CaseBatch.from_dicts(_cases(example))
    sub = batch.take([1])
    assert sub.n == 1 and sub.entries.case.tolist() == [0, 0]
    assert sub.case_dict(0) == batch.case_dict(1)
    rev = batch.take([2, 0])
    assert rev.case_dict(0) == batch.case_dict(2) and rev.case_dict(1) == batch.case_dict(0)


def test_health_prevents_travel_column() -> None:
    """AMMR Art. 34(2): `applicant.health_prevents_travel` is a bool column, false when absent."""
    apps = pl.DataFrame(
        {
            "id": ["a", "b"],
            "registration.member_state": ["DE", "DE"],
            "registration.date": ["2026-08-01", "2026-08-01"],
            "applicant.nationality": ["AF", "AF"],
        }
    )
    assert CaseBatch.from_frames(apps).applicants.health_prevents_travel.tolist() == [False, False]
    given = CaseBatch.from_frames(
        apps.with_columns(pl.Series("applicant.health_prevents_travel", [True, False]))
    )
    assert given.applicants.health_prevents_travel.tolist() == [True, False]
    assert given.case_dict(0)["applicant"]["health_prevents_travel"] is True
    with pytest.raises(InvalidInput) as info:
        CaseBatch.from_frames(apps.with_columns(pl.lit("yes").alias("applicant.health_prevents_travel")))
    assert info.value.path.startswith("applicants.applicant.health_prevents_travel")


def test_health_prevents_travel_must_be_a_bool(example: dict[str, Any]) -> None:
    bad = copy.deepcopy(example)
    bad["applicant"]["health_prevents_travel"] = "yes"
    with pytest.raises(InvalidInput) as info:
        parse_case(bad)
    assert info.value.path == "applicant.health_prevents_travel"
