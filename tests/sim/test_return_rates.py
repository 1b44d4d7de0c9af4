"""The effective return rates per Member State and nationality (sim/return_rates.py): factors of like
with like, per Member State from the Eurostat table over a window, the CSV's agreement with that table,
the fallback to the Union aggregate, the checks, and their use in the returns stage."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from migralex.cases import codes as C
from migralex.countries import EU27
from migralex.data.returns import return_rates
from migralex.errors import InvalidInput
from migralex.sim import return_rates as R
from migralex.sim.returns import returns_stage
from migralex.sim.scenario import Value, load_scenario
from migralex.sim.stages import IRREGULAR_STAY

HEADER = "member_state,nationality,year,period,ordered,returned,rate,status,source\n"


def _csv(tmp_path: Path, rows: str) -> str:
    path = tmp_path / "rates.csv"
    path.write_text(HEADER + rows, "utf-8")
    return str(path)


def _factors(frame: pl.DataFrame, window: tuple[int, int] | None = None) -> dict[tuple[str, str], float]:
    f = R.factors(frame, window).select("member_state", "nationality", "factor")
    return {(m, n): v for m, n, v in f.iter_rows()}


def test_shipped_factors_are_relative_to_the_union_of_the_same_period() -> None:
    f = _factors(R.table(), R.DEFAULT_WINDOW)
    # France returns a smaller share of those it orders to leave than the Union, Germany a larger one
    assert f[("FR", "TOTAL")] < 1 < f[("DE", "TOTAL")]
    assert f[("EU", "GE")] > 1 > f[("EU", "DZ")]
    m = R.matrix(EU27, C.NATIONALITIES)
    hu, fr = EU27.index("HU"), EU27.index("FR")
    ge, ng = C.NATIONALITY_INDEX["GE"], C.NATIONALITY_INDEX["NG"]
    assert m[hu, ng] == 1.0  # no factor for Hungary nor for Nigerians: the Union aggregate (fallback)
    assert m[fr, ge] == pytest.approx(f[("FR", "TOTAL")] * f[("EU", "GE")])
    assert set(R.table()["status"]) <= set(R.STATUSES) and R.table()["source"].str.len_chars().min() > 20


def test_factor_is_a_ratio_of_like_with_like(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "EU,TOTAL,2024,Q1,1000,200,,published,s\n"
        "FR,TOTAL,2024,Q1,100,10,,published,s\n"  # 0.1 / 0.2
        "FR,TOTAL,2024,Q2,100,90,,published,s\n"  # no Union row for Q2: not used
        "FR,TOTAL,2020,YEAR,100,100,,published,s\n"  # an older year: not used
        "EU,TOTAL,2020,YEAR,1000,100,,published,s\n"
        "DE,GE,2024,Q1,,,0.6,published,s\n"  # a pair with a published rate only: 0.6 / 0.2
        "EU,GE,2024,Q1,100,40,,derived,s\n",  # 0.4 / 0.2
    )
    f = _factors(R.table(path))
    assert f == pytest.approx({("FR", "TOTAL"): 0.5, ("DE", "GE"): 3.0, ("EU", "GE"): 2.0})
    m = R.matrix(EU27, C.NATIONALITIES, path, window=None)  # the CSV's rows only
    fr, de, ge = EU27.index("FR"), EU27.index("DE"), C.NATIONALITY_INDEX["GE"]
    assert m[fr, ge] == pytest.approx(1.0)  # 0.5 x 2.0
    assert m[de, ge] == pytest.approx(3.0)  # the pair overrides the product
    assert m[fr, 0] == pytest.approx(0.5) and m[de, 0] == 1.0
    own = R.matrix(EU27, C.NATIONALITIES, path, ("FR",), None)  # France's rate named: no FR factor
    assert own[fr, ge] == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("rows", "field"),
    [
        ("EU,TOTAL,2024,Q1,1000,200,,official,s\n", "status"),
        ("EU,TOTAL,2024,Q1,,,,published,s\n", "rate"),
        ("EU,TOTAL,2024,Q1,1000,200,,published,\n", "source"),
    ],
)
def test_a_bad_row_is_named(tmp_path: Path, rows: str, field: str) -> None:
    with pytest.raises(InvalidInput, match=field):
        R.table(_csv(tmp_path, rows))


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("member_state,nationality,year,period,ordered,returned,rate,status\n", "utf-8")
    with pytest.raises(InvalidInput, match="source"):
        R.table(str(path))


def _stage(rate_table: str | None, **changes: object) -> dict[str, np.ndarray]:
    n = 100_000
    rng = np.random.default_rng(5)
    dest = np.cumsum(rng.dirichlet(np.ones(27), size=len(C.NATIONALITIES)), axis=1)
    r = load_scenario("baseline").returns
    assert r is not None
    r = r.model_copy(update={"rate_table": rate_table, "apprehension": Value(value=1.0), **changes})
    out = returns_stage(
        r, np.random.SeedSequence(3), np.full(n, IRREGULAR_STAY, np.int8),
        rng.integers(0, 27, n).astype(np.int8), np.full(n, C.NATIONALITY_INDEX["NG"], np.int16), dest, 27,
    )  # fmt: skip
    return out["counts"]


def test_the_returns_stage_applies_the_factors_person_by_person() -> None:
    """Same persons and random numbers: France returns fewer, Germany more than at the Union rate."""
    union, table = _stage(None), _stage(R.SHIPPED)
    fr, de, hu = EU27.index("FR"), EU27.index("DE"), EU27.index("HU")
    back = "returned_from_elsewhere"
    assert table[back][fr] < union[back][fr] and table[back][de] > union[back][de]
    assert table[back][hu] == union[back][hu]  # no factor for Hungary
    np.testing.assert_array_equal(table["apprehended_elsewhere"], union["apprehended_elsewhere"])


def test_a_rate_named_in_the_scenario_is_not_rescaled() -> None:
    r = load_scenario("baseline").returns
    assert r is not None
    named = r.effective_rate.model_copy(update={"overrides": {"FR": Value(value=0.18, source="test")}})
    union = _stage(None, effective_rate=named)
    table = _stage(R.SHIPPED, effective_rate=named)
    fr = EU27.index("FR")
    assert table["returned_from_elsewhere"][fr] == union["returned_from_elsewhere"][fr]


def _eurostat_factor(member_state: str, first: int, last: int) -> float:
    """The factor computed here from the shipped table: mean over the years of the State's rate / EU27's."""
    rates = return_rates(aggregates=True).filter(pl.col("year").is_between(first, last))
    by = {(m, y): r for m, y, r in rates.select("member_state", "year", "return_rate").iter_rows()}
    return float(np.mean([by[(member_state, y)] / by[("EU27_2020", y)] for y in range(first, last + 1)]))


def test_the_member_state_factors_come_from_the_eurostat_table(tmp_path: Path) -> None:
    """The 12 Member States of the table take its factors, whatever the CSV says; LV keeps the CSV's."""
    table_states = sorted(set(return_rates().get_column("member_state")) & set(EU27))
    assert len(table_states) == 12
    f = R.factors(R.table(), R.DEFAULT_WINDOW)
    assert sorted(f.filter(pl.col("status") == R.TABLE)["member_state"]) == table_states
    assert f.filter(pl.col("member_state") == "LV")["status"].to_list() == ["published"]
    ng = C.NATIONALITY_INDEX["NG"]  # no nationality factor: the column is the Member State factors
    m = R.matrix(EU27, C.NATIONALITIES)
    for ms in table_states:
        assert m[EU27.index(ms), ng] == pytest.approx(_eurostat_factor(ms, *R.DEFAULT_WINDOW)), ms
    # a CSV that says otherwise for France changes nothing: the table's factor is used
    other = _csv(
        tmp_path, "EU,TOTAL,2020,YEAR,1000,200,,published,s\nFR,TOTAL,2020,YEAR,100,90,,published,s\n"
    )
    fr = EU27.index("FR")
    assert R.matrix(EU27, C.NATIONALITIES, other)[fr, ng] == pytest.approx(_eurostat_factor("FR", 2022, 2024))
    assert R.matrix(EU27, C.NATIONALITIES, other, window=None)[fr, ng] == pytest.approx(4.5)
    # the window is a parameter: one year gives that year's ratio
    one = R.matrix(EU27, C.NATIONALITIES, window=(2024, 2024))
    assert one[fr, ng] == pytest.approx(_eurostat_factor("FR", 2024, 2024)) != m[fr, ng]


@pytest.mark.parametrize(("window", "message"), [((2030, 2031), "2030"), ((2024, 2022), "after")])
def test_a_window_outside_the_table_is_named(window: tuple[int, int], message: str) -> None:
    with pytest.raises(InvalidInput, match=f"rate_window.*{message}"):
        R.table_factors(window)


def test_the_scenario_names_a_reversed_window() -> None:
    r = load_scenario("baseline").returns
    assert r is not None and r.rate_window == R.DEFAULT_WINDOW
    with pytest.raises(ValueError, match="rate_window"):
        type(r).model_validate({**r.model_dump(), "rate_window": (2024, 2022)})


def test_the_csv_annual_figures_agree_with_the_eurostat_table() -> None:
    """Ordered to leave: the same statistic, equal within rounding; returned: the CSV counts third
    countries, the table every destination, so the CSV's is never larger."""
    check = R.cross_check(R.table())
    assert {"FR", "DE", "GR", "EU"} <= set(check["member_state"])
    bad = check.filter(~pl.col("ordered_agrees") | ~pl.col("returned_within"))
    assert bad.height == 0, bad


def test_the_cross_check_catches_a_mistyped_figure(tmp_path: Path) -> None:
    path = _csv(
        tmp_path, "FR,TOTAL,2020,YEAR,118400,6900,,published,s\nDE,TOTAL,2020,YEAR,36300,19300,,published,s\n"
    )
    check = {m: (a, r) for m, a, r in R.cross_check(R.table(path)).select(
        "member_state", "ordered_agrees", "returned_within").iter_rows()}  # fmt: skip
    assert check == {"DE": (True, False), "FR": (False, True)}


def test_the_window_is_a_scenario_parameter(tmp_path: Path) -> None:
    """A scenario file sets `returns.rate_window`; the stage then uses that window's factors."""
    path = tmp_path / "window.yaml"
    path.write_text("name: w\nextends: baseline\ndescription: w\nreturns:\n  rate_window: [2024, 2024]\n")
    r = load_scenario(str(path)).returns
    assert r is not None and r.rate_window == (2024, 2024) and r.rate_table == R.SHIPPED
    default, latest = _stage(R.SHIPPED), _stage(R.SHIPPED, rate_window=r.rate_window)
    at, hu, back = EU27.index("AT"), EU27.index("HU"), "returned_from_elsewhere"
    assert latest[back][at] > default[back][at]  # Austria: 2.00 in 2024 against 1.64 over 2022-2024
    assert latest[back][hu] == default[back][hu]
