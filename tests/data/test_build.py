"""The build: reproducible from data/raw, deterministic, and every left-out row counted."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from migralex.data import load, table_names
from migralex.data.build import build_table, write_tables
from migralex.data.raw import read_csv


@pytest.mark.parametrize("name", table_names())
def test_shipped_table_equals_a_fresh_build(name: str, raw: Path) -> None:
    assert build_table(name, raw).equals(load(name))


def test_the_build_is_deterministic(raw: Path, tmp_path: Path) -> None:
    assert build_table("refusals_of_entry", raw).equals(build_table("refusals_of_entry", raw))
    first = write_tables(raw, tmp_path / "a", ["population", "italy_sea_arrivals"])
    second = write_tables(raw, tmp_path / "b", ["population", "italy_sea_arrivals"])
    assert first == second
    for name in ("population.parquet", "italy_sea_arrivals.parquet", "manifest.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_applications_keeps_every_sex_total_cell(raw: Path) -> None:
    source = read_csv_lines(raw / "eurostat_migr_asyappctza" / "migr_asyappctza_tabular.tsv.gz")
    sexes = source.get_column("key").str.split(",").list.get(2)
    assert source.height == 643_776
    assert (sexes == "T").sum() == 160_944  # the other 482,832 lines (sex M, F, UNK) are left out
    assert load("applications").height == 160_944 * 15  # one row per year, `:` cells included


def read_csv_lines(path: Path) -> pl.DataFrame:
    """The first column of a bulk TSV (its key) for each data line."""
    return pl.read_csv(path, separator="\t", quote_char=None, infer_schema=False).select(
        pl.first().alias("key")
    )


def test_italy_left_out_rows_are_counted(raw: Path) -> None:
    source = read_csv(raw / "italy_sea_arrivals_viminale" / "sbarchi-per-giorno.csv.gz")
    placeholders = source.filter(pl.col("Data") > pl.col("Data_Report")).height
    reported = source.filter(pl.col("Data") <= pl.col("Data_Report"))
    superseded = reported.height - reported.get_column("Data").n_unique()
    assert (source.height, placeholders, superseded) == (4_352, 1_095, 1_050)
    assert load("italy_sea_arrivals").height == source.height - placeholders - superseded == 2_207


def test_missing_migrants_keeps_every_incident(raw: Path) -> None:
    source = read_csv(raw / "iom_missing_migrants" / "iom_mmp_incidents_2014_2025.csv.gz")
    table = load("missing_migrants")
    assert table.height == source.height == 19_669
    negative = source.get_column("surv").str.starts_with("-").sum()
    assert negative == 5  # survivors −1/−2 in the source → null
    assert table.get_column("survivors").null_count() == source.get_column("surv").null_count() + negative
    assert table.is_duplicated().sum() == 1_229  # exact copies, kept


def test_gdp_leaves_out_only_imf_regions(raw: Path) -> None:
    source = read_csv(raw / "imf_weo_oct2025_gdp_population" / "imf_weo_oct2025_gdp_pop_selected.csv.gz")
    gdp = source.filter(pl.col("concept").is_in(["NGDP", "NGDPD"]))
    regions = gdp.filter(pl.col("ref_area").str.contains(r"^G[X0-9]"))
    assert regions.height == 652
    economies = gdp.join(regions, on=["ref_area", "year"], how="anti")
    assert load("gdp").height == economies.select("ref_area", "year").n_unique()


def test_countries_leaves_out_five_non_countries(raw: Path) -> None:
    source = read_csv(raw / "country_metadata" / "iom_gdidata_countrynames.csv")
    assert source.height - load("countries").height == 5


def test_decisions_keep_rows_whose_total_differs_from_the_parts() -> None:
    parts = pl.sum_horizontal("recognized", "complementary", "rejected", "otherwise_closed")
    assert load("decisions").filter(pl.col("total") != parts).height == 174
    assert load("decisions").height == 45_641


@pytest.mark.parametrize(
    ("name", "folder", "rows"),
    [
        ("population", "eurostat_demo_gind_population", 1_093),
        ("population_tps00001", "eurostat_tps00001_population", 557),
        ("refusals_of_entry", "eurostat_migr_eirfs", 327),
        ("illegally_present", "eurostat_migr_eipre", 2_535),
        ("applications_totals", "eurostat_migr_asyappctza_totals", 1_080),
        ("temporary_protection", "eurostat_migr_asytpsm", 1_136),
        ("applications_by_nationality", "eurostat_asylum_applicants_by_nationality_2011_2024", 43_896),
        ("frontex_ibc", "frontex_ibc_monthly", 34_273),
        ("unhcr_stocks", "unhcr_population_stocks", 191_857),
        ("wdi", "worldbank_wdi_indicators", 92_435),
    ],
)
def test_one_row_per_source_record(name: str, folder: str, rows: int, raw: Path) -> None:
    (path,) = (p for p in (raw / folder).iterdir() if p.name != "SOURCE.md")
    assert read_csv(path).height == load(name).height == rows


def test_unhcr_eu_unpivots_eight_groups(raw: Path) -> None:
    folder = raw / "unhcr_refugee_data_finder_eu"
    records = sum(read_csv(path).height for path in folder.glob("*.csv"))
    assert load("unhcr_eu").height == records * 8
