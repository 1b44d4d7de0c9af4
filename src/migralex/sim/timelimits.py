"""The deadline table of a run: every time limit, for every Member State and start day, precomputed.

The time limits and the parameters that govern them come from the deadline catalogue
(`migralex.law.deadlines`, law/deadlines.yaml), the same one the case engine dates.

The kernel never counts days itself: for each time limit of `stages.TIME_LIMITS` it looks up
`table[limit, member_state, start_day]`, the last day of the period computed by THE time-limit
calculus (`migralex.law.add_period`: AMMR Art. 75 / APR Art. 73 / RBPR Art. 11, with each Member
State's official holidays; Dublin III's limits without the roll-forward to the next working day
unless the reading `dublin3.reading.last_day_roll` says otherwise, its Art. 42). Each limit is one
legal parameter or a sum of parameters of the same unit (a limit and its extension); the regime
picks the Pact's or Dublin III's parameters for the responsibility procedure (Dublin III has no
separate crisis limits and no transfer-decision limit).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np

from migralex.countries import EU27
from migralex.errors import LawDataError
from migralex.law import ParameterSet, Period, add_period
from migralex.law.deadlines import catalogue
from migralex.rules.periods import roll_of
from migralex.sim.stages import TIME_LIMITS

REGIMES = ("pact", "dublin_iii")

#: Each time limit of the kernel as catalogue variants (law/deadlines.yaml) whose periods add up:
#: `(deadline, variant)` pairs. The relocation limit runs the whole Art. 67(9)-(11) chain.
_PACT: dict[str, tuple[tuple[str, str], ...]] = {
    "registration": (("registration", "default"),),
    "registration_crisis": (("registration", "crisis"),),
    "lodging": (("lodging", "default"),),
    "lodging_border": (("lodging", "border"),),
    "take_charge_request": (("take_charge_request", "default"),),
    "take_charge_request_after_hit": (("take_charge_request", "after_hit"),),
    "take_charge_request_crisis": (("take_charge_request", "crisis"),),
    "take_charge_reply": (("take_charge_reply", "default"),),
    "take_charge_reply_after_hit": (("take_charge_reply", "after_hit"),),
    "take_charge_reply_crisis": (("take_charge_reply", "crisis"),),
    "take_back_notification": (("take_back_notification", "default"),),
    "take_back_notification_crisis": (("take_back_notification", "crisis"),),
    "take_back_confirmation": (("take_back_confirmation", "default"),),
    "transfer_decision": (("transfer_decision", "default"),),
    "transfer": (("transfer", "default"),),
    "transfer_crisis": (("transfer", "crisis"),),
    "border_procedure": (("border_procedure_end", "default"),),
    "border_procedure_crisis": (("border_procedure_end", "crisis"),),
    "accelerated": (("examination", "accelerated"),),
    "regular": (("examination", "regular"),),
    "regular_extended": (("examination", "regular_extended"),),
    "return_border_procedure": (("return_border_procedure_end", "default"),),
    "return_border_procedure_crisis": (("return_border_procedure_end", "crisis"),),
    "relocation": (
        ("relocation_confirmation", "default"),
        ("relocation_transfer_decision", "default"),
        ("relocation_transfer", "default"),
    ),
    # AMMR Art. 67(9)-(11) step by step (the simulator's weekly relocation, issue 11)
    "relocation_confirmation": (("relocation_confirmation", "default"),),
    "relocation_confirmation_exceptional": (("relocation_confirmation", "complex"),),
    "relocation_transfer_decision": (("relocation_transfer_decision", "default"),),
    "relocation_transfer": (("relocation_transfer", "default"),),
}
#: Dublin III (Regulation 604/2013) replaces the responsibility-procedure limits (it has no separate
#: crisis or after-hit reply limits and no transfer-decision limit); the procedure limits stay the
#: APR's (the Directive 2013/32 limits are not shipped as parameters). The simulator's take back
#: rests on a Eurodac hit: Dublin III Art. 23(2) two months from the hit, Art. 25(1) two weeks; its
#: take charge after a hit is decided at registration, so the three months from the lodging
#: (CJEU C-670/16 Mengesteab, `dublin3.reading.take_charge_request_after_hit`) never end first.
_DUBLIN_III: dict[str, tuple[tuple[str, str], ...]] = {
    "take_charge_request": (("take_charge_request", "dublin3"),),
    "take_charge_request_after_hit": (("take_charge_request", "dublin3_after_hit"),),
    "take_charge_request_crisis": (("take_charge_request", "dublin3"),),
    "take_charge_reply": (("take_charge_reply", "dublin3"),),
    "take_charge_reply_after_hit": (("take_charge_reply", "dublin3"),),
    "take_charge_reply_crisis": (("take_charge_reply", "dublin3"),),
    "take_back_notification": (("take_back_notification", "dublin3_after_hit"),),
    "take_back_notification_crisis": (("take_back_notification", "dublin3_after_hit"),),
    "take_back_confirmation": (("take_back_confirmation", "dublin3_after_hit"),),
    "transfer_decision": (),
    "transfer": (("transfer", "dublin3"),),
    "transfer_crisis": (("transfer", "dublin3"),),
}


def parameter_names(regime: str) -> dict[str, tuple[str, ...]]:
    """Time limit → the parameters whose periods add up to it, under `regime` (from the catalogue)."""
    if regime not in REGIMES:
        raise LawDataError(f"unknown regime {regime!r}; one of {', '.join(REGIMES)}")
    variants = dict(_PACT)
    if regime == "dublin_iii":
        variants |= _DUBLIN_III
    cat = catalogue()
    names = {
        limit: tuple(n for deadline, v in refs for n in cat[deadline].variant(v).params)
        for limit, refs in variants.items()
    }
    missing = [k for k in TIME_LIMITS if k not in names]
    if missing:  # pragma: no cover - the tables above cover stages.TIME_LIMITS
        raise LawDataError(f"no parameters for time limits {missing}")
    return names


def period_of(params: ParameterSet, names: tuple[str, ...], on: dt.date) -> Period:
    """The sum of the periods `names` in force on `on` (or their first value, if later)."""
    if not names:
        return Period(0, "days")
    periods = []
    for name in names:
        p = params[name]
        periods.append(p.period_at(max(on, p.values[0].start)))
    units = {q.unit for q in periods}
    if len(units) > 1:
        raise LawDataError(f"cannot add periods of different units: {', '.join(map(str, periods))}")
    return Period(sum(q.amount for q in periods), periods[0].unit)


def deadline_table(params: ParameterSet, regime: str, start: dt.date, n_days: int) -> np.ndarray:
    """int32 [time limit, Member State (EU27 order), start day]: the last day of each time limit,
    as a day number counted from `start` (read-only; cached by the periods' values)."""
    names = parameter_names(regime)
    periods = tuple(period_of(params, names[limit], start) for limit in TIME_LIMITS)
    # AMMR Art. 75(d) rolls a last day on a non-working day forward; Dublin III Art. 42 does not
    # (reading dublin3.reading.last_day_roll, `roll_of`)
    rolls = tuple(roll_of(params, names[limit]) == "art75" for limit in TIME_LIMITS)
    return _table(periods, start, n_days, rolls)


@lru_cache(maxsize=16)
def _table(
    periods: tuple[Period, ...], start: dt.date, n_days: int, rolls: tuple[bool, ...] | None = None
) -> np.ndarray:
    first = np.datetime64(start, "D")
    days = first + np.arange(n_days)
    starts = np.tile(days, len(EU27))
    states = np.repeat(np.array(EU27, dtype=object), n_days)
    out = np.empty((len(periods), len(EU27), n_days), dtype=np.int32)
    for k, period in enumerate(periods):
        roll = rolls[k] if rolls else True
        ends = add_period(starts, period, states, roll=roll) if period.amount else starts
        out[k] = (ends - first).astype(np.int64).reshape(len(EU27), n_days)
    out.setflags(write=False)
    return out


def period_labels(params: ParameterSet, regime: str, on: dt.date) -> dict[str, str]:
    """Each time limit as text with its citations (for the summary's legal basis)."""
    labels = {}
    for limit, names in parameter_names(regime).items():
        if not names:
            labels[limit] = "no time limit in this regime"
            continue
        cites = "; ".join(params[n].value_at(max(on, params[n].values[0].start)).ref.cite() for n in names)
        labels[limit] = f"{period_of(params, names, on)} ({cites})"
    return labels
