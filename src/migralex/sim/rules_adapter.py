"""The only module of the simulator that calls the case engine (`migralex.cases`, `.rules`, `.context`).

The population's applicants become one `CaseBatch`; `decide_responsibility` names the Member State
responsible for each, and `channel` the procedure, once per run for everybody (vectorised). The
simulator then uses the answers day by day:
- **take-charge requests after a Eurodac hit** (AMMR Art. 39(1), second subparagraph) are those
  decided by the irregular-entry/disembarkation criterion (Art. 33), which rests on a hit;
- **territory**: a person who reaches the procedure after a transfer, a lapse or a relocation is
  no longer at the border (APR Art. 43(1)); the engine is asked again with `place: territory`;
- **border relief** (APR Art. 47(2)-(3), 48, 50): the engine's `mandatory` grounds say which of
  (c), (f), (j) make the border procedure mandatory; once the Member State is at adequate capacity,
  (j) no longer obliges it, once at the annual maximum, (c) and (j) no longer do; a case left with
  no mandatory ground is then an optional border case (Art. 44), which the kernel sends to the
  border only if a place is free;
- **crisis** (CFMR Art. 11(3)): the engine with `crisis_derogation: true`;
- **instrumentalisation** (CFMR Art. 11(6)-(7)): the Member State may examine all applications of
  instrumentalised persons at the border, except minors under the age of the parameter
  `cfmr.instrumentalisation.minor_age` (with their families) and persons with special needs: an
  optional border case for the others.
- **regime**: the engine decides the regime by the registration date (AMMR Art. 84(2), APR
  Art. 79(3)). To run the Pact's rules on a date before 1 July 2026, or Dublin III on a later date,
  the adapter moves every date of the batch by whole multiples of 364 days (weekdays kept); under
  Dublin III the procedure is the APR's answer with the border procedure optional (Directive
  2013/32/EU Art. 43 makes it a choice of the Member State; that directive is not modelled).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from migralex.cases import codes as C
from migralex.cases.batch import Applicants, CaseBatch, Diplomas, Documents, Entries, Family
from migralex.context import default_context, latest_decision_year
from migralex.law import ParameterSet, resolve_act
from migralex.rules.procedure import ACCELERATED as E_ACCELERATED
from migralex.rules.procedure import ADULT_GROUNDS, UAM_GROUNDS, channel
from migralex.rules.procedure import BORDER as E_BORDER
from migralex.rules.procedure import BORDER_OPTIONAL as E_BORDER_OPTIONAL
from migralex.rules.procedure import REGULAR as E_REGULAR
from migralex.rules.responsibility.hierarchy import decide_responsibility
from migralex.sim.population import VISA_VALIDITY_DAYS, Population, entries
from migralex.sim.stages import (
    PROC_ACCELERATED,
    PROC_BORDER,
    PROC_BORDER_OPTIONAL,
    PROC_NONE,
    PROC_REGULAR,
    REQ_NONE,
    REQ_TAKE_CHARGE,
    REQ_TAKE_CHARGE_HIT,
)

#: The engine's procedure codes → the simulator's (not modelled → regular).
_PROC = np.full(5, PROC_REGULAR, np.int8)
_PROC[[E_BORDER, E_ACCELERATED, E_REGULAR, E_BORDER_OPTIONAL]] = (
    PROC_BORDER,
    PROC_ACCELERATED,
    PROC_REGULAR,
    PROC_BORDER_OPTIONAL,
)
#: Criteria that rest on a Eurodac hit (irregular crossing or disembarkation, AMMR Art. 33).
HIT_CRITERIA = ("entry",)
_J = (1 << ADULT_GROUNDS["j"]) | (1 << UAM_GROUNDS["e"])
_C = (1 << ADULT_GROUNDS["c"]) | (1 << UAM_GROUNDS["d"])
_WEEKS_52 = 364
TERRITORY = C.PLACES.index("territory")


@dataclass
class Answers:
    """The case engine's answers for every person (int8; -1 / REQ_NONE where a person does not apply)."""

    resp: np.ndarray
    req_kind: np.ndarray
    proc_reg: np.ndarray
    proc_cap: np.ndarray
    proc_max: np.ndarray
    proc_ter: np.ndarray
    proc_crisis: np.ndarray
    proc_instr: np.ndarray
    regime_shift_days: int
    channel_shift_days: int
    rates_source: str


def case_batch(pop: Population, rows: np.ndarray, ids: np.ndarray | None = None) -> CaseBatch:
    """The persons at `rows` as a `CaseBatch` (row k is person rows[k]; `id` the person number)."""
    rows = np.asarray(rows, dtype=np.int64)
    n = len(rows)
    at = np.full(len(pop), -1, np.int64)
    at[rows] = np.arange(n)
    reg_date = pop.date(pop.make_day[rows])
    applicants = Applicants(
        id=rows if ids is None else ids,
        reg_ms=pop.app_ms[rows],
        reg_date=reg_date,
        place=pop.place[rows],
        dob=pop.dob[rows],
        age_uncertain=np.zeros(n, bool),
        unaccompanied=pop.unaccompanied[rows],
        nationality=pop.nat[rows],
        former_residence=np.full(n, -1, np.int16),
        security_threat=pop.security_threat[rows],
        misled_authorities=pop.misled[rows],
        vulnerable=pop.vulnerable[rows],
        subsequent_application=pop.subsequent[rows],
        relocated_to=np.full(n, -1, np.int8),
    )
    fam = np.flatnonzero(pop.family_ms[rows] >= 0)
    family = Family(
        case=fam.astype(np.int32),
        relation=np.full(len(fam), C.RELATIONS.index("spouse"), np.int8),
        ms=pop.family_ms[rows][fam],
        status=np.full(len(fam), C.STATUSES.index("beneficiary_of_international_protection"), np.int8),
        existed_before_arrival=np.ones(len(fam), bool),
        consent_in_writing=np.ones(len(fam), bool),
        first_decision_taken=np.zeros(len(fam), bool),
        can_take_care=np.ones(len(fam), bool),
        dob=np.full(len(fam), np.datetime64("NaT"), "datetime64[D]"),
    )
    doc = np.flatnonzero(pop.visa_ms[rows] >= 0)
    valid_from = pop.visa_from[rows][doc]
    documents = Documents(
        case=doc.astype(np.int32),
        kind=np.full(len(doc), C.DOCUMENT_KINDS.index("visa"), np.int8),
        ms=pop.visa_ms[rows][doc],
        visa_type=np.full(len(doc), C.VISA_TYPES.index("short_stay"), np.int8),
        on_behalf_of=np.full(len(doc), -1, np.int8),
        valid_from=valid_from,
        valid_until=valid_from + np.timedelta64(VISA_VALIDITY_DAYS - 1, "D"),
        ended_early_on=np.full(len(doc), np.datetime64("NaT"), "datetime64[D]"),
        fraud_after_issuance=np.zeros(len(doc), bool),
    )
    person, kind, ms, date = entries(pop)
    keep = at[person] >= 0
    order = np.argsort(at[person][keep], kind="stable")
    ent = Entries(
        case=at[person][keep][order].astype(np.int32),
        kind=kind[keep][order],
        ms=ms[keep][order],
        date=date[keep][order],
    )
    empty = np.zeros(0, np.int32)
    diplomas = Diplomas(empty, np.zeros(0, np.int8), np.zeros(0, "datetime64[D]"), np.zeros(0, np.int16))
    return CaseBatch(applicants, family, documents, diplomas, ent)


def shift_dates(batch: CaseBatch, days: int) -> CaseBatch:
    """Every date of the batch moved by `days` (a multiple of 364 keeps the weekdays)."""
    if days == 0:
        return batch
    d = np.timedelta64(days, "D")
    a = batch.applicants
    return CaseBatch(
        replace(a, reg_date=a.reg_date + d, dob=a.dob + d),
        replace(batch.family, dob=batch.family.dob + d),
        replace(
            batch.documents,
            valid_from=batch.documents.valid_from + d,
            valid_until=batch.documents.valid_until + d,
            ended_early_on=batch.documents.ended_early_on + d,
        ),
        replace(batch.diplomas, issued_on=batch.diplomas.issued_on + d),
        replace(batch.entries, date=batch.entries.date + d),
    )


def _shift_into(dates: np.ndarray, cutoff: dt.date, before: bool) -> int:
    """Days (a multiple of 364) that move all `dates` before `cutoff` (or on/after it)."""
    if not len(dates):
        return 0
    cut = np.datetime64(cutoff, "D")
    if before:
        gap = int((dates.max() - cut).astype(np.int64)) + 1
        return -_WEEKS_52 * int(np.ceil(gap / _WEEKS_52)) if gap > 0 else 0
    gap = int((cut - dates.min()).astype(np.int64))
    return _WEEKS_52 * int(np.ceil(gap / _WEEKS_52)) if gap > 0 else 0


def _relieved(proc: np.ndarray, mandatory: np.ndarray, grounds: int) -> np.ndarray:
    """APR Art. 47(2)-(3), 48(2): border cases whose only mandatory grounds are `grounds` become optional."""
    only = (proc == PROC_BORDER) & ((mandatory & ~np.uint32(grounds)) == 0)
    return np.where(only, PROC_BORDER_OPTIONAL, proc).astype(np.int8)


def decide(
    pop: Population,
    law: ParameterSet,
    regime: str,
    safe_countries: tuple[str, ...] = (),
    crisis_states: tuple[int, ...] = (),
) -> Answers:
    """Responsibility and channelling for every applicant of the run (see the module docstring)."""
    rows = np.flatnonzero(pop.applies)
    n = len(pop)
    batch = case_batch(pop, rows)
    reg = batch.applicants.reg_date
    ammr_from = resolve_act("AMMR").transitional.cutoff  # type: ignore[union-attr]
    apr_from = resolve_act("APR").transitional.cutoff  # type: ignore[union-attr]
    shift = _shift_into(reg, ammr_from, before=regime == "dublin_iii")
    responsibility = decide_responsibility(shift_dates(batch, shift), law)
    resp = np.full(n, -1, np.int8)
    resp[rows] = responsibility.member_state
    criterion = np.zeros(len(rows), dtype=bool)
    for k, part in enumerate(responsibility.parts):
        keys = np.array([r.key in HIT_CRITERIA for r in part.rules] or [False])
        criterion[responsibility.part_of == k] = keys[part.decided]
    req = np.full(n, REQ_NONE, np.int8)
    elsewhere = (responsibility.member_state >= 0) & (responsibility.member_state != batch.applicants.reg_ms)
    req[rows] = np.where(elsewhere, np.where(criterion, REQ_TAKE_CHARGE_HIT, REQ_TAKE_CHARGE), REQ_NONE)

    cshift = _shift_into(reg, apr_from, before=False)
    cbatch = shift_dates(batch, cshift)
    year = min(latest_decision_year(), int(str(reg.min())[:4]) - 1) if len(reg) else latest_decision_year()
    context = default_context(year, law, safe_countries_of_origin=safe_countries)

    def procedures(b: CaseBatch, crisis: bool = False) -> tuple[np.ndarray, np.ndarray]:
        result = channel(b, replace(context, crisis_derogation=crisis), law)
        proc = _PROC[result.procedure]
        if regime == "dublin_iii":
            proc = np.where(proc == PROC_BORDER, PROC_BORDER_OPTIONAL, proc).astype(np.int8)
        return proc, result.mandatory

    def again(mask: np.ndarray, batch_: CaseBatch, crisis: bool = False) -> np.ndarray:
        """The engine asked again for the rows in `mask` only (the others keep `proc`)."""
        out = proc.copy()
        if mask.any():
            out[mask] = procedures(batch_.take(np.flatnonzero(mask)), crisis)[0]
        return out

    proc, mandatory = procedures(cbatch)
    at_border = (proc == PROC_BORDER) | (proc == PROC_BORDER_OPTIONAL)
    territory = replace(
        cbatch, applicants=replace(cbatch.applicants, place=np.full(len(rows), TERRITORY, np.int8))
    )
    proc_ter = again(at_border, territory)
    crisis_proc = again(np.isin(batch.applicants.reg_ms, crisis_states), cbatch, crisis=True)
    minor_age = law["cfmr.instrumentalisation.minor_age"].values[-1].value
    age = (cbatch.applicants.reg_date - cbatch.applicants.dob).astype(np.int64) / 365.25
    in_scope = np.isin(pop.place[rows], [C.PLACES.index(p) for p in C.PLACES if p != "territory"])
    instr_ok = in_scope & (age >= minor_age) & ~pop.vulnerable[rows]
    instr = np.where(instr_ok & (proc != PROC_BORDER), PROC_BORDER_OPTIONAL, proc).astype(np.int8)

    def full(values: np.ndarray) -> np.ndarray:
        out = np.full(n, PROC_NONE, np.int8)
        out[rows] = values
        return out

    return Answers(
        resp=resp,
        req_kind=req,
        proc_reg=full(proc),
        proc_cap=full(_relieved(proc, mandatory, _J)),
        proc_max=full(_relieved(proc, mandatory, _J | _C)),
        proc_ter=full(proc_ter),
        proc_crisis=full(crisis_proc),
        proc_instr=full(instr),
        regime_shift_days=shift,
        channel_shift_days=cshift,
        rates_source=context.rates_source,
    )


def export_cases(pop: Population, persons: np.ndarray, label: str) -> list[dict[str, Any]]:
    """Persons as case-format dicts (`{label}-{person}` ids), ready for the case engine or JSON."""
    persons = np.asarray(persons, dtype=np.int64)
    ids = np.array([f"{label}-{i}" for i in persons], dtype=object)
    batch = case_batch(pop, persons, ids)
    return [batch.case_dict(k) for k in range(len(persons))]
