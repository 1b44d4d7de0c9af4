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
    """Validate a decoded PLEDGES.json document."""
    top = _mapping(raw, "$", _TOP)
    if "pledges" not in top:
        raise InvalidInput("$.pledges", "required: an object of Member State → pledge")
    pledges: dict[str, Pledge] = {}
    for ms, body in _member_states(top["pledges"], "$.pledges").items():
        path = f"$.pledges.{ms}"
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
        pledges[ms] = pledge
    deductions: dict[str, Deduction] = {}
    for ms, body in _member_states(top.get("deductions", {}), "$.deductions").items():
        path = f"$.deductions.{ms}"
        d = _mapping(body, path, _DEDUCTION)
        if "fraction" not in d:
            raise InvalidInput(f"{path}.fraction", "required: the share of the pledge deducted (1 = full)")
        fraction = d["fraction"]
        if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not 0 < fraction <= 1:
            raise InvalidInput(f"{path}.fraction", f"expected a number in (0, 1], got {fraction!r}")
        article = str(d.get("article", "61"))
        if article not in DEDUCTION_ARTICLES:
            raise InvalidInput(
                f"{path}.article", f"a deduction is granted under Art. 61 or 62, not {article!r}"
            )
        if ms not in pledges:
            raise InvalidInput(path, f"{ms} has no pledge to deduct from")
        deductions[ms] = Deduction(exact(fraction), article)
    benefitting = top.get("benefitting", [])
    if not isinstance(benefitting, list):
        raise InvalidInput("$.benefitting", "expected a list of Member State codes")
    bms = [normalise_member_state(c, field=f"$.benefitting[{i}]") for i, c in enumerate(benefitting)]
    if len(set(bms)) != len(bms):
        raise InvalidInput("$.benefitting", "a Member State is listed twice")
    forum = top.get("reconvened_forum", False)
    if not isinstance(forum, bool):
        raise InvalidInput("$.reconvened_forum", f"expected true or false, got {forum!r}")
    numbers: dict[str, int | None] = {}
    for name in ("cycle_year", "reference_relocations", "proposal_relocations"):
        value = top.get(name)
        numbers[name] = None if value is None else _count(value, f"$.{name}")
        if numbers[name] == 0:
            raise InvalidInput(f"$.{name}", "must be positive")
    return Pledges(
        pledges=pledges,
        cycle_year=numbers["cycle_year"],
        reference_relocations=numbers["reference_relocations"],
        proposal_relocations=numbers["proposal_relocations"],
        reconvened_forum=forum,
        benefitting=tuple(sorted(bms)),
        deductions=deductions,
    )


def read_pledges(path: Path | str) -> Pledges:
    """Read and validate a PLEDGES.json file; errors name the file and the JSON path."""
    p = Path(path)
    raw = read_json(p)
    try:
        return parse_pledges(raw)
    except InvalidInput as exc:
        raise InvalidInput(f"{p}: {exc.path}", exc.reason) from None
