"""The shipped Annex II and Union Plan data, and the readmission indicators checked against the raw files."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pytest
import yaml

from migralex.countries import EU27
from migralex.readmission.indicators import indicators
from migralex.readmission.visa_list import ANNEX_II, annex_ii
from migralex.resettlement.plan import PLANS, plan

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"


@pytest.mark.parametrize(
    ("shipped", "raw"),
    [
        (ANNEX_II, RAW / "eu_visa_annex_ii" / "annex_ii.csv"),
        (ANNEX_II.with_name("SOURCE.md"), RAW / "eu_visa_annex_ii" / "SOURCE.md"),
        (PLANS["union-2026-2027"], RAW / "union_resettlement_plan_2026_2027" / "plan.yaml"),
        (
            PLANS["union-2026-2027"].with_name("SOURCE.md"),
            RAW / "union_resettlement_plan_2026_2027" / "SOURCE.md",
        ),
    ],
)
def test_package_copies_are_the_raw_files(shipped: Path, raw: Path) -> None:
    assert shipped.read_bytes() == raw.read_bytes()


def test_annex_ii_has_no_member_state_and_no_duplicate() -> None:
    table = annex_ii()
    codes = table["code"].to_list()
    assert len(codes) == len(set(codes))
    assert not set(codes) & set(EU27)
    assert set(table["status"].unique()) <= {"exempt", "suspended"}
    assert {"UA", "GE", "CO", "GB", "XK"} <= set(codes) and "TR" not in codes


def _raw_rate(iso3: str, year: int, eu_iso3: set[str]) -> float:
    path = RAW / "unhcr_asylum_decisions" / "unhcr_asylum_decisions_2015_2023.csv.gz"
    positive = decided = 0
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(io.StringIO(fh.read())):
            if (
                row["Year"] == str(year)
                and row["Country of origin (ISO)"] == iso3
                and row["Country of asylum (ISO)"] in eu_iso3
                and row["Stage of procedure"] == "FI"
            ):
                pos = int(row["Recognized decisions"]) + int(row["Complementary protection"])
                positive += pos
                decided += pos + int(row["Rejected decisions"])
    return positive / decided


def test_recognition_rate_matches_the_raw_unhcr_file() -> None:
    from migralex.data.load import load

    countries = load("countries")
    iso3 = dict(zip(countries["country"].to_list(), countries["iso3"].to_list(), strict=True))
    eu_iso3 = {iso3[c] for c in EU27}
    got = {r["citizenship"]: r for r in indicators(2023).to_dicts()}
    for code in ("GE", "CO", "SY"):
        assert got[code]["rate_year"] == 2023
        assert got[code]["recognition_rate"] == pytest.approx(_raw_rate(iso3[code], 2023, eu_iso3), rel=1e-12)


def test_rates_after_the_last_decision_year_use_the_latest_and_say_so() -> None:
    rows = indicators(2024)
    assert set(rows["rate_year"].drop_nulls().unique()) == {2023}


def test_plan_says_what_is_missing() -> None:
    p = plan()
    assert p.total == 10430 and p.participating == 9 and not p.pledges_known
    raw = yaml.safe_load((RAW / "union_resettlement_plan_2026_2027" / "plan.yaml").read_text("utf-8"))
    assert raw["pledges"] == {}
