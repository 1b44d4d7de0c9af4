"""The only module of the simulator that calls the case engine (`migralex.cases`, `.rules`, `.context`).

The population's applicants become one `CaseBatch` (integer ids: the person numbers);
`decide_responsibility` names the Member State responsible for each, and `channel` the procedure,
once per run for everybody (vectorised), under the scenario's regime (`regime=`: the Pact or
Dublin III whatever the dates; the answers say the regime was forced by a scenario). The simulator
then uses the answers day by day:
- **take-charge requests after a Eurodac hit** (AMMR Art. 39(1), second subparagraph) are those
  decided by the irregular-entry/disembarkation criterion (Art. 33), which rests on a hit;
- **territory**: a person who reaches the procedure after a transfer, a lapse or a relocation is
  no longer at the border (APR Art. 43(1)); the engine is asked again with `place: territory`;
- **border relief** (APR Art. 47(2)-(3), 48, 50): the engine is asked again for the border cases
  with the context's `border_capacity_reached` (ground (j) no longer obliges) and
  `annual_maximum_reached` ((c) and (j) no longer oblige); the kernel uses those answers on the
  days the Member State is relieved; a relieved case is an optional border case (Art. 44), which
  the kernel sends to the border only if a place is free;
- **crisis** (CFMR Art. 11(3)): the engine with `crisis_derogation: true`;
- **instrumentalisation** (CFMR Art. 11(6)-(7)): the engine with the context's
  `instrumentalisation` for the instrumentalised persons, option `exclude` (Art. 11(7)(a): minors
  under 12 and their families, and persons with special needs, stay out);
- **Dublin III**: the procedure is the APR's answer (the Pact forced on `channel`) with the border
  procedure optional (Directive 2013/32/EU Art. 43 makes it a choice of the Member State; that
  directive is not modelled).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from migralex.cases import codes as C
from migralex.cases.batch import Applicants, CaseBatch, Diplomas, Documents, Entries, Family
from migralex.context import default_context, latest_decision_year
from migralex.law import ParameterSet
from migralex.rules.procedure import ACCELERATED as E_ACCELERATED
from migralex.rules.procedure import BORDER as E_BORDER
from migralex.rules.procedure import BORDER_OPTIONAL as E_BORDER_OPTIONAL
from migralex.rules.procedure import REGULAR as E_REGULAR
from migralex.rules.procedure import Context, Instrumentalisation, channel
from migralex.rules.responsibility.hierarchy import ResponsibilityResult, decide_responsibility
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
TERRITORY = C.PLACES.index("territory")
#: The case engine's regime for the scenario's (`Scenario.regime`).
REGIMES = {"pact": "AMMR", "dublin_iii": "DUBLIN_III"}
#: CFMR Art. 11(7): the option the simulated Council decision specifies (Art. 11(8)).
INSTRUMENTALISATION_OPTION = "exclude"


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
    responsibility = decide_responsibility(batch, law, regime=REGIMES[regime])
    resp = np.full(n, -1, np.int8)
    resp[rows] = responsibility.member_state
    req = _take_charge_requests(n, rows, batch, responsibility)
    context = _context(batch, law, safe_countries)
    ask = _Channelling(law, regime, batch, rows)
    proc = ask.procedures(batch, context)
    asked = _asked_again(ask, proc, context, pop.instrumentalised[rows], crisis_states)
    return Answers(
        resp=resp,
        req_kind=req,
        proc_reg=_on_rows(n, rows, proc),
        **{name: _on_rows(n, rows, values) for name, values in asked.items()},
        rates_source=context.rates_source,
    )


def _take_charge_requests(
    n: int, rows: np.ndarray, batch: CaseBatch, responsibility: ResponsibilityResult
) -> np.ndarray:
    """int8 [person]: take-charge requests where another Member State is responsible, after a hit if
    the criterion rests on one (AMMR Art. 39(1), second subparagraph; Art. 33)."""
    criterion = np.zeros(len(rows), dtype=bool)
    for k, part in enumerate(responsibility.parts):
        keys = np.array([r.key in HIT_CRITERIA for r in part.rules] or [False])
        criterion[responsibility.part_of == k] = keys[part.decided]
    req = np.full(n, REQ_NONE, np.int8)
    elsewhere = (responsibility.member_state >= 0) & (responsibility.member_state != batch.applicants.reg_ms)
    req[rows] = np.where(elsewhere, np.where(criterion, REQ_TAKE_CHARGE_HIT, REQ_TAKE_CHARGE), REQ_NONE)
    return req


def _context(batch: CaseBatch, law: ParameterSet, safe_countries: tuple[str, ...]) -> Context:
    """The engine's context: recognition rates of the last decision year before the first registration."""
    reg = batch.applicants.reg_date
    year = min(latest_decision_year(), int(str(reg.min())[:4]) - 1) if len(reg) else latest_decision_year()
    return default_context(year, law, safe_countries_of_origin=safe_countries)


@dataclass(frozen=True)
class _Channelling:
    """The engine's `channel` for the run's applicants under the scenario's regime (APR Arts 42-45)."""

    law: ParameterSet
    regime: str
    batch: CaseBatch
    rows: np.ndarray

    def procedures(self, b: CaseBatch, ctx: Context) -> np.ndarray:
        """The simulator's procedure codes for `b` under `ctx` (Dublin III: the border one optional)."""
        proc = _PROC[channel(b, ctx, self.law, regime="AMMR").procedure]
        if self.regime == "dublin_iii":
            proc = np.where(proc == PROC_BORDER, PROC_BORDER_OPTIONAL, proc).astype(np.int8)
        return proc

    def again(
        self,
        proc: np.ndarray,
        mask: np.ndarray,
        ctx: Context,
        batch: CaseBatch | None = None,
        taken: CaseBatch | None = None,
    ) -> np.ndarray:
        """`proc` with the rows in `mask` asked again under `ctx` (`taken`: those rows, already taken)."""
        out = proc.copy()
        if mask.any():
            b = batch if batch is not None else self.batch
            out[mask] = self.procedures(taken if taken is not None else b.take(np.flatnonzero(mask)), ctx)
        return out


def _asked_again(
    ask: _Channelling,
    proc: np.ndarray,
    context: Context,
    instrumentalised: np.ndarray,
    crisis_states: tuple[int, ...],
) -> dict[str, np.ndarray]:
    """Procedures under border relief (APR Arts 47-48, 50), on the territory (Art. 43(1)), in a
    crisis (CFMR Art. 11(3)) and under instrumentalisation (Art. 11(6)-(7)), for the applicants,
    by the name of their field of `Answers`."""
    batch = ask.batch
    every = C.MEMBER_STATES[: C.N_EU]  # the context lists Member States (CFMR Art. 11)
    border = proc == PROC_BORDER
    border_cases = batch.take(np.flatnonzero(border))  # asked twice: capacity, annual maximum
    territory = replace(
        batch, applicants=replace(batch.applicants, place=np.full(len(ask.rows), TERRITORY, np.int8))
    )
    instrumentalisation = Instrumentalisation(every, INSTRUMENTALISATION_OPTION)
    return {
        "proc_cap": ask.again(
            proc, border, replace(context, border_capacity_reached=every), taken=border_cases
        ),
        "proc_max": ask.again(
            proc, border, replace(context, annual_maximum_reached=every), taken=border_cases
        ),
        "proc_ter": ask.again(proc, border | (proc == PROC_BORDER_OPTIONAL), context, territory),
        "proc_crisis": ask.again(
            proc, np.isin(batch.applicants.reg_ms, crisis_states), replace(context, crisis_derogation=True)
        ),
        "proc_instr": ask.again(
            proc, instrumentalised, replace(context, instrumentalisation=instrumentalisation)
        ),
    }


def _on_rows(n: int, rows: np.ndarray, values: np.ndarray) -> np.ndarray:
    """int8 [person]: `values` at the applicants' rows, PROC_NONE for everybody else."""
    out = np.full(n, PROC_NONE, np.int8)
    out[rows] = values
    return out


def export_cases(pop: Population, persons: np.ndarray, label: str) -> list[dict[str, Any]]:
    """Persons as case-format dicts (`{label}-{person}` ids), ready for the case engine or JSON."""
    persons = np.asarray(persons, dtype=np.int64)
    ids = np.array([f"{label}-{i}" for i in persons], dtype=object)
    batch = case_batch(pop, persons, ids)
    return [batch.case_dict(k) for k in range(len(persons))]
