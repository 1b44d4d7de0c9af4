"""cycle_summary (JSON-ready) and the files of `migralex cycle`: complete, self-contained, all or none."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest

from migralex.cycle.report import FILES, render_html, write_cycle
from migralex.cycle.summary import cycle_summary, run_cycle, summarise
from migralex.errors import InvalidInput


@pytest.fixture(scope="module")
def run():
    return run_cycle(2025)


def test_summary_is_json_ready_and_complete(run) -> None:
    summary = summarise(run)
    text = json.dumps(summary)
    assert json.loads(text) == summary
    assert summary["cycle"]["year"] == 2025 and summary["cycle"]["pool_year"] == 2026
    assert summary["cycle"]["capacity_years"] == [2021, 2023]
    assert (summary["cycle"]["population_date"], summary["cycle"]["gdp_year"]) == ("2024-01-01", 2024)
    assert (
        sum(r["relocations"] for r in summary["solidarity"]["rows"])
        == summary["solidarity"]["pool"]["relocations"]
    )
    assert sum(r["adequate_capacity"] for r in summary["capacity"]["rows"]) == 30_000
    assert summary["border_list"]["status"] in ("computed", "unavailable")
    cited = {p["name"]: p["values"][0]["basis"] for p in summary["parameters"]}
    assert cited["apr.border.union_adequate_capacity"] == "APR Art. 46"
    assert "AMMR Art. 11" in summary["disclaimer"]
    # every fair share column says how it is computed
    assert summary["solidarity"]["columns"]["relocations"]["basis"].startswith("AMMR Art. 57(3)")


def test_summary_is_deterministic(run) -> None:
    assert cycle_summary(2025) == summarise(run)


def test_report_is_self_contained(run) -> None:
    page = render_html(run)
    assert page.count("<svg") >= 3
    assert not re.search(r"<script[^>]*\bsrc=|<link[^>]*href=|url\(", page)
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", page)
    for text in ("AMMR Art. 66", "APR Art. 47(4)", "Analyst&#x27;s aid", "Weaknesses"):
        assert text in page


def test_write_cycle_writes_every_file(run, tmp_path) -> None:
    files = write_cycle(run, tmp_path / "out")
    assert set(files) == set(FILES)
    fair = pl.read_csv(files["fair_shares.csv"])
    assert fair["relocations"].sum() == 30_000
    cap = pl.read_csv(files["capacity.csv"])
    assert {"max_2026", "max_2027", "max_2028"} <= set(cap.columns)
    assert json.loads(files["summary.json"].read_text("utf-8"))["cycle"]["year"] == 2025
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".cycle-")]


def test_write_cycle_refuses_a_file_as_folder(run, tmp_path) -> None:
    target = tmp_path / "taken"
    target.write_text("x", "utf-8")
    with pytest.raises(InvalidInput, match="not a folder"):
        write_cycle(run, target)
    assert target.read_text("utf-8") == "x"


def test_border_list_comes_from_the_case_engine() -> None:
    pytest.importorskip("migralex.context")
    from migralex.cycle.summary import RATE_READING, recognition_border_list
    from migralex.cycle.timeline import Cycle
    from migralex.law.params import params

    listed = recognition_border_list(Cycle(2025))
    assert listed.status == "computed" and listed.year == 2023
    assert listed.frame.height > 0 and (listed.frame["rate"] <= listed.threshold).all()
    other = recognition_border_list(Cycle(2025), params().overlay({RATE_READING: "decisions_incl_closed"}))
    assert other.reading == "decisions_incl_closed"
    # counting otherwise closed cases in the denominator can only lower the rates
    assert other.frame.height >= listed.frame.height


def test_summary_has_the_rules_classification_and_the_reference_period(run) -> None:
    summary = summarise(run)
    assert summary["cycle"]["reference_period"]["label"] == "2024-07 to 2025-06"
    rows = summary["classification"]["rows"]
    assert len(rows) == 26 and summary["classification"]["method"] == "rules"
    for row in rows:
        # every Member State marked has its reasons; pressure excludes risk and significant situation
        marked = row["migratory_pressure"] or row["risk_of_migratory_pressure"]
        assert bool(row["reasons"]) == (marked or row["significant_migratory_situation"])
        if row["migratory_pressure"]:
            assert not row["risk_of_migratory_pressure"] and not row["significant_migratory_situation"]
    assert 'id="classification"' in render_html(run)


def test_report_shows_the_projection_with_its_bands(run) -> None:
    from dataclasses import replace

    from migralex.cycle.projection import Projection

    routes = pl.DataFrame(
        {
            "route": ["Central Mediterranean Route"],
            "projected": [50_000.0],
            "lower_80": [40_000.0],
            "upper_80": [61_000.0],
            "lower_95": [35_000.0],
            "upper_95": [70_000.0],
        }
    )
    states = routes.select(pl.lit("IT").alias("member_state"), *[c for c in routes.columns if c != "route"])
    projection = Projection("calendar year 2026", routes, states, "hand-made", ("a note",))
    page = render_html(replace(run, projection=projection))
    assert 'id="projection"' in page and "80 %: 40,000-61,000; 95 %: 35,000-70,000" in page
    assert "61,000" in page and "a note" in page
    without = render_html(replace(run, projection=None, projection_note="no projection: test"))
    assert "no projection: test" in without
    assert (
        summarise(replace(run, projection=projection))["projection"]["member_states"][0]["upper_95"] == 70_000
    )
