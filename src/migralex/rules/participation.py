"""Who is bound, over a batch: the regime of each case by the State of registration and the note
its legal basis carries (law/participation.yaml; docs/case-engine.md, "Who is bound").

An application registered in Denmark or in a State associated with the Dublin rules (CH, IS, LI,
NO) is decided under the AMMR criteria because those States apply AMMR Part III through their
agreements (AMMR recitals 90, 92-94): the answer says so. Under the reading
`participation.reading.agreement_states_ammr = dublin3` (or `participation.reading.ireland =
recitals` for Ireland) the AMMR does not bind them and Dublin III goes on applying: the case
moves to the Dublin III criteria, and the answer says why. `acts_not_binding` lists, per case,
the acts of the procedure side (APR, RCD, SR, RBPR) that do not bind the State of registration.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import numpy as np

from migralex.countries import DUBLIN_STATES
from migralex.law.params import ParameterSet
from migralex.law.participation import bound_table, chosen_readings, participation, why
from migralex.law.texts import act_label

AMMR, DUBLIN_III = 0, 1  # codes of `hierarchy.REGIMES`
#: Acts of the national procedure whose binding force the engine checks, with what they govern.
PROCEDURE_ACTS = {
    "APR": "the common procedure (registration, lodging, accelerated and border procedures)",
    "RCD": "the reception conditions (access to the labour market)",
    "SR": "the screening",
    "RBPR": "the return border procedure",
}


@dataclass(frozen=True)
class ScopeNote:
    """What a case's legal basis and trace say of how the rules bind its State of registration."""

    state: str
    switched: bool
    sentence: str
    rule: str

    @property
    def basis_note(self) -> str:
        """Appended to the deciding citation."""
        if self.switched:
            return f" (Regulation (EU) No 604/2013: {self.sentence})"
        return f" ({self.sentence})"

    def trace_lines(self, regime_line: dict[str, str]) -> Iterator[dict[str, str]]:
        """The regime line (restated when the State is not bound by the AMMR), then the scope."""
        if self.switched:
            yield {
                "rule": regime_line["rule"],
                "outcome": "excluded",
                "reason": f"{self.state} is not bound by AMMR Part III: the Dublin III criteria apply"
                " whatever the registration date",
            }
        else:
            yield regime_line
        yield {"rule": self.rule, "outcome": "applies", "reason": self.sentence}


@dataclass(frozen=True)
class Scope:
    """Per case: the regime (codes of `hierarchy.REGIMES`) and the State with its own position."""

    regime: np.ndarray
    state: np.ndarray
    params: ParameterSet | None

    def note(self, regime: int, state: int) -> ScopeNote | None:
        """The note of the cases of one (regime, State) group; None for Member States."""
        if state < 0:
            return None
        return _note(DUBLIN_STATES[state], regime == DUBLIN_III, self.params)


def _note(state: str, switched: bool, p: ParameterSet | None) -> ScopeNote:
    entry = participation().entry(state, "AMMR", p)
    assert entry is not None  # only listed States get a note
    rule = entry.citation() if entry.recital is not None else f"AMMR ({entry.reading or 'participation'})"
    return ScopeNote(state, switched, str(why(state, "AMMR", p)), rule)


def _listed(p: ParameterSet | None) -> np.ndarray:
    """Per State code: does the AMMR bind it otherwise than as a Member State (a note is due)?"""
    return _listed_table(chosen_readings(p))


@cache
def _listed_table(choices: tuple[tuple[str, str], ...]) -> np.ndarray:
    table, chosen = participation(), dict(choices)
    entries = [table.entry_chosen(s, "AMMR", chosen) if s in table.states else None for s in DUBLIN_STATES]
    return np.array([e is not None and e.binds != "all" for e in entries] + [False])


def bound_regime(
    reg_ms: np.ndarray, regime: np.ndarray, p: ParameterSet | None, forced: bool = False
) -> Scope:
    """The regime of each case once participation is applied (a forced regime is not switched)."""
    codes = np.asarray(reg_ms).astype(np.int64)  # -1 (none) reads the last entry of the tables
    ammr = regime == AMMR
    switched = (
        np.zeros(len(codes), dtype=bool) if forced else ammr & ~bound_table("AMMR", p, "Part III")[codes]
    )
    out = np.where(switched, DUBLIN_III, regime).astype(np.int8)
    state = np.where(_listed(p)[codes] & (ammr | switched), codes, -1)
    return Scope(out, state, p)


#: Per readings (`chosen_readings`): per State code, and a last row for none, the procedure acts
#: (columns in the order of `PROCEDURE_ACTS`) that do not bind it.
_NOT_BINDING: dict[tuple[tuple[str, str], ...], np.ndarray] = {}


def acts_not_binding(reg_ms: np.ndarray, p: ParameterSet | None) -> dict[str, np.ndarray]:
    """Per procedure act (APR, RCD, SR, RBPR): True where it does not bind the State of registration."""
    choices = chosen_readings(p)
    table = _NOT_BINDING.get(choices)
    if table is None:
        table = np.stack([~bound_table(act, p) for act in PROCEDURE_ACTS], axis=1)
        table.flags.writeable = False
        _NOT_BINDING[choices] = table
    rows = table[np.asarray(reg_ms).astype(np.int64)]  # -1 (none) reads the last row: bound
    return {act: rows[:, k] for k, act in enumerate(PROCEDURE_ACTS)}


def not_binding_flag(state: str, act: str, p: ParameterSet | None) -> dict[str, object]:
    """The advisory flag an answer carries for an act that does not bind the State of registration."""
    entry = participation().entry(state, act, p)
    rule = entry.citation() if entry is not None and entry.recital is not None else act_label(act)
    return {
        "flag": "act_not_binding",
        "rule": rule,
        "blocking": False,
        "candidates": [],
        "reason": f"{why(state, act, p)}: its rules on {PROCEDURE_ACTS[act]} do not apply; national law does",
    }
