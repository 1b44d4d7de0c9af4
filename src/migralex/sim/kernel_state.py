"""The kernel's one state structure and the primitives every stage uses (numba).

`State` is a named tuple of arrays (numba passes it by reference to its arrays, and LLVM inlines
the small stage functions, so a named tuple costs nothing over loose arrays). Per person, the
fields nearly every step reads or writes sit in one packed int32 row `P[i]` (16 columns = one
64-byte cache line); colder per-person fields, the event buckets, the queues and the per-Member
State counters are separate arrays. The state persists between calls, so the days can be run in
segments (a week at a time) with results identical to one pass.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from migralex.sim.numba_cache import ensure_cache_dir
from migralex.sim.stages import ARRIVAL, BORDER, N_METRICS, N_STAGES, RETURN_BORDER

ensure_cache_dir(__file__)

NEVER = 2**31 - 1
#: Queue classes per Member State: registration, then first-instance decisions by priority.
Q_REG, Q_BORDER, Q_ACCEL, Q_REGULAR = 0, 1, 2, 3
N_QUEUES = 4
#: Columns of the packed per-person row `P[i]` (int32).
STATE, LOC, EV_DAY, EV_KIND, BNEXT, BPREV, QNEXT, QPREV, INQ, NDRAW, RESP, TARGET, RK, PROC, MADE, REG = (
    range(16)
)
N_COLS = 16
#: Slots of `carry`: what one step hands to the next step of the same person on the same day.
C_MS, C_TERR, C_BPLACE, C_CODE, C_R, C_KIND = range(6)
#: Slots of `tally`: persons present (arrived or pending on day 0).
T_PRESENT = 0


class State(NamedTuple):
    """Everything that changes during a run (persons: length n; Member States: length n_ms)."""

    P: np.ndarray  # int32 [person, column]: the packed hot row
    app_ms: np.ndarray  # int8 [person]: Member State of the next application
    territory: np.ndarray  # bool [person]: lodged on the territory (after transfer, relocation...)
    reloc_tried: np.ndarray  # bool [person]: placed by a week's matching (AMMR Art. 67)
    cand: np.ndarray  # bool [person]: may be put forward for relocation (lodged, eligible)
    npass: np.ndarray  # int8 [person]: applications registered so far
    lodge_day: np.ndarray  # int32 [person]
    dec_day: np.ndarray  # int32 [person]: first-instance decision day (-1: none)
    pdl: np.ndarray  # int32 [person]: examination time limit
    pdl2: np.ndarray  # int32 [person]: extended examination time limit
    bdl: np.ndarray  # int32 [person]: border procedure time limit
    aux: np.ndarray  # int32 [person]: end of an appeal that outlasts the border procedure
    bhead: np.ndarray  # int32 [day]: first pending event of the day
    btail: np.ndarray  # int32 [day]
    qhead: np.ndarray  # int32 [ms · N_QUEUES + class]
    qtail: np.ndarray  # int32
    cnt: np.ndarray  # int64 [ms, stage]: persons in each stage now
    occ: np.ndarray  # int64 [ms]: asylum border + return border procedure (APR Art. 48(1))
    ann: np.ndarray  # int64 [ms]: applications entering the border procedure this year
    cap_notified: np.ndarray  # int64 [ms]: day adequate capacity was notified (-1: not)
    max_reached: np.ndarray  # int64 [ms]: day the annual maximum was reached (-1: not)
    rcred: np.ndarray  # float64 [ms]: registration credit of the day
    dcred: np.ndarray  # float64 [ms]: decision credit of the day
    pledge_left: np.ndarray  # float64 [ms]: pledged places left this year
    carry: np.ndarray  # int64 [C_*]
    tally: np.ndarray  # int64 [T_*]
    # outputs
    counts: np.ndarray  # int32 [day, ms, stage]
    flows: np.ndarray  # int64 [ms, from stage (or ARRIVAL), to stage]
    metrics: np.ndarray  # int64 [ms, metric]
    apps_daily: np.ndarray  # int32 [day, ms]
    relief: np.ndarray  # int8 [day, ms]


def new_state(
    n: int, n_ms: int, n_days: int, first_ms: np.ndarray, app_ms: np.ndarray, pledge: np.ndarray
) -> State:
    """The state before day 0: nobody has arrived, every queue and bucket is empty."""
    P = np.empty((n, N_COLS), np.int32)
    P[:] = (-1, 0, NEVER, 0, -1, -1, -1, -1, -1, 0, -1, -1, 0, -1, -1, -1)
    P[:, LOC] = first_ms
    return State(
        P=P,
        app_ms=app_ms.copy(),
        territory=np.zeros(n, np.bool_),
        reloc_tried=np.zeros(n, np.bool_),
        cand=np.zeros(n, np.bool_),
        npass=np.zeros(n, np.int8),
        lodge_day=np.full(n, -1, np.int32),
        dec_day=np.full(n, -1, np.int32),
        pdl=np.full(n, NEVER, np.int32),
        pdl2=np.full(n, NEVER, np.int32),
        bdl=np.full(n, NEVER, np.int32),
        aux=np.zeros(n, np.int32),
        bhead=np.full(n_days, -1, np.int32),
        btail=np.full(n_days, -1, np.int32),
        qhead=np.full(n_ms * N_QUEUES, -1, np.int32),
        qtail=np.full(n_ms * N_QUEUES, -1, np.int32),
        cnt=np.zeros((n_ms, N_STAGES), np.int64),
        occ=np.zeros(n_ms, np.int64),
        ann=np.zeros(n_ms, np.int64),
        cap_notified=np.full(n_ms, -1, np.int64),
        max_reached=np.full(n_ms, -1, np.int64),
        rcred=np.zeros(n_ms),
        dcred=np.zeros(n_ms),
        pledge_left=np.asarray(pledge, np.float64).copy(),
        carry=np.zeros(6, np.int64),
        tally=np.zeros(1, np.int64),
        counts=np.zeros((n_days, n_ms, N_STAGES), np.int32),
        flows=np.zeros((n_ms, N_STAGES + 1, N_STAGES), np.int64),
        metrics=np.zeros((n_ms, N_METRICS), np.int64),
        apps_daily=np.zeros((n_days, n_ms), np.int32),
        relief=np.zeros((n_days, n_ms), np.int8),
    )


# ------------------------------------------------------------------------------- random numbers
@njit(cache=True, inline="always")
def uniform(seed: np.uint64, person: int, k: int) -> float:
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
def draw(P: np.ndarray, seed: np.uint64, i: int) -> float:
    """The person's next uniform draw."""
    k = P[i, NDRAW]
    P[i, NDRAW] = k + 1
    return uniform(seed, i, k)


@njit(cache=True, inline="always")
def expo_days(u: float, mean: float) -> int:
    """Whole days of an exponential duration (at least 1)."""
    d = math.ceil(-mean * math.log(1.0 - u))
    return d if d > 0 else 1


@njit(cache=True, inline="always")
def within(u: float, frac: float, t: int, deadline: int) -> int:
    """A day in (t, t + frac·(deadline − t)], at least t + 1: an act done before its time limit."""
    d = math.ceil(u * frac * (deadline - t))
    return t + (d if d > 0 else 1)


@njit(cache=True)
def elsewhere(dest_cdf: np.ndarray, nat: int, here: int, u: float) -> int:
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


# ------------------------------------------------------------------- event buckets and queues
@njit(cache=True, inline="always")
def unlink(s, i):  # type: ignore[no-untyped-def]
    """Take the person's pending event out of its day bucket."""
    P, bhead, btail = s.P, s.bhead, s.btail
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
    P[i, EV_KIND] = 0


@njit(cache=True, inline="always")
def link(s, i, day, kind):  # type: ignore[no-untyped-def]
    """Give the person (who has none) a pending event; past the last day it is dropped."""
    P, bhead, btail = s.P, s.bhead, s.btail
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
def qpush(s, q, i):  # type: ignore[no-untyped-def]
    """Put the person at the end of queue q."""
    P, qhead, qtail = s.P, s.qhead, s.qtail
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
def qremove(s, i):  # type: ignore[no-untyped-def]
    """Take the person out of its queue."""
    P, qhead, qtail = s.P, s.qhead, s.qtail
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
def move(s, i, new, where):  # type: ignore[no-untyped-def]
    """Person i goes to stage `new` in Member State `where` (counts, flows, border occupancy)."""
    P, cnt, occ = s.P, s.cnt, s.occ
    old = P[i, STATE]
    if old >= 0:
        here = P[i, LOC]
        cnt[here, old] -= 1
        s.flows[here, old, new] += 1
        if old == BORDER or old == RETURN_BORDER:  # noqa: SIM109 (numba: no tuple membership)
            occ[here] -= 1
    else:
        s.flows[where, ARRIVAL, new] += 1
    if new == BORDER or new == RETURN_BORDER:  # noqa: SIM109 (numba: no tuple membership)
        occ[where] += 1
    if new == BORDER and old != BORDER:
        s.ann[where] += 1
    cnt[where, new] += 1
    P[i, STATE] = new
    P[i, LOC] = where
