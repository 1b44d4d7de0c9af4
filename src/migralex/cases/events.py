"""Procedural events of a case (case format version 2): what happened after the registration.

A Dublin unit works from events: the Eurodac hit arrives, the request goes out, the reply comes back
(or does not), the transfer decision is notified, an appeal suspends it, the person absconds or is
imprisoned, the transfer happens; after a rejection the return decision is issued (APR Art. 37; its
consequences in `migralex.rules.returns`). `Event` is one of them (pydantic, unknown fields are errors);
The `Event` model is part of the case format (`migralex.cases.format.Event`);
`check_events` checks their order and consistency and raises `ValueError("@events[i]: rule")` -
the case format turns it into `InvalidInput(path="events[i]", reason=...)`. `EventTable` holds the
events of a batch as columns (one row per event) for the vectorised timeline
(`migralex.rules.timeline`).

`by` is the Member State that acts (sends the request, replies, receives the hit, decides the
transfer), `to` the one addressed (the requested Member State, the Member State the hit points to).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from migralex.cases import codes as C
from migralex.errors import InvalidInput
from migralex.law.dates import add_months_clamped, to_date
from migralex.law.params import param
from migralex.law.timelimits import Period

if TYPE_CHECKING:
    from migralex.cases.format import Case, Event

#: Event types, in the order of the codes of `EventTable.type`.
EVENT_TYPES: tuple[str, ...] = (
    "eurodac_hit",
    "take_charge_request",
    "take_back_notification",
    "reply",
    "re_examination_request",
    "re_examination_reply",
    "transfer_decision_notified",
    "appeal_lodged",
    "appeal_decided",
    "absconded",
    "imprisoned",
    "released",
    "transfer_carried_out",
    "left_territory",
    "relocation_information",
    "relocation_postponed",
    "relocation_confirmed",
    "suspension_requested",
    "suspension_decided",
    "detained",
    "detention_ended",
    "border_rejection_final",
    "return_decision",
)
EVENT = {name: i for i, name in enumerate(EVENT_TYPES)}
#: Categories of a Eurodac hit: data recorded on an irregular crossing (Eurodac Art. 22), after a
#: search and rescue operation (Art. 24), on an earlier application (Art. 15: a take back case), or
#: a VIS hit (AMMR Art. 39(1), second subparagraph).
HIT_CATEGORIES: tuple[str, ...] = ("irregular_crossing", "sar_disembarkation", "application", "vis")
OUTCOMES: tuple[str, ...] = (
    "accepted", "rejected", "transfer_upheld", "transfer_annulled",
    "suspension_granted", "suspension_refused",
)  # fmt: skip
#: Why an urgent reply may be requested (AMMR Art. 39(2)): the application was registered after a
#: decision to refuse entry or a return decision was issued.
URGENT_GROUNDS: tuple[str, ...] = ("refusal_of_entry", "return_decision")
_REPLY_OUTCOMES = ("accepted", "rejected")
_APPEAL_OUTCOMES = ("transfer_upheld", "transfer_annulled")
_SUSPENSION_OUTCOMES = ("suspension_granted", "suspension_refused")
#: The types that carry an `outcome`, with the outcomes each allows.
_OUTCOMES_OF = {
    "reply": _REPLY_OUTCOMES,
    "re_examination_reply": _REPLY_OUTCOMES,
    "appeal_decided": _APPEAL_OUTCOMES,
    "suspension_decided": _SUSPENSION_OUTCOMES,
}
#: Types that need `by` and `to` (two different Member States).
_BETWEEN = {
    "take_charge_request",
    "take_back_notification",
    "reply",
    "re_examination_request",
    "re_examination_reply",
    "relocation_information",
    "relocation_postponed",
    "relocation_confirmed",
}


def _fields(i: int, e: Event) -> None:
    """Which fields an event of its type needs and allows."""
    where = f"@events[{i}]"
    for check in (_parties, _hit_and_outcome, _appeal_and_urgency):
        check(where, e)


def _parties(where: str, e: Event) -> None:
    """The Member States of an event: both for an exchange between two, two different ones, Member
    States bound by relocation for a relocation event, the issuer alone for a return decision."""
    if e.type in _BETWEEN and (e.by is None or e.to is None):
        raise ValueError(
            f"{where}: a {e.type} needs 'by' and 'to' (the Member State acting, the one addressed)"
        )
    if e.by is not None and e.by == e.to:
        raise ValueError(f"{where}: 'by' and 'to' are the same Member State ({e.by})")
    if e.type.startswith("relocation_"):
        from migralex.cases.format import not_in_relocation

        for side in ("by", "to"):
            why = not_in_relocation(getattr(e, side))
            if why is not None:
                raise ValueError(f"{where}.{side}: {why}")
    if e.type == "return_decision" and (e.by is None or e.to is not None):
        raise ValueError(
            f"{where}: a return_decision needs 'by' (the Member State issuing it, APR Art. 37) and no 'to'"
        )


def _hit_and_outcome(where: str, e: Event) -> None:
    """A Eurodac hit's category and addressee; the outcome of the events that have one."""
    if e.type == "eurodac_hit" and (e.category is None or e.to is None):
        raise ValueError(f"{where}: a eurodac_hit needs 'category' ({', '.join(HIT_CATEGORIES)}) and 'to'")
    if e.category is not None and e.type != "eurodac_hit":
        raise ValueError(f"{where}: 'category' is only for a eurodac_hit")
    allowed = _OUTCOMES_OF.get(e.type)
    if allowed is not None and e.outcome not in allowed:
        raise ValueError(f"{where}: a {e.type} needs 'outcome' {' or '.join(allowed)}")
    if e.outcome is not None and allowed is None:
        raise ValueError(f"{where}: 'outcome' is only for a {', a '.join(_OUTCOMES_OF)}")


def _appeal_and_urgency(where: str, e: Event) -> None:
    """An appeal says whether it suspends (AMMR Art. 43(3)); an urgent take charge request its
    period, at least the minimum (Art. 39(2)), and its ground."""
    if e.type == "appeal_lodged" and e.suspensive is None:
        raise ValueError(f"{where}: an appeal_lodged needs 'suspensive' true or false (AMMR Art. 43(3))")
    if e.suspensive is not None and e.type != "appeal_lodged":
        raise ValueError(f"{where}: 'suspensive' is only for appeal_lodged")
    if (e.urgent or e.reply_by is not None) and e.type != "take_charge_request":
        raise ValueError(f"{where}: 'urgent' and 'reply_by' are only for a take_charge_request")
    if e.reply_by is not None and not e.urgent:
        raise ValueError(f"{where}: 'reply_by' is the period of an urgent request: give 'urgent': true")
    if (e.urgent_ground is not None or e.ground_issued is not None) and not e.urgent:
        raise ValueError(f"{where}: 'urgent_ground' and 'ground_issued' are the reasons of an urgent request")
    if e.ground_issued is not None and e.urgent_ground is None:
        raise ValueError(f"{where}: 'ground_issued' dates the 'urgent_ground' ({', '.join(URGENT_GROUNDS)})")
    if e.reply_by is not None and e.reply_by < urgent_minimum_end(e.date):
        minimum = _urgent_minimum(e.date)
        raise ValueError(
            f"{where}: the period requested for an urgent reply is at least {minimum}"
            f" (AMMR Art. 39(2), parameter {_URGENT_MINIMUM}): reply_by {e.reply_by} is before"
            f" {urgent_minimum_end(e.date)}"
        )


def _urgent_minimum(sent: dt.date) -> Period:
    """The minimum period in force on `sent` (its first value before the AMMR applies: Dublin III
    cases have the same week, Dublin III Art. 21(2) being read alike)."""
    minimum = param(_URGENT_MINIMUM)
    return minimum.period_at(max(sent, minimum.values[0].start))


def urgent_minimum_end(sent: dt.date) -> dt.date:
    """The first day an urgent request may ask its reply for: the period of parameter
    `ammr.time_limits.urgent_reply_minimum` in force on `sent`, counted from `sent` (AMMR Art. 39(2)
    "That period shall be at least one week"; a minimum length, so no Art. 75(d) roll)."""
    minimum = _urgent_minimum(sent)
    day = np.datetime64(sent, "D")
    if minimum.unit in ("days", "weeks"):
        end = day + np.timedelta64(minimum.amount * (7 if minimum.unit == "weeks" else 1), "D")
    else:
        months = minimum.amount * (12 if minimum.unit == "years" else 1)
        end = add_months_clamped(np.array([day]), months)[0]
    return to_date(end)


def _earlier(
    events: Sequence[Event], i: int, types: tuple[str, ...], by: str | None, to: str | None
) -> int | None:
    """The latest event before `i` of one of `types` sent from `by` to `to` (None: any)."""
    for k in range(i - 1, -1, -1):
        e = events[k]
        if e.type in types and (by is None or e.by == by) and (to is None or e.to == to):
            return k
    return None


def _needs(
    events: Sequence[Event], i: int, types: tuple[str, ...], by: str | None, to: str | None, rule: str
) -> int:
    k = _earlier(events, i, types, by, to)
    if k is None:
        raise ValueError(f"@events[{i}]: {rule}")
    return k


_ASKS = ("take_charge_request", "take_back_notification")
#: What each event follows: (the earlier event types, whether it answers one sent to it - from its
#: `to` to its `by` -, the rule broken when there is none).
_FOLLOWS: dict[str, tuple[tuple[str, ...], bool, str]] = {
    "reply": (
        _ASKS,
        True,
        "a reply needs an earlier take_charge_request or take_back_notification from {to} to {by}",
    ),
    "re_examination_request": (
        ("reply",),
        True,
        "a re_examination_request needs an earlier reply from {to} to {by}",
    ),
    "re_examination_reply": (
        ("re_examination_request",),
        True,
        "a re_examination_reply needs an earlier re_examination_request from {to} to {by}",
    ),
    "transfer_decision_notified": (
        (*_ASKS, "relocation_confirmed", "relocation_information"),
        False,
        "a transfer decision needs an earlier take_charge_request, take_back_notification or relocation",
    ),
    "appeal_lodged": (
        ("transfer_decision_notified",),
        False,
        "an appeal needs an earlier transfer_decision_notified (AMMR Art. 43(1))",
    ),
    "appeal_decided": (("appeal_lodged",), False, "an appeal_decided needs an earlier appeal_lodged"),
    "released": (("imprisoned",), False, "released needs an earlier imprisoned"),
    "suspension_requested": (
        ("transfer_decision_notified",),
        False,
        "a suspension_requested needs an earlier transfer_decision_notified (AMMR Art. 43(3))",
    ),
    "suspension_decided": (
        ("suspension_requested",),
        False,
        "a suspension_decided needs an earlier suspension_requested (AMMR Art. 43(3))",
    ),
    "detention_ended": (("detained",), False, "detention_ended needs an earlier detained"),
    "transfer_carried_out": (
        ("transfer_decision_notified",),
        False,
        "a transfer needs an earlier transfer_decision_notified (AMMR Art. 42)",
    ),
    **{
        t: (
            ("relocation_information",),
            True,
            f"a {t} needs an earlier relocation_information from {{to}} to {{by}} (AMMR Art. 67(7)-(9))",
        )
        for t in ("relocation_postponed", "relocation_confirmed")
    },
}


def _consistent(events: Sequence[Event], i: int, relocation_to: str | None) -> None:
    """The event follows what it answers (a reply its request, an appeal its decision, ...)."""
    e = events[i]
    follows = _FOLLOWS.get(e.type)
    if follows is not None:
        types, answers, rule = follows
        by, to = (e.to, e.by) if answers else (None, None)
        k = _needs(events, i, types, by, to, rule.format(to=e.to, by=e.by))
        if e.type == "reply":
            later = _earlier(events, i, ("reply",), e.by, e.to)
            if later is not None and later > k:
                raise ValueError(f"@events[{i}]: events[{k}] was already answered by events[{later}]")
        if e.type == "re_examination_request" and events[k].outcome != "rejected":
            raise ValueError(f"@events[{i}]: only a rejection can be re-examined (events[{k}] accepted)")
    elif e.type == "take_charge_request" and relocation_to is not None and e.to == relocation_to:
        raise ValueError(
            f"@events[{i}]: no take charge request to the Member State of relocation {e.to}: it confirmed the"
            " relocation (AMMR Art. 67(9)) and determines the Member State responsible itself (Art. 38(1))"
        )


def check_events(events: Sequence[Event], registration: dt.date) -> None:
    """Order and consistency of a case's events; the error names the event by index and the rule."""
    relocation_to: str | None = None
    for i, e in enumerate(events):
        _fields(i, e)
        if e.date < registration:
            raise ValueError(
                f"@events[{i}]: {e.type} on {e.date} is before the registration on {registration}"
            )
        if i and e.date < events[i - 1].date:
            raise ValueError(
                f"@events[{i}]: events are in date order; {e.date} is before events[{i - 1}]"
                f" ({events[i - 1].date})"
            )
        _consistent(events, i, relocation_to)
        if e.type == "relocation_confirmed":
            relocation_to = e.by


_NO_MS = -1
_URGENT_MINIMUM = "ammr.time_limits.urgent_reply_minimum"
#: Codes accepted for a Member State besides the ISO ones (Eurostat's EL for Greece).
_ALIASES = {"EL": "GR"}


def _code(values: Sequence[str | None], index: dict[str, int]) -> np.ndarray:
    return np.array([_NO_MS if v is None else index[v] for v in values], dtype=np.int8)


@dataclass(frozen=True)
class EventTable:
    """The events of a batch as columns, one row per event, sorted by (case, index)."""

    case: np.ndarray  # int32: row of the case in its batch
    index: np.ndarray  # int16: position in the case's `events`
    type: np.ndarray  # int8: code in EVENT_TYPES
    date: np.ndarray  # datetime64[D]
    by: np.ndarray  # int8: Member State code (C.MEMBER_STATES), -1 none
    to: np.ndarray  # int8
    outcome: np.ndarray  # int8: code in OUTCOMES, -1 none
    category: np.ndarray  # int8: code in HIT_CATEGORIES, -1 none
    suspensive: np.ndarray  # bool
    urgent: np.ndarray  # bool
    reply_by: np.ndarray  # datetime64[D], NaT none
    urgent_ground: np.ndarray  # int8: code in URGENT_GROUNDS, -1 none
    ground_issued: np.ndarray  # datetime64[D], NaT none

    def __len__(self) -> int:
        return len(self.case)

    @classmethod
    def from_cases(cls, cases: Sequence[Case]) -> EventTable:
        """The events of validated cases (row i of the batch is cases[i])."""
        rows = [(i, k, e) for i, c in enumerate(cases) for k, e in enumerate(getattr(c, "events", ()))]
        ev = [e for _, _, e in rows]
        ms = C.MS_INDEX
        return cls(
            case=np.array([i for i, _, _ in rows], dtype=np.int32),
            index=np.array([k for _, k, _ in rows], dtype=np.int16),
            type=np.array([EVENT[e.type] for e in ev], dtype=np.int8),
            date=np.array([e.date for e in ev], dtype="datetime64[D]"),
            by=_code([e.by for e in ev], ms),
            to=_code([e.to for e in ev], ms),
            outcome=_code([e.outcome for e in ev], {o: j for j, o in enumerate(OUTCOMES)}),
            category=_code([e.category for e in ev], {o: j for j, o in enumerate(HIT_CATEGORIES)}),
            suspensive=np.array([bool(e.suspensive) for e in ev], dtype=bool),
            urgent=np.array([e.urgent for e in ev], dtype=bool),
            reply_by=np.array([e.reply_by for e in ev], dtype="datetime64[D]"),
            urgent_ground=_code([e.urgent_ground for e in ev], {o: j for j, o in enumerate(URGENT_GROUNDS)}),
            ground_issued=np.array([e.ground_issued for e in ev], dtype="datetime64[D]"),
        )

    def to_polars(self) -> pl.DataFrame:
        """One row per event with the codes as strings (the Parquet shape of `events`)."""

        def names(codes: np.ndarray, vocab: Sequence[str]) -> list[str | None]:
            return [None if c < 0 else vocab[c] for c in codes.tolist()]

        return pl.DataFrame(
            {
                "case": self.case,
                "index": self.index,
                "type": names(self.type, EVENT_TYPES),
                "date": pl.Series(self.date, dtype=pl.Date),
                "by": names(self.by, C.MEMBER_STATES),
                "to": names(self.to, C.MEMBER_STATES),
                "outcome": names(self.outcome, OUTCOMES),
                "category": names(self.category, HIT_CATEGORIES),
                "suspensive": self.suspensive,
                "urgent": self.urgent,
                "reply_by": pl.Series(self.reply_by, dtype=pl.Date),
                "urgent_ground": names(self.urgent_ground, URGENT_GROUNDS),
                "ground_issued": pl.Series(self.ground_issued, dtype=pl.Date),
            }
        )

    @classmethod
    def from_polars(cls, frame: pl.DataFrame) -> EventTable:
        """Events from a long frame (`case`, `index`, `type`, `date`, optional `by`, `to`, `outcome`,
        `category`, `suspensive`, `urgent`, `reply_by`, `urgent_ground`, `ground_issued`); unknown
        codes are errors naming the row."""
        n = frame.height

        def codes(col: str, vocab: Sequence[str]) -> np.ndarray:
            if col not in frame.columns:
                return np.full(n, _NO_MS, dtype=np.int8)
            values = frame[col].cast(pl.String)
            old = [*vocab, *(_ALIASES if vocab is C.MEMBER_STATES else {})]
            new = [
                *range(len(vocab)),
                *(vocab.index(v) for v in _ALIASES.values() if vocab is C.MEMBER_STATES),
            ]
            mapped = values.replace_strict(old, new, default=None, return_dtype=pl.Int16)
            bad = mapped.is_null() & values.is_not_null()
            if bad.any():
                row = int(bad.arg_max() or 0)
                raise InvalidInput(f"events[{row}].{col}", f"unknown value {values[row]!r}")
            return mapped.fill_null(_NO_MS).to_numpy().astype(np.int8)

        def flag(col: str) -> np.ndarray:
            return (
                frame[col].fill_null(False).to_numpy().astype(bool)
                if col in frame.columns
                else np.zeros(n, bool)
            )

        def day(col: str) -> np.ndarray:
            if col not in frame.columns:
                return np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
            return frame[col].cast(pl.Date).to_numpy().astype("datetime64[D]")

        order = np.lexsort((frame["index"].to_numpy(), frame["case"].to_numpy())) if n else np.zeros(0, int)
        out = cls(
            case=frame["case"].to_numpy().astype(np.int32),
            index=frame["index"].to_numpy().astype(np.int16),
            type=codes("type", EVENT_TYPES),
            date=day("date"),
            by=codes("by", C.MEMBER_STATES),
            to=codes("to", C.MEMBER_STATES),
            outcome=codes("outcome", OUTCOMES),
            category=codes("category", HIT_CATEGORIES),
            suspensive=flag("suspensive"),
            urgent=flag("urgent"),
            reply_by=day("reply_by"),
            urgent_ground=codes("urgent_ground", URGENT_GROUNDS),
            ground_issued=day("ground_issued"),
        )
        return out.take(order)

    def take(self, rows: np.ndarray) -> EventTable:
        """The events at `rows`, in that order."""
        return EventTable(**{k: getattr(self, k)[rows] for k in self.__dataclass_fields__})

    def upto(self, as_of: np.datetime64) -> EventTable:
        """The events that happened on or before `as_of` (the state on a day knows no later event)."""
        return self.take(np.flatnonzero(self.date <= as_of))
