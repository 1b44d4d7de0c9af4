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
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from migralex.errors import InvalidInput
from migralex.sim.numba_cache import ensure_cache_dir
from migralex.sim.stages import (
    ABSCONDED,
    ACCELERATED,
    APPEAL,
    ARRIVAL,
    B_ABSCOND_HAZARD,
    B_ACCEPT_TB,
    B_ACCEPT_TC,
    B_APPEAL_ACCEL,
    B_APPEAL_BORDER,
    B_APPEAL_MEAN,
    B_APPEAL_REGULAR,
    B_APPEAL_SUCCESS,
    B_BORDER_APPEAL_MEAN,
    B_LODGE_MEAN,
    B_MAX_AUTH_DAYS,
    B_MAX_REAPPLY,
    B_NOTIFY_CAPACITY,
    B_REAPPLY,
    B_REAPPLY_MEAN,
    B_RELOC_COMPLETE,
    B_RELOC_FRAC,
    B_REPLY_FRAC,
    B_REQ_FRAC,
    B_REQ_IN_TIME,
    B_RETURN_BORDER,
    B_RETURN_EFFECTIVE,
    B_RETURN_MEAN,
    B_RETURN_WINDOW,
    B_TRANSFER_ABSCOND,
    B_TRANSFER_COMPLETE,
    B_TRANSFER_FRAC,
    BEHAVIOUR_SCALARS,
    BORDER,
    CRISIS_FORCE_MAJEURE,
    CRISIS_INSTRUMENTALISATION,
    CRISIS_MASS,
    CRISIS_NONE,
    DUBLIN,
    IN_TRANSIT,
    IRREGULAR_STAY,
    K_ACCEL,
    K_BORDER,
    K_BORDER_CRISIS,
    K_LODGE,
    K_LODGE_BORDER,
    K_RBP,
    K_RBP_CRISIS,
    K_REG,
    K_REG_CRISIS,
    K_REGULAR,
    K_REGULAR_EXT,
    K_RELOCATION,
    K_TB_CONFIRM,
    K_TB_NOTIF,
    K_TB_NOTIF_CRISIS,
    K_TC_REPLY,
    K_TC_REPLY_CRISIS,
    K_TC_REPLY_HIT,
    K_TC_REQ,
    K_TC_REQ_CRISIS,
    K_TC_REQ_HIT,
    K_TRANSFER,
    K_TRANSFER_CRISIS,
    K_TRANSFER_DECISION,
    M_ABSCONDINGS,
    M_ACCEL_BREACH,
    M_APPEALS_GRANTED,
    M_APPLICATIONS,
    M_ARRIVALS,
    M_BORDER_BREACH,
    M_BORDER_ENTRIES,
    M_CAP_RELIEF_DAYS,
    M_DECISIONS,
    M_MAX_RELIEF_DAYS,
    M_NEGATIVE,
    M_POSITIVE,
    M_RBP_ENTRIES,
    M_REAPPLICATIONS,
    M_REG_BREACH,
    M_REGULAR_BREACH,
    M_REGULAR_EXTENDED,
    M_RELOC_IN,
    M_RELOC_OUT,
    M_REQ_ACCEPTED,
    M_REQ_LATE,
    M_REQ_REJECTED,
    M_REQUESTS,
    M_RETURN_DECISIONS,
    M_RETURNS,
    M_TRANSFER_ABSCOND,
    M_TRANSFER_LAPSES,
    M_TRANSFERS_IN,
    M_TRANSFERS_OUT,
    N_METRICS,
    N_STAGES,
    N_TIME_LIMITS,
    PATH_APPLY,
    PATH_MOVE_ON,
    PROC_ACCELERATED,
    PROC_BORDER,
    PROC_BORDER_OPTIONAL,
    PROC_REGULAR,
    PROTECTED,
    REGISTRATION,
    REGULAR,
    RELOCATION,
    REQ_TAKE_BACK,
    REQ_TAKE_CHARGE_HIT,
    RETURN_BORDER,
    RETURN_PENDING,
    RETURNED,
    SCREENING,
    TRANSFER,
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


NEVER = 2**31 - 1
#: Queue classes per Member State: registration, then first-instance decisions by priority.
Q_REG, Q_BORDER, Q_ACCEL, Q_REGULAR = 0, 1, 2, 3
N_QUEUES = 4

# Actions of the state machine. Timed events (a person has at most one pending) ...
E_NONE, E_ARRIVE, E_SCREENED, E_REACH, E_REQUEST, E_REPLY, E_REQ_LATE = 0, 1, 2, 3, 4, 5, 6
E_TRANSFER_DONE, E_TRANSFER_LAPSE, E_TRANSFER_ABSCOND, E_LODGED, E_QTIMER = 7, 8, 9, 10, 11
E_APPEAL_END, E_BORDER_END, E_RBP_END, E_RETURNED, E_NOT_RETURNED, E_RELOC_DONE = 12, 13, 14, 15, 16, 17
# ... and immediate steps chained on the same day.
A_MAKE, A_REGISTERED, A_DECIDE, A_LODGE, A_DUBLIN, A_ACCEPTED, A_ENTER = 20, 21, 22, 23, 24, 25, 26
A_RETURN, A_RETURN_BORDER, A_ABSCOND = 27, 28, 29

#: Error codes returned by the kernel (0 = fine).
OK, ERR_CONSERVATION = 0, 1


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
    return KernelOutputs(*simulate_kernel(*x))


# ------------------------------------------------------------------------------------- primitives
#: Columns of the packed per-person row `P[i]` (int32; 16 columns = one 64-byte cache line): the
#: fields nearly every step reads or writes, kept together so a step touches one line, not ten.
STATE, LOC, EV_DAY, EV_KIND, BNEXT, BPREV, QNEXT, QPREV, INQ, NDRAW, RESP, TARGET, RK, PROC, MADE, REG = (
    range(16)
)
N_COLS = 16


@njit(cache=True, inline="always")
def _uniform(seed: np.uint64, person: int, k: int) -> float:
    """Counter-based uniform in [0, 1): SplitMix64 of (seed, person, draw number)."""
    z = (
        seed
        + np.uint64(person) * np.uint64(0x9E3779B97F4A7C15)
        + np.uint64(k) * np.uint64(0xC2B2AE3D27D4EB4F)
    )
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return float(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True, inline="always")
def _draw(P: np.ndarray, seed: np.uint64, i: int) -> float:
    """The person's next uniform draw."""
    k = P[i, NDRAW]
    P[i, NDRAW] = k + 1
    return _uniform(seed, i, k)


@njit(cache=True, inline="always")
def _expo_days(u: float, mean: float) -> int:
    """Whole days of an exponential duration (at least 1)."""
    d = math.ceil(-mean * math.log(1.0 - u))
    return d if d > 0 else 1


@njit(cache=True, inline="always")
def _within(u: float, frac: float, t: int, deadline: int) -> int:
    """A day in (t, t + frac·(deadline − t)], at least t + 1: an act done before its time limit."""
    d = math.ceil(u * frac * (deadline - t))
    return t + (d if d > 0 else 1)


@njit(cache=True)
def _elsewhere(dest_cdf: np.ndarray, nat: int, here: int, u: float) -> int:
    """A Member State other than `here`, from the nationality's destinations (conditional law)."""
    row = dest_cdf[nat]
    p_here = row[here] - (row[here - 1] if here > 0 else 0.0)
    target = u * (1.0 - p_here)
    acc = 0.0
    last = -1
    for c in range(row.shape[0]):
        if c == here:
            continue
        last = c
        acc += row[c] - (row[c - 1] if c > 0 else 0.0)
        if acc > target:
            return c
    return last


@njit(cache=True, inline="always")
def _unlink(P, bhead, btail, i):  # type: ignore[no-untyped-def]
    """Take the person's pending event out of its day bucket."""
    d = P[i, EV_DAY]
    if d < bhead.shape[0]:
        p = P[i, BPREV]
        nx = P[i, BNEXT]
        if p >= 0:
            P[p, BNEXT] = nx
        else:
            bhead[d] = nx
        if nx >= 0:
            P[nx, BPREV] = p
        else:
            btail[d] = p
        P[i, BNEXT] = -1
        P[i, BPREV] = -1
    P[i, EV_DAY] = NEVER
    P[i, EV_KIND] = E_NONE


@njit(cache=True, inline="always")
def _link(P, bhead, btail, i, day, kind):  # type: ignore[no-untyped-def]
    """Give the person (who has none) a pending event; past the last day it is dropped."""
    if day >= bhead.shape[0]:
        return
    P[i, EV_DAY] = day
    P[i, EV_KIND] = kind
    tl = btail[day]
    P[i, BPREV] = tl
    P[i, BNEXT] = -1
    if tl >= 0:
        P[tl, BNEXT] = i
    else:
        bhead[day] = i
    btail[day] = i


@njit(cache=True, inline="always")
def _qpush(P, qhead, qtail, q, i):  # type: ignore[no-untyped-def]
    """Put the person at the end of queue q."""
    tl = qtail[q]
    P[i, QPREV] = tl
    P[i, QNEXT] = -1
    if tl >= 0:
        P[tl, QNEXT] = i
    else:
        qhead[q] = i
    qtail[q] = i
    P[i, INQ] = q


@njit(cache=True, inline="always")
def _qremove(P, qhead, qtail, i):  # type: ignore[no-untyped-def]
    """Take the person out of its queue."""
    q = P[i, INQ]
    p = P[i, QPREV]
    nx = P[i, QNEXT]
    if p >= 0:
        P[p, QNEXT] = nx
    else:
        qhead[q] = nx
    if nx >= 0:
        P[nx, QPREV] = p
    else:
        qtail[q] = p
    P[i, QPREV] = -1
    P[i, QNEXT] = -1
    P[i, INQ] = -1


@njit(cache=True, inline="always")
def _move(P, cnt, flows, occ, ann, i, new, where):  # type: ignore[no-untyped-def]
    """Person i goes to stage `new` in Member State `where` (counts, flows, border occupancy)."""
    old = P[i, STATE]
    if old >= 0:
        here = P[i, LOC]
        cnt[here, old] -= 1
        flows[here, old, new] += 1
        if old == BORDER or old == RETURN_BORDER:  # noqa: SIM109 (numba: no tuple membership)
            occ[here] -= 1
    else:
        flows[where, ARRIVAL, new] += 1
    if new == BORDER or new == RETURN_BORDER:  # noqa: SIM109 (numba: no tuple membership)
        occ[where] += 1
    if new == BORDER and old != BORDER:
        ann[where] += 1
    cnt[where, new] += 1
    P[i, STATE] = new
    P[i, LOC] = where


# ------------------------------------------------------------------------------------- the kernel
@njit(cache=True, error_model="numpy")
def simulate_kernel(  # type: ignore[no-untyped-def]
    n_days, seed,
    arr_day, first_ms, screen_day, path, app_ms_in, make_day, nat, resp, req_kind,
    proc_reg, proc_cap, proc_max, proc_ter, proc_crisis, proc_instr, instrumentalised, reloc_ok,
    init_stage, init_deadline, init_deadline2,
    reg_cap, dec_cap, border_cap, annual_max, optional_use, reloc_quota, pledge, crisis, year_start,
    dl, p_rec, dest_cdf, bp,
):  # fmt: skip
    """Run the days (arguments: the fields of `KernelInputs`, in order; returns `KernelOutputs`)."""
    n = arr_day.shape[0]
    n_ms = reg_cap.shape[0]
    # per person: the packed hot row, then the colder fields
    P = np.empty((n, N_COLS), np.int32)
    P[:, STATE] = -1
    P[:, LOC] = first_ms
    P[:, EV_DAY] = NEVER
    P[:, EV_KIND] = E_NONE
    P[:, BNEXT] = -1
    P[:, BPREV] = -1
    P[:, QNEXT] = -1
    P[:, QPREV] = -1
    P[:, INQ] = -1
    P[:, NDRAW] = 0
    P[:, RESP] = -1
    P[:, TARGET] = -1
    P[:, RK] = 0
    P[:, PROC] = -1
    P[:, MADE] = -1
    P[:, REG] = -1
    app_ms = app_ms_in.copy()
    territory = np.zeros(n, np.bool_)
    reloc_tried = np.zeros(n, np.bool_)
    npass = np.zeros(n, np.int8)
    lodge_day = np.full(n, -1, np.int32)
    dec_day = np.full(n, -1, np.int32)
    pdl = np.full(n, NEVER, np.int32)
    pdl2 = np.full(n, NEVER, np.int32)
    bdl = np.full(n, NEVER, np.int32)
    aux = np.zeros(n, np.int32)
    bhead = np.full(n_days, -1, np.int32)
    btail = np.full(n_days, -1, np.int32)
    qhead = np.full(n_ms * N_QUEUES, -1, np.int32)
    qtail = np.full(n_ms * N_QUEUES, -1, np.int32)
    # per Member State
    cnt = np.zeros((n_ms, N_STAGES), np.int64)
    occ = np.zeros(n_ms, np.int64)  # asylum border + return border procedure (APR Art. 48(1))
    ann = np.zeros(n_ms, np.int64)  # applications entering the border procedure this year
    cap_notified = np.full(n_ms, -1, np.int64)
    max_reached = np.full(n_ms, -1, np.int64)
    rcred = np.zeros(n_ms)
    dcred = np.zeros(n_ms)
    rel_credit = np.zeros(n_ms)
    pledge_left = pledge.copy()
    auth_days = int(bp[B_MAX_AUTH_DAYS])
    # outputs
    counts = np.zeros((n_days, n_ms, N_STAGES), np.int32)
    flows = np.zeros((n_ms, N_STAGES + 1, N_STAGES), np.int64)
    metrics = np.zeros((n_ms, N_METRICS), np.int64)
    apps_daily = np.zeros((n_days, n_ms), np.int32)
    relief = np.zeros((n_days, n_ms), np.int8)
    present = 0
    error = OK

    # day 0: the backlog enters its stage; arrivals are scheduled
    for i in range(n):
        if init_stage[i] >= 0:
            ms = first_ms[i]
            present += 1
            P[i, RESP] = ms
            P[i, REG] = arr_day[i]
            lodge_day[i] = arr_day[i]
            npass[i] = 1
            P[i, PROC] = PROC_REGULAR
            if init_stage[i] == APPEAL:
                _move(P, cnt, flows, occ, ann, i, APPEAL, ms)
                day = _expo_days(_draw(P, seed, i), bp[B_APPEAL_MEAN])
                _link(P, bhead, btail, i, day, E_APPEAL_END)
            else:
                _move(P, cnt, flows, occ, ann, i, REGULAR, ms)
                pdl[i] = init_deadline[i]
                pdl2[i] = init_deadline2[i]
                _qpush(P, qhead, qtail, ms * N_QUEUES + Q_REGULAR, i)
                if bp[B_ABSCOND_HAZARD] > 0.0:
                    day = _expo_days(_draw(P, seed, i), 1.0 / bp[B_ABSCOND_HAZARD])
                    _link(P, bhead, btail, i, day, E_QTIMER)
        elif 0 <= arr_day[i] < n_days:
            _link(P, bhead, btail, i, arr_day[i], E_ARRIVE)

    for t in range(n_days):
        if year_start[t]:
            for ms in range(n_ms):
                ann[ms] = 0
                cap_notified[ms] = -1
                max_reached[ms] = -1
                rel_credit[ms] = 0.0
                pledge_left[ms] = pledge[ms]
        for ms in range(n_ms):
            rel_credit[ms] += reloc_quota[ms] / 365.0
            rcred[ms] = min(rcred[ms], 1.0) + reg_cap[ms]
            dcred[ms] = min(dcred[ms], 1.0) + dec_cap[ms]
        svc = 0  # next queue to serve: Member State major, then class
        while True:
            # ---- pick the next piece of work: a timed event of today, else a queue with capacity
            if bhead[t] >= 0:
                i = bhead[t]
                kind = P[i, EV_KIND]
                _unlink(P, bhead, btail, i)
                svc = 0
            else:
                while svc < n_ms * N_QUEUES:
                    ms = svc // N_QUEUES
                    credit = rcred[ms] if svc % N_QUEUES == Q_REG else dcred[ms]
                    if credit >= 1.0 and qhead[svc] >= 0:
                        break
                    svc += 1
                if svc >= n_ms * N_QUEUES:
                    break
                i = qhead[svc]
                _qremove(P, qhead, qtail, i)
                _unlink(P, bhead, btail, i)
                if svc % N_QUEUES == Q_REG:
                    rcred[svc // N_QUEUES] -= 1.0
                    kind = A_REGISTERED
                else:
                    dcred[svc // N_QUEUES] -= 1.0
                    kind = A_DECIDE
            # ---- the person's steps of the day, chained until one waits (event or queue)
            a_ms = 0
            a_terr = False
            a_bplace = False
            a_code = 0
            a_r = 0
            a_kind = 0
            while kind != E_NONE:
                ms = P[i, LOC]
                nxt = E_NONE
                new_stage = -1
                new_loc = ms
                ev_at = NEVER
                ev_k = E_NONE
                queue = -1
                if kind == E_ARRIVE:
                    present += 1
                    metrics[first_ms[i], M_ARRIVALS] += 1
                    if screen_day[i] >= 0:  # SR Art. 5: screened at the external border
                        new_stage = SCREENING
                        new_loc = first_ms[i]
                        ev_at, ev_k = screen_day[i], E_SCREENED
                    else:
                        a_ms, nxt = app_ms[i], A_MAKE
                elif kind == E_SCREENED:  # SR Art. 18: referred on
                    if path[i] == PATH_APPLY:
                        a_ms, nxt = ms, A_MAKE
                    elif path[i] == PATH_MOVE_ON:
                        new_stage = IN_TRANSIT
                        ev_at, ev_k = make_day[i], E_REACH
                    else:
                        metrics[ms, M_RETURN_DECISIONS] += 1
                        nxt = A_RETURN
                elif kind == E_REACH:
                    if npass[i] > 0:
                        metrics[app_ms[i], M_REAPPLICATIONS] += 1
                    a_ms, nxt = app_ms[i], A_MAKE
                elif kind == A_MAKE:  # application made: wait for registration (APR Art. 27)
                    new_stage, new_loc = REGISTRATION, a_ms
                    P[i, MADE] = t
                    queue = a_ms * N_QUEUES + Q_REG
                elif kind == A_REGISTERED:
                    metrics[ms, M_APPLICATIONS] += 1
                    apps_daily[t, ms] += 1
                    key = K_REG_CRISIS if crisis[ms, t] != CRISIS_NONE else K_REG
                    if P[i, MADE] >= 0 and t > dl[key, ms, P[i, MADE]]:
                        metrics[ms, M_REG_BREACH] += 1
                    P[i, REG] = t
                    npass[i] += 1
                    if npass[i] == 1:
                        a_r, a_kind = resp[i], req_kind[i]
                    else:  # an application after absconding: take back (AMMR Art. 36(1)(b))
                        a_r, a_kind = P[i, RESP], REQ_TAKE_BACK
                    if a_r >= 0 and a_r != ms:
                        nxt = A_DUBLIN
                    else:
                        P[i, RESP] = ms
                        a_ms, a_terr, nxt = ms, npass[i] > 1, A_LODGE
                        a_bplace = npass[i] == 1 and screen_day[i] >= 0 and path[i] == PATH_APPLY
                elif kind == A_DUBLIN:  # AMMR Art. 39 (take charge) / Art. 41 (take back)
                    new_stage = DUBLIN
                    P[i, TARGET] = a_r
                    P[i, RK] = a_kind
                    in_crisis = crisis[ms, t] != CRISIS_NONE
                    if a_kind == REQ_TAKE_BACK:
                        limit = dl[K_TB_NOTIF_CRISIS if in_crisis else K_TB_NOTIF, ms, t]
                        ev_at = _within(_draw(P, seed, i), bp[B_REQ_FRAC], t, limit)
                        ev_k = E_REQUEST
                    else:
                        if in_crisis:
                            key = K_TC_REQ_CRISIS
                        elif a_kind == REQ_TAKE_CHARGE_HIT:
                            key = K_TC_REQ_HIT
                        else:
                            key = K_TC_REQ
                        limit = dl[key, ms, t]
                        if _draw(P, seed, i) >= bp[B_REQ_IN_TIME]:
                            ev_at, ev_k = limit + 1, E_REQ_LATE
                        else:
                            ev_at = _within(_draw(P, seed, i), bp[B_REQ_FRAC], t, limit)
                            ev_k = E_REQUEST
                elif kind == E_REQUEST:  # reply within Art. 40 / 41(3); silence = acceptance
                    metrics[ms, M_REQUESTS] += 1
                    r = P[i, TARGET]
                    r_crisis = crisis[r, t] != CRISIS_NONE
                    if P[i, RK] == REQ_TAKE_BACK:
                        key = K_TB_NOTIF_CRISIS if r_crisis else K_TB_CONFIRM
                    elif r_crisis:
                        key = K_TC_REPLY_CRISIS
                    elif P[i, RK] == REQ_TAKE_CHARGE_HIT:
                        key = K_TC_REPLY_HIT
                    else:
                        key = K_TC_REPLY
                    ev_at = _within(_draw(P, seed, i), bp[B_REPLY_FRAC], t, dl[key, r, t])
                    ev_k = E_REPLY
                elif kind == E_REPLY:
                    p = bp[B_ACCEPT_TB] if P[i, RK] == REQ_TAKE_BACK else bp[B_ACCEPT_TC]
                    if _draw(P, seed, i) < p:
                        metrics[ms, M_REQ_ACCEPTED] += 1
                        nxt = A_ACCEPTED
                    else:
                        metrics[ms, M_REQ_REJECTED] += 1
                        P[i, RESP] = ms
                        a_ms, a_terr, a_bplace, nxt = ms, True, False, A_LODGE
                elif kind == E_REQ_LATE:  # Art. 39(1): responsibility lies with this Member State
                    metrics[ms, M_REQ_LATE] += 1
                    P[i, RESP] = ms
                    a_ms, a_terr, a_bplace, nxt = ms, True, False, A_LODGE
                elif kind == A_ACCEPTED:  # transfer within Art. 46(1) (CFMR Art. 12 in a crisis)
                    new_stage = TRANSFER
                    r = P[i, TARGET]
                    P[i, RESP] = r
                    crisis_either = crisis[ms, t] != CRISIS_NONE or crisis[r, t] != CRISIS_NONE
                    limit = dl[K_TRANSFER_CRISIS if crisis_either else K_TRANSFER, ms, t]
                    suspended = crisis[r, t] == CRISIS_MASS or crisis[r, t] == CRISIS_FORCE_MAJEURE
                    u = _draw(P, seed, i)
                    if not suspended and u < bp[B_TRANSFER_COMPLETE]:
                        start = dl[K_TRANSFER_DECISION, ms, t]
                        if start >= limit:
                            start = t
                        ev_at = _within(_draw(P, seed, i), bp[B_TRANSFER_FRAC], start, limit)
                        ev_k = E_TRANSFER_DONE
                    elif not suspended and u < bp[B_TRANSFER_COMPLETE] + bp[B_TRANSFER_ABSCOND]:
                        ev_at = _within(_draw(P, seed, i), 1.0, t, limit)
                        ev_k = E_TRANSFER_ABSCOND
                    else:
                        ev_at, ev_k = limit + 1, E_TRANSFER_LAPSE
                elif kind == E_TRANSFER_DONE:
                    r = P[i, TARGET]
                    metrics[ms, M_TRANSFERS_OUT] += 1
                    metrics[r, M_TRANSFERS_IN] += 1
                    P[i, RESP] = r
                    a_ms, a_terr, a_bplace, nxt = r, True, False, A_LODGE
                elif kind == E_TRANSFER_LAPSE:  # Art. 46(2): responsibility shifts here
                    metrics[ms, M_TRANSFER_LAPSES] += 1
                    P[i, RESP] = ms
                    a_ms, a_terr, a_bplace, nxt = ms, True, False, A_LODGE
                elif kind == E_TRANSFER_ABSCOND:  # Art. 46(2): extension, responsibility stays
                    metrics[ms, M_TRANSFER_ABSCOND] += 1
                    nxt = A_ABSCOND
                elif kind == A_LODGE:  # APR Art. 28(1) (21 days) or Art. 51(1) (5 days, border)
                    new_stage, new_loc = REGISTRATION, a_ms
                    territory[i] = a_terr
                    limit = dl[K_LODGE_BORDER if a_bplace else K_LODGE, a_ms, t] - t
                    d = int(-bp[B_LODGE_MEAN] * math.log(1.0 - _draw(P, seed, i)))
                    ev_at, ev_k = t + min(d, limit), E_LODGED
                elif kind == E_LODGED:  # channelling: the case engine's answer, switched by relief
                    lodge_day[i] = t
                    c = crisis[ms, t]
                    if territory[i]:
                        code = proc_ter[i]
                    elif c == CRISIS_INSTRUMENTALISATION and instrumentalised[i]:
                        code = proc_instr[i]
                    elif c == CRISIS_MASS:
                        code = proc_crisis[i]
                    else:
                        code = proc_reg[i]
                    if code == PROC_BORDER:
                        if max_reached[ms] >= 0 and t >= max_reached[ms] + auth_days:
                            code = proc_max[i]  # APR Art. 47(3), Art. 50
                        elif cap_notified[ms] >= 0 and t > cap_notified[ms] and occ[ms] >= border_cap[ms]:
                            code = proc_cap[i]  # APR Art. 48(2)-(4)
                    if code == PROC_BORDER_OPTIONAL:  # APR Art. 44: the Member State may
                        if _draw(P, seed, i) < optional_use[ms] and occ[ms] < border_cap[ms]:
                            code = PROC_BORDER
                        else:
                            code = PROC_ACCELERATED
                    contributor = -1
                    if (
                        code != PROC_BORDER
                        and reloc_quota[ms] > 0.0
                        and reloc_ok[i]
                        and not reloc_tried[i]
                        and rel_credit[ms] >= 1.0
                    ):  # AMMR Art. 67: to the contributing Member State with most pledges left
                        best_left = 0.5
                        for c2 in range(n_ms):
                            if c2 != ms and pledge_left[c2] > best_left:
                                contributor = c2
                                best_left = pledge_left[c2]
                    P[i, PROC] = code
                    if contributor >= 0:
                        reloc_tried[i] = True
                        rel_credit[ms] -= 1.0
                        pledge_left[contributor] -= 1.0
                        P[i, TARGET] = contributor
                        new_stage = RELOCATION
                        limit = dl[K_RELOCATION, ms, t]
                        ev_at = _within(_draw(P, seed, i), bp[B_RELOC_FRAC], t, limit)
                        ev_k = E_RELOC_DONE
                    else:
                        a_code, nxt = code, A_ENTER
                elif kind == A_ENTER:  # join the first-instance queue, with its time limit
                    P[i, PROC] = a_code
                    if a_code == PROC_BORDER:
                        new_stage = BORDER
                        metrics[ms, M_BORDER_ENTRIES] += 1
                        key = K_BORDER_CRISIS if crisis[ms, t] != CRISIS_NONE else K_BORDER
                        start = P[i, REG] if P[i, REG] >= 0 else t
                        bdl[i] = max(dl[key, ms, start], t)
                        queue = ms * N_QUEUES + Q_BORDER
                        ev_at, ev_k = bdl[i] + 1, E_QTIMER
                    else:
                        if a_code == PROC_ACCELERATED:
                            new_stage = ACCELERATED
                            pdl[i] = dl[K_ACCEL, ms, t]
                            pdl2[i] = pdl[i]
                            queue = ms * N_QUEUES + Q_ACCEL
                        else:
                            new_stage = REGULAR
                            pdl[i] = dl[K_REGULAR, ms, t]
                            pdl2[i] = dl[K_REGULAR_EXT, ms, t]
                            queue = ms * N_QUEUES + Q_REGULAR
                        if bp[B_ABSCOND_HAZARD] > 0.0:
                            ev_at = t + _expo_days(_draw(P, seed, i), 1.0 / bp[B_ABSCOND_HAZARD])
                            ev_k = E_QTIMER
                elif kind == E_QTIMER:  # still waiting: border time limit over, or absconding
                    _qremove(P, qhead, qtail, i)
                    if P[i, STATE] == BORDER:  # APR Art. 51(2): entry authorised, examination goes on
                        metrics[ms, M_BORDER_BREACH] += 1
                        new_stage = ACCELERATED
                        pdl[i] = dl[K_ACCEL, ms, lodge_day[i]] if lodge_day[i] >= 0 else t
                        pdl2[i] = pdl[i]
                        queue = ms * N_QUEUES + Q_ACCEL
                        if bp[B_ABSCOND_HAZARD] > 0.0:
                            ev_at = t + _expo_days(_draw(P, seed, i), 1.0 / bp[B_ABSCOND_HAZARD])
                            ev_k = E_QTIMER
                    else:
                        metrics[ms, M_ABSCONDINGS] += 1
                        nxt = A_ABSCOND
                elif kind == A_ABSCOND:  # may apply again elsewhere (a take-back case)
                    new_stage = ABSCONDED
                    if npass[i] <= int(bp[B_MAX_REAPPLY]) and _draw(P, seed, i) < bp[B_REAPPLY]:
                        ev_at = t + _expo_days(_draw(P, seed, i), bp[B_REAPPLY_MEAN])
                        app_ms[i] = _elsewhere(dest_cdf, nat[i], ms, _draw(P, seed, i))
                        ev_k = E_REACH
                elif kind == A_DECIDE:  # first-instance decision
                    dec_day[i] = t
                    metrics[ms, M_DECISIONS] += 1
                    s = P[i, STATE]
                    if s == ACCELERATED and t > pdl[i]:
                        metrics[ms, M_ACCEL_BREACH] += 1
                    if s == REGULAR and t > pdl[i]:
                        metrics[ms, M_REGULAR_EXTENDED] += 1
                    if s == REGULAR and t > pdl2[i]:
                        metrics[ms, M_REGULAR_BREACH] += 1
                    if _draw(P, seed, i) < p_rec[ms, nat[i]]:
                        metrics[ms, M_POSITIVE] += 1
                        new_stage = PROTECTED
                    else:
                        metrics[ms, M_NEGATIVE] += 1
                        metrics[ms, M_RETURN_DECISIONS] += 1
                        if s == BORDER:  # the appeal is part of the 12 weeks (APR Art. 51(2))
                            if _draw(P, seed, i) < bp[B_APPEAL_BORDER]:
                                end = t + _expo_days(_draw(P, seed, i), bp[B_BORDER_APPEAL_MEAN])
                                if end > bdl[i]:
                                    aux[i] = end
                                    ev_at, ev_k = bdl[i] + 1, E_BORDER_END
                                else:
                                    ev_at, ev_k = end, E_APPEAL_END
                            else:
                                nxt = A_RETURN_BORDER
                        else:
                            p = bp[B_APPEAL_ACCEL] if s == ACCELERATED else bp[B_APPEAL_REGULAR]
                            if _draw(P, seed, i) < p:
                                new_stage = APPEAL
                                ev_at = t + _expo_days(_draw(P, seed, i), bp[B_APPEAL_MEAN])
                                ev_k = E_APPEAL_END
                            else:
                                nxt = A_RETURN
                elif kind == E_BORDER_END:  # 12 weeks over during the appeal: entry authorised
                    metrics[ms, M_BORDER_BREACH] += 1
                    new_stage = APPEAL
                    ev_at, ev_k = aux[i], E_APPEAL_END
                elif kind == E_APPEAL_END:
                    if _draw(P, seed, i) < bp[B_APPEAL_SUCCESS]:
                        metrics[ms, M_APPEALS_GRANTED] += 1
                        new_stage = PROTECTED
                    elif P[i, STATE] == BORDER:
                        nxt = A_RETURN_BORDER
                    else:
                        nxt = A_RETURN
                elif kind == A_RETURN_BORDER:  # RBPR Art. 4(2) (Art. 6 in a crisis)
                    new_stage = RETURN_BORDER
                    metrics[ms, M_RBP_ENTRIES] += 1
                    limit = dl[K_RBP_CRISIS if crisis[ms, t] != CRISIS_NONE else K_RBP, ms, t]
                    if _draw(P, seed, i) < bp[B_RETURN_BORDER]:
                        ev_at, ev_k = _within(_draw(P, seed, i), 1.0, t, limit), E_RETURNED
                    else:
                        ev_at, ev_k = limit + 1, E_RBP_END
                elif kind == E_RBP_END:
                    nxt = A_RETURN
                elif kind == A_RETURN:  # effective return (behavioural rate) or irregular stay
                    new_stage = RETURN_PENDING
                    if _draw(P, seed, i) < bp[B_RETURN_EFFECTIVE]:
                        ev_at = t + _expo_days(_draw(P, seed, i), bp[B_RETURN_MEAN])
                        ev_k = E_RETURNED
                    else:
                        ev_at, ev_k = t + int(bp[B_RETURN_WINDOW]), E_NOT_RETURNED
                elif kind == E_RETURNED:
                    metrics[ms, M_RETURNS] += 1
                    new_stage = RETURNED
                elif kind == E_NOT_RETURNED:
                    new_stage = IRREGULAR_STAY
                elif kind == E_RELOC_DONE:  # AMMR Art. 67(11): relocated, or the relocation failed
                    c = P[i, TARGET]
                    if _draw(P, seed, i) < bp[B_RELOC_COMPLETE]:
                        metrics[ms, M_RELOC_OUT] += 1
                        metrics[c, M_RELOC_IN] += 1
                        P[i, RESP] = c
                        a_ms = c
                    else:
                        pledge_left[c] += 1.0
                        a_ms = ms
                    a_terr, a_bplace, nxt = True, False, A_LODGE
                # ---- apply the step: move, queue, next event
                if new_stage >= 0:
                    _move(P, cnt, flows, occ, ann, i, new_stage, new_loc)
                if queue >= 0:
                    _qpush(P, qhead, qtail, queue, i)
                if ev_k != E_NONE:
                    _link(P, bhead, btail, i, max(ev_at, t), ev_k)
                kind = nxt
        # ---- end of day: notifications (APR Art. 48(1), Art. 47(3)), relief flags, snapshot
        total = 0
        for ms in range(n_ms):
            if bp[B_NOTIFY_CAPACITY] > 0.0 and cap_notified[ms] < 0 and 0 < border_cap[ms] <= occ[ms]:
                cap_notified[ms] = t
            if max_reached[ms] < 0 and 0 < annual_max[ms, t] <= ann[ms]:
                max_reached[ms] = t
            if cap_notified[ms] >= 0 and t > cap_notified[ms] and occ[ms] >= border_cap[ms]:
                relief[t, ms] |= 1
                metrics[ms, M_CAP_RELIEF_DAYS] += 1
            if max_reached[ms] >= 0 and t >= max_reached[ms] + auth_days:
                relief[t, ms] |= 2
                metrics[ms, M_MAX_RELIEF_DAYS] += 1
            for s in range(N_STAGES):
                counts[t, ms, s] = cnt[ms, s]
                total += cnt[ms, s]
        if total != present:  # the conservation law: every arrival in exactly one stage
            error = ERR_CONSERVATION
            break
    state = P[:, STATE].astype(np.int8)
    loc = P[:, LOC].astype(np.int8)
    responsible = P[:, RESP].astype(np.int8)
    procedure = P[:, PROC].astype(np.int8)
    return (
        error,
        counts,
        flows,
        metrics,
        apps_daily,
        relief,
        state,
        loc,
        responsible,
        procedure,
        P[:, REG].copy(),
        dec_day,
    )
