"""Which time limits run for a case, to which date (SR, APR, AMMR, RBPR, RCD; CFMR in a crisis).

Each deadline runs from an event. Where the case dates the event, the date is computed by the Art.
75 calculus (AMMR Art. 75 / APR Art. 73 / RBPR Art. 11: the event day not counted, month ends
clamped, a last day on a weekend or official holiday of the Member State concerned moved to its
next working day; the Dublin III variants by its Art. 42, by default without that roll,
`periods.roll_of`). Where it does not (the making of the application, the receipt of a Eurodac hit
or of a request, an acceptance), the answer names the event and the period and gives no date -
never an invented one; where a later bound follows from dated deadlines (a reply at the latest one
month after the last day for the request), it is given as `latest`.

Deadlines (name: basis):
- `screening_end`: SR Art. 8(3), 7 days from disembarkation, apprehension or presentation at the
  border crossing point (dated from the disembarkation entry; the others are not dated);
- `registration`: APR Art. 27(1), 5 days from the making (after screening, Art. 27(7)); crisis:
  CFMR Art. 10(1), 4 weeks;
- `lodging`: APR Art. 28(1), 21 days from registration; border procedure: Art. 51(1), 5 days (an
  optional border procedure: 21 days, with a note that 5 days run if the Member State applies it);
- `take_charge_request`: AMMR Art. 39(1), 2 months from registration; after a Eurodac (Arts 22, 24)
  or VIS hit 1 month from the hit; crisis CFMR Art. 12(2)(a), 4 months; Dublin III Art. 21(1), 3
  months (2 after a hit, at the latest 3 from the lodging - CJEU C-670/16 Mengesteab, reading
  `dublin3.reading.take_charge_request_after_hit`: the hit is not dated, so that bound is the
  `latest`, and the reply's and transfer's `latest` follow from it) - only where another Member
  State is (or may be) responsible and not after Art. 16(4) (Art. 39 does not apply);
- `take_charge_reply`: AMMR Art. 40(1), 1 month from receipt; 2 weeks after a hit (40(2)); crisis
  2 months (CFMR Art. 12(2)(b)); Dublin III Art. 22(1), 2 months; silence is acceptance;
- `transfer_decision`: AMMR Art. 42(1), 2 weeks from acceptance;
- `transfer`: AMMR Art. 46(1), 6 months from acceptance (or the final decision on an appeal with
  suspensive effect); crisis 1 year (CFMR Art. 12(2)(d)); Dublin III Art. 29(1), 6 months;
- `relocation_confirmation`, `relocation_transfer_decision`, `relocation_transfer`: AMMR Art. 67(9)
  one week from the information (silence is confirmation), (10) one week and (11) four weeks from
  the confirmation - for an applicant relocated under the AMMR (`relocated_to`), who has no take
  charge chain towards the Member State of relocation (Art. 38(1); Art. 46(1), third subparagraph);
- `take_back_notification`: AMMR Art. 41(1), 2 weeks from a Eurodac hit, if the person is later
  found in or applies in another Member State; crisis 1 month; Dublin III Art. 23(2), 2 months;
- `border_procedure_end`: APR Art. 51(2), 12 weeks from registration (16 after relocation, third
  subparagraph); crisis: + 6 weeks (CFMR Art. 11(1), not on top of the 16);
- `return_border_procedure_end`: RBPR Art. 4(2), 12 weeks from the end of the right to remain
  (at the latest the end of the border procedure); crisis + 6 weeks (RBPR Art. 6(1)(a));
- `labour_market_access`: RCD Art. 17(1), 6 months from registration - none where the examination
  is accelerated on APR Art. 42(1)(a)–(f) grounds (second subparagraph).
Detention variants (AMMR Art. 45) need facts the case format does not hold.
CFMR Art. 12 per Member State (`crisis=`, the authorisations of `migralex.rules.crisis`): the
request, reply and transfer take their crisis variant only where the Member State that must act is
authorised (`migralex.rules.deadlines_crisis`); the context's crisis flag applies to them all.

The deadlines, their variants, legal bases and parameters are those of the deadline catalogue
(`migralex.law.deadlines`, law/deadlines.yaml); each deadline is one small function below that
says which variant applies to which cases, and `deadlines()` runs them in the order of the answer.
The dates that follow from the case's procedural events (format v2) are `migralex.rules.timeline`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

import numpy as np
import polars as pl

from migralex.cases import codes as C
from migralex.cases.batch import CaseBatch, as_batch
from migralex.cases.format import Case
from migralex.countries import DUBLIN_STATES
from migralex.law.acts import resolve_act
from migralex.law.deadlines import Variant as CatalogueVariant
from migralex.law.deadlines import catalogue
from migralex.law.params import ParameterSet, per_params
from migralex.law.params import params as shipped_params
from migralex.law.participation import bound_mask
from migralex.law.timelimits import Period, calendar_row, ends_of_periods
from migralex.rules.crisis import Crisis, CrisisLike
from migralex.rules.deadlines_crisis import ART12_LIMITS, art12_masks
from migralex.rules.periods import end_of_period, periods_at, roll_of
from migralex.rules.procedure import (
    ACCELERATED,
    ADULT_GROUNDS,
    BORDER,
    BORDER_OPTIONAL,
    NOT_MODELLED,
    Context,
    ProcedureResult,
    channel,
)
from migralex.rules.regime import forced_regime
from migralex.rules.responsibility.common import ENTRY, PLACE
from migralex.rules.responsibility.hierarchy import ResponsibilityResult, decide_responsibility
from migralex.rules.trace import enum_column

NAT = np.datetime64("NaT", "D")


@dataclass(frozen=True)
class Variant:
    """One way a deadline runs, as answered: its legal basis, parameters, event and note."""

    legal_basis: str
    param: tuple[str, ...]
    runs_from: str
    note: str | None = None


class _Template:
    """The variants of one deadline under one parameter set: answered fields (`Variant`), positions
    and, once looked up, the period of each variant where it does not depend on the date."""

    def __init__(self, variants: tuple[Variant, ...], keys: tuple[str, ...]) -> None:
        self.variants, self.index = variants, {k: i for i, k in enumerate(keys)}
        #: per variant: (period, as answered, `calendar_row`), None where it depends on the date,
        #: False until looked up
        self.fixed: list[tuple[_Groups, str] | bool | None] = [False] * len(variants)


def _nat(n: int) -> np.ndarray:
    """`n` days, all NaT (`numpy.full` costs more on the few cases of one call)."""
    out = np.empty(n, dtype="datetime64[D]")
    out.fill(NAT)
    return out


class Column:
    """One deadline over a batch: which variant applies to each case (-1: none), dates, bounds (the
    date columns are made when first read or written: a column no case gets has none)."""

    __slots__ = ("_date", "_latest", "n", "name", "periods", "template", "variant", "variants", "with_latest")

    def __init__(self, name: str, template: _Template, variant: np.ndarray, with_latest: bool) -> None:
        self.name, self.template, self.variant = name, template, variant
        self.variants, self.n, self.with_latest = template.variants, len(variant), with_latest
        self.periods = [""] * len(template.variants)  # the period as answered, per variant used
        self._date: np.ndarray | None = None
        self._latest: np.ndarray | None = None

    @property
    def keys(self) -> list[str]:
        """The catalogue variants of this column, in order."""
        return list(self.template.index)

    @property
    def date(self) -> np.ndarray:
        """The last day per case (NaT where not dated)."""
        if self._date is None:
            self._date = _nat(self.n)
        return self._date

    @property
    def latest(self) -> np.ndarray | None:
        """The `latest` bound per case (NaT where none), for a column that has one."""
        if self._latest is None and self.with_latest:
            self._latest = _nat(self.n)
        return self._latest

    def at(self, rows: np.ndarray, latest: bool = False) -> np.ndarray:
        """The dates (or `latest` bounds) of `rows`, NaT where none."""
        values = self._latest if latest else self._date
        return np.full(len(rows), NAT) if values is None else values[rows]

    def index(self, key: str) -> int:
        """The position of the catalogue variant `key` in this column."""
        return self.template.index[key]

    def entry(self, i: int) -> dict[str, Any] | None:
        """The deadline of case `i` in the answer shape, or None where it does not run."""
        k = int(self.variant[i])
        if k < 0:
            return None
        v = self.variants[k]
        date = "NaT" if self._date is None else str(self._date[i])
        out: dict[str, Any] = {
            "name": self.name,
            "date": None if date == "NaT" else date,
            "legal_basis": v.legal_basis,
            "period": self.periods[k],
            "runs_from": v.runs_from,
        }
        if self._latest is not None:
            latest = str(self._latest[i])
            if latest != "NaT":
                out["latest"] = latest
        if v.note:
            out["note"] = v.note
        return out


@lru_cache(maxsize=16)
def _applies_from(act: str) -> np.datetime64:
    """The first day an act applies (`law/acts.yaml`), looked up once."""
    return np.datetime64(resolve_act(act).applies_from, "D")


@lru_cache(maxsize=64)
def _prototypes(name: str, variants: tuple[str, ...]) -> tuple[CatalogueVariant, ...]:
    """The catalogue variants of deadline `name`, looked up once."""
    spec = catalogue()[name]
    return tuple(spec.variant(v) for v in variants)


def _make_template(p: ParameterSet, name: str, variants: tuple[str, ...]) -> _Template:
    """The variants of deadline `name` under parameter set `p` (the notes quote the set's periods)."""
    rows = _prototypes(name, variants)
    found = tuple(Variant(v.basis, v.params, v.runs_from, v.note_text(p) if v.note else None) for v in rows)
    return _Template(found, variants)


#: The acts whose application the deadlines check per case (the rows of `_applies`).
_ACTS = ("SR", "RCD", "RBPR")


@lru_cache(maxsize=1)
def _first_days() -> np.ndarray:
    """The first day each act of `_ACTS` applies (`law/acts.yaml`), a row each."""
    return np.array([[_applies_from(k)] for k in _ACTS], dtype="datetime64[D]")


def _bound(p: ParameterSet) -> np.ndarray:
    """Per act of `_ACTS`, per State code + 1 (0: none), one row after the other: does the act bind
    the State (law/participation.yaml under `p`'s readings; `acts_not_binding` as a table)."""
    codes = np.arange(-1, len(DUBLIN_STATES))
    return per_params(
        p, "deadlines.bound", lambda _: np.concatenate([bound_mask(k, codes, p) for k in _ACTS])
    )


#: Per act of `_ACTS`, where its row of `_bound` starts, + 1 (State code -1 is column 0).
_BOUND_AT = np.arange(len(_ACTS))[:, None] * (len(DUBLIN_STATES) + 1) + 1


def _applies(batch: CaseBatch, forced: str | None, p: ParameterSet) -> np.ndarray:
    """Per act of `_ACTS` (a row each), per case: does it apply - from its first day (a forced regime:
    the Pact's instruments on any date, or none of them), where it binds the Member State."""
    a = batch.applicants
    if forced is None:
        applies = a.reg_date >= _first_days()
    else:
        applies = np.full((len(_ACTS), batch.n), forced == "AMMR")
    return applies & _bound(p)[_BOUND_AT + a.reg_ms]  # law/participation.yaml


#: The periods of one variant on the dates of its cases: (period, `calendar_row`, rows of the cases).
_Groups = list[tuple[Period, int, np.ndarray | slice]]


def _fixed_period(p: ParameterSet, names: tuple[str, ...]) -> tuple[_Groups, str] | None:
    """The period of a variant whose parameters each have one value (most): the same on every date
    (several parameters add up, in the unit of the first); None where it depends on the date."""
    params = [p[name] for name in names]
    if not params or any(len(x.values) != 1 for x in params):
        return None
    first = Period(int(params[0].values[0].value), params[0].unit)
    if len(params) > 1:
        first = Period(sum(int(Period(int(x.values[0].value), x.unit).amount) for x in params), first.unit)
    return [(first, calendar_row(first), slice(None))], str(first)


class _Builder:
    """The columns of a batch: `set` records which variant runs for which cases from which event;
    `resolve` applies the requests in order, with one look at all their masks (a request no case
    of the batch meets costs nothing more) and the dates of the cases that have one (`_Dates`)."""

    def __init__(self, n: int, reg: np.ndarray, p: ParameterSet) -> None:
        self.n, self.reg, self.p = n, reg, p
        self.columns: list[Column] = []
        self.variants = np.empty((len(catalogue()), n), dtype=np.int8)  # a row per column
        self.variants.fill(-1)
        self.requests: list[tuple[Column, int, int, np.ndarray | None, np.ndarray, bool]] = []
        self.full = (1 << n) - 1  # every case, as a bitset
        self.templates: dict[tuple[str, tuple[str, ...]], _Template] = per_params(
            p, "deadlines", lambda _: {}
        )

    def column(self, name: str, variants: tuple[str, ...], with_latest: bool = False) -> Column:
        """A new column for deadline `name` of the catalogue, with its `variants` in this order."""
        template = self.templates.get((name, variants))
        if template is None:
            template = self.templates[name, variants] = _make_template(self.p, name, variants)
        k = len(self.columns)
        row = self.variants[k] if k < len(self.variants) else np.full(self.n, -1, dtype=np.int8)
        col = Column(name, template, row, with_latest)
        self.columns.append(col)
        return col

    def period(self, col: Column, k: int, rows: np.ndarray) -> _Groups:
        """The period of variant `k` in force on the registration date of each of `rows`
        (several parameters add up); the period as answered is the first one's."""
        fixed = col.template.fixed[k]
        if fixed is False:
            fixed = col.template.fixed[k] = _fixed_period(self.p, col.variants[k].param)
        if isinstance(fixed, tuple):
            out, text = fixed
        else:
            names = col.variants[k].param
            on = self.reg[rows]
            groups = [list(periods_at(self.p[name], on)) for name in names]
            if len(names) == 1:
                out = [(period, calendar_row(period), rows) for period, rows in groups[0]]
            else:  # a period plus an extension, in the same unit (e.g. 12 weeks + 6 weeks)
                first = groups[0][0][0] if groups[0] else None
                total = Period(sum(g[0][0].amount for g in groups if g), first.unit) if first else None
                out = [(total, calendar_row(total), slice(None))] if total else []
            text = str(out[0][0]) if out else ""
        if not col.periods[k]:
            col.periods[k] = text
        return out

    def set(
        self,
        col: Column,
        key: str,
        mask: int,
        start: np.ndarray | None,
        ms: np.ndarray,
        into: str = "date",
    ) -> None:
        """Variant `key` for the cases in `mask` (a bitset, `_bitsets`); with `start`, the date (or
        the `latest` bound)."""
        self.requests.append((col, col.template.index[key], mask, start, ms, into == "date"))

    def resolve(self) -> list[Column]:
        """Apply the requests made so far, in order (a later one overrides an earlier one)."""
        full = self.full  # (a mask may hold bits past the batch: `~` of a bitset is negative)
        requests, self.requests = [r for r in self.requests if r[2] & full], []  # none for no case
        if not requests:
            return self.columns
        dates = _Dates()
        for (col, k, _, start, ms, date), mask in zip(
            requests, _unpack([r[2] & full for r in requests], self.n), strict=True
        ):
            rows = mask.nonzero()[0]  # (indexing by rows: a boolean mask is slower on large batches)
            if date:
                col.variant[rows] = k
            groups = self.period(col, k, rows)
            target = None if start is None else col.date if date else col.latest
            if start is not None and target is not None:
                dates.add(target, rows, start, ms, groups, roll_of(self.p, col.variants[k].param))
        dates.run()
        return self.columns


def _unpack(bitsets: list[int], n: int) -> np.ndarray:
    """Bitsets (`_bitsets`) as boolean columns of `n` cases, one row each."""
    width = (n + 7) // 8
    packed = np.frombuffer(b"".join(m.to_bytes(width, "little") for m in bitsets), dtype=np.uint8)
    return np.unpackbits(packed.reshape(len(bitsets), width), axis=1, count=n, bitorder="little").view(bool)


class _Dates:
    """The dates the requests of a batch ask for, in stages: each stage one call of the calculus
    (`ends_of_periods`) for all its periods. A request whose start another request writes (the
    reply's bound runs from the request's last day) comes in a later stage than that write; the
    writes to one column keep their order, and no write to a start precedes a read of it."""

    def __init__(self) -> None:
        self.stages: list[list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, Period, int, str]]] = []
        self.written: dict[int, int] = {}  # id of a column's dates → stage of its last write
        self.read: dict[int, int] = {}  # id of a start column → stage of its last read

    def add(
        self,
        target: np.ndarray,
        rows: np.ndarray,
        start: np.ndarray,
        ms: np.ndarray,
        groups: _Groups,
        roll: str = "art75",
    ) -> None:
        """The dates of `rows` into `target`: `groups` periods from `start`, in Member States `ms`;
        `roll` other than `art75` (Dublin III Art. 42, `periods.roll_of`) bypasses the rolled table."""
        t, s = id(target), id(start)
        stage = max(self.written.get(s, -1) + 1, self.written.get(t, 0), self.read.get(t, 0))
        self.written[t], self.read[s] = stage, max(stage, self.read.get(s, 0))
        while len(self.stages) <= stage:
            self.stages.append([])
        self.stages[stage] += [
            (target, rows[sel], start, ms, period, row if roll == "art75" else -1, roll)
            for period, row, sel in groups
        ]

    def run(self) -> None:
        """Every stage, in order (AMMR Art. 75 / APR Art. 73 / RBPR Art. 11)."""
        for items in self.stages:
            calendar = [x for x in items if x[5] >= 0]
            if calendar:
                lengths = [len(x[1]) for x in calendar]
                which = np.repeat(np.array([x[5] for x in calendar]), lengths)
                codes = np.concatenate([x[3][x[1]] for x in calendar])
                starts = np.concatenate([x[2][x[1]] for x in calendar])
                ends = ends_of_periods(starts, which, codes)
            at = 0
            for target, rows, start, ms, period, row, roll in items:  # in order: a later write overrides
                if row >= 0:
                    target[rows] = ends[at : at + len(rows)]
                    at += len(rows)
                else:  # working days, past the table of calendar periods, or another roll
                    target[rows] = end_of_period(start[rows], period, ms[rows], roll)


def _latest_entry(batch: CaseBatch, kind: str) -> np.ndarray:
    """Per case, the latest entry of `kind` into the Member State of registration, on or before it."""
    e, a = batch.entries, batch.applicants
    out = _nat(batch.n)
    rows = np.flatnonzero(
        (e.kind == ENTRY[kind]) & (e.ms == a.reg_ms[e.case]) & (e.date <= a.reg_date[e.case])
    )
    if len(rows):
        order = rows[np.lexsort((e.date[rows], e.case[rows]))]
        case = e.case[order]
        last = np.append(case[1:] != case[:-1], True)
        out[case[last]] = e.date[order][last]
    return out


@dataclass
class DeadlinesResult:
    """Deadlines of a batch: a long table (`to_polars`) and per-case answers (`answer`)."""

    ids: np.ndarray
    columns: list[Column]
    extra: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def answer(self, i: int) -> dict[str, Any]:
        """{id, deadlines: [{name, date, legal_basis, period, runs_from[, latest][, note]}]}."""
        out = []
        for c in self.columns:
            e = c.entry(i)
            if e is not None:
                out.append(e)
        return {"id": str(self.ids[i]), "deadlines": out}

    def answers(self) -> Iterator[dict[str, Any]]:
        """Answers of every case, in batch order."""
        for i in range(len(self.ids)):
            yield self.answer(i)

    def to_polars(self) -> pl.DataFrame:
        """One row per (case, deadline that runs): case (row of the batch), name, date, latest,
        legal_basis, period, runs_from (null date where the event is not dated). The strings are
        Enum columns; join `ids` on `case` for the case ids."""
        cases, names, dates, latest, variants = [], [], [], [], []
        table: list[tuple[Variant, str]] = []
        for k_col, col in enumerate(self.columns):
            rows = np.flatnonzero(col.variant >= 0)
            cases.append(rows)
            names.append(np.full(len(rows), k_col))
            dates.append(col.at(rows))
            latest.append(col.at(rows, latest=True))
            variants.append(col.variant[rows].astype(np.int64) + len(table))
            table += zip(col.variants, col.periods, strict=True)
        case = np.concatenate(cases) if cases else np.zeros(0, np.int64)
        order = np.argsort(case, kind="stable")
        v = np.concatenate(variants)[order] if variants else np.zeros(0, np.int64)
        return pl.DataFrame(
            {
                "case": case[order].astype(np.int64),
                "name": enum_column("name", [c.name for c in self.columns], np.concatenate(names)[order]),
                "date": pl.Series(np.concatenate(dates)[order], dtype=pl.Date),
                "latest": pl.Series(np.concatenate(latest)[order], dtype=pl.Date),
                "legal_basis": enum_column("legal_basis", [t.legal_basis for t, _ in table], v),
                "period": enum_column("period", [period or "?" for _, period in table], v),
                "runs_from": enum_column("runs_from", [t.runs_from for t, _ in table], v),
            }
        )


def _bitsets(columns: np.ndarray) -> list[int]:
    """Boolean columns (one row each) as Python integers, bit i for case i: a `&`, `|` or `~` of
    the rules below is one integer operation, for one case or millions (`_Builder.resolve` reads
    the masks back as columns)."""
    packed = np.packbits(columns, axis=1, bitorder="little")
    return [int.from_bytes(row, "little") for row in packed]


AT_BORDER = ("sar_disembarkation", "apprehension_after_irregular_crossing", "border_crossing_point")
#: The places, procedures and regimes the rules tell apart (`Facts`): a column of codes against
#: these (one comparison each) gives one row per code.
_PLACES = np.array([[PLACE[x]] for x in ("relocation", *AT_BORDER, "airport_transit_area")], dtype=np.int8)
_PROCEDURES = np.array([[BORDER], [BORDER_OPTIONAL], [ACCELERATED], [NOT_MODELLED]], dtype=np.int8)
_REGIMES = np.array([[0], [1]], dtype=np.int8)  # AMMR, Dublin III
#: RCD Art. 17(1) second subparagraph: the APR Art. 42(1) grounds (a)-(f) the engine models.
_A_TO_F = sum(1 << ADULT_GROUNDS[x] for x in ("c", "e", "f"))


@dataclass(slots=True)
class Facts:
    """What the deadlines of a batch depend on: columns (one row per case) and, as bitsets
    (`_bitsets`: bit i for case i), the facts the rules combine."""

    batch: CaseBatch
    responsibility: ResponsibilityResult
    reg: np.ndarray
    reg_ms: np.ndarray
    relocation: int
    at_sea: int
    apprehended: int
    at_crossing: int
    at_airport: int
    border: int
    border_optional: int
    accelerated: int
    not_modelled: int
    ammr_case: int
    dublin_case: int
    crisis: int
    hit: int
    named: int
    other_state: int
    security: int
    relocated_to: int
    grounds_af: int
    SR: int
    RCD: int
    RBPR: int
    #: SR Art. 5: a place of screening at the external border; screened there (the SR applies).
    border_place: int = 0
    screened: int = 0
    #: APR: the case is in a procedure the engine models; a border procedure (mandatory or not).
    apr: int = 0
    border_like: int = 0
    #: AMMR Art. 67: relocated (`relocated_to`) under the AMMR - no take charge chain towards the
    #: Member State of relocation (Arts 38(1), 46(1) third subparagraph; Art. 67(9)-(11) instead).
    relocated: int = 0
    #: AMMR Art. 39(1): another Member State is (or may be) responsible; not after Art. 16(4), not
    #: for a relocated applicant (the relocation procedure of Art. 67 replaces the request).
    elsewhere: int = 0
    #: CFMR Art. 12 per limit (`ART12_LIMITS`): the case's crisis flag, or also where the Member
    #: State that must act is authorised (`migralex.rules.deadlines_crisis`).
    art12: dict[str, int] = field(default_factory=dict)

    def requested(self) -> np.ndarray:
        """The requested Member State: the one the criteria name, else the Member State of registration."""
        ms = self.responsibility.member_state
        return np.where(ms >= 0, ms, self.reg_ms).astype(np.int8)


def _facts(
    batch: CaseBatch,
    procedure: ProcedureResult,
    responsibility: ResponsibilityResult,
    applies: np.ndarray,
    derogation: Crisis | None,
    p: ParameterSet,
) -> Facts:
    """The facts of the deadlines (SR Art. 5; APR Arts 42, 51; AMMR Arts 16(4), 39, 67; CFMR Art. 12)."""
    a, r = batch.applicants, responsibility
    columns = {
        "crisis": procedure.crisis,
        "hit": r.evidence_hit(),
        "named": r.member_state >= 0,
        "other_state": r.member_state != a.reg_ms,
        "security": r.criteria() == "security",
        "relocated_to": a.relocated_to >= 0,
        "grounds_af": (procedure.grounds & _A_TO_F) > 0,
    }
    names = ["relocation", "at_sea", "apprehended", "at_crossing", "at_airport", "border", "border_optional"]
    names += ["accelerated", "not_modelled", "ammr_case", "dublin_case", *columns, *_ACTS]
    codes = [a.place == _PLACES, procedure.procedure == _PROCEDURES, r.regime == _REGIMES]
    bits = _bitsets(np.concatenate([*codes, np.array(list(columns.values()), dtype=bool), applies]))
    f = Facts(batch, r, a.reg_date, a.reg_ms, **cast(dict[str, Any], dict(zip(names, bits, strict=True))))
    f.at_crossing |= f.at_airport  # a border crossing point, or an airport's transit area
    f.border_place = f.at_sea | f.apprehended | f.at_crossing  # SR Art. 5
    f.apr, f.border_like = ((1 << batch.n) - 1) & ~f.not_modelled, f.border | f.border_optional
    f.screened = f.SR & f.border_place
    f.relocated = f.relocated_to & f.ammr_case
    f.elsewhere = f.other_state & ~f.security & (f.ammr_case | f.dublin_case) & ~f.relocated
    f.art12 = dict.fromkeys(ART12_LIMITS, f.crisis)
    if derogation is not None:
        masks = art12_masks(derogation, a.reg_date, a.reg_ms, f.requested(), p)
        f.art12 = {
            k: f.crisis | v for k, v in zip(masks, _bitsets(np.vstack(list(masks.values()))), strict=True)
        }
    return f


def _screening_end(f: Facts, b: _Builder) -> None:
    """SR Art. 8(3): seven days from disembarkation, apprehension or presentation at the border."""
    col = b.column("screening_end", ("disembarkation", "apprehension", "border_crossing_point"))
    screened, at_sea = f.screened, f.screened & f.at_sea
    disembarked = _latest_entry(f.batch, "sar_disembarkation") if at_sea else None
    b.set(col, "disembarkation", at_sea, disembarked, f.reg_ms)
    b.set(col, "apprehension", screened & f.apprehended, None, f.reg_ms)
    b.set(col, "border_crossing_point", screened & f.at_crossing, None, f.reg_ms)


def _registration(f: Facts, b: _Builder) -> None:
    """APR Art. 27(1) and (7); CFMR Art. 10(1) in a crisis: from the making (not dated)."""
    col = b.column("registration", ("default", "after_screening", "crisis"))
    apr, screened, crisis = f.apr, f.screened, f.crisis
    b.set(col, "default", apr & ~screened & ~crisis, None, f.reg_ms)
    b.set(col, "after_screening", apr & screened & ~crisis, None, f.reg_ms)
    b.set(col, "crisis", apr & crisis, None, f.reg_ms)


def _lodging(f: Facts, b: _Builder) -> None:
    """APR Art. 28(1): 21 days from registration; Art. 51(1): 5 days in the border procedure."""
    col = b.column("lodging", ("default", "border", "border_relocation", "border_optional"))
    border, reg, ms = f.border, f.reg, f.reg_ms
    b.set(col, "default", f.apr & ~f.border_like, reg, ms)
    b.set(col, "border_optional", f.border_optional, reg, ms)
    b.set(col, "border", border & ~f.relocation, reg, ms)
    b.set(col, "border_relocation", border & f.relocation, None, ms)


def _take_charge_request(f: Facts, b: _Builder) -> tuple[np.ndarray, np.ndarray, int]:
    """AMMR Art. 39(1) (1 month after a hit); CFMR Art. 12(2)(a); Dublin III Art. 21(1) (after a
    hit, at the latest three months from the lodging: CJEU C-670/16 Mengesteab, by default).
    Returns the dates, the `latest` bounds and the cases (bitset) that have only the bound."""
    keys = ("default", "after_hit", "crisis", "dublin3", "dublin3_after_hit", "dublin3_after_hit_capped")
    col = b.column("take_charge_request", keys, with_latest=True)
    elsewhere, hit, ammr, dublin = f.elsewhere, f.hit, f.ammr_case, f.dublin_case
    ammr_crisis = ammr & f.art12["request"]
    plain = elsewhere & ~hit
    b.set(col, "default", plain & ammr & ~ammr_crisis, f.reg, f.reg_ms)
    b.set(col, "after_hit", elsewhere & hit & ammr & ~ammr_crisis, None, f.reg_ms)
    b.set(col, "crisis", elsewhere & ammr_crisis, f.reg, f.reg_ms)
    b.set(col, "dublin3", plain & dublin, f.reg, f.reg_ms)
    capped = 0
    if b.p.reading("dublin3.reading.take_charge_request_after_hit") == "three_month_cap":
        capped = elsewhere & hit & dublin
        b.set(col, "dublin3_after_hit_capped", capped, None, f.reg_ms)
        b.set(col, "dublin3", capped, f.reg, f.reg_ms, into="latest")  # the three months of Art. 21(1)
    else:  # as_written: two months from the hit, whenever it came
        b.set(col, "dublin3_after_hit", elsewhere & hit & dublin, None, f.reg_ms)
    return col.date, cast(np.ndarray, col.latest), capped


def _take_charge_reply(f: Facts, b: _Builder, request: tuple[np.ndarray, np.ndarray, int]) -> np.ndarray:
    """AMMR Art. 40(1)-(2), silence is acceptance (40(8)); CFMR Art. 12(2)(b); Dublin III Art. 22
    (`latest` from the request's last day, or from its `latest` bound where it has only that)."""
    request_due, request_latest, capped = request
    col = b.column("take_charge_reply", ("default", "after_hit", "crisis", "dublin3"), with_latest=True)
    requested = f.requested() if f.elsewhere else f.reg_ms  # no date without a request
    elsewhere, hit, ammr = f.elsewhere, f.hit, f.ammr_case
    ammr_crisis = ammr & f.art12["reply"]
    masks = {
        "default": elsewhere & ~hit & ammr & ~ammr_crisis,
        "after_hit": elsewhere & hit & ammr & ~ammr_crisis,
        "crisis": elsewhere & ammr_crisis,
        "dublin3": elsewhere & f.dublin_case,
    }
    for name, mask in masks.items():
        b.set(col, name, mask, None, requested)
        b.set(col, name, mask, request_due, requested, into="latest")
    b.set(col, "dublin3", masks["dublin3"] & capped, request_latest, requested, into="latest")
    return col.latest if col.latest is not None else _nat(b.n)


def _transfer_decision(f: Facts, b: _Builder) -> None:
    """AMMR Art. 42(1): two weeks from the acceptance (not dated without the event)."""
    col = b.column("transfer_decision", ("default",))
    named = f.elsewhere & f.ammr_case & f.named
    b.set(col, "default", named, None, f.reg_ms)


def _transfer(f: Facts, b: _Builder, reply_latest: np.ndarray) -> None:
    """AMMR Art. 46(1): six months from acceptance; CFMR Art. 12(2)(d), 12(4); Dublin III Art. 29(1)."""
    col = b.column("transfer", ("default", "crisis", "dublin3", "crisis_responsible"), with_latest=True)
    named = f.elsewhere & f.named
    ammr_crisis = f.ammr_case & f.art12["transfer"]
    receiving = f.ammr_case & ~ammr_crisis & f.art12["transfer_responsible"]  # CFMR Art. 12(4)
    masks = {
        "default": named & f.ammr_case & ~ammr_crisis & ~receiving,
        "crisis": named & ammr_crisis,
        "dublin3": named & f.dublin_case,
        "crisis_responsible": named & receiving,
    }
    for name, mask in masks.items():
        b.set(col, name, mask, None, f.reg_ms)
        b.set(col, name, mask, reply_latest, f.reg_ms, into="latest")


def _take_back_notification(f: Facts, b: _Builder) -> None:
    """AMMR Art. 41(1): two weeks from the hit; CFMR Art. 12(2)(c); Dublin III Art. 23(2)."""
    col = b.column("take_back_notification", ("default", "crisis", "dublin3_after_hit"))
    ammr_crisis = f.ammr_case & f.art12["take_back"]
    b.set(col, "default", f.ammr_case & ~ammr_crisis, None, f.reg_ms)
    b.set(col, "crisis", ammr_crisis, None, f.reg_ms)
    b.set(col, "dublin3_after_hit", f.dublin_case, None, f.reg_ms)


def _border_procedure_end(f: Facts, b: _Builder) -> np.ndarray:
    """APR Art. 51(2): 12 weeks (16 after relocation); CFMR Art. 11(1): + 6 weeks in a crisis."""
    optional = {"default": "optional", "relocation": "optional_relocation", "crisis": "optional_crisis"}
    col = b.column("border_procedure_end", (*optional, *optional.values()))
    crisis, relocation = f.crisis, f.relocation
    masks = {"default": ~crisis & ~relocation, "relocation": ~crisis & relocation, "crisis": crisis}
    for name, mask in masks.items():
        b.set(col, name, f.border & mask, f.reg, f.reg_ms)
        b.set(col, optional[name], f.border_optional & mask, f.reg, f.reg_ms)
    return col.date


def _return_border_procedure_end(f: Facts, b: _Builder, border_end: np.ndarray) -> None:
    """RBPR Art. 4(2): 12 weeks, at the latest the end of the border procedure; crisis Art. 6(1)(a)."""
    col = b.column("return_border_procedure_end", ("default", "crisis"), with_latest=True)
    rbpr = f.border_like & f.RBPR
    for name, mask in {"default": rbpr & ~f.crisis, "crisis": rbpr & f.crisis}.items():
        b.set(col, name, mask, None, f.reg_ms)
        b.set(col, name, mask, border_end, f.reg_ms, into="latest")


def _labour_market_access(f: Facts, b: _Builder) -> None:
    """RCD Art. 17(1): six months from registration; none when accelerated on 42(1)(a)-(f)."""
    col = b.column("labour_market_access", ("default", "accelerated"))
    accelerated_af = (f.accelerated | f.border_like) & f.grounds_af
    rcd = f.RCD & f.apr
    b.set(col, "default", rcd & ~accelerated_af, f.reg, f.reg_ms)
    b.set(col, "accelerated", rcd & accelerated_af, None, f.reg_ms)


def _relocation(f: Facts, b: _Builder) -> None:
    """AMMR Art. 67(9)-(11): confirmation within one week of the information (silence is
    confirmation), transfer decision one week and transfer four weeks from the confirmation - none
    of these events is in the case format v1, so they are not dated."""
    for name in ("relocation_confirmation", "relocation_transfer_decision", "relocation_transfer"):
        col = b.column(name, ("default",))
        b.set(col, "default", f.relocated, None, f.reg_ms)


def _all(f: Facts, b: _Builder) -> None:
    """Every deadline, in the order of the answer."""
    _screening_end(f, b)
    _registration(f, b)
    _lodging(f, b)
    reply_latest = _take_charge_reply(f, b, _take_charge_request(f, b))
    _transfer_decision(f, b)
    _transfer(f, b, reply_latest)
    _relocation(f, b)
    _take_back_notification(f, b)
    border_end = _border_procedure_end(f, b)
    _return_border_procedure_end(f, b, border_end)
    _labour_market_access(f, b)


def deadlines(
    cases: CaseBatch | Case | Mapping[str, Any] | Sequence[Case | Mapping[str, Any]],
    procedure: ProcedureResult | None = None,
    context: Context | None = None,
    params: ParameterSet | None = None,
    responsibility: ResponsibilityResult | None = None,
    regime: str | None = None,
    crisis: CrisisLike = None,
) -> DeadlinesResult:
    """The deadlines of each case (see the module docstring); `procedure` and `responsibility` are
    computed when not given (then `context` is needed for the procedure), under the `regime` the
    caller forces ("AMMR", "DUBLIN_III"; by default the procedure's, else by the dates); `crisis`:
    the CFMR Art. 12 authorisations per Member State and period (`migralex.rules.crisis`; the
    context's `crisis_derogation` flag stays the case's crisis, for every Member State concerned)."""
    batch = as_batch(cases)
    p = params or shipped_params()
    forced = forced_regime(regime)
    if forced is None and procedure is not None:
        forced = procedure.forced
    if procedure is None:
        procedure = channel(batch, context or Context(recognition_rates={}), p, regime=forced)
    if responsibility is None:
        responsibility = decide_responsibility(batch, p, regime=forced)
    reg, n = batch.applicants.reg_date, batch.n
    applies = _applies(batch, forced, p)
    b = _Builder(n, reg, p)
    derogation = None if crisis is None or isinstance(crisis, bool) else Crisis.of(crisis, n, p)
    if isinstance(crisis, bool) and crisis:
        derogation = Crisis.of(True, n, p)  # every Member State concerned, as the context's flag
    _all(_facts(batch, procedure, responsibility, applies, derogation, p), b)
    return DeadlinesResult(batch.applicants.id, b.resolve(), {"ms": C.MEMBER_STATES})


decide_deadlines = deadlines
