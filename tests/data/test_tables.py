"""Every shipped table loads, validates, follows the conventions and matches its catalogue entry."""

from __future__ import annotations

import json

import polars as pl
import pytest

from migralex.countries import EU27
from migralex.data import catalog, info, load, table_names
from migralex.data.build import BUILDERS
from migralex.data.codes import (
    AGGREGATE_CODES,
    CITIZENSHIP_CODES_NON_ISO,
    COUNTRY_CODES_NON_ISO,
    citizenship_codes,
    country_codes,
)
from migralex.data.load import TABLES
from migralex.data.schemas import KEYS, SCHEMAS
from migralex.errors import UnknownReference
from tests.data.conftest import ROOT

NAMES = table_names()
COUNTS = {
    "population",
    "applicants",
    "refusals",
    "persons",
    "detections",
    "beneficiaries",
    "arrivals",
    "dead_and_missing",
    "survivors",
    "recognized",
    "complementary",
    "rejected",
    "otherwise_closed",
    "total",
}


def test_the_catalogue_lists_every_built_table() -> None:
    assert [entry.name for entry in catalog()] == NAMES == list(BUILDERS) == list(SCHEMAS)


@pytest.mark.parametrize("name", NAMES)
def test_table_loads_and_matches_its_catalogue_entry(name: str) -> None:
    frame = load(name)
    entry = info(name)
    assert frame.height == entry.rows > 0
    assert frame.columns == list(entry.columns)
    assert all(entry.columns.values())
    assert entry.title and entry.publisher and entry.source and entry.coverage and entry.caveats
    assert (ROOT / entry.raw / "SOURCE.md").is_file()


@pytest.mark.parametrize("name", NAMES)
def test_dtypes_follow_the_conventions(name: str) -> None:
    schema = load(name).schema
    for column, dtype in schema.items():
        if column == "year":
            assert dtype == pl.Int16
        elif column in {"month", "date", "report_date"}:
            assert dtype == pl.Date
        elif column in COUNTS:
            assert dtype == pl.Int64, column
        elif column in {"country", "citizenship", "flag", "citizenships"}:
            assert dtype == pl.String
        elif column.startswith("is_"):
            assert dtype == pl.Boolean


@pytest.mark.parametrize("name", [n for n in NAMES if "month" in info(n).columns])
def test_months_are_first_days(name: str) -> None:
    assert (load(name).get_column("month").dt.day() == 1).all()


@pytest.mark.parametrize("name", [n for n in NAMES if "country" in info(n).columns])
def test_country_codes_are_iso_alpha2_or_documented(name: str) -> None:
    codes = set(load(name).get_column("country").unique().to_list())
    assert codes <= country_codes()
    assert "GR" in codes
    assert not codes & {"EL", "UK"}


@pytest.mark.parametrize("name", [n for n in NAMES if "citizenship" in info(n).columns])
def test_citizenship_codes_are_iso_alpha2_or_documented(name: str) -> None:
    codes = set(load(name).get_column("citizenship").unique().to_list())
    assert codes <= citizenship_codes()
    assert not codes & {"EL", "UK", "STL", "XXA", "OOO", "OOS"}


def test_missing_migrants_citizenships_are_known_codes() -> None:
    codes = load("missing_migrants").get_column("citizenships").str.split(",").explode()
    assert set(codes.unique().to_list()) <= citizenship_codes()


def test_non_iso_codes_are_not_iso_codes() -> None:
    from migralex.countries import iso_table

    assert not (set(CITIZENSHIP_CODES_NON_ISO) | set(COUNTRY_CODES_NON_ISO)) & set(iso_table())


# `returns` (member_state, 12 Member States only) is checked in test_returns_data.py.
@pytest.mark.parametrize("name", [n for n in NAMES if {"is_aggregate", "country"} <= set(info(n).columns)])
def test_is_aggregate_marks_exactly_the_aggregate_codes(name: str) -> None:
    frame = load(name)
    flagged = frame.filter("is_aggregate").get_column("country").unique().to_list()
    plain = frame.filter(~pl.col("is_aggregate")).get_column("country").unique().to_list()
    assert flagged and set(flagged) <= AGGREGATE_CODES
    assert not set(plain) & AGGREGATE_CODES
    assert set(EU27) <= set(plain)


@pytest.mark.parametrize("name", NAMES)
def test_rows_are_sorted_and_keys_unique(name: str) -> None:
    frame = load(name)
    keys = list(KEYS[name]) or frame.columns
    assert frame.equals(frame.sort(keys, maintain_order=True))
    if KEYS[name]:
        assert not frame.select(keys).is_duplicated().any()


def test_manifest_matches_the_parquet_files() -> None:
    manifest = json.loads((TABLES / "manifest.json").read_text("utf-8"))
    assert list(manifest) == NAMES
    for name, entry in manifest.items():
        assert entry["rows"] == pl.scan_parquet(TABLES / f"{name}.parquet").select(pl.len()).collect().item()


def test_shipped_tables_are_small() -> None:
    total = sum(path.stat().st_size for path in TABLES.glob("*.parquet"))
    assert total < 4 * 1024 * 1024


def test_load_is_cached() -> None:
    assert load("population") is load("population")


def test_unknown_table_name_lists_the_tables() -> None:
    with pytest.raises(UnknownReference) as excinfo:
        load("asylum_applications")
    message = str(excinfo.value)
    assert "asylum_applications" in message
    assert all(name in message for name in NAMES)
    with pytest.raises(UnknownReference):
        info("nope")


def test_catalogue_documents_the_substitutes() -> None:
    assert any("migr_asydcfsta" in caveat for caveat in info("decisions").caveats)
    assert any("nama_10_gdp" in caveat for caveat in info("gdp").caveats)
    assert any("Rate source" in caveat for caveat in info("gdp").caveats)
