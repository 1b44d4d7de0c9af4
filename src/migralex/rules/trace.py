"""The trace of the rules examined, stored as columns and rendered one case at a time.

Each rule evaluated over a batch gives a `RuleEval`: per case an outcome code (int8), the
Member State it designates (int8 code, -1 none), which of the rule's citations is the pinpoint
one (`AMMR Art. 29(2)` or `29(4)`...), a reason code into the rule's reason templates, and a few
argument columns the templates use (dates, a second Member State, a candidates bitmask). Nothing
is turned into text until a case's trace is asked for: ten million cases cost a few int8 columns
per rule, one case's trace is a handful of `str.format` calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from migralex.cases.codes import bits_to_states, ms_name

#: Outcome codes. NOT_EXAMINED rows are left out of a rendered trace.
NOT_EXAMINED, NOT_APPLICABLE, APPLIES, EXCLUDED = 0, 1, 2, 3
OUTCOMES = {NOT_APPLICABLE: "not_applicable", APPLIES: "applies", EXCLUDED: "excluded"}


def _fmt_arg(name: str, value: Any) -> Any:
    if isinstance(value, np.datetime64):
        return "?" if np.isnat(value) else str(value.astype("datetime64[D]"))
    if name.startswith("ms"):
        return ms_name(int(value)) or "?"
    if name == "bits":
        return ", ".join(bits_to_states(int(value))) or "none"
    if isinstance(value, np.generic):
        return value.item()
    return value


def _put(target: np.ndarray, mask: np.ndarray, value: int | np.ndarray) -> None:
    if isinstance(mask, slice):
        target[mask] = value if np.isscalar(value) else np.asarray(value)[mask]
    else:
        np.copyto(target, value, where=mask, casting="unsafe")


#: `_initial_columns` keeps the columns of small batches (one case, a few): copying them is cheaper
#: than filling new ones, a fixed cost paid by every rule and call.
_SMALL = 64
_INITIAL: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def _initial_columns(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """New outcome (not applicable), Member State (-1), citation and reason (0) columns of `n` cases."""
    kept = _INITIAL.get(n)
    if kept is not None:
        outcome, ms, zero = kept
        return outcome.copy(), ms.copy(), zero.copy(), zero.copy()
    outcome, ms = np.empty(n, dtype=np.int8), np.empty(n, dtype=np.int8)
    outcome.fill(NOT_APPLICABLE)  # fill, not np.full: a fixed cost paid by every rule and call
    ms.fill(-1)
    if n <= _SMALL:
        _INITIAL[n] = (outcome.copy(), ms.copy(), np.zeros(n, dtype=np.int8))
    return outcome, ms, np.zeros(n, dtype=np.int8), np.zeros(n, dtype=np.int8)


@dataclass
class RuleEval:
    """One rule over a batch: outcome, designated Member State, citation, reason, template args."""

    key: str
    citations: tuple[str, ...]
    reasons: tuple[str, ...]
    outcome: np.ndarray
    ms: np.ndarray
    cite: np.ndarray
    reason: np.ndarray
    args: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def empty(cls, key: str, n: int, citations: tuple[str, ...], reasons: tuple[str, ...]) -> RuleEval:
        """All cases not applicable (reason 0, citation 0) until the rule says otherwise."""
        return cls(key, citations, reasons, *_initial_columns(n))

    def set(
        self,
        mask: np.ndarray,
        outcome: int,
        reason: int,
        cite: int | np.ndarray | None = None,
        ms: np.ndarray | int | None = None,
    ) -> None:
        """Set outcome, reason (and citation, Member State) where `mask` holds."""
        # no case (most rules, for one case); count_nonzero: a C call, where ndarray.any goes through Python
        if isinstance(mask, np.ndarray) and not np.count_nonzero(mask):
            return
        _put(self.outcome, mask, outcome)
        _put(self.reason, mask, reason)
        if cite is not None:
            _put(self.cite, mask, cite)
        if ms is not None:
            _put(self.ms, mask, ms)

    def arg(self, name: str, values: np.ndarray) -> None:
        """A template argument column (`ms…` names are Member-State codes, `d…` dates, `bits`)."""
        self.args[name] = values

    def render(self, i: int, base: Mapping[str, Any]) -> dict[str, str]:
        """The trace entry of case `i`: {rule, outcome, reason}."""
        values = {k: _fmt_arg(k, v) for k, v in base.items()}
        values |= {k: _fmt_arg(k, v[i]) for k, v in self.args.items()}
        values["ms"] = ms_name(int(self.ms[i])) or "?"
        return {
            "rule": self.citations[int(self.cite[i])],
            "outcome": OUTCOMES[int(self.outcome[i])],
            "reason": self.reasons[int(self.reason[i])].format(**values),
        }


@dataclass
class Flag:
    """A point where the law leaves a choice to a person: per case a mask and candidate States.

    `blocking` flags replace the answer (no Member State is named: the choice is the human's);
    the others accompany an answer (a discretionary clause that could change it).
    """

    kind: str
    rule: str
    blocking: bool
    template: str
    mask: np.ndarray
    bits: np.ndarray

    def render(self, i: int) -> dict[str, Any]:
        """The flag of case `i`: {flag, rule, blocking, candidates, reason}."""
        candidates = bits_to_states(int(self.bits[i]))
        return {
            "flag": self.kind,
            "rule": self.rule,
            "blocking": self.blocking,
            "candidates": candidates,
            "reason": self.template.format(candidates=", ".join(candidates) or "none"),
        }


def new_flag(kind: str, rule: str, blocking: bool, template: str, n: int) -> Flag:
    """A flag raised for no case yet."""
    return Flag(kind, rule, blocking, template, np.zeros(n, dtype=bool), np.zeros(n, dtype=np.uint32))


def enum_column(name: str, table: list[str], codes: np.ndarray) -> Any:
    """A polars Enum column of `table[codes]` (repeated strings stored once)."""
    import polars as pl

    unique = list(dict.fromkeys(table))
    remap = np.array([unique.index(t) for t in table], dtype=np.int64)
    return pl.Series(name, unique, dtype=pl.Enum(unique)).gather(remap[np.asarray(codes, dtype=np.int64)])
