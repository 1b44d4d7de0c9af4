"""APR Arts 46-47: adequate capacity, rounding, annual maxima and the phase-in dates."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migralex.cycle.border_series import SERIES_COLUMNS, frontex_by_route
from migralex.cycle.capacity import (
    MULTIPLIER,
    UNION_CAPACITY,
    adequate_capacity,
    annual_maximum,
    capacity,
    parse_years,
)
from migralex.errors import InvalidInput
from migralex.law.params import params

ON = dt.date(2024, 8, 12)


def series(rows: dict[str, tuple[int, int, int]]) -> pl.DataFrame:
    """member_state → (irregular crossings, SAR arrivals, refusals)."""
    return pl.DataFrame(
        [(ms, *v) for ms, v in rows.items()],
        schema={"member_state": pl.String, **dict.fromkeys(SERIES_COLUMNS, pl.Int64)},
        orient="row",
    )


def test_formula_of_article_47_4_by_hand() -> None:
    # totals 100 + 0 + 0, 150 + 0 + 50, 600 + 50 + 50 of 1,000 → 3,000, 6,000, 21,000 of 30,000
    result = adequate_capacity(series({"IT": (600, 50, 50), "ES": (150, 0, 50), "GR": (100, 0, 0)}), on=ON)
    got = dict(zip(result.frame["member_state"], result.frame["adequate_capacity"], strict=True))
    assert got == {"ES": 6_000, "GR": 3_000, "IT": 21_000}
    assert result.figure("union_total").value == 1_000
    assert result.trace("IT", "adequate_capacity").inputs["irregular_crossings"] == 600


def test_largest_remainder_adds_up_and_nearest_may_not() -> None:
    ps = params().overlay({UNION_CAPACITY: 10})
    rows = series({"AT": (1, 0, 0), "BE": (1, 0, 0), "DE": (1, 0, 0)})
    hamilton = adequate_capacity(rows, on=ON, parameters=ps)
    assert hamilton.frame["adequate_capacity"].to_list() == [4, 3, 3]
    nearest = adequate_capacity(rows, on=ON, parameters=ps, rounding="nearest")
    assert nearest.frame["adequate_capacity"].to_list() == [3, 3, 3]
    with pytest.raises(InvalidInput, match="rounding"):
        adequate_capacity(rows, on=ON, rounding="up")


def test_maxima_are_the_multiples_in_the_parameters() -> None:
    result = adequate_capacity(series({"IT": (3, 0, 0), "ES": (1, 0, 0)}), on=ON)
    m = params()[MULTIPLIER]
    for v in m.values:
        column = result.frame[f"max_{v.start.year}"]
        assert (column == result.frame["adequate_capacity"] * v.value).all()
    assert [v.value for v in m.values] == [2, 3, 4]


@pytest.mark.parametrize(
    ("day", "multiple"),
    [
        ("2026-06-11", 0),
        ("2026-06-12", 2),
        ("2027-06-12", 2),
        ("2027-06-13", 3),
        ("2028-06-12", 3),
        ("2028-06-13", 4),
        ("2035-01-01", 4),
    ],
)
def test_phase_in_of_the_annual_maximum(day, multiple) -> None:
    assert annual_maximum(1_000, day)[0] == 1_000 * multiple


def test_annual_maximum_is_vectorised() -> None:
    got = annual_maximum([10, 10, 10], ["2026-06-12", "2027-06-13", "2028-06-13"])
    assert got.tolist() == [20, 30, 40]


def test_bad_series_are_refused() -> None:
    with pytest.raises(InvalidInput, match="negative"):
        adequate_capacity(series({"IT": (-1, 0, 0), "ES": (1, 0, 0)}), on=ON)
    with pytest.raises(InvalidInput, match="zero"):
        adequate_capacity(series({"IT": (0, 0, 0)}), on=ON)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(0, 10**5), st.integers(0, 10**6)),
        min_size=2,
        max_size=27,
    )
)
def test_capacities_always_add_up_to_the_union_number(values) -> None:
    codes = [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
    if sum(sum(v) for v in values) == 0:
        return
    result = adequate_capacity(series(dict(zip(codes, values, strict=False))), on=ON)
    assert result.frame["adequate_capacity"].sum() == params().value(UNION_CAPACITY, ON)
    assert ((result.frame["adequate_capacity"] - result.frame["capacity_exact"]).abs() < 1).all()


def test_shipped_data_2021_2023() -> None:
    result, derived = capacity((2021, 2023))
    frame = result.frame
    assert frame.height == 26 and "DK" not in frame["member_state"]
    assert frame["adequate_capacity"].sum() == 30_000
    # every Frontex detection of the period is allocated to exactly one Member State
    assert derived.allocation["detections"].sum() == frontex_by_route((2021, 2023))["detections"].sum()
    per_route = derived.allocation.group_by("route", "border_type", "year").agg(
        pl.col("detections").sum(), pl.col("route_detections").first()
    )
    assert (per_route["detections"] == per_route["route_detections"]).all()
    # Member States without an external land or sea border get no crossings, only refusals
    for ms in ("AT", "CZ", "DE", "LU"):
        row = frame.filter(pl.col("member_state") == ms).row(0, named=True)
        assert row["irregular_crossings"] == 0 and row["refusals_of_entry"] > 0
    assert (frame["sar_arrivals"] == 0).all()


def test_sar_reading_added_counts_italys_series_on_top() -> None:
    within, _ = capacity((2021, 2023))
    added, _ = capacity((2021, 2023), sar_reading="added")
    it_w = within.frame.filter(pl.col("member_state") == "IT").row(0, named=True)
    it_a = added.frame.filter(pl.col("member_state") == "IT").row(0, named=True)
    assert it_a["sar_arrivals"] == it_w["sar_arrivals_included"] > 0
    assert it_a["total_arrivals_and_refusals"] == it_w["total_arrivals_and_refusals"] + it_a["sar_arrivals"]
    assert it_a["adequate_capacity"] > it_w["adequate_capacity"]


def test_member_set_eu27_includes_denmark() -> None:
    result, _ = capacity((2021, 2023), member_set="eu27")
    assert result.frame.height == 27 and result.frame["adequate_capacity"].sum() == 30_000


def test_years_outside_the_data_are_refused() -> None:
    with pytest.raises(InvalidInput, match=r"refusals of entry|migr_eipre|Frontex"):
        capacity((2022, 2024))
    with pytest.raises(InvalidInput, match="Frontex"):
        capacity((2007, 2009))


def test_parse_years() -> None:
    assert parse_years("2021-2023") == (2021, 2023)
    assert parse_years("2022") == (2022, 2022)
    for bad in ("2023-2021", "21-x", "2021-2022-2023"):
        with pytest.raises(InvalidInput):
            parse_years(bad)


def write(tmp_path, text: str):
    path = tmp_path / "series.csv"
    path.write_text(text, "utf-8")
    return str(path)


def test_official_table_replaces_the_derived_series(tmp_path) -> None:
    rows = "\n".join(f"{ms},{i + 1},0,{10 * (i + 1)}" for i, ms in enumerate(sorted(MEMBERS)))
    path = write(tmp_path, "member_state,irregular_crossings,sar_arrivals,refusals_of_entry\n" + rows + "\n")
    result, _ = capacity((2021, 2023), input_csv=path)
    assert result.frame["adequate_capacity"].sum() == 30_000
    sk = result.frame.filter(pl.col("member_state") == "SK").row(0, named=True)
    assert sk["irregular_crossings"] == 26 and sk["refusals_of_entry"] == 260
    yearly = "member_state,year,irregular_crossings,refusals_of_entry\n" + "\n".join(
        f"{ms},{y},1,1" for ms in sorted(MEMBERS) for y in (2020, 2021, 2022, 2023)
    )
    result, _ = capacity((2021, 2023), input_csv=write(tmp_path, yearly))
    assert (result.frame["irregular_crossings"] == 3).all()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("member_state,irregular_crossings\nIT,1\n", "missing column"),
        ("member_state,irregular_crossings,refusals_of_entry,extra\n", "unknown column"),
        ("member_state,irregular_crossings,refusals_of_entry\nIT,-1,0\n", "line 2: irregular_crossings"),
        ("member_state,irregular_crossings,refusals_of_entry\nIT,1,0\nIT,1,0\n", "line 3: member_state"),
        ("member_state,irregular_crossings,refusals_of_entry\nXX,1,0\n", "line 2: member_state"),
        ("member_state,irregular_crossings,refusals_of_entry\nIT,1,0\n", "no row for AT"),
    ],
)
def test_official_table_errors_name_line_and_column(tmp_path, text, message) -> None:
    with pytest.raises(InvalidInput, match=message):
        capacity((2021, 2023), input_csv=write(tmp_path, text))


MEMBERS = [
    ms
    for ms in (
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    )
]


def test_a_smaller_member_set_leaves_out_routes_it_does_not_border() -> None:
    result, derived = capacity((2021, 2023), member_set="IT,GR,ES")
    assert sorted(result.frame["member_state"]) == ["ES", "GR", "IT"]
    assert result.frame["adequate_capacity"].sum() == 30_000
    assert any("Western Balkan Route" in n and "left out" in n for n in result.notes)
    assert set(derived.allocation["member_state"]) == {"ES", "GR", "IT"}


def test_earlier_periods_work_where_the_data_reach() -> None:
    result, _ = capacity((2019, 2021))
    assert result.frame["adequate_capacity"].sum() == 30_000


def test_dtm_option_replaces_the_route_split_where_dtm_covers_a_whole_year() -> None:
    from migralex.cycle.border_series import derive_border_series, dtm_arrivals
    from migralex.cycle.members import members_for

    members = members_for("bound_by_apr")
    # Bulgaria's 2024 series stops in November and Cyprus's in October: those years are not covered
    covered_2024 = {
        (r["member_state"], r["year"]) for r in dtm_arrivals(members, (2024, 2024)).iter_rows(named=True)
    }
    assert (
        ("IT", 2024) in covered_2024 and ("BG", 2024) not in covered_2024 and ("CY", 2024) not in covered_2024
    )
    split = derive_border_series(members, (2021, 2023))
    dtm = derive_border_series(members, (2021, 2023), crossings="dtm")
    covered = dtm_arrivals(members, (2021, 2023))
    assert set(covered["member_state"]) == {"BG", "CY", "ES", "GR", "IT", "MT"}
    rows = {(r["member_state"], r["year"]): r for r in dtm.by_year.iter_rows(named=True)}
    before = {(r["member_state"], r["year"]): r for r in split.by_year.iter_rows(named=True)}
    for key, row in rows.items():
        hit = covered.filter(pl.col("member_state") == key[0], pl.col("year") == key[1])
        if hit.height:
            assert row["irregular_crossings"] == hit["dtm_arrivals"][0]
            assert row["crossings_source"] == "IOM DTM arrivals"
        else:
            assert row["irregular_crossings"] == before[key]["irregular_crossings"]
            assert row["crossings_source"] == "Frontex route split"
    result, _ = capacity((2021, 2023), crossings="dtm")
    assert result.frame["adequate_capacity"].sum() == 30_000
    assert any("IOM DTM" in n for n in result.notes)
    with pytest.raises(InvalidInput, match="crossings"):
        capacity((2021, 2023), crossings="unhcr")
