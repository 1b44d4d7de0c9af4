"""Dated legal parameters: every number of the Pact with its act, article, paragraph and quote.

Each parameter lives in a YAML file under `law/params/` (one file per act) with a list of dated
values; each value names where the law says it (article, paragraph, point), quotes the words that
say it, and carries a confidence tag. Loading checks every reference against the shipped article
texts, so a wrong article, a misquote or unordered dates is an error, not a silent drift.
Scenarios change parameters through overlays (`ParameterSet.overlay`), never by editing code.
"""

from __future__ import annotations

import datetime as dt
import itertools
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any, TypeVar

import numpy as np
import yaml

from migralex.errors import InvalidInput, LawDataError, UnknownReference
from migralex.law.acts import resolve_act
from migralex.law.dates import DateLike, as_date_array
from migralex.law.refs import LegalRef
from migralex.law.texts import TEXT_FILES, acts_with_text, article
from migralex.law.timelimits import UNITS as PERIOD_UNITS
from migralex.law.timelimits import Period

UNITS = (
    *PERIOD_UNITS,
    "hours",
    "academic_years",
    "ratio",
    "persons",
    "applications",
    "eur",
    "multiplier",
    "age_years",
    "date",
    "option",
)

#: How the law compares a quantity with the parameter.
BOUNDARIES = {
    "more_than": "strictly greater than the value ('more than')",
    "at_least": "greater than or equal to the value ('at least', 'equal to or above')",
    "less_than": "strictly smaller than the value ('less than', 'below')",
    "at_most": "smaller than or equal to the value ('or lower', 'not exceeding', 'no later than')",
    "exactly": "the value itself (a weight, a fixed number)",
}

#: Confidence tags of legal-spec.md §0.1.
CONFIDENCE = ("TEXT", "SECONDARY", "INFERRED", "UNVERIFIED", "READING")

_PARAM_KEYS = {"description", "unit", "boundary", "values", "kind", "options", "note"}
_VALUE_KEYS = {
    "from", "value", "act", "article", "paragraph", "point", "subparagraph", "quote",
    "confidence", "early", "note",
}  # fmt: skip


@dataclass(frozen=True)
class ParamValue:
    """One dated value of a parameter and where the law says it."""

    start: dt.date
    value: Any
    ref: LegalRef
    quote: str | None
    confidence: str
    note: str | None = None


@dataclass(frozen=True)
class Parameter:
    """A legal parameter: its meaning, unit, boundary semantics and dated values."""

    name: str
    description: str
    unit: str
    boundary: str
    values: tuple[ParamValue, ...]
    kind: str = "value"
    options: Mapping[str, str] = field(default_factory=dict)
    note: str | None = None
    overlaid: bool = False

    @property
    def ref(self) -> LegalRef:
        """Reference of the latest value."""
        return self.values[-1].ref

    def value_at(self, date: dt.date | str) -> ParamValue:
        """The value in force on one date (for a whole column, use `at`)."""
        d = as_date_array(date)[0]
        starts = np.array([v.start for v in self.values], dtype="datetime64[D]")
        i = int(np.searchsorted(starts, d, side="right")) - 1
        if i < 0:
            raise UnknownReference(
                f"parameter {self.name} has no value on {d}: it applies from {self.values[0].start}"
            )
        return self.values[i]

    def at(self, dates: DateLike, *, before_first: Any = None) -> np.ndarray:
        """Values in force on each date, vectorised (`numpy.searchsorted` over the change dates).

        A date before the first value is an error unless `before_first` gives a fill value.
        """
        d = as_date_array(dates)
        starts = np.array([v.start for v in self.values], dtype="datetime64[D]")
        idx = np.searchsorted(starts, d, side="right") - 1
        raw = [v.value for v in self.values]
        table = np.array(raw, dtype=object if any(isinstance(x, str) for x in raw) else None)
        if (idx < 0).any():
            if before_first is None:
                first = d[idx < 0].min()
                raise UnknownReference(
                    f"parameter {self.name} has no value on {first}: it applies from {self.values[0].start}"
                )
            out = np.where(idx < 0, before_first, table[np.clip(idx, 0, None)])
            return out
        return table[idx]

    def period_at(self, date: dt.date | str) -> Period:
        """The value on `date` as a time-limit `Period` (for parameters in days/weeks/months/years)."""
        if self.unit not in PERIOD_UNITS:
            raise InvalidInput(self.name, f"unit {self.unit!r} is not a period unit")
        return Period(int(self.value_at(date).value), self.unit)

    def describe_value(self, v: ParamValue) -> str:
        """Human-readable value with its unit (e.g. `20 months`, `20 %`, `EUR 600,000,000`)."""
        if self.unit in PERIOD_UNITS or self.unit in ("hours", "academic_years", "age_years"):
            unit = self.unit.replace("_", " ")
            return f"{v.value} {unit[:-1] if v.value == 1 else unit}"
        if self.unit == "ratio":
            return f"{float(v.value) * 100:g} %"
        if self.unit == "eur":
            return f"EUR {int(v.value):,}"
        if self.unit in ("persons", "applications"):
            return f"{int(v.value):,} {self.unit}"
        if self.unit == "multiplier":
            return f"{v.value}×"
        return str(v.value)


def compare(quantity: np.ndarray, boundary: str, limit: np.ndarray | float) -> np.ndarray:
    """Does `quantity` satisfy `boundary` against `limit`? Vectorised ("more than" is strict)."""
    q, lim = np.asarray(quantity), np.asarray(limit)
    if boundary == "more_than":
        return q > lim
    if boundary == "at_least":
        return q >= lim
    if boundary == "less_than":
        return q < lim
    if boundary == "at_most":
        return q <= lim
    if boundary == "exactly":
        return q == lim
    raise InvalidInput("boundary", f"unknown boundary {boundary!r}; one of {', '.join(BOUNDARIES)}")


class ParameterSet(Mapping[str, Parameter]):
    """An immutable set of parameters; `overlay` returns a new set for a scenario or a reading."""

    def __init__(self, parameters: Mapping[str, Parameter], overlays: tuple[str, ...] = ()) -> None:
        self._params = dict(parameters)
        self.overlays = overlays

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self._params[name]
        except KeyError:
            close = [n for n in self._params if name.split(".")[-1] in n][:8]
            hint = f"; similar: {', '.join(close)}" if close else ""
            raise UnknownReference(
                f"unknown parameter {name!r} ({len(self._params)} parameters; "
                f"see `migralex law params`){hint}"
            ) from None

    def __iter__(self) -> Any:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def value(self, name: str, date: dt.date | str) -> Any:
        """Shortcut: the value of parameter `name` on `date`."""
        return self[name].value_at(date).value

    def period(self, name: str, date: dt.date | str) -> Period:
        """Shortcut: the time limit `name` on `date` as a `Period`."""
        return self[name].period_at(date)

    def reading(self, name: str) -> str:
        """The option chosen for reading `name` (readings are not dated in practice: the last value)."""
        return str(self[name].values[-1].value)

    def overlay(self, changes: Mapping[str, Any], label: str = "overlay") -> ParameterSet:
        """A new set with some parameters changed.

        `changes` maps a parameter name to a plain value (replaces every dated value, keeping
        the references) or to a list of `{"from": date, "value": v}` (replaces the values).
        For a reading (`kind: reading`) the value must be one of its options.
        """
        new = dict(self._params)
        for name, change in changes.items():
            p = self[name]
            if isinstance(change, list):
                values = []
                for i, item in enumerate(change):
                    if not isinstance(item, Mapping) or set(item) - {"from", "value"}:
                        raise InvalidInput(f"{label}.{name}[{i}]", "expected {from: DATE, value: V}")
                    start = item.get("from", p.values[0].start)
                    start = dt.date.fromisoformat(str(start)) if not isinstance(start, dt.date) else start
                    base = p.values[0]
                    values.append(
                        replace(
                            base,
                            start=start,
                            value=self._check(p, item["value"], label),
                            confidence="READING",
                            note=f"changed by {label}",
                        )
                    )
                if [v.start for v in values] != sorted({v.start for v in values}):
                    raise InvalidInput(f"{label}.{name}", "dates must be strictly increasing")
                new[name] = replace(p, values=tuple(values), overlaid=True)
            else:
                val = self._check(p, change, label)
                new[name] = replace(
                    p,
                    values=tuple(replace(v, value=val, note=f"changed by {label}") for v in p.values),
                    overlaid=True,
                )
        return ParameterSet(new, (*self.overlays, label))

    @staticmethod
    def _check(p: Parameter, value: Any, label: str) -> Any:
        if p.kind == "reading":
            if value not in p.options:
                raise InvalidInput(f"{label}.{p.name}", f"{value!r} is not one of {', '.join(p.options)}")
            return value
        if p.unit == "date":  # a dated parameter whose value is a day (e.g. the end of a protection)
            try:
                return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
            except ValueError:
                raise InvalidInput(
                    f"{label}.{p.name}", f"expected a date YYYY-MM-DD, got {value!r}"
                ) from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidInput(f"{label}.{p.name}", f"expected a number, got {value!r}")
        if value < 0:
            raise InvalidInput(f"{label}.{p.name}", f"must not be negative, got {value}")
        if p.unit == "ratio" and value > 1:
            raise InvalidInput(f"{label}.{p.name}", f"a ratio is between 0 and 1, got {value}")
        return value


def _fail(where: str, message: str) -> LawDataError:
    return LawDataError(f"{where}: {message}")


def _as_date(raw: Any, where: str) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise _fail(where, f"'from' is not a date: {raw!r}") from None


def _check_reference(where: str, ref: LegalRef, quote: str | None, kind: str) -> None:
    act = resolve_act(ref.act)
    if act.key not in acts_with_text():
        raise _fail(where, f"no shipped text for act {act.key} to check article {ref.article} against")
    try:
        art = article(act.key, ref.article)
    except UnknownReference as exc:
        raise _fail(where, str(exc)) from None
    if ref.paragraph is not None and art.paragraphs() and not art.has_paragraph(ref.paragraph):
        raise _fail(
            where,
            f"{ref.cite()}: Article {ref.article} has paragraphs {', '.join(art.paragraphs())},"
            f" not {ref.paragraph}",
        )
    if ref.point is not None and ref.point not in art.points(ref.paragraph if art.paragraphs() else None):
        raise _fail(where, f"{ref.cite()}: no point ({ref.point}) there")
    if act.key in TEXT_FILES:
        if not quote and kind != "reading":
            raise _fail(where, f"{ref.cite()}: a 'quote' from the article text is required")
        if quote and not art.contains(quote):
            raise _fail(where, f"{ref.cite()}: quote not found in the article text: {quote!r}")


def _parse_value(
    v: Mapping[str, Any], vw: str, file_act: str, kind: str, options: Mapping[str, Any]
) -> ParamValue:
    """One dated value of a parameter: its date, the article it rests on (checked), quote and tag."""
    unknown = set(v) - _VALUE_KEYS
    if unknown:
        raise _fail(vw, f"unknown keys {sorted(unknown)}; allowed: {sorted(_VALUE_KEYS)}")
    for key in ("from", "value", "article", "confidence"):
        if key not in v:
            raise _fail(vw, f"missing '{key}' (every value needs a date, a reference and a tag)")
    if v["confidence"] not in CONFIDENCE:
        raise _fail(vw, f"unknown confidence {v['confidence']!r}; one of {', '.join(CONFIDENCE)}")
    if kind == "reading" and v["value"] not in options:
        raise _fail(vw, f"{v['value']!r} is not one of the options {', '.join(options)}")
    act = resolve_act(str(v.get("act", file_act)))
    ref = LegalRef(
        act.key,
        str(v["article"]),
        str(v["paragraph"]) if v.get("paragraph") is not None else None,
        v.get("point"),
        v.get("subparagraph"),
    )
    _check_reference(vw, ref, v.get("quote"), kind)
    start = _as_date(v["from"], vw)
    first = act.first_application(ref.article)
    if start < first and not v.get("early"):
        raise _fail(
            vw,
            f"value applies from {start}, before {ref.cite()} applies ({first});"
            " give 'early: <reason>' if the law says so",
        )
    return ParamValue(
        start, v["value"], ref, v.get("quote"), v["confidence"], v.get("note") or v.get("early")
    )


def _parse_parameter(name: str, raw: Mapping[str, Any], file_act: str, where: str) -> Parameter:
    if not isinstance(raw, Mapping):
        raise _fail(where, "expected a mapping")
    unknown = set(raw) - _PARAM_KEYS
    if unknown:
        raise _fail(where, f"unknown keys {sorted(unknown)}; allowed: {sorted(_PARAM_KEYS)}")
    for key in ("description", "unit", "values"):
        if key not in raw:
            raise _fail(where, f"missing '{key}'")
    kind = raw.get("kind", "value")
    unit, boundary = raw["unit"], raw.get("boundary", "exactly")
    if unit not in UNITS:
        raise _fail(where, f"unknown unit {unit!r}; one of {', '.join(UNITS)}")
    if boundary not in BOUNDARIES:
        raise _fail(where, f"unknown boundary {boundary!r}; one of {', '.join(BOUNDARIES)}")
    options = dict(raw.get("options") or {})
    if kind == "reading" and not options:
        raise _fail(where, "a reading needs 'options' (each option with its description)")
    if not raw["values"]:
        raise _fail(where, "no values")
    values = [
        _parse_value(v, f"{where}.values[{i}]", file_act, kind, options) for i, v in enumerate(raw["values"])
    ]
    starts = [v.start for v in values]
    if any(b <= a for a, b in itertools.pairwise(starts)):
        raise _fail(where, f"dates must be strictly increasing, got {', '.join(map(str, starts))}")
    return Parameter(
        name=name,
        description=" ".join(str(raw["description"]).split()),
        unit=unit,
        boundary=boundary,
        values=tuple(values),
        kind=kind,
        options=options,
        note=raw.get("note"),
    )


def load_parameter_file(text: str, source: str) -> dict[str, Parameter]:
    """Parse and validate one parameter YAML document; `source` names it in errors."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _fail(source, f"not valid YAML: {exc}") from None
    if not isinstance(raw, Mapping) or "act" not in raw or "parameters" not in raw:
        raise _fail(source, "expected top-level keys 'act' and 'parameters'")
    file_act = resolve_act(str(raw["act"])).key
    out: dict[str, Parameter] = {}
    errors: list[str] = []
    for name, body in (raw["parameters"] or {}).items():
        try:
            out[name] = _parse_parameter(name, body, file_act, f"{source}: {name}")
        except (LawDataError, UnknownReference) as exc:
            errors.append(str(exc))
    if errors:
        raise LawDataError(f"{len(errors)} invalid parameter(s):\n" + "\n".join(errors))
    return out


def _load_files(files: Iterable[tuple[str, str]]) -> ParameterSet:
    params: dict[str, Parameter] = {}
    errors: list[str] = []
    for source, text in files:
        try:
            loaded = load_parameter_file(text, source)
        except LawDataError as exc:
            errors.append(str(exc))
            continue
        for name, p in loaded.items():
            if name in params:
                raise _fail(source, f"parameter {name} is defined twice")
            params[name] = p
    if errors:
        raise LawDataError("\n".join(errors))
    return ParameterSet(params)


@cache
def params() -> ParameterSet:
    """The shipped parameters (validated on first use)."""
    folder = resources.files("migralex.law").joinpath("params")
    files = sorted((f.name, f.read_text("utf-8")) for f in folder.iterdir() if f.name.endswith(".yaml"))
    return _load_files((f"law/params/{name}", text) for name, text in files)


def param(name: str) -> Parameter:
    """One shipped parameter by name."""
    return params()[name]


_T = TypeVar("_T")
#: Law lookups per parameter set: (id of the set, what) → (weak reference to the set, value).
_PER_PARAMS: dict[tuple[int, Any], tuple[weakref.ref[ParameterSet], Any]] = {}


def per_params(p: ParameterSet, what: Any, build: Callable[[ParameterSet], _T]) -> _T:
    """`build(p)`, computed once per parameter set (a `ParameterSet` is immutable: keyed by its
    identity, checked through a weak reference) and `what` - law lookups hoisted out of every call,
    never anything that depends on a case."""
    key = (id(p), what)
    hit = _PER_PARAMS.get(key)
    if hit is not None and hit[0]() is p:
        return hit[1]
    if len(_PER_PARAMS) > 2048:  # scenario overlays come and go: keep the table small
        _PER_PARAMS.clear()
    value = build(p)
    _PER_PARAMS[key] = (weakref.ref(p), value)
    return value
