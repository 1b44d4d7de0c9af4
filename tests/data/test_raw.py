"""The raw copies in data/raw: complete, without .rda files, documented, equal to the originals."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from tests.data.conftest import ROOT

FOLDERS = (
    "country_metadata",
    "eurostat_asylum_applicants_by_nationality_2011_2024",
    "eurostat_demo_gind_population",
    "eurostat_migr_asyappctza",
    "eurostat_migr_asyappctza_totals",
    "eurostat_migr_asytpsm",
    "eurostat_migr_eipre",
    "eurostat_migr_eirfs",
    "eurostat_tps00001_population",
    "frontex_ibc_monthly",
    "imf_weo_oct2025_gdp_population",
    "iom_dtm_europe_arrivals",
    "iom_missing_migrants",
    "italy_sea_arrivals_viminale",
    "unhcr_asylum_decisions",
    "unhcr_population_stocks",
    "unhcr_refugee_data_finder_eu",
    "worldbank_wdi_indicators",
    "eu_visa_annex_ii",
    "union_resettlement_plan_2026_2027",
    "eurostat_migr_eiord_eirtn",
)
#: Folders the project fetched from public material itself (not copies of ../shared/data).
FETCHED_BY_THE_PROJECT = (
    "iom_dtm_europe_arrivals",
    "eu_visa_annex_ii",
    "union_resettlement_plan_2026_2027",
    "eurostat_migr_eiord_eirtn",
)


def test_every_needed_folder_and_nothing_else(raw: Path) -> None:
    assert sorted(p.name for p in raw.iterdir()) == sorted(FOLDERS)
    assert not list(raw.rglob("*.rda"))


@pytest.mark.parametrize("folder", FOLDERS)
def test_source_notes_say_what_the_repository_changed(folder: str, raw: Path) -> None:
    text = (raw / folder / "SOURCE.md").read_text("utf-8")
    assert "## In the migralex repository" in text
    assert ".rda" in text


def test_the_package_never_reads_the_shared_folder() -> None:
    for path in (ROOT / "src" / "migralex" / "data").rglob("*.py"):
        assert "/work/shared" not in path.read_text("utf-8"), path


@pytest.mark.shared
@pytest.mark.parametrize("folder", [f for f in FOLDERS if f not in FETCHED_BY_THE_PROJECT])
def test_raw_copies_equal_the_originals(folder: str, raw: Path, shared: Path) -> None:
    originals = {p.name: p for p in (shared / folder).iterdir() if p.suffix != ".rda"}
    copies = {p.name: p for p in (raw / folder).iterdir()}
    for name, original in originals.items():
        if name == "SOURCE.md":
            assert copies[name].read_text("utf-8").startswith(original.read_text("utf-8").rstrip("\n"))
        elif name in copies:
            assert copies[name].read_bytes() == original.read_bytes(), name
        else:
            assert gzip.decompress(copies[f"{name}.gz"].read_bytes()) == original.read_bytes(), name
    assert len(copies) == len(originals)
