"""The PLEDGES.json format: the pledges of a Council act establishing the pool (AMMR Art. 57), validated.

```json
{
  "cycle_year": 2025,
  "reference_relocations": 30000,
  "proposal_relocations": 30000,
  "reconvened_forum": false,
  "benefitting": ["IT"],
  "pledges": {"DE": {"relocations": 3000, "financial_eur": 70000000, "alternative_eur": 0,
                     "implemented_relocations": 2500}},
  "deductions": {"PL": {"fraction": 1, "article": "61"}}
}
```
Every field except `pledges` is optional. Errors name the JSON path of the bad field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from migralex.countries import normalise_member_state
from migralex.cycle.apportionment import exact
from migralex.errors import InvalidInput
from migralex.jsonfile import read_json

_TOP = {
    "cycle_year", "reference_relocations", "proposal_relocations", "reconvened_forum", "benefitting",
    "pledges", "deductions", "note",
}  # fmt: skip
_PLEDGE = {"relocations", "financial_eur", "alternative_eur", "implemented_relocations"}
_DEDUCTION = {"fraction", "article"}
DEDUCTION_ARTICLES = ("61", "62")
_NUMBERS = ("cycle_year", "reference_relocations", "proposal_relocations")


@dataclass(frozen=True)
class Pledge:
    """One Member State's pledge in the Council act (Art. 57(1)) and what it implemented (Art. 63(5))."""

    relocations: int = 0
    financial_eur: int = 0
    alternative_eur: int = 0
    implemented_relocations: int | None = None


@dataclass(frozen=True)
class Deduction:
    """A deduction granted by Council act (Art. 61(4), 62(5)): the share of the pledge removed."""

    fraction: Fraction
    article: str


@dataclass(frozen=True)
class Pledges:
    """The pledging exercise of one pool, as read from PLEDGES.json."""

    pledges: Mapping[str, Pledge]
    cycle_year: int | None = None
    reference_relocations: int | None = None
    proposal_relocations: int | None = None
    reconvened_forum: bool = False
    benefitting: tuple[str, ...] = ()
    deductions: Mapping[str, Deduction] = field(default_factory=dict)


def _count(value: Any, path: str) -> int:
    """A non-negative whole number (JSON integer, or a float with no fraction)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInput(path, f"expected a non-negative whole number, got {value!r}")
    if isinstance(value, float) and not value.is_integer():
        raise InvalidInput(path, f"expected a whole number, got {value!r}")
    if value < 0:
        raise InvalidInput(path, f"must not be negative, got {value!r}")
    return int(value)


def _mapping(value: Any, path: str, allowed: set[str]) -> Mapping[str, Any]:
    """A JSON object with only the `allowed` keys."""
    if not isinstance(value, Mapping):
        raise InvalidInput(path, f"expected an object, got {type(value).__name__}")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise InvalidInput(f"{path}.{unknown[0]}", f"unknown field; allowed: {', '.join(sorted(allowed))}")
    return value


def _member_states(value: Any, path: str) -> dict[str, Any]:
    """An object keyed by Member State codes (EL accepted for GR), each key once."""
    if not isinstance(value, Mapping):
        raise InvalidInput(path, f"expected an object keyed by Member State, got {type(value).__name__}")
    out: dict[str, Any] = {}
    for code, body in value.items():
        ms = normalise_member_state(code, field=f"{path}.{code}")
        if ms in out:
            raise InvalidInput(f"{path}.{code}", f"{ms} is given twice")
        out[ms] = body
    return out


def parse_pledges(raw: Any) -> Pledges:
    """Validate a decoded PLEDGES.json document (AMMR Arts 57(1), 61(4), 62(5), 63(5))."""
    top = _mapping(raw, "$", _TOP)
    if "pledges" not in top:
        raise InvalidInput("$.pledges", "required: an object of Member State → pledge")
    pledges = {
        ms: _pledge(body, f"$.pledges.{ms}")
        for ms, body in _member_states(top["pledges"], "$.pledges").items()
    }
    deductions: dict[str, Deduction] = {}
    for ms, body in _member_states(top.get("deductions", {}), "$.deductions").items():
        path = f"$.deductions.{ms}"
        deduction = _deduction(body, path)
        if ms not in pledges:
            raise InvalidInput(path, f"{ms} has no pledge to deduct from")
        deductions[ms] = deduction
    bms = _benefitting(top.get("benefitting", []))
    forum = top.get("reconvened_forum", False)
    if not isinstance(forum, bool):
        raise InvalidInput("$.reconvened_forum", f"expected true or false, got {forum!r}")
    numbers = {name: _positive(top.get(name), f"$.{name}") for name in _NUMBERS}
    return Pledges(
        pledges=pledges,
        cycle_year=numbers["cycle_year"],
        reference_relocations=numbers["reference_relocations"],
        proposal_relocations=numbers["proposal_relocations"],
        reconvened_forum=forum,
        benefitting=tuple(sorted(bms)),
        deductions=deductions,
    )


def _pledge(body: Any, path: str) -> Pledge:
    """One Member State's pledge (Art. 57(1)) and the relocations it implemented (Art. 63(5))."""
    p = _mapping(body, path, _PLEDGE)
    implemented = p.get("implemented_relocations")
    pledge = Pledge(
        relocations=_count(p.get("relocations", 0), f"{path}.relocations"),
        financial_eur=_count(p.get("financial_eur", 0), f"{path}.financial_eur"),
        alternative_eur=_count(p.get("alternative_eur", 0), f"{path}.alternative_eur"),
        implemented_relocations=None
        if implemented is None
        else _count(implemented, f"{path}.implemented_relocations"),
    )
    if pledge.implemented_relocations is not None and pledge.implemented_relocations > pledge.relocations:
        raise InvalidInput(f"{path}.implemented_relocations", "more than the pledged relocations")
    return pledge


def _deduction(body: Any, path: str) -> Deduction:
    """A deduction granted by Council act under Art. 61(4) or 62(5): the share removed, in (0, 1]."""
    d = _mapping(body, path, _DEDUCTION)
    if "fraction" not in d:
        raise InvalidInput(f"{path}.fraction", "required: the share of the pledge deducted (1 = full)")
    fraction = d["fraction"]
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not 0 < fraction <= 1:
        raise InvalidInput(f"{path}.fraction", f"expected a number in (0, 1], got {fraction!r}")
    article = str(d.get("article", "61"))
    if article not in DEDUCTION_ARTICLES:
        raise InvalidInput(f"{path}.article", f"a deduction is granted under Art. 61 or 62, not {article!r}")
    return Deduction(exact(fraction), article)


def _benefitting(value: Any) -> list[str]:
    """The benefitting Member States (Art. 57(1)), each listed once."""
    if not isinstance(value, list):
        raise InvalidInput("$.benefitting", "expected a list of Member State codes")
    bms = [normalise_member_state(c, field=f"$.benefitting[{i}]") for i, c in enumerate(value)]
    if len(set(bms)) != len(bms):
        raise InvalidInput("$.benefitting", "a Member State is listed twice")
    return bms


def _positive(value: Any, path: str) -> int | None:
    """An optional positive whole number: the cycle year, or relocations of the pool (AMMR Art. 12(2))."""
    number = None if value is None else _count(value, path)
    if number == 0:
        raise InvalidInput(path, "must be positive")
    return number


def read_pledges(path: Path | str) -> Pledges:
    """Read and validate a PLEDGES.json file; errors name the file and the JSON path."""
    p = Path(path)
    raw = read_json(p)
    try:
        return parse_pledges(raw)
    except InvalidInput as exc:
        raise InvalidInput(f"{p}: {exc.path}", exc.reason) from None
