"""Who may derogate, and when: the CFMR Art. 12 authorisations of the Member States, per period.

CFMR Art. 12(1): "Member States may derogate from the time limits set out in Articles 39, 40, 41
and 46" of the AMMR "in a situation of crisis ... or force majeure which renders it impossible for a
Member State facing such a situation to comply" - the derogation is the Member State's, authorised
by a Council implementing decision that sets "the date from which the derogations ... may be
applied, as well as the time period for their application" (Art. 4(4); three months, extendable,
Art. 5(1); at most 12 months in all, Art. 5(3)). So a case's limit is extended only where the
Member State that must act for that limit - the one that requests, replies, notifies, confirms or
transfers - is authorised; a limit of another Member State of the same case keeps the AMMR period.

`Derogation` is one authorisation (a Member State, the first and last day, the decision's
reference); `Crisis` holds them for a batch, with the old switch "every Member State concerned is
authorised" kept per case (`crisis=True`). `Crisis.applies(ms, start, end)` says, per limit,
whether its Member State was authorised - on a day the ordinary limit runs (reading
`cfmr.reading.derogation_day` = running, the default) or on the day it starts (= start).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from migralex.cases import codes as C
from migralex.errors import InvalidInput
from migralex.law.dates import add_months_clamped, parse_date, to_date
from migralex.law.params import ParameterSet
from migralex.law.params import params as shipped_params

CrisisLike = bool | np.ndarray | Sequence[Any] | None


@dataclass(frozen=True)
class Derogation:
    """A Council implementing decision authorising `member_state` to apply CFMR Art. 12 from
    `start` to `end` (both included; CFMR Arts 4(4), 5)."""

    member_state: str
    start: dt.date
    end: dt.date
    decision: str | None = None

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | Derogation, where: str, p: ParameterSet) -> Derogation:
        """One authorisation from `{member_state, from, to, decision}`; errors name the field."""
        if isinstance(raw, Derogation):
            out = raw
        else:
            if not isinstance(raw, Mapping):
                raise InvalidInput(where, "expected {member_state, from, to} (CFMR Art. 4(4))")
            unknown = set(raw) - {"member_state", "from", "to", "decision"}
            if unknown:
                raise InvalidInput(f"{where}.{sorted(unknown)[0]}", "unknown field")
            for key in ("member_state", "from", "to"):
                if raw.get(key) in (None, ""):
                    raise InvalidInput(f"{where}.{key}", "required field is missing")
            out = cls(
                str(raw["member_state"]).strip().upper(),
                parse_date(raw["from"], field=f"{where}.from"),
                parse_date(raw["to"], field=f"{where}.to"),
                None if raw.get("decision") is None else str(raw["decision"]),
            )
        out.check(where, p)
        return out

    def check(self, where: str, p: ParameterSet) -> None:
        """A State of the Dublin rules; `to` not before `from`; at most the CFMR Art. 5(3) maximum."""
        if self.member_state not in C.MS_INDEX:
            raise InvalidInput(
                f"{where}.member_state",
                f"{self.member_state!r} is not a State applying the Dublin rules"
                f" ({', '.join(C.MEMBER_STATES)})",
            )
        if self.end < self.start:
            raise InvalidInput(f"{where}.to", f"{self.end} is before 'from' {self.start}")
        maximum = p["cfmr.maximum_total_duration"]
        months = int(maximum.value_at(max(self.start, maximum.values[0].start)).value)
        last = to_date(add_months_clamped(np.array([np.datetime64(self.start, "D")]), months)[0])
        if self.end >= last:
            raise InvalidInput(
                f"{where}.to",
                f"the derogation lasts at most {months} months in all (CFMR Art. 5(3), parameter"
                f" cfmr.maximum_total_duration): from {self.start} it ends before {last}",
            )


@dataclass(frozen=True)
class Crisis:
    """The derogations a batch of `n` cases runs under: per case, every Member State concerned
    (`everyone`), and the authorisations per Member State and period."""

    everyone: np.ndarray
    ms: np.ndarray
    start: np.ndarray
    end: np.ndarray
    day_reading: str = "running"

    @classmethod
    def of(cls, value: CrisisLike, n: int, p: ParameterSet | None = None) -> Crisis:
        """`True`/`False` or a bool per case (every Member State concerned), or a list of
        authorisations (`Derogation` or `{member_state, from, to, decision}`)."""
        p = p or shipped_params()
        reading = p.reading("cfmr.reading.derogation_day")
        if value is None or isinstance(value, (bool, np.bool_, np.ndarray)):
            everyone = np.broadcast_to(np.asarray(bool(value) if value is None else value, bool), (n,))
            empty = np.zeros(0, dtype="datetime64[D]")
            return cls(everyone.copy(), np.zeros(0, np.int8), empty, empty, reading)
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise InvalidInput("crisis", "expected true/false or a list of {member_state, from, to}")
        items = [Derogation.parse(raw, f"crisis[{k}]", p) for k, raw in enumerate(value)]
        return cls(
            np.zeros(n, bool),
            np.array([C.MS_INDEX[d.member_state] for d in items], dtype=np.int8),
            np.array([d.start for d in items], dtype="datetime64[D]"),
            np.array([d.end for d in items], dtype="datetime64[D]"),
            reading,
        )

    def applies(self, ms: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Per case: may the Member State `ms` that must act derogate from a limit running from
        `start` to its ordinary last day `end`? (CFMR Art. 12(1); reading `cfmr.reading.derogation_day`)."""
        out = self.everyone.copy()
        last = start if self.day_reading == "start" else end
        for code, first, final in zip(self.ms, self.start, self.end, strict=True):
            out |= (ms == code) & (start <= final) & (last >= first)
        return out

    def authorised(self, ms: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Per case: is `ms` authorised on `day` (or every Member State concerned)?"""
        return self.applies(ms, day, day)


def derogations(everyone: bool, authorised: Sequence[str] | None, field: str = "crisis_in") -> CrisisLike:
    """The CFMR Art. 12 input from the switch `everyone` or the authorisations `MS:FROM:TO`."""
    if not authorised:
        return everyone
    if everyone:
        raise InvalidInput(field, "the switch for every Member State and authorisations exclude each other")
    out = []
    for k, text in enumerate(authorised):
        parts = str(text).split(":")
        if len(parts) != 3:
            example = "GR:2026-09-01:2026-11-30"
            raise InvalidInput(f"{field}[{k}]", f"{text!r}: expected MS:FROM:TO, e.g. {example}")
        raw = {"member_state": parts[0], "from": parts[1], "to": parts[2]}
        Derogation.parse(raw, f"{field}[{k}]", shipped_params())
        out.append(raw)
    return out
