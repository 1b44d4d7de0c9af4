"""Who is bound by which Pact act: law/participation.yaml, validated at load like the parameters.

Every EU Member State is bound by every act except where the file says otherwise: Denmark
(Protocol No 22: not bound, but AMMR Parts III, V, VII and CFMR Arts 12-13 through the EU-Denmark
Dublin agreement), Ireland (Protocol No 21: not bound at adoption, opted in afterwards) and the
States associated with the Dublin rules (CH, IS, LI, NO: the Dublin parts through their agreements,
the Schengen developments through the Schengen association). Where that rests on a notification
the texts do not show, an entry holds under one option of a `kind: reading` parameter.

`participation()` loads and checks the file (quotes verbatim in the recitals of the shipped texts,
agreements and readings that exist, one entry per State, act and option, every act listed for
the associated States); `binds(state, act, params, part)` answers for one State and
`bound_mask(act, codes, params, part)` for a column of State codes (index in `DUBLIN_STATES`);
`why(state, act, params)` is the sentence an answer's legal basis carries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

import numpy as np
import yaml

from migralex.countries import ASSOCIATED_STATES, DUBLIN_STATES
from migralex.errors import LawDataError, UnknownReference
from migralex.law.acts import resolve_act
from migralex.law.params import CONFIDENCE, ParameterSet, per_params
from migralex.law.params import params as shipped_params
from migralex.law.texts import TEXT_FILES, act_label, normalise_space, recital

BINDS = ("all", "none", "parts")
KINDS = ("member_state", "associated_state")
_ENTRY_KEYS = {
    "state", "act", "binds", "parts", "via", "act_of_recital", "recital", "quote", "basis",
    "reading", "option", "confidence",
}  # fmt: skip


@dataclass(frozen=True)
class Agreement:
    """An agreement (or opt-in) through which a State applies an act, with its OJ reference."""

    key: str
    title: str
    short: str
    oj: str
    concluded_by: str
    article: str
    confidence: str
    source: str


@dataclass(frozen=True)
class Entry:
    """How one act binds one State (under one option of a reading, if `reading` is set)."""

    state: str
    act: str
    binds: str
    parts: tuple[str, ...]
    via: str | None
    act_of_recital: str
    recital: int | None
    quote: str | None
    basis: str | None
    reading: str | None
    option: str | None
    confidence: str

    def citation(self) -> str:
        """The recital cited (`AMMR recital 90`), or the basis in words when no recital speaks."""
        if self.recital is not None:
            return f"{act_label(self.act_of_recital)} recital {self.recital}"
        return str(self.basis)


@dataclass(frozen=True)
class Participation:
    """The agreements, the States with a special position and the entries, by (State, act)."""

    agreements: Mapping[str, Agreement]
    states: Mapping[str, Mapping[str, str]]
    entries: Mapping[tuple[str, str], tuple[Entry, ...]]

    def entry(self, state: str, act: str, p: ParameterSet | None = None) -> Entry | None:
        """The entry in force for `state` and `act` under the readings of `p`; None: fully bound."""
        return self.entry_chosen(state, resolve_act(act).key, dict(self.choices(p)))

    def entry_chosen(self, state: str, act: str, chosen: Mapping[str, str]) -> Entry | None:
        """The entry for `state` and `act` (an act key) with the readings set to `chosen` (`choices`)."""
        options = self.entries.get((state, act))
        if not options:
            return None
        if options[0].reading is None:
            return options[0]
        return next(e for e in options if e.option == chosen[str(options[0].reading)])

    def choices(self, p: ParameterSet | None = None) -> tuple[tuple[str, str], ...]:
        """The option each reading of the table takes under `p` (the shipped parameters by default)."""
        p = p or shipped_params()
        return tuple((name, str(p[name].values[-1].value)) for name in self.readings)

    @cached_property
    def readings(self) -> tuple[str, ...]:
        """The reading parameters the table depends on."""
        return tuple(sorted({str(e.reading) for group in self.entries.values() for e in group if e.reading}))


def _fail(where: str, message: str) -> LawDataError:
    return LawDataError(f"law/participation.yaml: {where}: {message}")


def _agreement(key: str, raw: Any) -> Agreement:
    fields = ("title", "short", "oj", "concluded_by", "article", "confidence", "source")
    if not isinstance(raw, Mapping) or set(raw) != set(fields):
        raise _fail(f"agreements.{key}", f"expected exactly the keys {', '.join(fields)}")
    if raw["confidence"] not in CONFIDENCE:
        raise _fail(f"agreements.{key}", f"unknown confidence {raw['confidence']!r}")
    return Agreement(key, *(" ".join(str(raw[f]).split()) for f in fields))


def _check_source(where: str, raw: Mapping[str, Any], act: str) -> tuple[str, int | None]:
    """The recital's act and number, the quote checked verbatim in it; or a basis in words."""
    source = resolve_act(str(raw.get("act_of_recital", act))).key
    if raw.get("recital") is None:
        if not raw.get("basis") or raw.get("quote"):
            raise _fail(where, "give 'recital' with a 'quote' from it, or a 'basis' in words")
        return source, None
    if source not in TEXT_FILES or not raw.get("quote"):
        raise _fail(where, f"a recital of {act_label(source)} needs a 'quote' from the shipped text")
    try:
        text = recital(source, raw["recital"])
    except UnknownReference as exc:
        raise _fail(where, str(exc)) from None
    if normalise_space(str(raw["quote"])) not in normalise_space(text):
        cite = f"{act_label(source)} recital {raw['recital']}"
        raise _fail(where, f"quote not found in {cite}: {raw['quote']!r}")
    return source, int(raw["recital"])


def _check_reading(where: str, raw: Mapping[str, Any], p: ParameterSet) -> None:
    if raw.get("reading") is None:
        if raw.get("option") is not None:
            raise _fail(where, "an 'option' needs its 'reading'")
        return
    try:
        par = p[str(raw["reading"])]
    except (KeyError, UnknownReference, LawDataError):
        raise _fail(where, f"unknown reading {raw['reading']!r} (law/params/participation.yaml)") from None
    if par.kind != "reading" or raw.get("option") not in par.options:
        raise _fail(where, f"{raw.get('option')!r} is not an option of the reading {par.name}")


def _entry(i: int, raw: Any, known: Mapping[str, Any], p: ParameterSet) -> Entry:
    where = f"participation[{i}]"
    if not isinstance(raw, Mapping) or set(raw) - _ENTRY_KEYS:
        raise _fail(where, f"expected a mapping with keys among {sorted(_ENTRY_KEYS)}")
    state, binds = str(raw.get("state")), raw.get("binds")
    if state not in known["states"]:
        raise _fail(where, f"state {state!r} is not under 'states'")
    act = resolve_act(str(raw.get("act"))).key
    if binds not in BINDS:
        raise _fail(where, f"binds must be one of {', '.join(BINDS)}, got {binds!r}")
    if (binds == "parts") != bool(raw.get("parts")):
        raise _fail(where, "'parts' is given exactly when binds is 'parts'")
    if binds != "none" and raw.get("via") not in known["agreements"]:
        raise _fail(where, f"'via' must name an agreement (one of {', '.join(known['agreements'])})")
    if raw.get("confidence") not in CONFIDENCE:
        raise _fail(where, f"unknown confidence {raw.get('confidence')!r}; one of {', '.join(CONFIDENCE)}")
    source, number = _check_source(where, raw, act)
    _check_reading(where, raw, p)
    return Entry(
        state, act, str(binds), tuple(raw.get("parts") or ()), raw.get("via"), source, number,
        raw.get("quote"), raw.get("basis"), raw.get("reading"), raw.get("option"), str(raw["confidence"]),
    )  # fmt: skip


def _group(entries: list[Entry], p: ParameterSet) -> dict[tuple[str, str], tuple[Entry, ...]]:
    by_key: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for e in entries:
        by_key[(e.state, e.act)].append(e)
    for (state, act), group in by_key.items():
        readings = {e.reading for e in group}
        if len(readings) != 1:
            raise _fail(f"{state} {act}", "entries of one State and act must all hang on one reading")
        reading = readings.pop()
        options = sorted(str(e.option) for e in group)
        want = sorted(p[reading].options) if reading else ["None"]
        if options != want:
            raise _fail(f"{state} {act}", f"one entry per option of {reading} expected, got {options}")
    for state in ASSOCIATED_STATES:
        missing = [a for a in TEXT_FILES if (state, a) not in by_key]
        if missing:
            raise _fail(state, f"an associated State is bound by nothing unless listed: list {missing}")
    return {k: tuple(v) for k, v in by_key.items()}


def load_participation(text: str, p: ParameterSet | None = None) -> Participation:
    """Parse and check a participation document (the shipped one: `participation()`)."""
    p = p or shipped_params()
    raw = yaml.safe_load(text)
    if not isinstance(raw, Mapping) or set(raw) != {"agreements", "states", "participation"}:
        raise _fail("$", "expected the top-level keys agreements, states, participation")
    agreements = {k: _agreement(k, v) for k, v in raw["agreements"].items()}
    states = {str(k): dict(v) for k, v in raw["states"].items()}
    for code, info in states.items():
        if code not in DUBLIN_STATES or info.get("kind") not in KINDS:
            raise _fail(f"states.{code}", f"a State among {', '.join(DUBLIN_STATES)} with kind in {KINDS}")
        if (info["kind"] == "associated_state") != (code in ASSOCIATED_STATES):
            raise _fail(f"states.{code}", "kind associated_state is for CH, IS, LI and NO exactly")
    known = {"states": states, "agreements": agreements}
    entries = [_entry(i, e, known, p) for i, e in enumerate(raw["participation"])]
    return Participation(agreements, states, _group(entries, p))


@cache
def participation() -> Participation:
    """The shipped participation table (checked on first use)."""
    text = resources.files("migralex.law").joinpath("participation.yaml").read_text("utf-8")
    return load_participation(text)


def binds(state: str, act: str, p: ParameterSet | None = None, part: str | None = None) -> bool:
    """Is `state` bound by `act` (or by its `part`, e.g. `Part III`, `Art. 12`) under `p`'s readings?"""
    code = _STATE_CODES.get(state)
    if code is not None:  # a State of the table: its row of `bound_table`
        return bool(bound_table(act, p, part)[code])
    e = participation().entry(state, act, p)
    if e is None or e.binds == "all":
        return True
    return e.binds == "parts" and (part is None or part in e.parts)


#: Index of each State in `DUBLIN_STATES` (the rows of `bound_table`).
_STATE_CODES = {state: i for i, state in enumerate(DUBLIN_STATES)}
#: Act keys as the engine names them (a shortcut past `resolve_act` on the hot path).
_ACT_KEYS = {key: key for key in TEXT_FILES}


@cache
def _bound_table(act: str, part: str | None, choices: tuple[tuple[str, str], ...]) -> np.ndarray:
    """Per State code (and a last entry for none): bound by `act` (its `part`) under these readings."""
    table, chosen = participation(), dict(choices)
    out = []
    for state in DUBLIN_STATES:
        e = table.entry_chosen(state, act, chosen)
        in_part = e is not None and e.binds == "parts" and (part is None or part in e.parts)
        out.append(e is None or e.binds == "all" or in_part)
    mask = np.array([*out, True])
    mask.flags.writeable = False
    return mask


def bound_table(act: str, p: ParameterSet | None = None, part: str | None = None) -> np.ndarray:
    """Per State code (index in `DUBLIN_STATES`, and a last entry, -1: none, counted as bound): is
    it bound by `act` (its `part`) under `p`'s readings? Built once per readings; read-only."""
    return _bound_table(_ACT_KEYS.get(act) or resolve_act(act).key, part, chosen_readings(p))


def bound_mask(
    act: str, codes: np.ndarray, p: ParameterSet | None = None, part: str | None = None
) -> np.ndarray:
    """`binds` over a column of State codes (index in `DUBLIN_STATES`; -1, none, counts as bound)."""
    table = bound_table(act, p, part)
    c = np.asarray(codes).astype(np.int64)
    return table[np.where(c < 0, len(DUBLIN_STATES), c)]


def chosen_readings(p: ParameterSet | None) -> tuple[tuple[str, str], ...]:
    """`participation().choices(p)`, looked up once per parameter set (the readings never change)."""
    return per_params(p or shipped_params(), "participation.choices", participation().choices)


def why(state: str, act: str, p: ParameterSet | None = None) -> str | None:
    """The sentence that says how `act` binds `state` and why (None for an ordinary Member State)."""
    part = participation()
    e = part.entry(state, act, p)
    if e is None:
        return None
    name, label = part.states[state]["name"], {"EURODAC": "Eurodac Regulation"}.get(e.act, act_label(e.act))
    if e.binds == "none":
        out = f"{e.citation()}: {name} is not bound by the {label}"
        if e.recital is None:
            return f"{name} is not bound by the {label} ({e.basis})"
        return out + (f" ({part.states[state]['position']})" if state in ("DK", "IE") else "")
    agreement = part.agreements[str(e.via)]
    parts = " and ".join([", ".join(e.parts[:-1]), e.parts[-1]] if len(e.parts) > 1 else e.parts)
    scope = f"{parts} of the {label} apply" if e.binds == "parts" else f"the {label} applies"
    return f"{e.citation()}: {scope} to {name} through {agreement.short} ({agreement.oj})"


def table_rows(p: ParameterSet | None = None, state: str | None = None) -> list[dict[str, Any]]:
    """The table under `p`'s readings, one row per (State, act) with a special position: state, act,
    binds, parts, via (agreement and OJ reference), citation, quote, why, reading, confidence."""
    table = participation()
    chosen = dict(table.choices(p))
    out: list[dict[str, Any]] = []
    for key_state, key_act in table.entries:
        if state is not None and key_state != state.strip().upper():
            continue
        e = table.entry_chosen(key_state, key_act, chosen)
        assert e is not None  # every listed (State, act) has an entry for each option
        via = table.agreements[e.via] if e.via else None
        out.append(
            {
                "state": e.state,
                "act": e.act,
                "binds": e.binds,
                "parts": list(e.parts),
                "via": f"{via.title} ({via.oj})" if via else None,
                "citation": e.citation(),
                "quote": e.quote,
                "why": str(why(e.state, e.act, p)),
                "reading": e.reading,
                "confidence": e.confidence,
            }
        )
    return out
