"""Values checked by hand against the raw files (the raw line is given for each)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from migralex.data import load


def one(name: str, **where: Any) -> dict[str, Any]:
    """The single row of table `name` whose columns equal `where`."""
    frame = load(name).filter(**where)
    assert frame.height == 1, (name, where, frame)
    return frame.row(0, named=True)


def test_applications_cells_of_the_bulk_tsv() -> None:
    # line 567775: A,TOTAL,T,PER,TOTAL,NASY_APP,EU27_2020  ... 2022 = "881575 "
    row = one(
        "applications",
        country="EU27_2020",
        citizenship="TOTAL",
        applicant_type="first_time",
        age="TOTAL",
        year=2022,
    )
    assert row["applicants"] == 881_575 and row["flag"] is None and row["is_aggregate"]
    # the same line, 2008 = ": " → null
    keys = {"country": "EU27_2020", "citizenship": "TOTAL", "applicant_type": "first_time"}
    assert one("applications", **keys, age="TOTAL", year=2008)["applicants"] is None
    # line 567755: A,TOTAL,T,PER,TOTAL,ASY_APP,NL  ... 2012 = "13095 p"
    row = one("applications", country="NL", citizenship="TOTAL", applicant_type="all", age="TOTAL", year=2012)
    assert (row["applicants"], row["flag"]) == (13_095, "p")
    # line 568452: A,TOTAL,T,PER,Y_LT18,NASY_APP,EL  ... 2016 = "19635 " (EL → GR)
    row = one(
        "applications",
        country="GR",
        citizenship="TOTAL",
        applicant_type="first_time",
        age="Y_LT18",
        year=2016,
    )
    assert row["applicants"] == 19_635
    # line 567763: A,TOTAL,T,PER,TOTAL,ASY_APP,UK  ... 2019 = "46130 ", 2020 = ": " (UK → GB)
    uk = {"country": "GB", "citizenship": "TOTAL", "applicant_type": "all", "age": "TOTAL"}
    assert one("applications", **uk, year=2019)["applicants"] == 46_130
    assert one("applications", **uk, year=2020)["applicants"] is None
    # line 536696: A,SY,T,PER,TOTAL,ASY_APP,DE  ... 2015 = "162495 "
    row = one("applications", country="DE", citizenship="SY", applicant_type="all", age="TOTAL", year=2015)
    assert row["applicants"] == 162_495


def test_no_greek_or_british_eurostat_codes_anywhere() -> None:
    frame = load("applications")
    for column in ("country", "citizenship"):
        codes = frame.get_column(column).unique()
        assert not codes.is_in(["EL", "UK"]).any()
        assert codes.is_in(["GR", "GB"]).sum() == 2


def test_population_labels_values_and_flags() -> None:
    # demo_gind line 274: Germany,2023,83118501,b ; line 275: Germany,2024,83456045,(no flag)
    assert one("population", country="DE", year=2023) == {
        "country": "DE",
        "is_aggregate": False,
        "year": 2023,
        "population": 83_118_501,
        "flag": "b",
    }
    assert one("population", country="DE", year=2024)["flag"] is None
    # tps00001 line 145: Germany,2024,83445000,ep
    row = one("population_tps00001", country="DE", year=2024)
    assert (row["population"], row["flag"]) == (83_445_000, "ep")
    assert set(load("population").filter("is_aggregate").get_column("country")) == {
        "EU27_2020",
        "EA20",
        "EFTA",
    }
    assert one("population", country="XK", year=2022)["population"] == 1_773_971  # line 1094: "Kosovo*"
    assert one("population", country="TR", year=2024)["population"] > 80_000_000  # "Türkiye"


def test_refusals_and_illegally_present() -> None:
    # migr_eirfs line 107: Spain,2019,493455 ; line 121: EU27 2023,123260,e
    assert one("refusals_of_entry", country="ES", year=2019)["refusals"] == 493_455
    row = one("refusals_of_entry", country="EU27_2020", year=2023)
    assert (row["refusals"], row["flag"], row["is_aggregate"]) == (123_260, "e", True)
    # migr_eipre line 124: Illegal entry, Between BCPs - at sea, Greece, 2022, 13105
    row = one(
        "illegally_present", country="GR", year=2022, reason="illegal_entry", apprehension="between_bcp_sea"
    )
    assert row["persons"] == 13_105
    # line 2306: Total, Total, Greece, 2022, 49060
    assert (
        one("illegally_present", country="GR", year=2022, reason="total", apprehension="total")["persons"]
        == 49_060
    )


def test_applications_totals_and_by_nationality() -> None:
    # asylum_applicants_total.csv line 2: TOTAL … AT … 2008 … 12750
    assert one("applications_totals", country="AT", citizenship="TOTAL", year=2008)["applicants"] == 12_750
    # asylum_applicants_geo_nat_sex line 11168: DEU,2022,SYR,female,19355
    assert (
        one("applications_by_nationality", country="DE", citizenship="SY", sex="F", year=2022)["applicants"]
        == 19_355
    )
    eu27 = load("applications_by_nationality").filter(country="EU27_2020", year=2024)
    assert eu27.get_column("applicants").sum() == 997_785  # SOURCE.md: Eurostat's headline ≈ 997,000


def test_temporary_protection_months_and_empty_values() -> None:
    # line 2: … UA … AT,Austria,2022-07,,73785
    row = one("temporary_protection", country="AT", month=dt.date(2022, 7, 1))
    assert (row["citizenship"], row["beneficiaries"], row["flag"]) == ("UA", 73_785, None)
    # line 220: DE 2022-03, empty OBS_VALUE with flag d → null
    row = one("temporary_protection", country="DE", month=dt.date(2022, 3, 1))
    assert (row["beneficiaries"], row["flag"]) == (None, "d")
    # line 95: BG 2024-02, break in series
    assert one("temporary_protection", country="BG", month=dt.date(2024, 2, 1))["flag"] == "b"


def test_decisions_row() -> None:
    # line 2: 2015,Afghanistan,AFG,Australia,AUS,G,AR,C,145,0,36,0,181
    row = one("decisions", year=2015, country="AU", citizenship="AF", authority="G", stage="AR")
    assert row == {
        "year": 2015,
        "country": "AU",
        "citizenship": "AF",
        "authority": "G",
        "stage": "AR",
        "unit": "cases",
        "recognized": 145,
        "complementary": 0,
        "rejected": 36,
        "otherwise_closed": 0,
        "total": 181,
    }


def test_frontex_and_its_published_annual_totals() -> None:
    # line 3: 2009-01,Central Mediterranean Route,Sea,BGD,41
    row = one("frontex_ibc", month=dt.date(2009, 1, 1), route="Central Mediterranean Route", citizenship="BD")
    assert (row["border_type"], row["detections"]) == ("sea", 41)
    totals = (
        load("frontex_ibc").group_by(pl.col("month").dt.year().alias("year")).agg(pl.col("detections").sum())
    )
    by_year = dict(totals.iter_rows())
    assert (by_year[2023], by_year[2024]) == (381_319, 240_021)  # Frontex press releases


def test_italy_days_come_from_the_latest_report() -> None:
    # line 2: 2019-09-01,121,…,2019-09-30
    assert one("italy_sea_arrivals", date=dt.date(2019, 9, 1))["arrivals"] == 121
    # line 3372 (report 2024-05-15): 2024-05-27 = "0[VALORE]0" (placeholder); line 3401 (2024-05-31): 259
    row = one("italy_sea_arrivals", date=dt.date(2024, 5, 27))
    assert (row["arrivals"], row["report_date"]) == (259, dt.date(2024, 5, 31))
    yearly = load("italy_sea_arrivals").group_by(pl.col("date").dt.year()).agg(pl.col("arrivals").sum())
    assert dict(yearly.iter_rows())[2023] == 155_515  # SOURCE.md: 2023 ≈ 155.5k


def test_missing_migrants_mediterranean_totals() -> None:
    frame = load("missing_migrants").filter(pl.col("route").str.contains("Mediterranean"))
    yearly = dict(frame.group_by(pl.col("date").dt.year()).agg(pl.col("dead_and_missing").sum()).iter_rows())
    assert (yearly[2023], yearly[2024]) == (3_198, 2_579)  # SOURCE.md


def test_gdp_in_euro() -> None:
    # IMF raw: DEU NGDP 2024 = 4328.97, NGDPD 2024 = 4684.182; POL NGDP 3641.208, NGDPD 914.553
    de = one("gdp", country="DE", year=2024)
    assert (de["currency"], de["gdp_national"], de["gdp_usd"]) == ("EUR", 4328.97, 4684.182)
    assert de["gdp_eur"] == de["gdp_national"] and not de["is_projection"]
    assert de["eur_per_usd"] == pytest.approx(4328.97 / 4684.182, rel=1e-4)
    pl_ = one("gdp", country="PL", year=2024)
    assert pl_["currency"] == "PLN"
    assert pl_["national_per_usd"] == pytest.approx(3641.208 / 914.553)
    assert pl_["gdp_eur"] == pytest.approx(914.553 * de["eur_per_usd"])
    assert one("gdp", country="DE", year=2025)["is_projection"]
    assert one("gdp", country="BG", year=2024)["currency"] == "BGN"
    assert one("gdp", country="PL", year=1998)["gdp_eur"] is None
    assert one("gdp", country="XK", year=2024)["currency"] == "EUR"  # IMF KOS


def test_euro_area_members_share_the_eur_rate() -> None:
    frame = load("gdp").filter(pl.col("currency") == "EUR", pl.col("year").is_between(2015, 2028))
    gap = (frame.get_column("national_per_usd") / frame.get_column("eur_per_usd") - 1).abs()
    assert (gap < 0.005).all()


def test_unhcr_wdi_and_countries() -> None:
    # unhcr stocks line 2: ABW,2011,COL,asylum,5
    assert (
        one("unhcr_stocks", country="AW", citizenship="CO", year=2011, population_type="asylum_seeker")[
            "persons"
        ]
        == 5
    )
    # refugees_in_EU_plus_UK line 2: 2008,Austria,-,AUT,-,37546,299,36687,…
    assert (
        one("unhcr_eu", country="AT", citizenship="TOTAL", year=2008, population_type="refugee")["persons"]
        == 37_546
    )
    # ukraine_refugees_total line 2: 2008,-,Ukraine,-,UKR,28416,0,1900,…
    assert (
        one("unhcr_eu", country="WORLD", citizenship="UA", year=2008, population_type="asylum_seeker")[
            "persons"
        ]
        == 1_900
    )
    # wdi line 2: ABW,birth,1990,18.662
    assert one("wdi", country="AW", year=1990, indicator="birth")["value"] == 18.662
    greece = one("countries", country="GR")
    assert (greece["iso3"], greece["m49"], greece["capital"], greece["eu"]) == ("GRC", 300, "Athens", True)
    assert "PL" in one("countries", country="DE")["neighbours"].split(",")
