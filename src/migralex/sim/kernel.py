"""The daily engine: every person through the pipeline, one day after another (numba).

Data layout (struct of arrays): one slot per person for its stage, location, pending event and
queue membership. Events live in per-day buckets (doubly linked lists over persons: a person has
at most one pending event, so rescheduling is O(1)); capacity-limited work (registration,
first-instance decisions) lives in per-Member-State FIFO queues, also doubly linked, served each
day up to the day's capacity (border cases first, then accelerated, then regular: APR Art. 34(5)
prioritisation, read as "the shorter time limit first"). Random numbers come from a counter-based
generator (SplitMix64 of seed, person, draw number), so a person's draws do not depend on the
order in which persons are processed, and a run is reproducible bit for bit from its seed.

The model, day by day (the same model as `oracle_simpy`, which states it as processes):
arrival → screening (border arrivals; SR Art. 8) → application made here, or moving on to apply
elsewhere, or no application (return procedure) → registration queue (APR Art. 27; CFMR Art. 10 in
a crisis) → if the case engine found another Member State responsible: take-charge request /
take-back notification (AMMR Arts 39–41), reply, transfer within the time limit (Art. 46(1)) or
absconding (Art. 46(2) extension) or lapse (responsibility shifts, Art. 46(2)) → lodging (APR
Art. 28) → channelling with the case engine's answer, switched by the Member State's border
occupancy (APR Art. 48: relief for ground (j) at adequate capacity, inflow-outflow) and annual
count (Art. 47(3), Art. 50: relief for grounds (c), (j) after the Commission's authorisation) →
relocation from benefitting Member States against pledges (AMMR Art. 67) → first-instance decision
queue → appeal → protection, or return (return border procedure for border rejections, RBPR
Art. 4; ordinary return otherwise) with a behavioural enforcement rate. Absconders may apply again
in another Member State (a take-back case).

Code layout: `kernel_state` holds the one state structure (`State`, a named tuple of arrays) and
the primitives (random draws, event buckets, queues, moves); `kernel_steps` holds one small
function per stage of the model; this module dispatches each action to its step through the table
`stages.ACTIONS` and runs the days (`run_days`, which can be called a segment at a time: the
state carries over, so a week-by-week run is bit-identical to one pass). The day loop is compiled
without numba's reference counting (`_nrt=False`): it allocates nothing, and the state's arrays
are read through the named tuple millions of times.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numba import njit

from migralex.errors import InvalidInput
from migralex.sim import kernel_steps as steps
from migralex.sim.kernel_state import (
    EV_KIND,
    LOC,
    N_QUEUES,
    PROC,
    Q_REG,
    Q_REGULAR,
    REG,
    RESP,
    STATE,
    T_PRESENT,
    State,
    draw,
    expo_days,
    link,
    move,
    new_state,
    qpush,
    qremove,
    unlink,
)
from migralex.sim.numba_cache import ensure_cache_dir
from migralex.sim.stages import (
    ACTIONS,
    APPEAL,
    B_ABSCOND_HAZARD,
    B_APPEAL_MEAN,
    B_MAX_AUTH_DAYS,
    B_NOTIFY_CAPACITY,
    BEHAVIOUR_SCALARS,
    M_CAP_RELIEF_DAYS,
    M_MAX_RELIEF_DAYS,
    N_STAGES,
    N_TIME_LIMITS,
    PROC_REGULAR,
    REGULAR,
    STEPS,
)

ensure_cache_dir(__file__)


class KernelInputs(NamedTuple):
    """Everything one run needs, as arrays (persons: length n; Member States: length 27)."""

    n_days: int
    seed: np.uint64
    # persons (facts drawn by the population synthesiser, answers of the case engine)
    arr_day: np.ndarray  # int32: arrival day (negative: initial backlog)
    first_ms: np.ndarray  # int8: Member State of arrival
    screen_day: np.ndarray  # int32: day screening ends (-1: not screened)
    path: np.ndarray  # int8: PATH_*
    app_ms: np.ndarray  # int8: Member State of the first application
    make_day: np.ndarray  # int32: day the application is made (after moving on)
    nat: np.ndarray  # int16: nationality row of p_rec / dest_cdf
    resp: np.ndarray  # int8: Member State responsible (case engine)
    req_kind: np.ndarray  # int8: REQ_*
    proc_reg: np.ndarray  # int8: procedure at registration (case engine)
    proc_cap: np.ndarray  # int8: ... once adequate capacity is reached (APR Art. 47(2), 48)
    proc_max: np.ndarray  # int8: ... once the annual maximum is reached (Art. 47(3))
    proc_ter: np.ndarray  # int8: ... after a transfer, relocation or lapse (on the territory)
    proc_crisis: np.ndarray  # int8: ... under a mass-arrival crisis (CFMR Art. 11)
    proc_instr: np.ndarray  # int8: ... under instrumentalisation (CFMR Art. 11(6)-(8))
    instrumentalised: np.ndarray  # bool
    reloc_ok: np.ndarray  # bool: could be relocated (consent, no security flag)
    init_stage: np.ndarray  # int8: stage of a backlog person on day 0 (-1: arrives later)
    init_deadline: np.ndarray  # int32: backlog: examination time limit (day)
    init_deadline2: np.ndarray  # int32: backlog: extended time limit (day)
    # Member States
    reg_cap: np.ndarray  # float64: registrations per day
    dec_cap: np.ndarray  # float64: first-instance decisions per day
    border_cap: np.ndarray  # int64: adequate capacity (APR Art. 47(1))
    annual_max: np.ndarray  # int64 [ms, day]: annual maximum in force (Art. 47(1) 2nd subpara)
    optional_use: np.ndarray  # float64: share of optional border cases put in the border procedure
    reloc_quota: np.ndarray  # float64: relocations per year from this benefitting Member State
    pledge: np.ndarray  # float64: relocations per year pledged by this Member State
    crisis: np.ndarray  # int8 [ms, day]: CRISIS_*
    year_start: np.ndarray  # bool [day]: 1 January
    # tables
    dl: np.ndarray  # int32 [time limit, ms, start day]: last day (AMMR Art. 75 / APR Art. 73)
    p_rec: np.ndarray  # float32 [ms, nationality]: first-instance recognition probability
    dest_cdf: np.ndarray  # float64 [nationality, ms]: where absconders apply again (cumulative)
    bp: np.ndarray  # float64: behavioural scalars (stages.BEHAVIOUR_SCALARS)


#: numba option: compile without reference counting (the day loop allocates nothing; counting the
#: references of the state's arrays at every read made the split kernel 30 times slower).
NO_REFCOUNT: dict[str, Any] = {"_nrt": False}
#: Error codes returned by the kernel (0 = fine).
OK, ERR_CONSERVATION = 0, 1
#: The step (`stages.STEPS` position) that carries out each action code (`stages.ACTIONS`).
STEP_OF = np.array([-1, *(STEPS.index(a.step) for a in ACTIONS)], np.int8)
(S_ARRIVAL, S_REGISTRATION, S_DUBLIN, S_CHANNELLING, S_RELOCATION, S_FIRST_INSTANCE, S_ABSCONDING,
 S_APPEAL_RETURN) = range(len(STEPS))  # fmt: skip


class KernelOutputs(NamedTuple):
    """What a run returns: daily snapshots, flows, counters and each person's final situation."""

    error: int
    counts: np.ndarray  # int32 [day, ms, stage]: persons in each stage at the end of the day
    flows: np.ndarray  # int64 [ms, from stage (or ARRIVAL), to stage]
    metrics: np.ndarray  # int64 [ms, metric]
    apps_daily: np.ndarray  # int32 [day, ms]: applications registered
    relief: np.ndarray  # int8 [day, ms]: bit 1 capacity relief, bit 2 annual-maximum relief
    state: np.ndarray  # int8 [person]: final stage (-1: not arrived)
    loc: np.ndarray  # int8 [person]: final Member State
    responsible: np.ndarray  # int8 [person]: Member State responsible at the end (-1: none yet)
    procedure: np.ndarray  # int8 [person]: procedure entered (-1: none)
    reg_day: np.ndarray  # int32 [person]: (last) registration day
    decision_day: np.ndarray  # int32 [person]: first-instance decision day (-1: none)


PERSON_FIELDS = KernelInputs._fields[2:22]
MS_FIELDS = ("reg_cap", "dec_cap", "border_cap", "optional_use", "reloc_quota", "pledge")
MS_DAY_FIELDS = ("annual_max", "crisis")


def check_inputs(x: KernelInputs) -> None:
    """Shapes and ranges the kernel relies on (it does no bounds checks): errors name the field."""
    n, n_ms, days = len(x.arr_day), x.dl.shape[1], x.n_days
    shapes: dict[str, tuple[int, ...]] = {f: (n,) for f in PERSON_FIELDS}
    shapes.update({f: (n_ms,) for f in MS_FIELDS})
    shapes.update({f: (n_ms, days) for f in MS_DAY_FIELDS})
    shapes.update(year_start=(days,), dl=(N_TIME_LIMITS, n_ms, days), bp=(len(BEHAVIOUR_SCALARS),))
    for name, shape in shapes.items():
        got = np.shape(getattr(x, name))
        if got != shape:
            raise InvalidInput(f"kernel.{name}", f"shape {got}, expected {shape}")
    for name in ("first_ms", "app_ms"):
        values = getattr(x, name)
        if n and (values.min() < 0 or values.max() >= n_ms):
            raise InvalidInput(f"kernel.{name}", f"Member State codes lie in 0..{n_ms - 1}")
    if n and (x.nat.min() < 0 or x.nat.max() >= min(x.p_rec.shape[1], x.dest_cdf.shape[0])):
        raise InvalidInput("kernel.nat", "nationality codes beyond the rows of p_rec / dest_cdf")


def run_kernel(x: KernelInputs) -> KernelOutputs:
    """Run the kernel on `x` (the Python-facing entry point; inputs are checked first)."""
    check_inputs(x)
    s = start(x)
    error = run_days(x, s, 0, x.n_days)
    return outputs(s, error)


def start(x: KernelInputs) -> State:
    """The state on day 0: the pending stock in its stage, every arrival scheduled."""
    n, n_ms = len(x.arr_day), len(x.reg_cap)
    s = new_state(n, n_ms, x.n_days, x.first_ms, x.app_ms, x.pledge)
    enter_day_zero(x, s)
    return s


def outputs(s: State, error: int) -> KernelOutputs:
    """What a run returns, from its state."""
    return KernelOutputs(
        error=error,
        counts=s.counts,
        flows=s.flows,
        metrics=s.metrics,
        apps_daily=s.apps_daily,
        relief=s.relief,
        state=s.P[:, STATE].astype(np.int8),
        loc=s.P[:, LOC].astype(np.int8),
        responsible=s.P[:, RESP].astype(np.int8),
        procedure=s.P[:, PROC].astype(np.int8),
        reg_day=s.P[:, REG].copy(),
        decision_day=s.dec_day,
    )


# ------------------------------------------------------------------------------------- the days
@njit(cache=True)
def enter_day_zero(x, s):  # type: ignore[no-untyped-def]
    """The pending stock enters its stage on day 0 (appeal, or the regular queue); arrivals wait."""
    P, bp = s.P, x.bp
    for i in range(x.arr_day.shape[0]):
        if x.init_stage[i] >= 0:
            ms = x.first_ms[i]
            s.tally[T_PRESENT] += 1
            P[i, RESP] = ms
            P[i, REG] = x.arr_day[i]
            s.lodge_day[i] = x.arr_day[i]
            s.npass[i] = 1
            P[i, PROC] = PROC_REGULAR
            if x.init_stage[i] == APPEAL:
                move(s, i, APPEAL, ms)
                link(s, i, expo_days(draw(P, x.seed, i), bp[B_APPEAL_MEAN]), steps.APPEAL_END)
            else:
                move(s, i, REGULAR, ms)
                s.pdl[i] = x.init_deadline[i]
                s.pdl2[i] = x.init_deadline2[i]
                qpush(s, ms * N_QUEUES + Q_REGULAR, i)
                if bp[B_ABSCOND_HAZARD] > 0.0:
                    day = expo_days(draw(P, x.seed, i), 1.0 / bp[B_ABSCOND_HAZARD])
                    link(s, i, day, steps.QUEUE_TIMER)
        elif 0 <= x.arr_day[i] < x.n_days:
            link(s, i, x.arr_day[i], steps.ARRIVE)


@njit(cache=True, error_model="numpy", **NO_REFCOUNT)
def run_days(x, s, first, last):  # type: ignore[no-untyped-def]
    """Run days first..last-1 on the state `s` (segments chain: the state carries over)."""
    for t in range(first, last):
        start_of_day(x, s, t)
        svc = 0  # next queue to serve: Member State major, then class
        while True:
            i, kind, svc = next_work(x, s, t, svc)
            if i < 0:
                break
            person_day(x, s, i, t, kind)
        if not end_of_day(x, s, t):  # the conservation law: every arrival in exactly one stage
            return ERR_CONSERVATION
    return OK


@njit(cache=True, error_model="numpy", **NO_REFCOUNT)
def start_relocations(x, s, t, persons, targets):  # type: ignore[no-untyped-def]
    """Persons placed by the week's matching start the AMMR Art. 67(9)-(11) timeline on day t."""
    for k in range(persons.shape[0]):
        i = persons[k]
        unlink(s, i)  # a pending timer (absconding) is replaced by the relocation's
        _, new_stage, new_loc, ev_at, ev_k, _ = steps.relocation_start(x, s, i, t, targets[k])
        move(s, i, new_stage, new_loc)
        link(s, i, max(ev_at, t), ev_k)


@njit(cache=True, inline="always")
def start_of_day(x, s, t):  # type: ignore[no-untyped-def]
    """1 January resets the year's counters and pledges (APR Art. 47; AMMR Art. 57); credits."""
    n_ms = x.reg_cap.shape[0]
    if x.year_start[t]:
        for ms in range(n_ms):
            s.ann[ms] = 0
            s.cap_notified[ms] = -1
            s.max_reached[ms] = -1
            s.pledge_left[ms] = x.pledge[ms]
    for ms in range(n_ms):
        s.rcred[ms] = min(s.rcred[ms], 1.0) + x.reg_cap[ms]
        s.dcred[ms] = min(s.dcred[ms], 1.0) + x.dec_cap[ms]


@njit(cache=True, inline="always")
def next_work(x, s, t, svc):  # type: ignore[no-untyped-def]
    """The next piece of work: a timed event of today, else the head of a queue with capacity."""
    P = s.P
    if s.bhead[t] >= 0:
        i = s.bhead[t]
        kind = P[i, EV_KIND]
        unlink(s, i)
        return i, kind, 0
    n_q = x.reg_cap.shape[0] * N_QUEUES
    while svc < n_q:
        credit = s.rcred[svc // N_QUEUES] if svc % N_QUEUES == Q_REG else s.dcred[svc // N_QUEUES]
        if credit >= 1.0 and s.qhead[svc] >= 0:
            break
        svc += 1
    if svc >= n_q:
        return -1, 0, svc
    i = s.qhead[svc]
    qremove(s, i)
    unlink(s, i)
    if svc % N_QUEUES == Q_REG:
        s.rcred[svc // N_QUEUES] -= 1.0
        return i, steps.REGISTERED, svc
    s.dcred[svc // N_QUEUES] -= 1.0
    return i, steps.DECIDE, svc


@njit(cache=True, inline="always")
def person_day(x, s, i, t, kind):  # type: ignore[no-untyped-def]
    """The person's steps of the day, chained until one waits (an event or a queue)."""
    s.carry[:] = 0  # C_MS, C_TERR, C_BPLACE, C_CODE, C_R, C_KIND: nothing handed over yet
    while kind != steps.NONE:
        nxt, new_stage, new_loc, ev_at, ev_k, queue = dispatch(x, s, i, t, kind)
        if new_stage >= 0:
            move(s, i, new_stage, new_loc)
        if queue >= 0:
            qpush(s, queue, i)
        if ev_k != steps.NONE:
            link(s, i, max(ev_at, t), ev_k)
        kind = nxt


@njit(cache=True, inline="always")
def dispatch(x, s, i, t, kind):  # type: ignore[no-untyped-def]
    """The step that carries out action `kind` (the table `stages.ACTIONS`)."""
    g = STEP_OF[kind]
    if g == S_ARRIVAL:
        return steps.arrival(x, s, i, t, kind)
    if g == S_REGISTRATION:
        return steps.registration(x, s, i, t, kind)
    if g == S_DUBLIN:
        return steps.dublin(x, s, i, t, kind)
    if g == S_CHANNELLING:
        return steps.channelling(x, s, i, t, kind)
    if g == S_RELOCATION:
        return steps.relocation(x, s, i, t, kind)
    if g == S_FIRST_INSTANCE:
        return steps.first_instance(x, s, i, t, kind)
    if g == S_ABSCONDING:
        return steps.absconding(x, s, i, t, kind)
    return steps.appeal_return(x, s, i, t, kind)


@njit(cache=True, inline="always")
def end_of_day(x, s, t):  # type: ignore[no-untyped-def]
    """Notifications (APR Art. 48(1), Art. 47(3)), relief flags, the day's snapshot; False if
    the conservation law fails."""
    total = 0
    auth_days = int(x.bp[B_MAX_AUTH_DAYS])
    for ms in range(x.reg_cap.shape[0]):
        occ, cap = s.occ[ms], x.border_cap[ms]
        if x.bp[B_NOTIFY_CAPACITY] > 0.0 and s.cap_notified[ms] < 0 and 0 < cap <= occ:
            s.cap_notified[ms] = t
        if s.max_reached[ms] < 0 and 0 < x.annual_max[ms, t] <= s.ann[ms]:
            s.max_reached[ms] = t
        if s.cap_notified[ms] >= 0 and t > s.cap_notified[ms] and occ >= cap:
            s.relief[t, ms] |= 1
            s.metrics[ms, M_CAP_RELIEF_DAYS] += 1
        if s.max_reached[ms] >= 0 and t >= s.max_reached[ms] + auth_days:
            s.relief[t, ms] |= 2
            s.metrics[ms, M_MAX_RELIEF_DAYS] += 1
        for st in range(N_STAGES):
            s.counts[t, ms, st] = s.cnt[ms, st]
            total += s.cnt[ms, st]
    return total == s.tally[T_PRESENT]
