"""The returns table (Eurostat migr_eiord / migr_eirtn): structure, consistency of totals, loader."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from migralex.countries import EU27
from migralex.data import info, load
from migralex.data.raw import read_csv
from migralex.data.returns import return_rates


def test_columns_keys_and_codes() -> None:
    table = load("returns")
    assert table.columns == [
        "member_state",
        "is_aggregate",
        "citizenship",
        "year",
        "ordered_to_leave",
        "returned",
    ]
    assert not table.select("member_state", "citizenship", "year").is_duplicated().any()
    codes = set(table.get_column("member_state").unique().to_list())
    assert codes <= set(EU27) | {"NO", "CH", "EU27_2020"}
    assert "EL" not in codes and "GR" in codes  # Eurostat's EL mapped to ISO
    aggregate = table.filter(pl.col("is_aggregate")).get_column("member_state").unique().to_list()
    assert aggregate == ["EU27_2020"]


def test_member_states_never_exceed_the_eu27_aggregate() -> None:
    table = load("returns")
    states = table.filter(pl.col("member_state").is_in(EU27))
    sums = states.group_by("year").agg(pl.col("ordered_to_leave").sum(), pl.col("returned").sum())
    eu = table.filter(pl.col("member_state") == "EU27_2020").select(
        "year", pl.col("ordered_to_leave").alias("eu_ordered"), pl.col("returned").alias("eu_returned")
    )
    joined = sums.join(eu, on="year", how="inner")
    assert joined.height == eu.height > 0
    assert (joined["ordered_to_leave"] <= joined["eu_ordered"]).all()
    assert (joined["returned"] <= joined["eu_returned"]).all()


def test_the_raw_file_is_the_table(raw: Path) -> None:
    source = read_csv(raw / "eurostat_migr_eiord_eirtn" / "migr_eiord_eirtn_totals.csv")
    table = load("returns")
    assert source.height == table.height
    ordered = source.get_column("ordered_to_leave").cast(pl.Int64)
    assert ordered.sum() == table.get_column("ordered_to_leave").sum()
    assert ordered.null_count() == table.get_column("ordered_to_leave").null_count()


def test_return_rates_is_returned_over_ordered() -> None:
    rates = return_rates()
    assert "EU27_2020" not in rates.get_column("member_state").to_list()
    known = rates.filter(pl.col("ordered_to_leave") > 0, pl.col("returned").is_not_null())
    expected = known.get_column("returned") / known.get_column("ordered_to_leave")
    assert (known.get_column("return_rate") - expected).abs().max() == 0
    missing = rates.filter(pl.col("ordered_to_leave").is_null())
    assert missing.height > 0 and missing.get_column("return_rate").null_count() == missing.height


def test_return_rates_filters_one_year_and_keeps_aggregates_on_request() -> None:
    year = int(load("returns").get_column("year").max())
    one = return_rates(year, aggregates=True)
    assert set(one.get_column("year").to_list()) == {year}
    assert "EU27_2020" in one.get_column("member_state").to_list()


def test_catalogue_entry_names_the_gaps() -> None:
    entry = info("returns")
    assert entry.raw == "data/raw/eurostat_migr_eiord_eirtn"
    assert any("citizenship" in caveat for caveat in entry.caveats)


def test_counts_are_rounded_to_five_as_eurostat_publishes_them() -> None:
    table = load("returns")
    for column in ("ordered_to_leave", "returned"):
        values = table.get_column(column).drop_nulls()
        assert values.len() > 0 and (values % 5 == 0).all(), column
