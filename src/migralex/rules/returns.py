"""After a rejection: the return decision (APR Art. 37), the return border procedure (RBPR Art. 4)
and the period for voluntary departure (RBPR Art. 4(5); Return Directive Art. 7), vectorised.

- APR Art. 37: "Where an application is rejected as inadmissible, unfounded or manifestly unfounded
  with regard to both refugee status and subsidiary protection status, or as implicitly or
  explicitly withdrawn, Member States shall issue a return decision"; "Where a return decision ...
  has already been issued prior to the making of an application ... the return decision under this
  Article is not required". It is issued "as part of the decision rejecting the application ... or
  in a separate act" (reading `apr.reading.return_decision_act`: `with_rejection` dates it on the
  day of the rejection; `separate_act` gives that day as the earliest and no fixed date).
- RBPR Art. 4(1)-(2): persons "whose application has been rejected in the context of the asylum
  border procedure" reside at or near the border "for a period not exceeding 12 weeks" from the day
  they no longer have a right to remain (the deadline `return_border_procedure_end` of the
  catalogue, law/deadlines.yaml, whose variants give the parameters); + 6 weeks in a crisis (Art.
  6(1)(a)). The period for voluntary departure is the catalogue's `voluntary_departure`.
  Reading: a withdrawal is not a rejection, so a withdrawn border case goes to the ordinary return
  procedure.
- RBPR Art. 4(5): a period for voluntary departure "shall be granted only upon request and it shall
  neither exceed 15 days", and not where there is a risk of absconding, a manifestly unfounded
  rejection or a risk to public policy or security.
- Return Directive Art. 7(1): "between seven and thirty days"; Art. 7(4): where there is a risk of
  absconding, a manifestly unfounded application or a risk to public policy, Member States "may
  refrain" from granting a period or grant a shorter one - discretion, returned as `may_refrain`,
  never guessed. The Directive's text is not shipped: its values are SECONDARY
  (law/params/return_directive.yaml). It has no rule for computing periods; migralex dates the
  last day by the calculus of RBPR Art. 11 / APR Art. 73 (the reading is in docs/returns.md).

`decide_returns` takes one row per rejection decision and returns one row per decision; `answer`
renders one row with its trace.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from migralex.cases.codes import MEMBER_STATES
from migralex.errors import InvalidInput
from migralex.law.acts import resolve_act
from migralex.law.dates import as_date_array
from migralex.law.deadlines import spec
from migralex.law.params import ParameterSet
from migralex.law.params import params as shipped_params
from migralex.law.timelimits import add_period

#: Outcomes of a first-instance decision on an application (APR Art. 37 names the rejections).
REJECTIONS = ("inadmissible", "unfounded", "manifestly_unfounded", "withdrawn_implicit", "withdrawn_explicit")
GRANTS = ("refugee_status", "subsidiary_protection")
OUTCOMES = (*REJECTIONS, *GRANTS)
PROCEDURES = ("regular", "accelerated", "border")
#: Reasons of the return decision and their basis.
RETURN_REASONS = {
    "issued": "APR Art. 37",
    "prior_return_decision": "APR Art. 37",
    "protection_granted": "APR Art. 37",
    "apr_not_applicable": "APR Art. 79(2)",
}
#: Outcomes of the voluntary departure question and their basis.
DEPARTURE_BASIS = {
    "granted": "Return Directive Art. 7(1)",
    "may_refrain": "Return Directive Art. 7(4)",
    "granted_on_request": "RBPR Art. 4(5)",
    "on_request": "RBPR Art. 4(5)",
    "excluded": "RBPR Art. 4(5)",
    "none": "APR Art. 37",
}
#: Dates the engine answers for (the time-limit calculus has holiday calendars for them).
DATES = (dt.date(1950, 1, 1), dt.date(2150, 12, 31))
_FIELDS = {
    "id": pl.Utf8,
    "member_state": pl.Utf8,
    "decision_date": pl.Date,
    "outcome": pl.Utf8,
    "procedure": pl.Utf8,
    "prior_return_decision": pl.Boolean,
    "voluntary_departure_requested": pl.Boolean,
    "risk_of_absconding": pl.Boolean,
    "security_risk": pl.Boolean,
    "crisis": pl.Boolean,
    "right_to_remain_end": pl.Date,
}
_DEFAULTS = {
    "procedure": "regular",
    "prior_return_decision": False,
    "voluntary_departure_requested": False,
    "risk_of_absconding": False,
    "security_risk": False,
    "crisis": False,
}


def _frame(decisions: pl.DataFrame | Sequence[Mapping[str, Any]] | Mapping[str, Any]) -> pl.DataFrame:
    """The decisions as a typed frame; a missing or unknown field is an error naming it."""
    if isinstance(decisions, Mapping):
        decisions = [decisions]
    frame = (
        decisions
        if isinstance(decisions, pl.DataFrame)
        else pl.DataFrame(list(decisions), infer_schema_length=None)
    )
    unknown = sorted(set(frame.columns) - set(_FIELDS))
    if unknown:
        raise InvalidInput(unknown[0], f"unknown field; the fields are {', '.join(_FIELDS)}")
    for name in ("id", "member_state", "decision_date", "outcome"):
        if name not in frame.columns or frame[name].null_count():
            raise InvalidInput(name, "required for every decision")
    for name, dtype in _FIELDS.items():
        frame = _typed(frame, name, dtype)
    frame = frame.with_columns(pl.col(k).fill_null(v) for k, v in _DEFAULTS.items())
    _check_values(frame)
    return frame.select(list(_FIELDS))


def _typed(frame: pl.DataFrame, name: str, dtype: Any) -> pl.DataFrame:
    """Column `name` of type `dtype`: its default where absent, dates parsed, else a strict cast."""
    if name not in frame.columns:
        return frame.with_columns(pl.lit(_DEFAULTS.get(name), dtype=dtype).alias(name))
    if dtype == pl.Date and frame[name].dtype != pl.Date:
        return frame.with_columns(pl.Series(name, as_date_array(frame[name].cast(pl.Utf8), field=name)))
    try:
        return frame.with_columns(pl.col(name).cast(dtype, strict=True))
    except pl.exceptions.PolarsError:
        raise InvalidInput(name, f"expected {dtype}") from None


def _check_values(frame: pl.DataFrame) -> None:
    """Dates within the calendars' range; outcome, procedure and Member State among the known values."""
    for name in ("decision_date", "right_to_remain_end"):
        out = frame.filter(~pl.col(name).is_between(DATES[0], DATES[1]))
        if out.height:
            raise InvalidInput(name, f"{out[name][0]} is outside {DATES[0]} - {DATES[1]}")
    for name, allowed in (("outcome", OUTCOMES), ("procedure", PROCEDURES), ("member_state", MEMBER_STATES)):
        bad = frame.filter(~pl.col(name).is_in(allowed))
        if bad.height:
            raise InvalidInput(name, f"{bad[name][0]!r} is not one of {', '.join(allowed)}")


@dataclass(frozen=True)
class ReturnsResult:
    """One row per decision (`table`) and the columns of its trace."""

    table: pl.DataFrame

    def __len__(self) -> int:
        return self.table.height

    def answer(self, i: int, trace: bool = True) -> dict[str, Any]:
        """One decision's answer: the return decision, the return border procedure, voluntary departure."""
        row = self.table.row(i, named=True)
        out = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
        if trace:
            out["trace"] = _trace(row)
        return out

    def answers(self, trace: bool = True) -> list[dict[str, Any]]:
        """Every decision's answer."""
        return [self.answer(i, trace) for i in range(len(self))]


def _return_decision(f: pl.DataFrame, p: ParameterSet) -> tuple[np.ndarray, np.ndarray]:
    """APR Art. 37: a rejection (or withdrawal) calls for a return decision unless one was issued."""
    outcome = f["outcome"].to_numpy()
    date = f["decision_date"].to_numpy().astype("datetime64[D]")
    apr = date >= np.datetime64(resolve_act("APR").applies_from, "D")
    rejected = np.isin(outcome, REJECTIONS)
    prior = f["prior_return_decision"].to_numpy()
    reason = np.select(
        [~apr, ~rejected, prior],
        ["apr_not_applicable", "protection_granted", "prior_return_decision"],
        "issued",
    )
    reading = p["apr.reading.return_decision_act"].at(np.where(apr, date, np.datetime64("2026-06-12")))
    dated = (reason == "issued") & (reading == "with_rejection")
    return reason, np.where(dated, date, np.datetime64("NaT"))


def _return_border_procedure(
    f: pl.DataFrame, issued: np.ndarray, p: ParameterSet
) -> tuple[np.ndarray, np.ndarray]:
    """RBPR Art. 4(1)-(2): a rejection in the border procedure; 12 weeks (+ 6 in a crisis, Art. 6(1)(a))."""
    date = f["decision_date"].to_numpy().astype("datetime64[D]")
    rbpr = date >= np.datetime64(resolve_act("RBPR").applies_from, "D")
    rejected = np.isin(f["outcome"].to_numpy(), REJECTIONS[:3])
    applies = issued & rejected & rbpr & (f["procedure"].to_numpy() == "border")
    start = f["right_to_remain_end"].to_numpy().astype("datetime64[D]")
    ms = f["member_state"].to_numpy()
    end = np.full(len(date), np.datetime64("NaT"), "datetime64[D]")
    crisis = f["crisis"].to_numpy()
    for in_crisis in (False, True):
        rows = applies & (crisis == in_crisis) & ~np.isnat(start)
        if not rows.any():
            continue
        variant = spec("return_border_procedure_end").variant("crisis" if in_crisis else "default")
        on = start[rows].min().astype(object)  # the values in force (the first one for earlier days)
        weeks = sum(p[name].period_at(max(on, p[name].values[0].start)).amount for name in variant.params)
        end[rows] = add_period(start[rows], f"{weeks} weeks", ms[rows])
    return applies, end


def _voluntary_departure(
    f: pl.DataFrame, issued: np.ndarray, border: np.ndarray, on: np.ndarray, p: ParameterSet
) -> dict[str, np.ndarray]:
    """RBPR Art. 4(5) in the return border procedure; Return Directive Art. 7(1), (4) otherwise."""
    n = f.height
    manifest = f["outcome"].to_numpy() == "manifestly_unfounded"
    barred = f["risk_of_absconding"].to_numpy() | f["security_risk"].to_numpy() | manifest
    requested = f["voluntary_departure_requested"].to_numpy()
    when = f["decision_date"].to_numpy().astype("datetime64[D]")
    catalogue = spec("voluntary_departure")  # law/deadlines.yaml: one parameter per variant
    (border_param,) = catalogue.variant("return_border").params
    (ordinary_param,) = catalogue.variant("ordinary").params
    rbpr_max = p[border_param].at(np.maximum(when, np.datetime64(p[border_param].values[0].start, "D")))
    rd_min = p["return_directive.voluntary_departure_min"].at(when, before_first=-1)  # no return decision
    rd_max = p[ordinary_param].at(when, before_first=-1)  # before the APR: never used
    kind = np.select(
        [~issued, border & barred, border & requested, border, barred],
        ["none", "excluded", "granted_on_request", "on_request", "may_refrain"],
        "granted",
    )
    min_days = np.where(kind == "granted", rd_min, -1)
    rbpr_kinds, rd_kinds = ("granted_on_request", "on_request"), ("granted", "may_refrain")
    max_days = np.select([np.isin(kind, rbpr_kinds), np.isin(kind, rd_kinds)], [rbpr_max, rd_max], -1)
    latest = np.full(n, np.datetime64("NaT"), "datetime64[D]")
    rows = np.isin(kind, ("granted", "granted_on_request")) & ~np.isnat(on)
    if rows.any():
        ms = f["member_state"].to_numpy()[rows]
        days = max_days[rows].astype(np.int64)
        for d in np.unique(days):
            sel = np.flatnonzero(rows)[days == d]
            latest[sel] = add_period(on[sel], f"{int(d)} days", ms[days == d])
    return {"kind": kind, "min_days": min_days, "max_days": max_days, "latest": latest}


def _days(values: np.ndarray) -> pl.Series:
    """A number of days per decision; -1 (no period) becomes null."""
    col = pl.Series("d", values.astype(np.int64))
    return col.to_frame().select(pl.when(pl.col("d") >= 0).then(pl.col("d"))).to_series()


def _border_basis(border: np.ndarray, crisis: np.ndarray) -> pl.Series:
    """RBPR Art. 4(2), or Art. 6(1)(a) in a crisis, where the return border procedure applies."""
    basis = pl.Series("b", np.where(crisis, "RBPR Art. 6(1)(a)", "RBPR Art. 4(2)"), dtype=pl.Utf8)
    return pl.select(pl.when(pl.lit(pl.Series(border))).then(pl.lit(basis))).to_series().alias("b")


def decide_returns(
    decisions: pl.DataFrame | Sequence[Mapping[str, Any]] | Mapping[str, Any],
    params: ParameterSet | None = None,
) -> ReturnsResult:
    """The return decision, return border procedure and voluntary departure of each rejection."""
    p = params or shipped_params()
    f = _frame(decisions)
    reason, on = _return_decision(f, p)
    issued = reason == "issued"
    border, border_end = _return_border_procedure(f, issued, p)
    vd = _voluntary_departure(f, issued, border, on, p)
    table = pl.DataFrame(
        {
            "id": f["id"],
            "member_state": f["member_state"],
            "outcome": f["outcome"],
            "procedure": f["procedure"],
            "return_decision": issued,
            "return_decision_reason": pl.Series(reason.astype(str)),
            "return_decision_basis": pl.Series(reason.astype(str)).replace_strict(RETURN_REASONS),
            "return_decision_date": pl.Series(on).cast(pl.Date),
            "return_border_procedure": border,
            "return_border_procedure_end": pl.Series(border_end).cast(pl.Date),
            "return_border_procedure_basis": _border_basis(border, f["crisis"].to_numpy()),
            "voluntary_departure": pl.Series(vd["kind"].astype(str)),
            "voluntary_departure_basis": pl.Series(vd["kind"].astype(str)).replace_strict(DEPARTURE_BASIS),
            "voluntary_departure_min_days": _days(vd["min_days"]),
            "voluntary_departure_max_days": _days(vd["max_days"]),
            "voluntary_departure_latest": pl.Series(vd["latest"]).cast(pl.Date),
        }
    )  # fmt: skip
    return ReturnsResult(table)


_WORDS = {
    "issued": "rejected as {outcome}: a return decision is issued",
    "prior_return_decision": "a return decision was issued before the application was made: none is required",
    "protection_granted": "{outcome} granted: no return decision",
    "apr_not_applicable": "decided before the APR applies (12 June 2026): national law under"
    " Directive 2013/32/EU",
    "granted": "a period of {voluntary_departure_min_days} to {voluntary_departure_max_days} days",
    "may_refrain": "risk of absconding, manifestly unfounded or a security risk: the Member State may refrain"
    " from a period or grant one shorter than seven days (discretion)",
    "granted_on_request": "requested: at most {voluntary_departure_max_days} days",
    "on_request": "granted only upon request (at most {voluntary_departure_max_days} days)",
    "excluded": "not granted: risk of absconding, manifestly unfounded or a security risk",
    "none": "no return decision: no period",
}


def _trace(row: Mapping[str, Any]) -> list[dict[str, str]]:
    """The rules examined for one decision, in order, with their basis and the reason in words."""
    decided = _WORDS[row["return_decision_reason"]].format(**row)
    out = [
        {
            "rule": "return_decision",
            "outcome": "applies" if row["return_decision"] else "not_applicable",
            "basis": row["return_decision_basis"],
            "reason": decided,
        }
    ]
    if row["return_decision"]:
        border = row["return_border_procedure"]
        end = row["return_border_procedure_end"]
        out.append(
            {
                "rule": "return_border_procedure",
                "outcome": "applies" if border else "not_applicable",
                "basis": row["return_border_procedure_basis"] or "RBPR Art. 4(1)",
                "reason": (
                    "rejected in the asylum border procedure: ends "
                    + (str(end) if end else "12 weeks after the right to remain ends (date not given)")
                )
                if border
                else "not rejected in the asylum border procedure",
            }
        )
    departure = _WORDS[row["voluntary_departure"]].format(**row)
    out.append(
        {
            "rule": "voluntary_departure",
            "outcome": row["voluntary_departure"],
            "basis": row["voluntary_departure_basis"],
            "reason": departure,
        }
    )
    return out  # fmt: skip


def explain_return(answer: Mapping[str, Any]) -> str:
    """One decision's answer as lines of text: each rule, its basis and the reason in words."""
    lines = [f"{answer['id']} ({answer['member_state']}, {answer['outcome']}, {answer['procedure']}):"]
    for step in answer["trace"]:
        text = f"{step['rule'].replace('_', ' ')} - {step['basis']}: {step['reason']}"
        lines.append(textwrap.fill(text, width=78, initial_indent="  ", subsequent_indent="    "))
    if answer.get("voluntary_departure_latest"):
        lines.append(f"  voluntary departure until {answer['voluntary_departure_latest']} at the latest")
    return "\n".join(lines)
