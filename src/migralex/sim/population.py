"""The synthetic population of one run: every person who arrives (or is pending on day 0).

Four streams, each from the shipped real data (`arrivals`) and the scenario's behaviour:
1. **detected arrivals**: Frontex detections of the arrivals year, by month, route and nationality,
   × persons per detection × volume, Poisson-drawn per month and cell, spread uniformly over the
   days of the month, assigned to a Member State of arrival by the route split. Each is screened
   (SR Art. 5), then applies there, moves on to apply where its nationality applies (Eurostat
   destinations), or does not apply (return procedure);
2. **shocks** of the scenario (a surge of a given size, nationality mix of its route);
3. **direct applications** (visa, visa-free, undetected entries): the calibration year's Eurostat
   applications by Member State and nationality minus what stream 1 produces in expectation on the
   calibration year's detections (the residual), × growth, spread uniformly over the year;
4. **the pending stock** on day 0 (UNHCR asylum-seekers), at first instance or on appeal.

Every applicant carries the facts of the case format (registration, applicant, family, documents,
entries), so the case engine decides responsibility and channelling for all at once and any
simulated person can be exported as a case. Modelling choices: dates of birth from the Eurostat age
profile of the nationality (uniform within the class); unaccompanied minors among the 14–17-year-
olds; a family member elsewhere is a spouse with international protection who consented in writing;
a visa is a short-stay visa valid 90 days, issued 1 to 12 months before the application. Persons
are ordered by arrival day (the pending stock first), which keeps the kernel's memory access local.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from migralex.cases import codes as C
from migralex.errors import InvalidInput
from migralex.law import ParameterSet
from migralex.screening.durations import screening_days
from migralex.sim import arrivals as A
from migralex.sim import tp_end
from migralex.sim.categorical import draw_rows
from migralex.sim.scenario import Drawn, Scenario
from migralex.sim.sorting import stable_argsort
from migralex.sim.stages import (
    APPEAL,
    CRISIS_INSTRUMENTALISATION,
    PATH_APPLY,
    PATH_MOVE_ON,
    PATH_NO_APPLICATION,
    REGULAR,
)
from migralex.sim.tp_end import Transitions

#: Where a person comes from.
ORIGINS = ("detected", "shock", "direct", "pending")
O_DETECTED, O_SHOCK, O_DIRECT, O_PENDING = range(len(ORIGINS))
NO_DAY = np.iinfo(np.int32).max
PLACE = {name: i for i, name in enumerate(C.PLACES)}
ENTRY = {name: i for i, name in enumerate(C.ENTRY_KINDS)}
#: A short-stay visa is valid for at most 90 days (Schengen Borders Code Art. 6(1); Visa Code Art. 2(2)(a)).
VISA_VALIDITY_DAYS = 90


@dataclass
class Population:
    """One run's persons as columns (struct of arrays), ordered by arrival day."""

    start: dt.date
    origin: np.ndarray  # int8 ORIGINS
    route: np.ndarray  # int8 row of RouteArrivals.routes (-1: not a detected arrival)
    sea: np.ndarray  # bool: arrived by sea
    arr_day: np.ndarray  # int32 (negative: pending before day 0)
    first_ms: np.ndarray  # int8
    screen_day: np.ndarray  # int32 (-1: not screened)
    path: np.ndarray  # int8 PATH_*
    app_ms: np.ndarray  # int8 Member State of the (first) application
    make_day: np.ndarray  # int32 day the application is made
    nat: np.ndarray  # int16 case-format nationality code
    instrumentalised: np.ndarray  # bool
    reloc_ok: np.ndarray  # bool
    init_stage: np.ndarray  # int8 (-1: arrives during the run)
    # the case facts
    place: np.ndarray  # int8 C.PLACES
    dob: np.ndarray  # datetime64[D]
    unaccompanied: np.ndarray  # bool
    vulnerable: np.ndarray  # bool
    security_threat: np.ndarray  # bool
    misled: np.ndarray  # bool
    subsequent: np.ndarray  # bool
    family_ms: np.ndarray  # int8 (-1: none)
    visa_ms: np.ndarray  # int8 (-1: none)
    visa_from: np.ndarray  # datetime64[D]
    notes: tuple[str, ...] = field(default=())
    #: The run's transitions at the end of temporary protection (`sim.tp_end`), when the scenario has it.
    tp_transitions: Transitions | None = None
    #: bool [person]: applications made when temporary protection ends (`sim.tp_end`), or None.
    tp_applicant: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.arr_day)

    @property
    def applies(self) -> np.ndarray:
        """Persons who make an application during the run (the case engine decides their cases)."""
        return (self.path != PATH_NO_APPLICATION) & (self.init_stage < 0)

    def date(self, day: np.ndarray) -> np.ndarray:
        """Day numbers as dates."""
        return np.datetime64(self.start, "D") + np.asarray(day).astype("timedelta64[D]")


def _categorical(rng: np.random.Generator, p: np.ndarray, size: int) -> np.ndarray:
    """Draws from one distribution `p`."""
    return np.minimum(np.searchsorted(np.cumsum(p), rng.random(size), side="right"), len(p) - 1)


def _rowwise(rng: np.random.Generator, table: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One draw per person from the distribution in row `rows[i]` of `table` (one search in the
    concatenated cumulative rows, row r shifted by r, so no per-person copy of a row is made)."""
    cdf = np.cumsum(table, axis=1)
    cdf /= cdf[:, -1:]
    shifted = cdf + np.arange(len(table))[:, None]
    rows = np.asarray(rows, dtype=np.int64)
    return draw_rows(shifted, rows, rng.random(len(rows)) + rows)  # the search, in the row alone


def _expo_days(rng: np.random.Generator, mean: float, size: int) -> np.ndarray:
    return np.maximum(1, np.ceil(rng.exponential(mean, size))).astype(np.int32)


def _elsewhere(rng: np.random.Generator, dest: np.ndarray, nat: np.ndarray, not_ms: np.ndarray) -> np.ndarray:
    """A Member State where the nationality applies, other than `not_ms` (the conditional law)."""
    table = dest[nat]
    table[np.arange(len(nat)), not_ms] = 0.0
    return _rowwise(rng, table, np.arange(len(nat))).astype(np.int8)


def _month_segments(start: dt.date, days: int) -> list[tuple[int, int, int]]:
    """(month, first day offset, number of days) for each calendar month the run covers."""
    out = []
    day = 0
    while day < days:
        date = start + dt.timedelta(days=day)
        dim = calendar.monthrange(date.year, date.month)[1]
        n = min(dim - date.day + 1, days - day)
        out.append((date.month, day, n))
        day += n
    return out


def expected_from_detections(
    arrivals: A.RouteArrivals, ppd: np.ndarray, apply: np.ndarray, move_on: np.ndarray, dest: np.ndarray
) -> np.ndarray:
    """Applications a year of detections produces in expectation: float64 [ms, nationality]."""
    out = np.zeros((A.N_MS, A.N_NAT))
    for k in range(len(arrivals.routes)):
        persons = arrivals.detections[k].sum(axis=0) * ppd[k]
        for ms, p in zip(arrivals.split_ms[k], arrivals.split_p[k], strict=True):
            here = persons * p
            out[ms] += here * apply[ms]
            share = dest * (np.arange(A.N_MS) != ms)[None, :] / (1.0 - dest[:, ms])[:, None]
            out += (here * move_on[ms])[None, :] * share.T
    return out


@dataclass
class _Stream:
    """Persons of one stream before assembly (columns; see `Population`)."""

    app_ms: np.ndarray
    nat: np.ndarray
    day: np.ndarray


@dataclass
class _Detected(_Stream):
    """Detected arrivals and shocks (streams 1-2): where they arrive, are screened and apply."""

    route: np.ndarray
    first_ms: np.ndarray
    origin: np.ndarray
    sea: np.ndarray
    path: np.ndarray
    screen_day: np.ndarray
    make_day: np.ndarray


def synthesise(scenario: Scenario, law: ParameterSet, b: Drawn, rng: np.random.Generator) -> Population:
    """Draw the persons of one run with the run's behavioural values `b` (see the module docstring)."""
    if scenario.arrivals_source == "forecast":
        arr = A.draw_route_arrivals(scenario.arrivals_year, rng)
    else:
        arr = A.route_arrivals(scenario.arrivals_year)
    cal = A.route_arrivals(scenario.calibration_year)
    apps = A.applications(scenario.calibration_year)
    dest = A.destinations(apps)
    per_route = b.persons_per_detection
    ppd = np.array([per_route.get(r, per_route["default"]) for r, _ in arr.routes])
    ppd_cal = np.array([per_route.get(r, per_route["default"]) for r, _ in cal.routes])
    apply = b.apply_at_arrival
    move_on = np.minimum(b.move_on, 1.0 - apply)
    if (apply < 0).any() or (apply > 1).any():
        raise InvalidInput(f"scenario {scenario.name}: behaviour.apply_at_arrival", "shares lie in [0, 1]")
    notes: list[str] = list(arr.notes)
    det = _detected(scenario, law, b, rng, arr, ppd, apply, move_on, dest, notes)
    # 3. direct applications: the calibration year's applications minus what detections explain
    explained = expected_from_detections(cal, ppd_cal, apply, move_on, dest)
    direct, transitions, tp_mask = _direct(scenario, b, rng, apps, explained, notes)
    pending, stage_p = _pending(scenario, b, rng)
    pop = _assemble(scenario.start, pending, stage_p, det, direct, notes, transitions, tp_mask)
    _facts(pop, scenario.calibration_year, b, rng, dest)
    _instrumentalisation(pop, scenario)
    return pop


def _detected(
    scenario: Scenario,
    law: ParameterSet,
    b: Drawn,
    rng: np.random.Generator,
    arr: A.RouteArrivals,
    ppd: np.ndarray,
    apply: np.ndarray,
    move_on: np.ndarray,
    dest: np.ndarray,
    notes: list[str],
) -> _Detected:
    """Streams 1-2: detected arrivals and shocks, screened (SR Art. 5, time limit of SR Art. 8),
    then applying where they arrive, moving on to apply elsewhere, or not applying."""
    routes, nats, arr_days, firsts, origin = _arrivals(scenario, rng, arr, ppd, b.arrival_volume)
    _shocks(scenario, rng, arr, notes, routes, nats, arr_days, firsts, origin)
    route = np.concatenate(routes).astype(np.int8)
    nat_b = np.concatenate(nats).astype(np.int16)
    day_b = np.concatenate(arr_days).astype(np.int32)
    first_b = np.concatenate(firsts).astype(np.int8)
    nb = len(route)
    sea_b = np.array([b_ == "sea" for _, b_ in arr.routes])[route]
    u = rng.random(nb)
    path_b = np.where(
        u < apply[first_b],
        PATH_APPLY,
        np.where(u < apply[first_b] + move_on[first_b], PATH_MOVE_ON, PATH_NO_APPLICATION),
    ).astype(np.int8)
    screening = law["sr.time_limits.border_screening"]
    limit = screening.period_at(max(scenario.start, screening.values[0].start))
    screen_b = day_b + screening_days(rng, b.screening_days_mean, nb, limit.amount)  # screening/durations.py
    app_b = first_b.copy()
    movers = path_b == PATH_MOVE_ON
    app_b[movers] = _elsewhere(rng, dest, nat_b[movers], first_b[movers])
    make_b = screen_b.copy()
    make_b[movers] += _expo_days(rng, b.travel_days_mean, int(movers.sum()))
    return _Detected(
        app_b, nat_b, day_b, route, first_b, np.concatenate(origin), sea_b, path_b, screen_b, make_b
    )


def _arrivals(
    scenario: Scenario, rng: np.random.Generator, arr: A.RouteArrivals, ppd: np.ndarray, volume: float
) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Stream 1: Frontex detections, Poisson-drawn per month and cell, on a uniform day of the month,
    in a Member State of arrival by the route split: (routes, nationalities, days, firsts, origins)."""
    days, start, scale = scenario.days, scenario.start, scenario.scale
    routes, nats, arr_days, firsts, origin = [], [], [], [], []
    for month, first_day, n in _month_segments(start, days):
        dim = calendar.monthrange(scenario.arrivals_year, month)[1]
        expected = arr.detections[:, month - 1, :] * (ppd * volume * scale * n / dim)[:, None]
        counts = rng.poisson(expected)
        r, c = np.nonzero(counts)
        reps = counts[r, c]
        routes.append(np.repeat(r, reps))
        nats.append(np.repeat(c, reps))
        arr_days.append(first_day + rng.integers(0, n, reps.sum()))
    route = np.concatenate(routes).astype(np.int8)
    first_ms = np.empty(len(route), np.int8)
    for k in range(len(arr.routes)):
        idx = np.flatnonzero(route == k)
        first_ms[idx] = arr.split_ms[k][_categorical(rng, arr.split_p[k], len(idx))]
    firsts.append(first_ms)
    origin.append(np.full(len(route), O_DETECTED, np.int8))
    return routes, nats, arr_days, firsts, origin


def _shocks(
    scenario: Scenario,
    rng: np.random.Generator,
    arr: A.RouteArrivals,
    notes: list[str],
    *columns: list[np.ndarray],
) -> None:
    """Stream 2: the scenario's shocks, appended to the columns (routes, nationalities, days,
    firsts, origins) of stream 1: a surge of a given size with the nationality mix of its route."""
    routes, nats, arr_days, firsts, origin = columns
    days, start, scale = scenario.days, scenario.start, scenario.scale
    for i, shock in enumerate(scenario.shocks):
        try:
            k = arr.routes.index((shock.route, shock.border_type))
        except ValueError:
            raise InvalidInput(
                f"scenario {scenario.name}: shocks[{i}].route",
                f"no {shock.border_type} route {shock.route!r} in the Frontex data; routes: "
                + ", ".join(f"{r} ({b_})" for r, b_ in arr.routes),
            ) from None
        offset = (shock.start - start).days
        if offset < 0:
            raise InvalidInput(
                f"scenario {scenario.name}: shocks[{i}].start", "before the first simulated day"
            )
        if offset >= days:
            notes.append(f"shocks[{i}] starts after the last simulated day: left out")
            continue
        size = round(shock.arrivals * scale)
        mix = arr.detections[k].sum(axis=0)
        routes.append(np.full(size, k))
        nats.append(_categorical(rng, mix / mix.sum(), size))
        arr_days.append(offset + rng.integers(0, min(shock.days, days - offset), size))
        firsts.append(np.full(size, A.MS_INDEX[shock.member_state], np.int8))
        origin.append(np.full(size, O_SHOCK, np.int8))


def _direct(
    scenario: Scenario,
    b: Drawn,
    rng: np.random.Generator,
    apps: np.ndarray,
    explained: np.ndarray,
    notes: list[str],
) -> tuple[_Stream, Transitions | None, np.ndarray]:
    """Stream 3: direct applications (the residual of the calibration year × growth, uniform over
    the run) and those when temporary protection ends (`sim.tp_end`): (stream, transitions, TP mask)."""
    days, scale = scenario.days, scenario.scale
    direct = np.maximum(apps - explained, 0.0) * b.direct_applications_growth * scale * days / 365.0
    counts = rng.poisson(direct)
    ms_d, nat_d = np.nonzero(counts)
    reps = counts[ms_d, nat_d]
    nd = int(reps.sum())
    app_d = np.repeat(ms_d, reps).astype(np.int8)
    nat_dd = np.repeat(nat_d, reps).astype(np.int16)
    day_d = rng.integers(0, days, nd).astype(np.int32)
    transitions = None
    if scenario.temporary_protection_end is not None:  # applications when temporary protection ends
        transitions = tp_end.draw(scenario, rng)
        ms_t, day_t, tp_notes = tp_end.applications(scenario, transitions, rng)
        notes += [*transitions.notes, *tp_notes]
        app_d = np.concatenate([app_d, ms_t])
        nat_dd = np.concatenate([nat_dd, np.full(len(ms_t), C.NATIONALITY_INDEX["UA"], np.int16)])
        day_d = np.concatenate([day_d, day_t])
        nd += len(ms_t)
    n_tp = 0 if transitions is None else len(ms_t)
    tp_mask = np.r_[np.zeros(nd - n_tp, bool), np.ones(n_tp, bool)]  # the last of the direct applications
    return _Stream(app_d, nat_dd, day_d), transitions, tp_mask


def _pending(scenario: Scenario, b: Drawn, rng: np.random.Generator) -> tuple[_Stream, np.ndarray]:
    """Stream 4: the pending stock on day 0 (UNHCR asylum-seekers), at first instance or on appeal:
    (stream, initial stage)."""
    stock = A.pending_stock(scenario.calibration_year) * b.backlog_share * scenario.scale
    counts = rng.poisson(stock)
    ms_p, nat_p = np.nonzero(counts)
    reps = counts[ms_p, nat_p]
    npend = int(reps.sum())
    app_p = np.repeat(ms_p, reps).astype(np.int8)
    nat_pp = np.repeat(nat_p, reps).astype(np.int16)
    day_p = -rng.integers(1, 730, npend).astype(np.int32)
    stage_p = np.where(rng.random(npend) < b.backlog_appeal_share, APPEAL, REGULAR).astype(np.int8)
    return _Stream(app_p, nat_pp, day_p), stage_p


def _assemble(
    start: dt.date,
    pending: _Stream,
    stage_p: np.ndarray,
    det: _Detected,
    direct: _Stream,
    notes: list[str],
    transitions: Transitions | None,
    tp_mask: np.ndarray,
) -> Population:
    """The population: pending first (by lodging day), then everyone else by arrival day."""
    npend, nb, nd = len(pending.day), len(det.day), len(direct.day)
    n = npend + nb + nd
    pend_order = stable_argsort(pending.day)
    rest_order = npend + stable_argsort(np.concatenate([det.day, direct.day]))
    order = np.concatenate([pend_order, rest_order])

    def cat(*parts: np.ndarray) -> np.ndarray:
        return np.concatenate(parts)[order]

    return Population(
        start=start,
        origin=cat(np.full(npend, O_PENDING, np.int8), det.origin, np.full(nd, O_DIRECT, np.int8)),
        route=cat(np.full(npend, -1, np.int8), det.route, np.full(nd, -1, np.int8)),
        sea=cat(np.zeros(npend, bool), det.sea, np.zeros(nd, bool)),
        arr_day=cat(pending.day, det.day, direct.day),
        first_ms=cat(pending.app_ms, det.first_ms, direct.app_ms),
        screen_day=cat(np.full(npend, -1, np.int32), det.screen_day, np.full(nd, -1, np.int32)),
        path=cat(np.full(npend, PATH_APPLY, np.int8), det.path, np.full(nd, PATH_APPLY, np.int8)),
        app_ms=cat(pending.app_ms, det.app_ms, direct.app_ms),
        make_day=cat(pending.day, det.make_day, direct.day),
        nat=cat(pending.nat, det.nat, direct.nat),
        instrumentalised=np.zeros(n, bool),
        reloc_ok=np.zeros(n, bool),
        init_stage=cat(stage_p, np.full(nb + nd, -1, np.int8)),
        place=np.full(n, PLACE["territory"], np.int8),
        dob=np.zeros(n, "datetime64[D]"),
        unaccompanied=np.zeros(n, bool),
        vulnerable=np.zeros(n, bool),
        security_threat=np.zeros(n, bool),
        misled=np.zeros(n, bool),
        subsequent=np.zeros(n, bool),
        family_ms=np.full(n, -1, np.int8),
        visa_ms=np.full(n, -1, np.int8),
        visa_from=np.zeros(n, "datetime64[D]"),
        notes=tuple(notes),
        tp_transitions=transitions,
        tp_applicant=None if transitions is None else cat(np.zeros(npend + nb, bool), tp_mask),
    )


def _facts(pop: Population, year: int, b: Drawn, rng: np.random.Generator, dest: np.ndarray) -> None:
    """The case facts of every person (vectorised; see the module docstring)."""
    n = len(pop)
    detected = (pop.origin == O_DETECTED) | (pop.origin == O_SHOCK)
    here = detected & (pop.path == PATH_APPLY)
    pop.place[here] = np.where(
        pop.sea[here], PLACE["sar_disembarkation"], PLACE["apprehension_after_irregular_crossing"]
    )
    direct = pop.origin == O_DIRECT
    airport = direct & (rng.random(n) < b.airport_share)
    pop.place[airport] = PLACE["border_crossing_point"]
    reg_date = pop.date(pop.make_day)
    profiles = A.age_profiles(year)
    cls = _rowwise(rng, profiles, pop.nat)
    low = np.array([c[1] for c in A.AGE_CLASSES])[cls]
    high = np.array([c[2] for c in A.AGE_CLASSES])[cls]
    age_days = (rng.integers(low, high + 1) * 365.25 + rng.integers(0, 365, n)).astype(np.int64)
    pop.dob[:] = reg_date - age_days.astype("timedelta64[D]")
    union = profiles.mean(axis=0)
    teen = A.AGE_CLASSES.index(("Y14-17", 14, 17))
    p_uam = min(0.95, b.unaccompanied_share_of_minors * (union[0] + union[teen]) / union[teen])
    pop.unaccompanied[:] = (cls == teen) & (rng.random(n) < p_uam)
    pop.vulnerable[:] = rng.random(n) < b.vulnerable_share
    pop.security_threat[:] = rng.random(n) < b.security_threat_share
    pop.misled[:] = rng.random(n) < b.misled_share
    subsequent = A.subsequent_share(year)
    pop.subsequent[:] = direct & (rng.random(n) < subsequent[pop.app_ms])
    family = rng.random(n) < b.family_elsewhere_share
    pop.family_ms[family] = _elsewhere(rng, dest, pop.nat[family], pop.app_ms[family])
    movers = (pop.path == PATH_MOVE_ON) & (rng.random(n) < b.family_at_destination_share)
    pop.family_ms[movers] = pop.app_ms[movers]
    u = rng.random(n)
    own = direct & (u < b.visa_own_share)
    other = direct & ~own & (u < b.visa_own_share + b.visa_other_share)
    pop.visa_ms[own] = pop.app_ms[own]
    pop.visa_ms[other] = _elsewhere(rng, dest, pop.nat[other], pop.app_ms[other])
    issued = rng.integers(30, 365, n).astype("timedelta64[D]")
    pop.visa_from[:] = reg_date - issued
    pop.reloc_ok[:] = (rng.random(n) < b.relocation_eligible_share) & ~pop.security_threat


def _instrumentalisation(pop: Population, scenario: Scenario) -> None:
    """CFMR Art. 1(4)(b): detected arrivals in a Member State during its instrumentalisation crisis."""
    for crisis in scenario.crises:
        if crisis.code != CRISIS_INSTRUMENTALISATION:
            continue
        first = (crisis.start - scenario.start).days
        ms = A.MS_INDEX[crisis.member_state]
        hit = (
            (pop.first_ms == ms)
            & (pop.route >= 0)
            & (pop.arr_day >= first)
            & (pop.arr_day < first + crisis.days)
        )
        pop.instrumentalised |= hit


def entries(pop: Population) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The `entries[]` of the detected arrivals: (person, kind, Member State, date)."""
    rows = np.flatnonzero(pop.route >= 0)
    kind = np.where(pop.sea[rows], ENTRY["sar_disembarkation"], ENTRY["irregular_crossing"]).astype(np.int8)
    return rows, kind, pop.first_ms[rows], pop.date(pop.arr_day[rows])
