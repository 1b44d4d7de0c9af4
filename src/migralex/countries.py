"""Country codes: ISO 3166-1 alpha-2 everywhere, Eurostat's EL/UK accepted on the way in."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from migralex.errors import InvalidInput

#: The 27 Member States of the European Union (since 1 February 2020), ISO alpha-2.
EU27: tuple[str, ...] = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip

#: States that are not Member States but apply the Dublin rules through an association agreement
#: with the Union (law/participation.yaml): Switzerland, Iceland, Liechtenstein, Norway.
ASSOCIATED_STATES: tuple[str, ...] = ("CH", "IS", "LI", "NO")

#: The States taking part in the determination of responsibility: the 27, then the associated
#: States (appended, so that a Member State's position in `EU27` is its position here too).
DUBLIN_STATES: tuple[str, ...] = EU27 + ASSOCIATED_STATES

#: Eurostat (and some other publishers) write these codes differently from ISO 3166-1.
EUROSTAT_TO_ISO: dict[str, str] = {"EL": "GR", "UK": "GB"}

STATELESS = "stateless"

#: States whose nationals enjoy "the right to free movement under Union law as defined in Article
#: 2, point (5), of Regulation (EU) 2016/399" (AMMR Art. 2(1)): Regulation 2016/399 Art. 2(5)(b)
#: covers nationals of third countries that, under agreements with the Union and its Member States,
#: "enjoy rights of free movement equivalent to those of Union citizens" - the EEA Agreement
#: (Iceland, Liechtenstein, Norway) and the EU-Swiss Agreement on the free movement of persons
#: (OJ L 114, 30.4.2002, p. 6). SECONDARY: the text of Regulation 2016/399 is not shipped; source
#: EUR-Lex, Regulation (EU) 2016/399 Art. 2(5), read 7 December 2026.
FREE_MOVEMENT_STATES: tuple[str, ...] = ("CH", "IS", "LI", "NO")


def not_a_third_country_national(iso: str) -> str | None:
    """Why a national of `iso` is not a "third-country national" (AMMR Art. 2(1)) and so cannot be
    an applicant: an application is "a request for protection from a Member State made by a
    third-country national or a stateless person" (Art. 2(3), (4); Art. 1(c)); None otherwise."""
    if iso in EU27:
        return f"{iso} is a Member State: a Union citizen is not a third-country national (AMMR Art. 2(1))"
    if iso in FREE_MOVEMENT_STATES:
        return (
            f"{iso} nationals enjoy the right to free movement under Union law (Regulation (EU) 2016/399"
            " Art. 2(5)(b): EEA Agreement, EU-Swiss Agreement on the free movement of persons):"
            " not a third-country national (AMMR Art. 2(1)), so not an applicant (Art. 2(3)-(4))"
        )
    return None


@cache
def iso_table() -> dict[str, dict[str, str]]:
    """ISO alpha-2 → {iso3, name, continent, currency}, from the shipped GeoNames extract."""
    raw = resources.files("migralex.reference").joinpath("countries.json").read_text("utf-8")
    return {row["iso2"]: row for row in json.loads(raw)["countries"]}


@cache
def iso3_to_iso2() -> dict[str, str]:
    """ISO alpha-3 → alpha-2."""
    return {row["iso3"]: code for code, row in iso_table().items()}


def normalise(code: str, *, field: str = "country") -> str:
    """Return the ISO alpha-2 code for `code` (EL → GR, UK → GB); unknown codes are an error."""
    if not isinstance(code, str):
        raise InvalidInput(field, f"expected a country code string, got {type(code).__name__}")
    upper = code.strip().upper()
    upper = EUROSTAT_TO_ISO.get(upper, upper)
    if upper not in iso_table():
        raise InvalidInput(field, f"unknown country code {code!r} (ISO 3166-1 alpha-2 expected)")
    return upper


def normalise_member_state(code: str, *, field: str = "member_state") -> str:
    """Return the ISO alpha-2 code of an EU Member State; other countries are an error."""
    iso = normalise(code, field=field)
    if iso not in EU27:
        raise InvalidInput(field, f"{code!r} is not an EU Member State (one of {', '.join(EU27)})")
    return iso


def normalise_dublin_state(code: str, *, field: str = "member_state") -> str:
    """Return the ISO alpha-2 code of a State applying the Dublin rules (the 27 and CH, IS, LI, NO)."""
    iso = normalise(code, field=field)
    if iso not in DUBLIN_STATES:
        raise InvalidInput(
            field,
            f"{code!r} is neither an EU Member State nor a State associated with the Dublin rules"
            f" (one of {', '.join(DUBLIN_STATES)})",
        )
    return iso


def name(code: str) -> str:
    """English short name of a country."""
    return iso_table()[normalise(code)]["name"]
