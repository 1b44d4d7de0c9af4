"""Alphanumeric identity data: validation per category, transliteration, phonetic keys, similarity.

The identity document of a dataset holds only the elements its article allows (Arts 17(1),
19(1), 21(1), 22(2), 23(2), 24(2), 26(2)). Names are kept as written and compared after
transliteration to ASCII (anyascii), as consonant skeletons (Arabic script has no written vowels:
`محمد` → `mhmd`) and as Metaphone keys (jellyfish), scored with Jaro–Winkler (rapidfuzz).
Demographic agreement is *secondary evidence* attached to a biometric candidate for the expert
who verifies it (Art. 38(4)); it never creates or confirms a hit by itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import jellyfish
from anyascii import anyascii
from rapidfuzz.distance import JaroWinkler

from migralex.countries import normalise
from migralex.errors import InvalidInput
from migralex.law.dates import parse_date
from migralex.registry.categories import CategoryRule

NAME_FIELDS = ("surnames", "forenames", "names_at_birth", "previous_names", "aliases")
SEXES = ("F", "M", "X", "U")
SECURITY_GROUNDS = ("armed", "violent", "terrorist_offence", "serious_criminal_offence")
MAX_TEXT = 200
MAX_ITEMS = 20
_TEXT = re.compile(r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")
_REFERENCE = re.compile(r"^[A-Z]{2}[0-9][A-Za-z0-9/_.-]{1,60}$")
_NON_ALPHA = re.compile(r"[^a-z ]+")
_VOWELS = re.compile(r"[aeiouy]")
_REPEATS = re.compile(r"(.)\1+")


def _text(value: Any, path: str, *, max_len: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise InvalidInput(path, f"expected a string, got {type(value).__name__}")
    value = value.strip()
    if not value or len(value) > max_len or not _TEXT.match(value):
        raise InvalidInput(path, f"expected 1 to {max_len} printable characters")
    return value


def _texts(value: Any, path: str) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise InvalidInput(path, f"expected a list of at most {MAX_ITEMS} strings")
    return [_text(v, f"{path}[{i}]") for i, v in enumerate(value)]


def _nationality(value: Any, path: str) -> str:
    if value in ("stateless", "unknown"):
        return str(value)
    return normalise(value, field=path)


def validate_identity(rule: CategoryRule, raw: Mapping[str, Any], *, member_state: str) -> dict[str, Any]:
    """The identity document of a dataset: only the category's elements, each checked (path in errors)."""
    if not isinstance(raw, Mapping):
        raise InvalidInput("identity", "expected an object")
    _only_elements_of(rule, raw)
    out: dict[str, Any] = {}
    for elements in (_names, _nationalities, _birth_and_texts, _sex_and_document, _decisions):
        out.update(elements(raw))
    out.update(_return_alert_elements(raw))
    missing = sorted(k for k in rule.required if out.get(k) is None)
    if missing:
        raise InvalidInput(f"identity.{missing[0]}", f"required ({rule.data.cite()})")
    ref = raw.get("reference_number")
    if rule.recorded and rule.reference_digit is not None:
        out["reference_number"] = reference_number(ref, rule, member_state)
    return out


def _only_elements_of(rule: CategoryRule, raw: Mapping[str, Any]) -> None:
    """No data element beyond those the category's article lists (data minimisation)."""
    for key in raw:
        if key not in rule.elements:
            raise InvalidInput(
                f"identity.{key}",
                f"not a data element of category {rule.key} ({rule.data.cite()}: only "
                f"{', '.join(sorted(rule.elements))} may be recorded)",
            )


def _names(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Surnames, forenames and names at birth, each a list of strings."""
    if "names" not in raw:
        return {}
    names = raw["names"]
    if not isinstance(names, Mapping) or set(names) - set(NAME_FIELDS):
        raise InvalidInput("identity.names", f"expected an object with {', '.join(NAME_FIELDS)}")
    return {"names": {k: _texts(names[k], f"identity.names.{k}") for k in NAME_FIELDS if k in names}}


def _nationalities(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Nationalities: country codes, or stateless / unknown."""
    if "nationalities" not in raw:
        return {}
    nats = raw["nationalities"]
    if not isinstance(nats, list) or len(nats) > MAX_ITEMS:
        raise InvalidInput("identity.nationalities", "expected a list of country codes")
    return {"nationalities": [_nationality(n, f"identity.nationalities[{i}]") for i, n in enumerate(nats)]}


def _birth_and_texts(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The date of birth and the free-text elements (place of birth, place of the event, ...)."""
    out: dict[str, Any] = {}
    if raw.get("date_of_birth") is not None:
        out["date_of_birth"] = parse_date(raw["date_of_birth"], field="identity.date_of_birth").isoformat()
    for key in ("place_of_birth", "event_place", "document_scan", "operator_user_id", "refusal_grounds"):
        if raw.get(key) is not None:
            out[key] = _text(raw[key], f"identity.{key}")
    return out


def _sex_and_document(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Sex (one of the listed values) and the travel document."""
    out: dict[str, Any] = {}
    if raw.get("sex") is not None:
        if raw["sex"] not in SEXES:
            raise InvalidInput("identity.sex", f"one of {', '.join(SEXES)}")
        out["sex"] = raw["sex"]
    if raw.get("travel_document") is not None:
        out["travel_document"] = _travel_document(raw["travel_document"])
    return out


def _decisions(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The dates of decisions and of protection granted, and the temporary-protection elements."""
    out: dict[str, Any] = {}
    for key in ("decision_date", "protection_granted_date"):
        if raw.get(key) is not None:
            out[key] = parse_date(raw[key], field=f"identity.{key}").isoformat()
    out.update(_flags(raw, ("tp_exclusion_ground",)))
    if raw.get("tp_decision") is not None:
        out["tp_decision"] = _text(raw["tp_decision"], "identity.tp_decision", max_len=32)
    return out


def _flags(raw: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, bool]:
    """Elements that are true or false."""
    out: dict[str, bool] = {}
    for key in keys:
        if raw.get(key) is not None:
            if not isinstance(raw[key], bool):
                raise InvalidInput(f"identity.{key}", "expected true or false")
            out[key] = raw[key]
    return out


#: The type of return a return decision orders (SIS Return Reg. Art. 4(1); Return Directive Arts 7, 8).
RETURN_TYPES = ("voluntary_departure", "removal")


def _return_alert_elements(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The data of an alert on return (SIS Return Reg. Art. 4(1)): decision, departure, flags."""
    out: dict[str, Any] = {}
    for key in ("return_decision_date", "voluntary_departure_end"):
        if raw.get(key) is not None:
            out[key] = parse_date(raw[key], field=f"identity.{key}").isoformat()
    for key in ("return_decision_reference", "issuing_authority"):
        if raw.get(key) is not None:
            out[key] = _text(raw[key], f"identity.{key}", max_len=64)
    out.update(_flags(raw, ("entry_ban", "decision_suspended", "public_security_threat")))
    if raw.get("return_type") is not None:
        if raw["return_type"] not in RETURN_TYPES:
            raise InvalidInput("identity.return_type", f"one of {', '.join(RETURN_TYPES)}")
        out["return_type"] = raw["return_type"]
    start, end = out.get("return_decision_date"), out.get("voluntary_departure_end")
    if start and end and end < start:
        raise InvalidInput("identity.voluntary_departure_end", "before the return decision's date")
    return out


def reference_number(value: Any, rule: CategoryRule, member_state: str) -> str:
    """Art. 37(3)–(4): the Member State's letters, then the category digit, then its own number."""
    if rule.reference_digit is None or rule.reference_ref is None:
        raise InvalidInput(
            "identity.reference_number", f"category {rule.key} has no Eurodac reference number"
        )
    ref = _text(value, "identity.reference_number", max_len=64) if value is not None else None
    if ref is None:
        raise InvalidInput("identity.reference_number", f"required ({rule.reference_ref.cite()})")
    expected = member_state + rule.reference_digit
    if not _REFERENCE.match(ref) or not ref.startswith(expected):
        raise InvalidInput(
            "identity.reference_number",
            f"must begin with {expected!r}: the Member State's letters and the digit of category "
            f"{rule.key} ({rule.reference_ref.cite()})",
        )
    return ref


def _travel_document(raw: Any) -> dict[str, str]:
    if not isinstance(raw, Mapping) or set(raw) - {"type", "number", "issuing_country", "expiry_date"}:
        raise InvalidInput(
            "identity.travel_document", "expected {type, number, issuing_country, expiry_date}"
        )
    out = {
        k: _text(raw[k], f"identity.travel_document.{k}", max_len=64) for k in ("type", "number") if k in raw
    }
    if "issuing_country" in raw:
        code = _text(raw["issuing_country"], "identity.travel_document.issuing_country", max_len=3)
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise InvalidInput(
                "identity.travel_document.issuing_country", "the three-letter code (Art. 17(1)(i))"
            )
        out["issuing_country"] = code
    if "expiry_date" in raw:
        out["expiry_date"] = parse_date(
            raw["expiry_date"], field="identity.travel_document.expiry_date"
        ).isoformat()
    return out


# --- comparison ------------------------------------------------------------------------------


def transliterate(name: str) -> str:
    """Lower-case ASCII letters and spaces (anyascii; apostrophes, ayn and digits dropped)."""
    return " ".join(_NON_ALPHA.sub(" ", anyascii(name).lower()).split())


def skeleton(name: str) -> str:
    """Consonant skeleton of a transliterated name (`mohammed` → `mhmd`)."""
    return " ".join(_REPEATS.sub(r"\1", _VOWELS.sub("", t)) or t for t in transliterate(name).split())


def full_names(identity: Mapping[str, Any]) -> list[str]:
    """Every name variant of an identity: forenames + surnames, names at birth, previous names, aliases."""
    names = identity.get("names") or {}
    main = " ".join([*names.get("forenames", []), *names.get("surnames", [])])
    variants = [main] if main.strip() else []
    for key in ("names_at_birth", "previous_names", "aliases"):
        variants += names.get(key, [])
    return variants


def phonetic_key(identity: Mapping[str, Any]) -> str | None:
    """Sorted Metaphone keys of the surname tokens (a blocking key for alphanumeric searches)."""
    surnames = (identity.get("names") or {}).get("surnames", [])
    tokens = sorted({jellyfish.metaphone(t) for s in surnames for t in transliterate(s).split()} - {""})
    return " ".join(tokens) or None


def name_similarity(a: Mapping[str, Any], b: Mapping[str, Any]) -> float | None:
    """Best Jaro–Winkler similarity between any name variants (transliterated or skeletons), 0–1."""
    va, vb = full_names(a), full_names(b)
    if not va or not vb:
        return None
    best = 0.0
    for x in va:
        tx, sx = " ".join(sorted(transliterate(x).split())), " ".join(sorted(skeleton(x).split()))
        for y in vb:
            ty, sy = " ".join(sorted(transliterate(y).split())), " ".join(sorted(skeleton(y).split()))
            best = max(best, JaroWinkler.similarity(tx, ty), JaroWinkler.similarity(sx, sy))
    return best


def demographic_score(a: Mapping[str, Any], b: Mapping[str, Any]) -> float | None:
    """Agreement of names, date of birth and sex (0–1; None when nothing can be compared)."""
    parts: list[float] = []
    sim = name_similarity(a, b)
    if sim is not None:
        parts.append(sim)
    da, db = a.get("date_of_birth"), b.get("date_of_birth")
    if da and db:
        gap = abs((dt.date.fromisoformat(da) - dt.date.fromisoformat(db)).days)
        parts.append(1.0 if gap == 0 else 0.7 if gap <= 366 else 0.0)
    if a.get("sex") in ("F", "M") and b.get("sex") in ("F", "M"):
        parts.append(1.0 if a["sex"] == b["sex"] else 0.0)
    return round(sum(parts) / len(parts), 4) if parts else None
