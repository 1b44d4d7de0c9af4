"""Country and citizenship codes of the tidy tables: ISO 3166-1 alpha-2 plus a documented non-ISO list."""

from __future__ import annotations

from functools import cache

from migralex.countries import iso3_to_iso2, iso_table

#: Non-ISO codes allowed in a `country` column (reporting, receiving or asylum state), and meaning.
COUNTRY_CODES_NON_ISO: dict[str, str] = {
    "EU27_2020": "European Union, 27 Member States (from 2020) — aggregate",
    "EU28": "European Union, 28 Member States (2013–2020) — aggregate",
    "EA20": "Euro area, 20 countries (from 2023) — aggregate",
    "EFTA": "European Free Trade Association (CH, IS, LI, NO) — aggregate",
    "WORLD": "all countries of asylum — aggregate (UNHCR)",
    "FX": "Metropolitan France (Eurostat; part of FR)",
    "CHI": "Channel Islands (World Bank; JE + GG)",
    "UNK": "unknown country (UNHCR `OOO`)",
}

#: Non-ISO codes allowed in a `citizenship` column (nationality or origin), and meaning.
CITIZENSHIP_CODES_NON_ISO: dict[str, str] = {
    "TOTAL": "all citizenships — aggregate (Eurostat TOTAL, UNHCR `-`)",
    "EU27_2020": "citizens of the 27 EU Member States — aggregate (Eurostat)",
    "EU28": "citizens of the 28 EU Member States (2013–2020) — aggregate (Eurostat)",
    "EU27_2020_FOR": "EU27 citizens other than nationals of the reporting country — aggregate",
    "EXT_EU27_2020": "non-EU27 citizens — aggregate (Eurostat)",
    "EXT_EU28": "non-EU28 citizens — aggregate (Eurostat)",
    "UK_OCT": "UK overseas countries and territories (Eurostat)",
    "STLS": "stateless (Eurostat STLS, UNHCR XXA, IOM/gdidata STL)",
    "UNK": "unknown citizenship (Eurostat UNK, UNHCR UNK, IOM/gdidata OOO)",
    "RNC": "recognised non-citizens (Eurostat; mainly Latvia and Estonia)",
    "UNK_SSA": "unidentified Sub-Saharan African country (Frontex via IOM/gdidata OOS)",
    "TIB": "Tibetan (UNHCR)",
}

#: Codes that stand for a sum over several countries or citizenships: never add them to their parts.
AGGREGATE_CODES: frozenset[str] = frozenset(
    {"EU27_2020", "EU28", "EA20", "EFTA", "WORLD"} | {"TOTAL", "EU27_2020_FOR", "EXT_EU27_2020", "EXT_EU28"}
)

#: ISO alpha-3 (and publisher-specific alpha-3) codes that are not in the ISO table.
_ISO3_EXTRA: dict[str, str] = {
    "KOS": "XK",  # IMF Kosovo
    "WBG": "PS",  # IMF West Bank and Gaza
    "XKX": "XK",
    "EU27": "EU27_2020",  # IOM/gdidata aggregate
    "STL": "STLS",  # IOM/gdidata stateless
    "XXA": "STLS",  # UNHCR stateless
    "OOO": "UNK",  # IOM/gdidata unknown
    "UNK": "UNK",  # UNHCR unknown
    "OOS": "UNK_SSA",  # IOM/gdidata unidentified Sub-Saharan Africa
    "TIB": "TIB",  # UNHCR Tibetan
    "CHI": "CHI",  # World Bank Channel Islands
    "XCX": "CHI",  # IOM/gdidata Channel Islands
}

#: Eurostat English labels (SDMX-CSV "with labels") that differ from the GeoNames country names.
EUROSTAT_LABELS: dict[str, str] = {
    "Czechia": "CZ",
    "Kosovo*": "XK",
    "Türkiye": "TR",
    "Netherlands": "NL",
    "Metropolitan France": "FX",
    "European Union - 27 countries (from 2020)": "EU27_2020",
    "European Union - 28 countries (2013-2020)": "EU28",
    "Euro area – 20 countries (from 2023)": "EA20",
    "European Free Trade Association": "EFTA",
}


@cache
def country_codes() -> frozenset[str]:
    """Every code allowed in a `country` column."""
    return frozenset(iso_table()) | frozenset(COUNTRY_CODES_NON_ISO)


@cache
def citizenship_codes() -> frozenset[str]:
    """Every code allowed in a `citizenship` column."""
    return frozenset(iso_table()) | frozenset(CITIZENSHIP_CODES_NON_ISO)


@cache
def from_iso3() -> dict[str, str]:
    """Alpha-3 (ISO and the publishers' own codes) → tidy code."""
    return iso3_to_iso2() | _ISO3_EXTRA


@cache
def from_eurostat_label() -> dict[str, str]:
    """Eurostat English geo label → tidy code."""
    return {row["name"]: code for code, row in iso_table().items()} | EUROSTAT_LABELS
