"""Schemas of the tidy tables (pandera), checked when a table is built and when it is loaded."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData
from pandera.errors import SchemaErrors

from migralex.data.codes import citizenship_codes, country_codes
from migralex.errors import DataValidationError

APPLICANT_TYPES = ("all", "first_time", "subsequent")
AGES = ("TOTAL", "Y_LT14", "Y14-17", "Y_LT18", "Y18-34", "Y35-64", "Y_GE65", "UNK")
SEXES = ("F", "M", "UNK")
DECISION_STAGES = ("AR", "EO", "FA", "FI", "IN", "JR", "NA", "RA", "SP", "TA")
EIPRE_REASONS = ("total", "illegal_entry", "overstay", "other")
EIPRE_APPREHENSIONS = (
    "total",
    "border_crossing_point",
    "between_bcp_land",
    "between_bcp_sea",
    "external_border_area",
    "inland",
)
FRONTEX_ROUTES = (
    "Black Sea Route",
    "Central Mediterranean Route",
    "Circular Route from Albania to Greece",
    "Eastern Borders Route",
    "Eastern Mediterranean Route",
    "Other",
    "Western African Route",
    "Western Balkan Route",
    "Western Mediterranean Route",
)
UNHCR_POPULATION_TYPES = (
    "refugee",
    "asylum_seeker",
    "refugee_return",
    "idp",
    "idp_return",
    "stateless",
    "host_community",
    "other_of_concern",
)
WDI_INDICATORS = (
    "birth",
    "depend",
    "fdiin",
    "fdiout",
    "gdp",
    "income",
    "inf",
    "nmig",
    "polstb",
    "pop",
    "remin",
    "remout",
    "unem",
)


def _country(**kwargs: Any) -> Any:
    """A `country` column: ISO alpha-2 or a documented non-ISO code."""
    return pa.Field(isin=sorted(country_codes()), **kwargs)


def _citizenship(**kwargs: Any) -> Any:
    """A `citizenship` column: ISO alpha-2 or a documented non-ISO code."""
    return pa.Field(isin=sorted(citizenship_codes()), **kwargs)


def _count(**kwargs: Any) -> Any:
    """A count of persons, decisions or detections: never negative."""
    return pa.Field(ge=0, **kwargs)


def _year() -> Any:
    """A calendar year."""
    return pa.Field(ge=1950, le=2100)


def _flag() -> Any:
    """A Eurostat observation flag (`p`, `e`, `bep`, …), null when none."""
    return pa.Field(nullable=True, str_matches=r"^[a-z]+$")


class _Table(pa.DataFrameModel):
    """Shared configuration: exact columns, in order, with exact dtypes."""

    class Config:
        strict = True
        ordered = True
        coerce = False


class Population(_Table):
    """Population on 1 January (Eurostat demo_gind, tps00001)."""

    country: str = _country()
    is_aggregate: bool
    year: pl.Int16 = _year()
    population: pl.Int64 = _count(nullable=True)
    flag: str = _flag()


class Gdp(_Table):
    """GDP at current prices in national currency, USD and EUR (IMF WEO)."""

    country: str = _country()
    year: pl.Int16 = _year()
    currency: str = pa.Field(str_matches=r"^[A-Z]{3}$")
    gdp_national: pl.Float64 = pa.Field(ge=0, nullable=True)
    gdp_usd: pl.Float64 = pa.Field(ge=0, nullable=True)
    national_per_usd: pl.Float64 = pa.Field(gt=0, nullable=True)
    eur_per_usd: pl.Float64 = pa.Field(gt=0, nullable=True)
    gdp_eur: pl.Float64 = pa.Field(ge=0, nullable=True)
    is_projection: bool


class Applications(_Table):
    """Asylum applicants by citizenship, applicant type and age (Eurostat migr_asyappctza)."""

    country: str = _country()
    is_aggregate: bool
    citizenship: str = _citizenship()
    applicant_type: str = pa.Field(isin=APPLICANT_TYPES)
    age: str = pa.Field(isin=AGES)
    year: pl.Int16 = _year()
    applicants: pl.Int64 = _count(nullable=True)
    flag: str = _flag()


class ApplicationsByNationality(_Table):
    """Asylum applicants by nationality and sex (Eurostat via IOM)."""

    country: str = _country()
    is_aggregate: bool
    citizenship: str = _citizenship()
    sex: str = pa.Field(isin=SEXES)
    year: pl.Int16 = _year()
    applicants: pl.Int64 = _count()


class ApplicationsTotals(_Table):
    """Asylum applicants, all and Ukrainian (Eurostat migr_asyappctza)."""

    country: str = _country()
    citizenship: str = _citizenship()
    year: pl.Int16 = _year()
    applicants: pl.Int64 = _count(nullable=True)
    flag: str = _flag()


class Decisions(_Table):
    """Asylum decisions by origin and country of asylum (UNHCR)."""

    year: pl.Int16 = _year()
    country: str = _country()
    citizenship: str = _citizenship()
    authority: str = pa.Field(isin=("G", "J", "U"))
    stage: str = pa.Field(isin=DECISION_STAGES)
    unit: str = pa.Field(isin=("cases", "persons"))
    recognized: pl.Int64 = _count()
    complementary: pl.Int64 = _count()
    rejected: pl.Int64 = _count()
    otherwise_closed: pl.Int64 = _count()
    total: pl.Int64 = _count()


class RefusalsOfEntry(_Table):
    """Third-country nationals refused entry at the external borders (Eurostat migr_eirfs)."""

    country: str = _country()
    is_aggregate: bool
    year: pl.Int16 = _year()
    refusals: pl.Int64 = _count(nullable=True)
    flag: str = _flag()


class IllegallyPresent(_Table):
    """Third-country nationals found illegally present (Eurostat migr_eipre)."""

    country: str = _country()
    is_aggregate: bool
    year: pl.Int16 = _year()
    reason: str = pa.Field(isin=EIPRE_REASONS)
    apprehension: str = pa.Field(isin=EIPRE_APPREHENSIONS)
    persons: pl.Int64 = _count(nullable=True)
    flag: str = _flag()


class FrontexIbc(_Table):
    """Detections of illegal border crossings by route and nationality (Frontex)."""

    month: pl.Date
    route: str = pa.Field(isin=FRONTEX_ROUTES)
    border_type: str = pa.Field(isin=("land", "sea"))
    citizenship: str = _citizenship()
    detections: pl.Int64 = _count()


class TemporaryProtection(_Table):
    """Beneficiaries of temporary protection at the end of the month (Eurostat migr_asytpsm)."""

    country: str = _country()
    citizenship: str = _citizenship()
    month: pl.Date
    beneficiaries: pl.Int64 = _count(nullable=True)
    flag: str = _flag()


class ItalySeaArrivals(_Table):
    """Daily sea arrivals in Italy (Ministry of the Interior)."""

    date: pl.Date
    arrivals: pl.Int64 = _count()
    report_date: pl.Date


class MissingMigrants(_Table):
    """Incidents of dead and missing migrants (IOM Missing Migrants Project)."""

    date: pl.Date
    incident_type: str
    route: str
    country: str = _country()
    dead_and_missing: pl.Int64 = _count()
    survivors: pl.Int64 = _count(nullable=True)
    cause: str
    citizenships: str
    location: str = pa.Field(nullable=True)
    latitude: pl.Float64 = pa.Field(ge=-90, le=90)
    longitude: pl.Float64 = pa.Field(ge=-180, le=180)

    @pa.check("citizenships", name="known citizenship codes")
    @classmethod
    def _known_codes(cls, data: PolarsData) -> pl.LazyFrame:
        """Every comma-separated code is a known citizenship code."""
        known = pl.element().is_in(sorted(citizenship_codes()))
        codes = pl.col(data.key).str.split(",").list.eval(known).list.all()
        return data.lazyframe.select(codes)


class UnhcrStocks(_Table):
    """Refugees, asylum-seekers and other groups by asylum and origin at end of year (UNHCR)."""

    country: str = _country()
    citizenship: str = _citizenship()
    year: pl.Int16 = _year()
    population_type: str = pa.Field(isin=UNHCR_POPULATION_TYPES)
    persons: pl.Int64 = _count()


class Wdi(_Table):
    """World Bank WDI and UN WPP indicators."""

    country: str = _country()
    year: pl.Int16 = _year()
    indicator: str = pa.Field(isin=WDI_INDICATORS)
    value: pl.Float64


class Countries(_Table):
    """Country reference: codes, names, EU and Schengen membership, capitals."""

    country: str = _country()
    iso3: str = pa.Field(str_matches=r"^[A-Z]{3}$")
    m49: pl.Int16 = pa.Field(nullable=True, ge=0, le=999)
    name: str
    region: str = pa.Field(nullable=True)
    subregion: str = pa.Field(nullable=True)
    eu: bool
    schengen: bool
    capital: str = pa.Field(nullable=True)
    latitude: pl.Float64 = pa.Field(nullable=True, ge=-90, le=90)
    longitude: pl.Float64 = pa.Field(nullable=True, ge=-180, le=180)
    neighbours: str = pa.Field(nullable=True)


class Returns(_Table):
    """Third-country nationals ordered to leave (migr_eiord) and returned after an order (migr_eirtn)."""

    member_state: str = _country()
    is_aggregate: bool
    citizenship: str = _citizenship()
    year: pl.Int16 = _year()
    ordered_to_leave: pl.Int64 = _count(nullable=True)
    returned: pl.Int64 = _count(nullable=True)


#: Table name → schema.
SCHEMAS: dict[str, type[_Table]] = {
    "population": Population,
    "population_tps00001": Population,
    "gdp": Gdp,
    "applications": Applications,
    "applications_by_nationality": ApplicationsByNationality,
    "applications_totals": ApplicationsTotals,
    "decisions": Decisions,
    "refusals_of_entry": RefusalsOfEntry,
    "illegally_present": IllegallyPresent,
    "frontex_ibc": FrontexIbc,
    "temporary_protection": TemporaryProtection,
    "italy_sea_arrivals": ItalySeaArrivals,
    "missing_migrants": MissingMigrants,
    "unhcr_stocks": UnhcrStocks,
    "unhcr_eu": UnhcrStocks,
    "wdi": Wdi,
    "countries": Countries,
    "returns": Returns,
}

#: Table name → columns that identify a row (unique; the rows are written sorted by them).
KEYS: dict[str, tuple[str, ...]] = {
    "population": ("country", "year"),
    "population_tps00001": ("country", "year"),
    "gdp": ("country", "year"),
    "applications": ("country", "citizenship", "applicant_type", "age", "year"),
    "applications_by_nationality": ("country", "citizenship", "sex", "year"),
    "applications_totals": ("country", "citizenship", "year"),
    "decisions": ("year", "country", "citizenship", "authority", "stage", "unit"),
    "refusals_of_entry": ("country", "year"),
    "illegally_present": ("country", "year", "reason", "apprehension"),
    "frontex_ibc": ("month", "route", "border_type", "citizenship"),
    "temporary_protection": ("country", "citizenship", "month"),
    "italy_sea_arrivals": ("date",),
    "missing_migrants": (),
    "unhcr_stocks": ("country", "citizenship", "year", "population_type"),
    "unhcr_eu": ("country", "citizenship", "year", "population_type"),
    "wdi": ("country", "year", "indicator"),
    "countries": ("country",),
    "returns": ("member_state", "citizenship", "year"),
}


def validate(name: str, frame: pl.DataFrame, locate: Callable[[int | None], str]) -> None:
    """Check `frame` against table `name`'s schema; `locate(row)` (None: the table) names the bad row."""
    try:
        SCHEMAS[name].validate(frame, lazy=True)
    except SchemaErrors as exc:
        raise DataValidationError(_describe(frame, exc.failure_cases, locate)) from None


def _describe(frame: pl.DataFrame, failures: Any, locate: Callable[[int | None], str]) -> str:
    """One line naming the first failure: where, which column, which value, which check."""
    cases = pl.DataFrame(failures).sort("index", nulls_last=False)
    case = cases.row(0, named=True)
    index, column = case["index"], case["column"]
    where = locate(None if index is None else int(index))
    known = index is not None and column in frame.columns
    value = f" value {frame.get_column(column)[int(index)]!r}" if known else ""
    more = f" ({cases.height - 1} more failures)" if cases.height > 1 else ""
    check = re.sub(r"isin\(\[.*\]\)", "isin(allowed codes)", str(case["check"]))
    return f"{where}: column {column!r}{value} fails {check}{more}"
