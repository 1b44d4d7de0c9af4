"""The deadline catalogue (law/deadlines.yaml): every time limit, its variants and their legal basis.

`catalogue()` loads the shipped catalogue once and checks it like the parameters: every variant's
`params` exist in law/params/*.yaml, every `basis` and `consequence_basis` resolves to an article
(and paragraph, point) of the shipped text, every `consequence` is a verbatim quote of its article
where the text is shipped. Errors name the deadline and the variant. The case engine
(`migralex.rules.deadlines`), the case timeline (`migralex.rules.timeline`) and the simulator
(`migralex.sim.timelimits`) read their time limits from here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from migralex.errors import LawDataError, UnknownReference
from migralex.law.acts import resolve_act
from migralex.law.params import ParameterSet
from migralex.law.params import params as shipped_params
from migralex.law.texts import TEXT_FILES, acts_with_text, article

_CITATION = re.compile(r"^(?P<act>[A-Za-z][A-Za-z ]*?)\s+Art\.\s*(?P<article>\d+)(?P<rest>.*)$")
_PARAGRAPHS = re.compile(r"\((\d+)\)")
_POINT = re.compile(r"^\(\d+\)\(([a-z]{1,3})\)")
_PARAM_REF = re.compile(r"\{param:([a-z0-9_.]+)\}")
_VARIANT_KEYS = {"basis", "params", "runs_from", "note", "consequence", "consequence_basis"}
_DEADLINE_KEYS = {"description", "event", "variants"}


@dataclass(frozen=True)
class Variant:
    """One way a deadline runs: its basis, the parameters that add up to it, its event in words."""

    name: str
    basis: str
    params: tuple[str, ...]
    runs_from: str
    note: str | None = None
    consequence: str | None = None
    consequence_basis: str | None = None

    def note_text(self, p: ParameterSet) -> str | None:
        """The note with each `{param:NAME}` replaced by the latest period of parameter NAME."""
        if self.note is None or "{param:" not in self.note:
            return self.note
        return _PARAM_REF.sub(lambda m: p[m.group(1)].describe_value(p[m.group(1)].values[-1]), self.note)


@dataclass(frozen=True)
class DeadlineSpec:
    """A deadline of the catalogue: its name, description, the event it runs from, its variants."""

    name: str
    description: str
    event: str
    variants: Mapping[str, Variant]

    def variant(self, name: str) -> Variant:
        """One variant by name; the error lists the variants there are."""
        try:
            return self.variants[name]
        except KeyError:
            raise UnknownReference(
                f"deadline {self.name} has no variant {name!r}; one of {', '.join(self.variants)}"
            ) from None


def _fail(where: str, message: str) -> LawDataError:
    return LawDataError(f"law/deadlines.yaml: {where}: {message}")


def check_citation(where: str, citation: str, quote: str | None = None) -> None:
    """`citation` (e.g. `AMMR Art. 39(1), second subparagraph`, `APR Art. 27(1) and (7)`) names an
    article, paragraphs and point of the shipped text; `quote`, if given, is in the article's text."""
    m = _CITATION.match(citation)
    if not m:
        raise _fail(where, f"cannot read the citation {citation!r} (expected e.g. 'AMMR Art. 39(1)')")
    try:
        act = resolve_act(m.group("act").strip().upper().replace(" ", "_"))
    except (UnknownReference, LawDataError) as exc:
        raise _fail(where, f"{citation}: {exc}") from None
    if act.key not in acts_with_text():
        raise _fail(where, f"{citation}: no shipped text for act {act.key}")
    try:
        art = article(act.key, m.group("article"))
    except UnknownReference as exc:
        raise _fail(where, f"{citation}: {exc}") from None
    rest = m.group("rest").split(",")[0]
    for paragraph in _PARAGRAPHS.findall(rest):
        if art.paragraphs() and not art.has_paragraph(paragraph):
            raise _fail(where, f"{citation}: Article {art.number} has no paragraph {paragraph}")
    point = _POINT.match(rest)
    if point and point.group(1) not in art.points(_PARAGRAPHS.findall(rest)[0]):
        raise _fail(where, f"{citation}: no point ({point.group(1)}) there")
    if quote and act.key in TEXT_FILES and not art.contains(quote):
        raise _fail(where, f"{citation}: quote not found in the article text: {quote!r}")


def _variant(where: str, name: str, raw: Any, p: ParameterSet) -> Variant:
    """One variant of a deadline, checked: its keys, parameters, basis, consequence and note."""
    _check_variant_keys(where, raw)
    names = tuple(str(x) for x in raw["params"])
    known = set(p)
    _check_variant_params(where, names, p)
    check_citation(where, str(raw["basis"]))
    _check_consequence(where, raw)
    for ref in _PARAM_REF.findall(str(raw.get("note") or "")):
        if ref not in known:
            raise _fail(f"{where}.note", f"unknown parameter {ref!r}")
    return Variant(
        name,
        str(raw["basis"]),
        names,
        " ".join(str(raw["runs_from"]).split()),
        raw.get("note"),
        " ".join(str(raw["consequence"]).split()) if raw.get("consequence") else None,
        raw.get("consequence_basis"),
    )


def _check_variant_keys(where: str, raw: Any) -> None:
    """A variant is a mapping of the allowed keys with its basis, params and runs_from."""
    if not isinstance(raw, Mapping):
        raise _fail(where, "expected a mapping")
    unknown = set(raw) - _VARIANT_KEYS
    if unknown:
        raise _fail(where, f"unknown keys {sorted(unknown)}; allowed: {sorted(_VARIANT_KEYS)}")
    for key in ("basis", "params", "runs_from"):
        if not raw.get(key):
            raise _fail(where, f"missing '{key}'")


def _check_variant_params(where: str, names: tuple[str, ...], p: ParameterSet) -> None:
    """The variant's parameters exist in law/params/*.yaml and share one unit (they add up)."""
    known = set(p)
    missing = [n for n in names if n not in known]
    if missing:
        raise _fail(where, f"unknown parameters {missing} (not in law/params/*.yaml)")
    units = {p[n].unit for n in names}
    if len(units) > 1:
        raise _fail(where, f"parameters of different units cannot add up: {sorted(units)}")


def _check_consequence(where: str, raw: Mapping[str, Any]) -> None:
    """A consequence comes with its consequence_basis, and its quote is in that article."""
    if ("consequence" in raw) != ("consequence_basis" in raw):
        raise _fail(where, "a consequence needs its consequence_basis and the other way round")
    if "consequence" in raw:
        check_citation(f"{where}.consequence", str(raw["consequence_basis"]), str(raw["consequence"]))


def load_catalogue(text: str, p: ParameterSet) -> dict[str, DeadlineSpec]:
    """Parse and check a catalogue document against the parameters `p` (errors name the entry)."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _fail("$", f"not valid YAML: {exc}") from None
    if not isinstance(raw, Mapping) or not isinstance(raw.get("deadlines"), Mapping):
        raise _fail("$", "expected a top-level mapping 'deadlines'")
    out: dict[str, DeadlineSpec] = {}
    errors: list[str] = []
    for name, body in raw["deadlines"].items():
        try:
            out[name] = _deadline(str(name), body, p)
        except LawDataError as exc:
            errors.append(str(exc))
    if errors:
        raise LawDataError(f"{len(errors)} invalid deadline(s):\n" + "\n".join(errors))
    return out


def _deadline(name: str, body: Any, p: ParameterSet) -> DeadlineSpec:
    if not isinstance(body, Mapping):
        raise _fail(name, "expected a mapping")
    unknown = set(body) - _DEADLINE_KEYS
    if unknown:
        raise _fail(name, f"unknown keys {sorted(unknown)}; allowed: {sorted(_DEADLINE_KEYS)}")
    for key in _DEADLINE_KEYS:
        if not body.get(key):
            raise _fail(name, f"missing '{key}'")
    if not isinstance(body["variants"], Mapping):
        raise _fail(name, "'variants' must map a variant name to its definition")
    variants = {str(k): _variant(f"{name}.{k}", str(k), v, p) for k, v in body["variants"].items()}
    return DeadlineSpec(name, " ".join(str(body["description"]).split()), str(body["event"]), variants)


@cache
def catalogue() -> dict[str, DeadlineSpec]:
    """The shipped catalogue (checked on first use against the shipped parameters and texts)."""
    text = resources.files("migralex.law").joinpath("deadlines.yaml").read_text("utf-8")
    return load_catalogue(text, shipped_params())


def spec(name: str) -> DeadlineSpec:
    """One deadline of the shipped catalogue; the error lists the deadlines there are."""
    cat = catalogue()
    if name not in cat:
        raise UnknownReference(f"no deadline {name!r} in the catalogue; one of {', '.join(cat)}")
    return cat[name]
