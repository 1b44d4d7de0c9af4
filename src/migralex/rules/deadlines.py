"""Which time limits run for a case, to which date (SR, APR, AMMR, RBPR, RCD; CFMR in a crisis).

Each deadline runs from an event. Where the case dates the event, the date is computed by the Art.
75 calculus (AMMR Art. 75 / APR Art. 73 / RBPR Art. 11: the event day not counted, month ends
clamped, a last day on a weekend or official holiday of the Member State concerned moved to its
next working day). Where it does not (the making of the application, the receipt of a Eurodac hit
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
  months (2 after a hit) - only where another Member State is (or may be) responsible and not
  after Art. 16(4) (Art. 39 does not apply);
- `take_charge_reply`: AMMR Art. 40(1), 1 month from receipt; 2 weeks after a hit (40(2)); crisis
  2 months (CFMR Art. 12(2)(b)); Dublin III Art. 22(1), 2 months; silence is acceptance;
- `transfer_decision`: AMMR Art. 42(1), 2 weeks from acceptance;
- `transfer`: AMMR Art. 46(1), 6 months from acceptance (or the final decision on an appeal with
  suspensive effect); crisis 1 year (CFMR Art. 12(2)(d)); Dublin III Art. 29(1), 6 months;
- `take_back_notification`: AMMR Art. 41(1), 2 weeks from a Eurodac hit, if the person is later
  found in or applies in another Member State; crisis 1 month; Dublin III Art. 23(2), 2 months;
- `border_procedure_end`: APR Art. 51(2), 12 weeks from registration (16 after relocation, third
  subparagraph); crisis: + 6 weeks (CFMR Art. 11(1), not on top of the 16);
- `return_border_procedure_end`: RBPR Art. 4(2), 12 weeks from the end of the right to remain
  (at the latest the end of the border procedure); crisis + 6 weeks (RBPR Art. 6(1)(a));
- `labour_market_access`: RCD Art. 17(1), 6 months from registration - none where the examination
  is accelerated on APR Art. 42(1)(a)–(f) grounds (second subparagraph).
Detention variants (AMMR Art. 45) need facts the case format does not hold.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from migralex.cases import codes as C
from migralex.cases.batch import CaseBatch, as_batch
from migralex.cases.format import Case
from migralex.law.acts import resolve_act
from migralex.law.params import ParameterSet
from migralex.law.params import params as shipped_params
from migralex.law.timelimits import Period
from migralex.rules.participation import acts_not_binding
from migralex.rules.periods import end_of_period, periods_at
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


@dataclass
class Variant:
    """One way a deadline runs: its legal basis, the parameter of its period, the event, a note."""

    legal_basis: str
    param: str | tuple[str, ...]
    runs_from: str
    note: str | None = None
    period: str = ""


@dataclass
class Column:
    """One deadline over a batch: which variant applies to each case (-1: none), dates, bounds."""

    name: str
    variants: list[Variant]
    variant: np.ndarray
    date: np.ndarray
    latest: np.ndarray | None = None

    def entry(self, i: int) -> dict[str, Any] | None:
        """The deadline of case `i` in the answer shape, or None where it does not run."""
        k = int(self.variant[i])
        if k < 0:
            return None
        v = self.variants[k]
        out: dict[str, Any] = {
            "name": self.name,
            "date": None if np.isnat(self.date[i]) else str(self.date[i]),
            "legal_basis": v.legal_basis,
            "period": v.period,
            "runs_from": v.runs_from,
        }
        if self.latest is not None and not np.isnat(self.latest[i]):
            out["latest"] = str(self.latest[i])
        if v.note:
            out["note"] = v.note
        return out


class _Builder:
    def __init__(self, n: int, reg: np.ndarray, p: ParameterSet) -> None:
        self.n, self.reg, self.p = n, reg, p
        self.columns: list[Column] = []

    def column(self, name: str, variants: list[Variant], with_latest: bool = False) -> Column:
        col = Column(
            name,
            variants,
            np.full(self.n, -1, dtype=np.int8),
            np.full(self.n, NAT),
            np.full(self.n, NAT) if with_latest else None,
        )
        self.columns.append(col)
        return col

    def period(self, variant: Variant, on: np.ndarray) -> list[tuple[Period, np.ndarray | slice]]:
        """The period of a variant in force on each date (several parameters add up)."""
        names = (variant.param,) if isinstance(variant.param, str) else variant.param
        groups = [list(periods_at(self.p[name], on)) for name in names]
        if len(names) == 1:
            out = groups[0]
        else:  # a period plus an extension, in the same unit (e.g. 12 weeks + 6 weeks)
            first = groups[0][0][0] if groups[0] else None
            total = sum(g[0][0].amount for g in groups if g)
            out = [(Period(total, first.unit), slice(None))] if first else []
        if out and not variant.period:
            variant.period = str(out[0][0])
        return out

    def set(
        self,
        col: Column,
        k: int,
        mask: np.ndarray,
        start: np.ndarray | None,
        ms: np.ndarray,
        into: str = "date",
    ) -> None:
        """Variant `k` for the cases in `mask`; with `start`, the date (or the `latest` bound)."""
        rows = np.flatnonzero(mask)
        if into == "date":
            col.variant[rows] = k
        target = col.date if into == "date" else col.latest
        on = self.reg[rows]
        for period, sel in self.period(col.variants[k], on):
            if start is None or target is None:
                continue
            sub = rows[sel]
            target[sub] = end_of_period(start[sub], period, ms[sub])


def _latest_entry(batch: CaseBatch, kind: str) -> np.ndarray:
    """Per case, the latest entry of `kind` into the Member State of registration, on or before it."""
    e, a = batch.entries, batch.applicants
    out = np.full(batch.n, NAT)
    rows = np.flatnonzero(
        (e.kind == ENTRY[kind]) & (e.ms == a.reg_ms[e.case]) & (e.date <= a.reg_date[e.case])
    )
    if len(rows):
        order = rows[np.lexsort((e.date[rows], e.case[rows]))]
        last = np.r_[e.case[order][1:] != e.case[order][:-1], True]
        out[e.case[order][last]] = e.date[order][last]
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
        entries = [c.entry(i) for c in self.columns]
        return {"id": str(self.ids[i]), "deadlines": [e for e in entries if e is not None]}

    def answers(self) -> Iterator[dict[str, Any]]:
        """Answers of every case, in batch order."""
        for i in range(len(self.ids)):
            yield self.answer(i)

    def to_polars(self) -> pl.DataFrame:
        """One row per (case, deadline that runs): case (row of the batch), name, date, latest,
        legal_basis, period, runs_from (null date where the event is not dated). The strings are
        Enum columns; join `ids` on `case` for the case ids."""
        cases, names, dates, latest, variants = [], [], [], [], []
        table: list[Variant] = []
        for k_col, col in enumerate(self.columns):
            rows = np.flatnonzero(col.variant >= 0)
            cases.append(rows)
            names.append(np.full(len(rows), k_col))
            dates.append(col.date[rows])
            latest.append(col.latest[rows] if col.latest is not None else np.full(len(rows), NAT))
            variants.append(col.variant[rows].astype(np.int64) + len(table))
            table += col.variants
        case = np.concatenate(cases) if cases else np.zeros(0, np.int64)
        order = np.argsort(case, kind="stable")
        v = np.concatenate(variants)[order] if variants else np.zeros(0, np.int64)
        return pl.DataFrame(
            {
                "case": case[order].astype(np.int64),
                "name": enum_column("name", [c.name for c in self.columns], np.concatenate(names)[order]),
                "date": pl.Series(np.concatenate(dates)[order], dtype=pl.Date),
                "latest": pl.Series(np.concatenate(latest)[order], dtype=pl.Date),
                "legal_basis": enum_column("legal_basis", [t.legal_basis for t in table], v),
                "period": enum_column("period", [t.period or "?" for t in table], v),
                "runs_from": enum_column("runs_from", [t.runs_from for t in table], v),
            }
        )


def deadlines(
    cases: CaseBatch | Case | Mapping[str, Any] | Sequence[Case | Mapping[str, Any]],
    procedure: ProcedureResult | None = None,
    context: Context | None = None,
    params: ParameterSet | None = None,
    responsibility: ResponsibilityResult | None = None,
    regime: str | None = None,
) -> DeadlinesResult:
    """The deadlines of each case (see the module docstring); `procedure` and `responsibility` are
    computed when not given (then `context` is needed for the procedure), under the `regime` the
    caller forces ("AMMR", "DUBLIN_III"; by default the procedure's, else by the dates)."""
    batch = as_batch(cases)
    p = params or shipped_params()
    forced = forced_regime(regime)
    if forced is None and procedure is not None:
        forced = procedure.forced
    if procedure is None:
        procedure = channel(batch, context or Context(recognition_rates={}), p, regime=forced)
    if responsibility is None:
        responsibility = decide_responsibility(batch, p, regime=forced)
    a, n = batch.applicants, batch.n
    reg, reg_ms, place = a.reg_date, a.reg_ms, a.place
    b = _Builder(n, reg, p)
    proc = procedure.procedure
    crisis = procedure.crisis
    apr = proc != NOT_MODELLED
    applies = {
        k: reg >= np.datetime64(resolve_act(k).applies_from, "D")
        if forced is None
        else np.full(n, forced == "AMMR")  # the Pact's instruments on any date, or none of them
        for k in ("SR", "RCD", "RBPR")
    }
    not_binding = acts_not_binding(reg_ms, p)  # an act that does not bind the State (participation)
    applies = {k: v & ~not_binding[k] for k, v in applies.items()}

    # --- screening (SR Art. 8(3)) and access to the procedure (APR Arts 27, 28, 51(1)) ----------
    at_border = ("sar_disembarkation", "apprehension_after_irregular_crossing", "border_crossing_point")
    screened = applies["SR"] & np.isin(place, [PLACE[x] for x in (*at_border, "airport_transit_area")])
    col = b.column(
        "screening_end",
        [
            Variant("SR Art. 8(3)", "sr.time_limits.border_screening", "the disembarkation"),
            Variant(
                "SR Art. 8(3)",
                "sr.time_limits.border_screening",
                "the apprehension in the external border area",
            ),
            Variant(
                "SR Art. 8(3)",
                "sr.time_limits.border_screening",
                "the presentation at the border crossing point",
            ),
        ],
    )
    disembarked = _latest_entry(batch, "sar_disembarkation")
    sar = place == PLACE["sar_disembarkation"]
    b.set(col, 0, screened & sar, disembarked, reg_ms)
    b.set(col, 1, screened & (place == PLACE["apprehension_after_irregular_crossing"]), None, reg_ms)
    b.set(
        col,
        2,
        screened & np.isin(place, [PLACE["border_crossing_point"], PLACE["airport_transit_area"]]),
        None,
        reg_ms,
    )

    col = b.column(
        "registration",
        [
            Variant("APR Art. 27(1)", "apr.time_limits.registration", "the making of the application"),
            Variant(
                "APR Art. 27(1) and (7)",
                "apr.time_limits.registration",
                "the making of the application, once the screening has ended (APR Art. 27(7))",
            ),
            Variant("CFMR Art. 10(1)", "cfmr.time_limits.registration", "the making of the application"),
        ],
    )
    b.set(col, 0, apr & ~screened & ~crisis, None, reg_ms)
    b.set(col, 1, apr & screened & ~crisis, None, reg_ms)
    b.set(col, 2, apr & crisis, None, reg_ms)

    border_like = (proc == BORDER) | (proc == BORDER_OPTIONAL)
    p_border_lodging = p["apr.time_limits.lodging_border"]
    border_lodging = p_border_lodging.describe_value(p_border_lodging.values[-1])
    relocation = place == PLACE["relocation"]
    col = b.column(
        "lodging",
        [
            Variant("APR Art. 28(1)", "apr.time_limits.lodging", "the registration of the application"),
            Variant(
                "APR Art. 51(1)",
                "apr.time_limits.lodging_border",
                "the first registration (border procedure)",
            ),
            Variant(
                "APR Art. 51(1)",
                "apr.time_limits.lodging_border",
                "the arrival in the Member State of relocation (border procedure)",
            ),
            Variant(
                "APR Art. 28(1)",
                "apr.time_limits.lodging",
                "the registration of the application",
                f"if the Member State applies the border procedure (APR Art. 44), {border_lodging} from"
                " registration (APR Art. 51(1))",
            ),
        ],
    )
    b.set(col, 0, apr & ~(proc == BORDER) & ~(proc == BORDER_OPTIONAL), reg, reg_ms)
    b.set(col, 3, proc == BORDER_OPTIONAL, reg, reg_ms)
    b.set(col, 1, (proc == BORDER) & ~relocation, reg, reg_ms)
    b.set(col, 2, (proc == BORDER) & relocation, None, reg_ms)

    # --- determination of the Member State responsible (AMMR Arts 39-46; Dublin III 21-29) -----
    responsible = responsibility.member_state
    regimes = responsibility.regime
    ammr_case, dublin_case = regimes == 0, regimes == 1
    hit = responsibility.evidence_hit()
    security = responsibility.criteria() == "security"
    elsewhere = (responsible != reg_ms) & ~security & (regimes < 2)
    ammr_crisis = ammr_case & crisis
    col = b.column(
        "take_charge_request",
        [
            Variant(
                "AMMR Art. 39(1)",
                "ammr.time_limits.take_charge_request",
                "the registration of the application",
            ),
            Variant(
                "AMMR Art. 39(1), second subparagraph",
                "ammr.time_limits.take_charge_request_after_hit",
                "the receipt of the Eurodac or VIS hit",
            ),
            Variant(
                "CFMR Art. 12(2)(a)",
                "cfmr.time_limits.take_charge_request",
                "the registration of the application",
            ),
            Variant(
                "Dublin III Art. 21(1)",
                "dublin3.time_limits.take_charge_request",
                "the lodging of the application (the registration date is used)",
            ),
            Variant(
                "Dublin III Art. 21(1), second subparagraph",
                "dublin3.time_limits.take_charge_request_after_hit",
                "the receipt of the Eurodac hit",
            ),
        ],
    )
    note = "if no request is made in time, the Member State of registration is responsible"
    for v in col.variants:
        v.note = note
    plain = elsewhere & ~hit
    b.set(col, 0, plain & ammr_case & ~ammr_crisis, reg, reg_ms)
    b.set(col, 1, elsewhere & hit & ammr_case & ~ammr_crisis, None, reg_ms)
    b.set(col, 2, elsewhere & ammr_crisis, reg, reg_ms)
    b.set(col, 3, plain & dublin_case, reg, reg_ms)
    b.set(col, 4, elsewhere & hit & dublin_case, None, reg_ms)
    request_due = col.date

    requested = np.where(responsible >= 0, responsible, reg_ms).astype(np.int8)
    silence = "no reply in time is acceptance (AMMR Art. 40(8))"
    col = b.column(
        "take_charge_reply",
        [
            Variant(
                "AMMR Art. 40(1)", "ammr.time_limits.take_charge_reply", "the receipt of the request", silence
            ),
            Variant(
                "AMMR Art. 40(2)",
                "ammr.time_limits.take_charge_reply_after_hit",
                "the receipt of the request",
                silence,
            ),
            Variant(
                "CFMR Art. 12(2)(b)",
                "cfmr.time_limits.take_charge_reply",
                "the receipt of the request",
                silence,
            ),
            Variant(
                "Dublin III Art. 22(1)",
                "dublin3.time_limits.take_charge_reply",
                "the receipt of the request",
                "no reply in time is acceptance (Dublin III Art. 22(7))",
            ),
        ],
        with_latest=True,
    )
    reply_masks = (
        plain & ammr_case & ~ammr_crisis,
        elsewhere & hit & ammr_case & ~ammr_crisis,
        elsewhere & ammr_crisis,
        elsewhere & dublin_case,
    )
    for k, mask in enumerate(reply_masks):
        b.set(col, k, mask, None, requested)
        b.set(col, k, mask, request_due, requested, into="latest")
    reply_latest = col.latest if col.latest is not None else np.full(n, NAT)

    col = b.column(
        "transfer_decision",
        [
            Variant(
                "AMMR Art. 42(1)",
                "ammr.time_limits.transfer_decision",
                "the acceptance of the take charge request",
            )
        ],
    )
    b.set(col, 0, elsewhere & ammr_case & (responsible >= 0), None, reg_ms)

    col = b.column(
        "transfer",
        [
            Variant(
                "AMMR Art. 46(1)",
                "ammr.time_limits.transfer",
                "the acceptance of the take charge request, or the final decision on an appeal with"
                " suspensive effect",
                "if not carried out in time, responsibility passes to the transferring Member State"
                " (Art. 46(2))",
            ),
            Variant(
                "CFMR Art. 12(2)(d)", "cfmr.time_limits.transfer", "the acceptance of the take charge request"
            ),
            Variant(
                "Dublin III Art. 29(1)",
                "dublin3.time_limits.transfer",
                "the acceptance of the take charge request",
            ),
        ],
        with_latest=True,
    )
    named = elsewhere & (responsible >= 0)
    for k, mask in enumerate((named & ammr_case & ~ammr_crisis, named & ammr_crisis, named & dublin_case)):
        b.set(col, k, mask, None, reg_ms)
        b.set(col, k, mask, reply_latest, reg_ms, into="latest")

    later = "if the person is later found in, or applies in, another Member State (AMMR Art. 36(1)(b))"
    col = b.column(
        "take_back_notification",
        [
            Variant(
                "AMMR Art. 41(1)",
                "ammr.time_limits.take_back_notification",
                "the receipt of the Eurodac hit",
                later,
            ),
            Variant(
                "CFMR Art. 12(2)(c)",
                "cfmr.time_limits.take_back_notification",
                "the receipt of the Eurodac hit",
                later,
            ),
            Variant(
                "Dublin III Art. 23(2)",
                "dublin3.time_limits.take_back_request_after_hit",
                "the receipt of the Eurodac hit",
                "if the person is later found in, or applies in, another Member State"
                " (Dublin III Art. 18(1))",
            ),
        ],
    )
    b.set(col, 0, ammr_case & ~ammr_crisis, None, reg_ms)
    b.set(col, 1, ammr_crisis, None, reg_ms)
    b.set(col, 2, dublin_case, None, reg_ms)

    # --- border procedure (APR Art. 51(2)), return border procedure (RBPR Art. 4(2)) ------------
    optional_note = "if the Member State applies the border procedure (APR Art. 44)"
    col = b.column(
        "border_procedure_end",
        [
            Variant(
                "APR Art. 51(2)", "apr.time_limits.border_procedure", "the registration of the application"
            ),
            Variant(
                "APR Art. 51(2), third subparagraph",
                "apr.time_limits.border_procedure_relocation",
                "the registration of the application (after relocation)",
            ),
            Variant(
                "CFMR Art. 11(1)",
                ("apr.time_limits.border_procedure", "cfmr.time_limits.border_procedure_extension"),
                "the registration of the application",
            ),
        ],
    )
    for k in range(3):
        col.variants.append(Variant(**{**col.variants[k].__dict__, "note": optional_note, "period": ""}))
    for k, mask in enumerate((~crisis & ~relocation, ~crisis & relocation, crisis)):
        b.set(col, k, (proc == BORDER) & mask, reg, reg_ms)
        b.set(col, k + 3, (proc == BORDER_OPTIONAL) & mask, reg, reg_ms)
    border_end = col.date

    rejected = "if the application is rejected in the border procedure"
    col = b.column(
        "return_border_procedure_end",
        [
            Variant(
                "RBPR Art. 4(2)",
                "rbpr.time_limits.return_border_procedure",
                "the day the person no longer has a right to remain and is not allowed to remain",
                rejected,
            ),
            Variant(
                "RBPR Art. 6(1)(a)",
                ("rbpr.time_limits.return_border_procedure", "rbpr.time_limits.crisis_extension"),
                "the day the person no longer has a right to remain and is not allowed to remain",
                rejected,
            ),
        ],
        with_latest=True,
    )
    for k, mask in enumerate(
        (border_like & ~crisis & applies["RBPR"], border_like & crisis & applies["RBPR"])
    ):
        b.set(col, k, mask, None, reg_ms)
        b.set(col, k, mask, border_end, reg_ms, into="latest")

    # --- labour market (RCD Art. 17(1)) ---------------------------------------------------------
    a_to_f = sum(1 << ADULT_GROUNDS[x] for x in ("c", "e", "f"))
    accelerated_af = ((proc == ACCELERATED) | border_like) & ((procedure.grounds & a_to_f) > 0)
    col = b.column(
        "labour_market_access",
        [
            Variant(
                "RCD Art. 17(1)",
                "rcd.time_limits.labour_market_access",
                "the registration of the application",
                "if no administrative decision has been taken and the delay is not attributable to the"
                " applicant",
            ),
            Variant(
                "RCD Art. 17(1), second subparagraph",
                "rcd.time_limits.labour_market_access",
                "the registration of the application",
                "no access: the examination is accelerated on a ground of APR Art. 42(1)(a)-(f)",
            ),
        ],
    )
    b.set(col, 0, applies["RCD"] & apr & ~accelerated_af, reg, reg_ms)
    b.set(col, 1, applies["RCD"] & apr & accelerated_af, None, reg_ms)
    return DeadlinesResult(a.id, b.columns, {"ms": C.MEMBER_STATES})


decide_deadlines = deadlines
