"""The effective return rates per Member State and nationality (sim/return_rates.py): factors of like
with like, the fallback to the Union aggregate, the checks, and their use in the returns stage."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from migralex.cases import codes as C
from migralex.countries import EU27
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


def _factors(frame: pl.DataFrame) -> dict[tuple[str, str], float]:
    f = R.factors(frame).select("member_state", "nationality", "factor")
    return {(m, n): v for m, n, v in f.iter_rows()}


def test_shipped_factors_are_relative_to_the_union_of_the_same_period() -> None:
    f = _factors(R.table())
    # France returns a smaller share of those it orders to leave than the Union, Germany a larger one
    assert f[("FR", "TOTAL")] < 1 < f[("DE", "TOTAL")]
    assert f[("EU", "GE")] > 1 > f[("EU", "DZ")]
    m = R.matrix(EU27, C.NATIONALITIES)
    it, fr = EU27.index("IT"), EU27.index("FR")
    ge, ng = C.NATIONALITY_INDEX["GE"], C.NATIONALITY_INDEX["NG"]
    assert m[it, ng] == 1.0  # no row for Italy nor for Nigerians: the Union aggregate (fallback)
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
    m = R.matrix(EU27, C.NATIONALITIES, path)
    fr, de, ge = EU27.index("FR"), EU27.index("DE"), C.NATIONALITY_INDEX["GE"]
    assert m[fr, ge] == pytest.approx(1.0)  # 0.5 x 2.0
    assert m[de, ge] == pytest.approx(3.0)  # the pair overrides the product
    assert m[fr, 0] == pytest.approx(0.5) and m[de, 0] == 1.0
    own = R.matrix(EU27, C.NATIONALITIES, path, ("FR",))  # France's rate named: no FR factor
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
    fr, de, it = EU27.index("FR"), EU27.index("DE"), EU27.index("IT")
    back = "returned_from_elsewhere"
    assert table[back][fr] < union[back][fr] and table[back][de] > union[back][de]
    assert table[back][it] == union[back][it]
    np.testing.assert_array_equal(table["apprehended_elsewhere"], union["apprehended_elsewhere"])


def test_a_rate_named_in_the_scenario_is_not_rescaled() -> None:
    r = load_scenario("baseline").returns
    assert r is not None
    named = r.effective_rate.model_copy(update={"overrides": {"FR": Value(value=0.18, source="test")}})
    union = _stage(None, effective_rate=named)
    table = _stage(R.SHIPPED, effective_rate=named)
    fr = EU27.index("FR")
    assert table["returned_from_elsewhere"][fr] == union["returned_from_elsewhere"][fr]
