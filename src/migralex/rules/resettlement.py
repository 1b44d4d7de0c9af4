"""URF Art. 9: the dated time limits of the admission procedure (Reg. (EU) 2024/1350).

Art. 9(9): a conclusion "no later than seven months from the date of registration", extendable
"by up to three months" in complex cases; Art. 9(10): emergency admission, "endeavour" one month;
Art. 9(20): entry "no later than 12 months from the date of the conclusion". The URF sets no
calculus of its own: by the reading `urf.reading.time_limit_calculus` the Pact's (AMMR Art. 75) applies,
or the plain calendar date. Vectorised over any number of registrations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from migralex.law.dates import DateLike, as_date_array
from migralex.law.params import ParameterSet, params
from migralex.law.timelimits import Period, end_of_period, member_state_codes

#: Deadline name → (parameters whose periods add up, event it runs from).
DEADLINES: dict[str, tuple[tuple[str, ...], str]] = {
    "conclusion": (("urf.time_limits.admission_conclusion",), "registration"),
    "conclusion_extended": (
        ("urf.time_limits.admission_conclusion", "urf.time_limits.admission_conclusion_extension"),
        "registration",
    ),
    "conclusion_emergency": (("urf.time_limits.emergency_admission",), "registration"),
    "entry": (("urf.time_limits.entry_after_conclusion",), "conclusion"),
}


@dataclass(frozen=True)
class Basis:
    """Where the law sets one deadline, and the period it adds up to."""

    name: str
    period: Period
    article: str
    quote: str


def basis(name: str, on: dt.date | str, p: ParameterSet | None = None) -> Basis:
    """The period and citation of deadline `name` for a registration on `on`."""
    p = p or params()
    names, _ = DEADLINES[name]
    periods = [p.period(n, on) for n in names]
    refs = [p[n].value_at(on) for n in names]
    total = Period(sum(x.amount for x in periods), periods[0].unit)
    return Basis(
        name,
        total,
        " and ".join(dict.fromkeys(r.ref.cite() for r in refs)),
        " ... ".join(str(r.quote) for r in refs),
    )


def admission_deadlines(
    registered: DateLike,
    member_state: str | list[str] | np.ndarray,
    *,
    concluded: DateLike | None = None,
    entered: DateLike | None = None,
    extended: bool | np.ndarray = False,
    p: ParameterSet | None = None,
) -> pl.DataFrame:
    """URF Art. 9(9), (10), (20) deadlines for each registration, and whether the dated conclusion
    and entry came in time (`extended`: the Art. 9(9) extension was used for that registration)."""
    p = p or params()
    reg = as_date_array(registered, field="registered")
    codes = member_state_codes(member_state, reg.shape[0])
    on = str(reg[~np.isnat(reg)].min()) if (~np.isnat(reg)).any() else "2024-06-11"
    roll = p.value("urf.reading.time_limit_calculus", on) == "roll_forward"
    con, ent = (_dates(d, reg.shape, f) for d, f in ((concluded, "concluded"), (entered, "entered")))
    out: dict[str, np.ndarray] = {"registered": reg, "concluded": con, "entered": ent}
    for name, (_, event) in DEADLINES.items():
        start = reg if event == "registration" else con
        out[name] = end_of_period(start, basis(name, on, p).period, codes, roll=roll)
    limit = np.where(np.broadcast_to(extended, reg.shape), out["conclusion_extended"], out["conclusion"])
    frame = pl.DataFrame({k: pl.Series(k, v).cast(pl.Date) for k, v in out.items()})
    return frame.with_columns(
        _in_time(con, limit).alias("conclusion_in_time"),
        _in_time(ent, out["entry"]).alias("entry_in_time"),
    )


def _dates(raw: DateLike | None, shape: tuple[int, ...], field: str) -> np.ndarray:
    if raw is None:
        return np.full(shape, np.datetime64("NaT"), dtype="datetime64[D]")
    return as_date_array(raw, field=field)


def _in_time(event: np.ndarray, limit: np.ndarray) -> pl.Series:
    """`no later than` the last day (inclusive); null where either date is missing (vectorised)."""
    known = pl.Series(~np.isnat(event) & ~np.isnat(limit))
    ok = pl.Series(event <= limit)
    return pl.select(pl.when(known).then(ok).otherwise(None)).to_series()
