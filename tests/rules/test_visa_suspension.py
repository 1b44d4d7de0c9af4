"""Reg. 2018/1806 Art. 8 grounds on synthetic indicators: both sides of each threshold, both readings."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from migralex.law.params import params
from migralex.readmission.triggers import evaluate

REVISED = dt.date(
    2026, 6, 1
)  # the revised mechanism: 30 %, 20 % (SECONDARY, law/params/visa_suspension.yaml)
BEFORE = dt.date(2024, 6, 1)  # 2018/1806 as codified: 50 %, about 4 %


def frame(
    change: float, rate: float | None, *, status: str = "exempt", applications: int = 1000
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "citizenship": ["XX"],
            "applications": [applications],
            "change": [change],
            "recognition_rate": [rate],
            "visa_status": [status],
        }
    )


def met(f: pl.DataFrame, on: dt.date = REVISED, **kw: object) -> bool:
    return bool(evaluate(f, on, **kw)["trigger_met"][0])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "expected"),
    [(0.30, False), (0.3001, True), (0.2999, False)],
    ids=["exactly 30 % is not 'above'", "just above 30 %", "just below 30 %"],
)
def test_substantial_increase_is_strictly_more_than_30_percent(change: float, expected: bool) -> None:
    assert met(frame(change, 0.05)) is expected


def test_the_threshold_was_50_percent_before_the_revision() -> None:
    assert not met(frame(0.45, 0.01), BEFORE)
    assert met(frame(0.51, 0.01), BEFORE)


@pytest.mark.parametrize(("rate", "expected"), [(0.1999, True), (0.20, False), (0.2001, False)])
def test_low_recognition_rate_is_below_20_percent(rate: float, expected: bool) -> None:
    assert met(frame(0.5, rate)) is expected


def test_the_other_reading_counts_exactly_20_percent_as_low() -> None:
    p = params().overlay({"visa.suspension.low_rate_boundary": "at_or_below"}, label="test")
    assert met(frame(0.5, 0.20), p=p)
    assert not met(frame(0.5, 0.2001), p=p)


def test_only_visa_exempt_countries_can_meet_a_ground() -> None:
    assert not met(frame(2.0, 0.01, status="required"))
    assert not met(frame(2.0, 0.01, status="suspended"))


def test_noise_floor_and_missing_rate() -> None:
    assert not met(frame(2.0, 0.01, applications=99), min_applications=100)
    assert met(frame(2.0, 0.01, applications=100), min_applications=100)
    assert not met(frame(2.0, None))
