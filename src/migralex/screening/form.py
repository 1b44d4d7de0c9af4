"""The screening form (SR Art. 17): its elements, their validation, and the printable document.

The officer fills in the declared elements; the form derives (c) the reason, (d) the health check,
(e) the vulnerability check and (h) whether a database hit occurred from the screening record.
Point (h) is redacted in the copy given to the person (Art. 17(3), third subparagraph).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

from migralex.countries import normalise_member_state
from migralex.errors import InvalidInput


@dataclass(frozen=True)
class FormField:
    """One element of the form: where Art. 17 asks for it, whether it is mandatory, its type."""

    key: str
    cite: str
    label: str
    mandatory: bool
    kind: str  # text, date, bool, list, mapping


#: Elements the officer fills in (Art. 17(1) mandatory, Art. 17(2) "where available").
FIELDS: dict[str, FormField] = {
    f.key: f
    for f in (
        FormField("name", "SR Art. 17(1)(a)", "Name", True, "text"),
        FormField("date_of_birth", "SR Art. 17(1)(a)", "Date of birth", True, "date"),
        FormField("place_of_birth", "SR Art. 17(1)(a)", "Place of birth", True, "text"),
        FormField("gender", "SR Art. 17(1)(a)", "Gender", True, "text"),
        FormField("nationalities", "SR Art. 17(1)(b)", "Nationalities or statelessness", True, "list"),
        FormField(
            "countries_of_residence",
            "SR Art. 17(1)(b)",
            "Countries of residence before arrival",
            True,
            "list",
        ),
        FormField("languages", "SR Art. 17(1)(b)", "Languages spoken", True, "list"),
        FormField(
            "identity_confirmed",
            "SR Art. 17(3)",
            "(a)-(b) confirmed by the authorities (else declared)",
            True,
            "bool",
        ),
        FormField(
            "applied_for_protection",
            "SR Art. 17(1)(f)",
            "Application for international protection made",
            True,
            "bool",
        ),
        FormField(
            "family_in_member_states",
            "SR Art. 17(1)(g)",
            "Family members in Member States (as stated)",
            True,
            "list",
        ),
        FormField(
            "cooperated",
            "SR Art. 17(1)(i)",
            "Complied with the obligation to cooperate (Art. 9)",
            True,
            "bool",
        ),
        FormField(
            "reason_for_arrival", "SR Art. 17(2)(a)", "Reason for irregular arrival or entry", False, "text"
        ),
        FormField(
            "route", "SR Art. 17(2)(b)", "Routes travelled, transit, intended destination", False, "text"
        ),
        FormField("documents", "SR Art. 17(2)(c)", "Travel or identity documents carried", False, "list"),
        FormField(
            "comments",
            "SR Art. 17(2)(d)",
            "Comments, incl. suspected smuggling or trafficking",
            False,
            "text",
        ),
    )
}

MAX_TEXT = 500
MAX_ITEMS = 20


def _check_value(f: FormField, value: Any, path: str) -> Any:
    if value is None:
        return None
    if f.kind == "bool":
        if not isinstance(value, bool):
            raise InvalidInput(path, f"expected true or false, got {value!r}")
        return value
    if f.kind == "date":
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            raise InvalidInput(path, f"expected a date YYYY-MM-DD, got {str(value)[:40]!r}") from None
        if day > dt.date.today() + dt.timedelta(days=1) or day.year < 1900:
            raise InvalidInput(path, f"date of birth {day} is not plausible")
        return day.isoformat()
    if f.kind == "list":
        if not isinstance(value, list) or len(value) > MAX_ITEMS:
            raise InvalidInput(path, f"expected a list of at most {MAX_ITEMS} strings")
        out = [_text(v, f"{path}[{i}]") for i, v in enumerate(value)]
        if f.key == "family_in_member_states":
            out = [normalise_member_state(v) for v in out]
        return out
    return _text(value, path)


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(path, "expected a non-empty text")
    if len(value) > MAX_TEXT or any(ord(c) < 32 and c not in "\t\n" for c in value):
        raise InvalidInput(path, f"text longer than {MAX_TEXT} characters or with control characters")
    return value.strip()


def validate(entries: Mapping[str, Any], where: str = "form") -> dict[str, Any]:
    """The form entries checked: known elements only, each of its type (None clears an element)."""
    if not isinstance(entries, Mapping):
        raise InvalidInput(where, "expected an object of form elements")
    out: dict[str, Any] = {}
    for key, value in entries.items():
        if key not in FIELDS:
            raise InvalidInput(f"{where}.{key}", f"not an element of the form; elements: {', '.join(FIELDS)}")
        out[key] = _check_value(FIELDS[key], value, f"{where}.{key}")
    return out


def missing(entries: Mapping[str, Any]) -> list[str]:
    """Mandatory elements of Art. 17(1) not filled in, each with its point."""
    return [f"{f.key} ({f.cite})" for f in FIELDS.values() if f.mandatory and entries.get(f.key) is None]


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    return str(value)


def rows(form: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """The form as (article, element, value) rows, in the order of Art. 17."""
    return [(cite, label, _cell(value)) for cite, label, value in form["elements"]]


def markdown(form: Mapping[str, Any]) -> str:
    """The printable form as Markdown."""
    head = f"# Screening form — {form['id']}\n\n{form['header']}\n\n"
    head += "| Article | Element | Entry |\n|---|---|---|\n"
    body = "".join(f"| {a} | {e} | {v.replace('|', '/')} |\n" for a, e, v in rows(form))
    return head + body + f"\n{form['footer']}\n"


def html(form: Mapping[str, Any]) -> str:
    """The printable form as a standalone HTML page (every entry escaped)."""
    trs = "\n".join(
        f"<tr><td>{escape(a)}</td><th scope='row'>{escape(e)}</th><td>{escape(v)}</td></tr>"
        for a, e, v in rows(form)
    )
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>Screening form {escape(form['id'])}</title>"
        "<style>body{font:14px sans-serif;max-width:50em;margin:2em auto}"
        "td,th{border:1px solid #999;padding:.3em;text-align:left;vertical-align:top}"
        "table{border-collapse:collapse}</style></head><body>\n"
        f"<h1>Screening form {escape(form['id'])}</h1>\n<p>{escape(form['header'])}</p>\n"
        f"<table><thead><tr><th>Article</th><th>Element</th><th>Entry</th></tr></thead>\n<tbody>\n{trs}\n"
        f"</tbody></table>\n<p>{escape(form['footer'])}</p>\n</body></html>\n"
    )
