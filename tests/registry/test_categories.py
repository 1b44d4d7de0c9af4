"""Transmission limits, retention periods and the minimum age, vectorised (Arts 14, 15, 22–24, 26, 29)."""

from __future__ import annotations

import numpy as np
import pytest

from migralex.errors import InvalidInput
from migralex.law import params
from migralex.registry.categories import (
    Category,
    biometrics_may_be_taken,
    is_minor,
    policy,
    retention_until,
    transmission_deadlines,
)

NAT = np.datetime64("NaT", "s")


def deadlines(cat: str, events: list[str], **kw) -> list[str]:
    n = len(events)
    out = transmission_deadlines(
        policy().categories[Category(cat)],
        np.array(events, dtype="datetime64[s]"),
        technical_problem=np.array(kw.get("technical", [False] * n)),
        sudden_influx=np.array(kw.get("influx", [False] * n)),
        custody_release_at=np.array(kw.get("custody", ["NaT"] * n), dtype="datetime64[s]"),
        health_grounds_ended_at=np.array(kw.get("health", ["NaT"] * n), dtype="datetime64[s]"),
    )
    return [str(x) for x in out]


def test_72_hours_from_the_event_and_48_more_for_serious_technical_problems() -> None:
    got = deadlines("applicant", ["2026-07-01T10:00", "2026-07-01T10:00"], technical=[False, True])
    assert got == ["2026-07-04T10:00:00", "2026-07-06T10:00:00"]


def test_sudden_influx_extends_only_disembarkations() -> None:
    sar = deadlines(
        "sar_disembarkation", ["2026-07-01T10:00"] * 2, influx=[True, True], technical=[False, True]
    )
    assert sar == ["2026-07-06T10:00:00", "2026-07-08T10:00:00"]
    assert deadlines("irregular_crossing", ["2026-07-01T10:00"], influx=[True]) == ["2026-07-04T10:00:00"]


def test_custody_beyond_72_hours_moves_the_limit_to_release_for_irregular_crossers_only() -> None:
    got = deadlines(
        "irregular_crossing", ["2026-07-01T10:00"] * 2, custody=["2026-07-10T08:00", "2026-07-02T08:00"]
    )
    assert got == ["2026-07-10T08:00:00", "2026-07-04T10:00:00"]
    assert deadlines("illegal_stay", ["2026-07-01T10:00"], custody=["2026-07-10T08:00"]) == [
        "2026-07-04T10:00:00"
    ]


def test_health_grounds_give_48_hours_after_they_cease() -> None:
    assert deadlines("illegal_stay", ["2026-07-01T10:00"], health=["2026-07-20T09:00"]) == [
        "2026-07-22T09:00:00"
    ]


def test_temporary_protection_has_ten_days_from_2029() -> None:
    assert deadlines("temporary_protection", ["2029-07-01T10:00"]) == ["2029-07-11T10:00:00"]
    with pytest.raises(Exception, match="applies from 2029-06-12"):
        deadlines("temporary_protection", ["2029-06-01T10:00"])


@pytest.mark.parametrize(
    ("cat", "years"),
    [
        ("applicant", 10),
        ("admission_granted", 5),
        ("admission_refused", 3),
        ("admission_discontinued", 3),
        ("national_resettlement", 5),
        ("irregular_crossing", 5),
        ("illegal_stay", 5),
        ("sar_disembarkation", 5),
    ],
)
def test_storage_periods_run_from_the_transmission_date(cat: str, years: int) -> None:
    rule = policy().categories[Category(cat)]
    got = retention_until(rule, np.array(["2026-07-01", "2028-02-29"], dtype="datetime64[D]"))
    leap_end = "02-29" if (2028 + years) % 4 == 0 else "02-28"
    assert [str(x) for x in got] == [f"{2026 + years}-07-01", f"{2028 + years}-{leap_end}"]
    assert params().value(rule.retention, "2026-07-01") == years


def test_temporary_protection_is_kept_a_year_from_the_decision_and_extended_yearly_while_it_lasts() -> None:
    rule = policy().categories[Category.temporary_protection]
    n = 4
    got = retention_until(
        rule,
        np.array(["2029-08-01"] * n, dtype="datetime64[D]"),
        tp_decision_in_force=np.array(["2029-07-01"] * n, dtype="datetime64[D]"),
        tp_ended=np.array(["NaT", "2030-03-01", "2030-07-01", "2031-07-02"], dtype="datetime64[D]"),
    )
    assert [str(x) for x in got] == ["NaT", "2030-07-01", "2030-07-01", "2032-07-01"]
    with pytest.raises(InvalidInput, match="tp_decision"):
        retention_until(rule, np.array(["2029-08-01"], dtype="datetime64[D]"))


def test_biometrics_from_six_and_a_child_of_uncertain_age_is_treated_as_under_six() -> None:
    dob = np.array(["2020-07-01", "2020-07-02", "2020-07-01", "NaT", "1990-01-01"], dtype="datetime64[D]")
    taken = np.array(["2026-07-01"] * 5, dtype="datetime64[D]")
    uncertain = np.array([False, False, True, False, False])
    assert biometrics_may_be_taken(dob, taken, uncertain).tolist() == [True, False, False, False, True]


def test_a_minor_is_under_18_on_the_day_the_biometrics_were_taken() -> None:
    dob = np.array(["2008-07-01", "2008-07-02", "NaT"], dtype="datetime64[D]")
    assert is_minor(dob, np.array(["2026-07-01"] * 3, dtype="datetime64[D]")).tolist() == [False, True, False]


def test_one_code_path_for_one_and_a_million() -> None:
    rule = policy().categories[Category.irregular_crossing]
    n = 1_000_000
    events = np.full(n, np.datetime64("2026-07-01T10:00", "s"))
    tech = np.arange(n) % 2 == 0
    d = transmission_deadlines(
        rule,
        events,
        technical_problem=tech,
        sudden_influx=np.zeros(n, bool),
        custody_release_at=np.full(n, NAT),
        health_grounds_ended_at=np.full(n, NAT),
    )
    assert (d[tech] == np.datetime64("2026-07-06T10:00", "s")).all()
    assert (d[~tech] == np.datetime64("2026-07-04T10:00", "s")).all()
