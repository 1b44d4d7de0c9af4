"""The reference model: the same pipeline as the kernel, written as SimPy processes (the oracle).

Readable rather than fast: one generator per person walks through the stages; an office per
Member State serves the registration queue and the decision queue (border cases first, then
accelerated, then regular) once a day, up to the day's capacity. Time is in days: persons act at
whole days, offices serve at half past (after the day's events), a monitor takes the snapshot at
the end of the day. It reads the same `KernelInputs` as the kernel but draws its own random
numbers (numpy's generator), so agreement between the two is statistical, not bit-for-bit (see
tests/sim/test_oracle.py for the tolerance).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import simpy

from migralex.sim.kernel import KernelInputs
from migralex.sim.relocation import Matcher, WeekBatch, WeeklyPlan, pro_rata
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
    B_RELOC_EXCEPTIONAL,
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
    BORDER,
    CRISIS_FORCE_MAJEURE,
    CRISIS_INSTRUMENTALISATION,
    CRISIS_MASS,
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
    K_RELOC_CONFIRM,
    K_RELOC_CONFIRM_EXC,
    K_RELOC_DECISION,
    K_RELOC_TRANSFER,
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
    PATH_APPLY,
    PATH_MOVE_ON,
    PROC_ACCELERATED,
    PROC_BORDER,
    PROC_BORDER_OPTIONAL,
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
    STAGES,
    TRANSFER,
    allowed_transitions,
)  # fmt: skip

#: The stage graph of `stages.TRANSITIONS`: every move of the oracle must be one of its edges.
ALLOWED = allowed_transitions()

SERVE_AT = 0.5  # offices serve after the day's events
SNAPSHOT_AT = 0.9  # the monitor counts at the end of the day


@dataclass
class Person:
    """One applicant's state in the oracle."""

    i: int
    stage: int = -1
    ms: int = -1
    resp: int = -1
    applications: int = 0
    made: int = -1
    reg_day: int = -1
    lodge_day: int = -1
    deadline: int = 0
    deadline2: int = 0
    border_deadline: int = 0
    territory: bool = False
    relocation_tried: bool = False
    apply_in: int = -1
    served: simpy.Event | None = None
    queued: bool = False
    candidate: bool = False
    placed: simpy.Event | None = None
    target: int = -1


@dataclass
class Oracle:
    """The SimPy model of one run over `x` (call `run()`)."""

    x: KernelInputs
    seed: int
    start: dt.date = dt.date(2027, 1, 1)
    match: Matcher = pro_rata
    rng: np.random.Generator = field(init=False)
    env: simpy.Environment = field(init=False)

    def __post_init__(self) -> None:
        x = self.x
        n_ms = len(x.reg_cap)
        self.rng = np.random.default_rng(self.seed)
        self.env = simpy.Environment()
        self.cnt = np.zeros((n_ms, N_STAGES), np.int64)
        self.counts = np.zeros((x.n_days, n_ms, N_STAGES), np.int64)
        self.flows = np.zeros((n_ms, N_STAGES + 1, N_STAGES), np.int64)
        self.metrics = np.zeros((n_ms, N_METRICS), np.int64)
        self.occ = np.zeros(n_ms, np.int64)
        self.ann = np.zeros(n_ms, np.int64)
        self.cap_notified = np.full(n_ms, -1)
        self.max_reached = np.full(n_ms, -1)
        self.candidates: list[Person] = []
        self.pledge_left = x.pledge.astype(float).copy()
        self.registration: list[deque[Person]] = [deque() for _ in range(n_ms)]
        self.decisions: list[list[deque[Person]]] = [[deque(), deque(), deque()] for _ in range(n_ms)]
        self.present = 0

    # ---------------------------------------------------------------- helpers
    def u(self) -> float:
        return float(self.rng.random())

    def expo(self, mean: float) -> int:
        return max(1, math.ceil(-mean * math.log(1.0 - self.u())))

    def within(self, frac: float, t: int, deadline: int) -> int:
        return t + max(1, math.ceil(self.u() * frac * (deadline - t)))

    def today(self) -> int:
        return int(self.env.now)

    def wait_until(self, day: int) -> simpy.Timeout:
        return self.env.timeout(max(0.0, day - self.env.now))

    def crisis(self, ms: int, t: int) -> int:
        return int(self.x.crisis[ms, t])

    def move(self, p: Person, stage: int, ms: int) -> None:
        came_from = p.stage if p.stage >= 0 else ARRIVAL
        if not ALLOWED[came_from, stage]:
            origin = STAGES[p.stage] if p.stage >= 0 else "arrival"
            raise AssertionError(f"oracle: {origin} -> {STAGES[stage]} is not in stages.TRANSITIONS")
        if p.stage >= 0:
            self.cnt[p.ms, p.stage] -= 1
            self.flows[p.ms, p.stage, stage] += 1
            if p.stage in (BORDER, RETURN_BORDER):
                self.occ[p.ms] -= 1
        else:
            self.flows[ms, ARRIVAL, stage] += 1
        if stage in (BORDER, RETURN_BORDER):
            self.occ[ms] += 1
        if stage == BORDER and p.stage != BORDER:
            self.ann[ms] += 1
        self.cnt[ms, stage] += 1
        p.stage, p.ms = stage, ms

    def capacity_relief(self, ms: int, t: int) -> bool:
        notified = self.cap_notified[ms]
        return bool(notified >= 0 and t > notified and self.occ[ms] >= self.x.border_cap[ms])

    def maximum_relief(self, ms: int, t: int) -> bool:
        reached = self.max_reached[ms]
        return bool(reached >= 0 and t >= reached + int(self.x.bp[B_MAX_AUTH_DAYS]))

    # ---------------------------------------------------------------- queues
    def queue(self, p: Person, q: deque[Person]) -> simpy.Event:
        p.served = self.env.event()
        p.queued = True
        q.append(p)
        return p.served

    def office(self, ms: int):  # type: ignore[no-untyped-def]
        """Each day: registrations, then decisions (border, accelerated, regular), up to capacity."""
        x = self.x
        rcred = dcred = 0.0
        yield self.env.timeout(SERVE_AT)
        while True:
            rcred = min(rcred, 1.0) + x.reg_cap[ms]
            dcred = min(dcred, 1.0) + x.dec_cap[ms]
            busy = True
            while busy:
                busy = False
                while rcred >= 1.0 and self.registration[ms]:
                    p = self.registration[ms].popleft()
                    if not p.queued:
                        continue
                    rcred -= 1.0
                    p.queued = False
                    assert p.served is not None
                    p.served.succeed()
                    busy = True
                for q in self.decisions[ms]:
                    while dcred >= 1.0 and q:
                        p = q.popleft()
                        if not p.queued:
                            continue
                        dcred -= 1.0
                        p.queued = False
                        assert p.served is not None
                        p.served.succeed()
                        busy = True
                if busy:  # let the served persons act (and maybe queue again) before going on
                    yield self.env.timeout(0)
            yield self.env.timeout(1)

    # ---------------------------------------------------------------- the person
    def person(self, i: int):  # type: ignore[no-untyped-def]
        x, p = self.x, Person(i)
        if x.init_stage[i] >= 0:
            ms = int(x.first_ms[i])
            self.present += 1
            p.resp, p.reg_day, p.lodge_day, p.applications = ms, int(x.arr_day[i]), int(x.arr_day[i]), 1
            if x.init_stage[i] == APPEAL:
                self.move(p, APPEAL, ms)
                yield self.wait_until(self.today() + self.expo(x.bp[B_APPEAL_MEAN]))
                yield from self.appeal_end(p)
                return
            self.move(p, REGULAR, ms)
            p.deadline, p.deadline2 = int(x.init_deadline[i]), int(x.init_deadline2[i])
            yield from self.first_instance(p, 2)
            return
        yield self.env.timeout(int(x.arr_day[i]))
        self.present += 1
        self.metrics[x.first_ms[i], M_ARRIVALS] += 1
        apply_in = int(x.app_ms[i])
        if x.screen_day[i] >= 0:  # screened at the border (SR Art. 8), then referred on
            self.move(p, SCREENING, int(x.first_ms[i]))
            yield self.wait_until(int(x.screen_day[i]))
            if x.path[i] == PATH_MOVE_ON:
                self.move(p, IN_TRANSIT, p.ms)
                yield self.wait_until(int(x.make_day[i]))
            elif x.path[i] != PATH_APPLY:
                self.metrics[p.ms, M_RETURN_DECISIONS] += 1
                yield from self.ordinary_return(p)
                return
            else:
                apply_in = p.ms
        yield from self.apply(p, apply_in)

    def apply(self, p: Person, ms: int):  # type: ignore[no-untyped-def]
        """Make the application, wait for registration, then Dublin or lodging."""
        x, i = self.x, p.i
        self.move(p, REGISTRATION, ms)
        p.made = self.today()
        yield self.queue(p, self.registration[ms])
        t = self.today()
        self.metrics[ms, M_APPLICATIONS] += 1
        key = K_REG_CRISIS if self.crisis(ms, t) else K_REG
        if t > x.dl[key, ms, p.made]:
            self.metrics[ms, M_REG_BREACH] += 1
        p.reg_day = t
        p.applications += 1
        if p.applications == 1:
            r, kind = int(x.resp[i]), int(x.req_kind[i])
        else:
            r, kind = p.resp, REQ_TAKE_BACK
        if r >= 0 and r != ms:
            yield from self.dublin(p, r, kind)
        else:
            p.resp = ms
            border_place = p.applications == 1 and x.screen_day[i] >= 0 and x.path[i] == PATH_APPLY
            yield from self.lodge(p, ms, p.applications > 1, border_place)

    def dublin(self, p: Person, r: int, kind: int):  # type: ignore[no-untyped-def]
        """AMMR Arts 39-46: request, reply, transfer (or absconding, or lapse)."""
        ms = p.ms
        self.move(p, DUBLIN, ms)
        in_time = yield from self.dublin_request(p, kind)
        accepted = in_time and (yield from self.dublin_reply(p, r, kind))
        if accepted:
            yield from self.dublin_transfer(p, r)
        else:
            p.resp = ms
            yield from self.lodge(p, ms, True, False)

    def dublin_request(self, p: Person, kind: int):  # type: ignore[no-untyped-def]
        """AMMR Arts 39, 41: the take-charge request or take-back notification; False when too late."""
        x, bp, ms, t = self.x, self.x.bp, p.ms, self.today()
        crisis_here = bool(self.crisis(ms, t))
        if kind == REQ_TAKE_BACK:
            limit = x.dl[K_TB_NOTIF_CRISIS if crisis_here else K_TB_NOTIF, ms, t]
            yield self.wait_until(self.within(bp[B_REQ_FRAC], t, int(limit)))
            return True
        key = K_TC_REQ_CRISIS if crisis_here else (K_TC_REQ_HIT if kind == REQ_TAKE_CHARGE_HIT else K_TC_REQ)
        limit = int(x.dl[key, ms, t])
        if self.u() >= bp[B_REQ_IN_TIME]:
            yield self.wait_until(limit + 1)
            self.metrics[ms, M_REQ_LATE] += 1
            return False
        yield self.wait_until(self.within(bp[B_REQ_FRAC], t, limit))
        return True

    def dublin_reply(self, p: Person, r: int, kind: int):  # type: ignore[no-untyped-def]
        """AMMR Arts 40, 41: the requested Member State `r` replies in time; True when it accepts."""
        x, bp, ms, t = self.x, self.x.bp, p.ms, self.today()
        self.metrics[ms, M_REQUESTS] += 1
        r_crisis = bool(self.crisis(r, t))
        if kind == REQ_TAKE_BACK:
            key = K_TB_NOTIF_CRISIS if r_crisis else K_TB_CONFIRM
        else:
            key = (
                K_TC_REPLY_CRISIS
                if r_crisis
                else (K_TC_REPLY_HIT if kind == REQ_TAKE_CHARGE_HIT else K_TC_REPLY)
            )
        yield self.wait_until(self.within(bp[B_REPLY_FRAC], t, int(x.dl[key, r, t])))
        accept = bp[B_ACCEPT_TB] if kind == REQ_TAKE_BACK else bp[B_ACCEPT_TC]
        if self.u() >= accept:
            self.metrics[ms, M_REQ_REJECTED] += 1
            return False
        self.metrics[ms, M_REQ_ACCEPTED] += 1
        return True

    def dublin_transfer(self, p: Person, r: int):  # type: ignore[no-untyped-def]
        """AMMR Art. 46 (CFMR Art. 12 in a crisis): transfer to `r`, absconding, or lapse (back here)."""
        x, bp, ms, t = self.x, self.x.bp, p.ms, self.today()
        self.move(p, TRANSFER, ms)
        p.resp = r
        crisis_either = bool(self.crisis(ms, t) or self.crisis(r, t))
        limit = int(x.dl[K_TRANSFER_CRISIS if crisis_either else K_TRANSFER, ms, t])
        suspended = self.crisis(r, t) in (CRISIS_MASS, CRISIS_FORCE_MAJEURE)
        u = self.u()
        if not suspended and u < bp[B_TRANSFER_COMPLETE]:
            start = int(x.dl[K_TRANSFER_DECISION, ms, t])
            start = t if start >= limit else start
            yield self.wait_until(self.within(bp[B_TRANSFER_FRAC], start, limit))
            self.metrics[ms, M_TRANSFERS_OUT] += 1
            self.metrics[r, M_TRANSFERS_IN] += 1
            yield from self.lodge(p, r, True, False)
        elif not suspended and u < bp[B_TRANSFER_COMPLETE] + bp[B_TRANSFER_ABSCOND]:
            yield self.wait_until(self.within(1.0, t, limit))
            self.metrics[ms, M_TRANSFER_ABSCOND] += 1
            yield from self.abscond(p)
        else:
            yield self.wait_until(limit + 1)
            self.metrics[ms, M_TRANSFER_LAPSES] += 1
            p.resp = ms
            yield from self.lodge(p, ms, True, False)

    def lodge(self, p: Person, ms: int, territory: bool, border_place: bool):  # type: ignore[no-untyped-def]
        """APR Art. 28 / 51(1): lodging, then channelling."""
        x, t = self.x, self.today()
        self.move(p, REGISTRATION, ms)
        p.territory = territory
        limit = int(x.dl[K_LODGE_BORDER if border_place else K_LODGE, ms, t]) - t
        d = int(-x.bp[B_LODGE_MEAN] * math.log(1.0 - self.u()))
        yield self.wait_until(t + min(d, limit))
        yield from self.channel(p)

    def channel(self, p: Person):  # type: ignore[no-untyped-def]
        """The case engine's procedure, switched by the day's border relief; relocation."""
        x, i, ms, t = self.x, p.i, p.ms, self.today()
        p.lodge_day = t
        code = self.procedure(p, t)
        if code != PROC_BORDER and x.reloc_quota[ms] > 0 and x.reloc_ok[i] and not p.relocation_tried:
            p.candidate = True  # AMMR Art. 67(8): may be put forward in the week's batch
            self.candidates.append(p)
        yield from self.enter_procedure(p, code, t)

    def procedure(self, p: Person, t: int) -> int:
        """The procedure code of a lodged application (APR Arts 42-50; CFMR Art. 11) for the day."""
        x, i, ms = self.x, p.i, p.ms
        c = self.crisis(ms, t)
        if p.territory:
            code = int(x.proc_ter[i])
        elif c == CRISIS_INSTRUMENTALISATION and x.instrumentalised[i]:
            code = int(x.proc_instr[i])
        elif c == CRISIS_MASS:
            code = int(x.proc_crisis[i])
        else:
            code = int(x.proc_reg[i])
        if code == PROC_BORDER:
            if self.maximum_relief(ms, t):
                code = int(x.proc_max[i])
            elif self.capacity_relief(ms, t):
                code = int(x.proc_cap[i])
        if code == PROC_BORDER_OPTIONAL:
            use = self.u() < x.optional_use[ms] and self.occ[ms] < x.border_cap[ms]
            code = PROC_BORDER if use else PROC_ACCELERATED
        return code

    def enter_procedure(self, p: Person, code: int, t: int):  # type: ignore[no-untyped-def]
        """The procedure's stage and time limits (APR Arts 35, 51), then the decision queue."""
        x, ms = self.x, p.ms
        if code == PROC_BORDER:
            self.move(p, BORDER, ms)
            self.metrics[ms, M_BORDER_ENTRIES] += 1
            key = K_BORDER_CRISIS if self.crisis(ms, t) else K_BORDER
            p.border_deadline = max(int(x.dl[key, ms, p.reg_day if p.reg_day >= 0 else t]), t)
            yield from self.first_instance(p, 0)
        elif code == PROC_ACCELERATED:
            self.move(p, ACCELERATED, ms)
            p.deadline = p.deadline2 = int(x.dl[K_ACCEL, ms, t])
            yield from self.first_instance(p, 1)
        else:
            self.move(p, REGULAR, ms)
            p.deadline, p.deadline2 = int(x.dl[K_REGULAR, ms, t]), int(x.dl[K_REGULAR_EXT, ms, t])
            yield from self.first_instance(p, 2)

    def relocate(self, p: Person, to: int):  # type: ignore[no-untyped-def]
        """AMMR Art. 67(9)-(11): confirmation (one week, two in exceptional cases), transfer
        decision within a week of it, transfer within 4 weeks of the confirmation."""
        x, bp, ms = self.x, self.x.bp, p.ms
        t = math.ceil(self.env.now)  # placed between two weeks: starts on the next day
        self.move(p, RELOCATION, ms)
        key = K_RELOC_CONFIRM_EXC if self.u() < bp[B_RELOC_EXCEPTIONAL] else K_RELOC_CONFIRM
        yield self.wait_until(self.within(bp[B_RELOC_FRAC], t, int(x.dl[key, to, t])))
        t = self.today()
        transfer_by = int(x.dl[K_RELOC_TRANSFER, ms, t])
        yield self.wait_until(self.within(bp[B_RELOC_FRAC], t, int(x.dl[K_RELOC_DECISION, ms, t])))
        t = self.today()
        yield self.wait_until(self.within(bp[B_RELOC_FRAC], t, max(transfer_by, t + 1)))
        if self.u() < bp[B_RELOC_COMPLETE]:
            self.metrics[ms, M_RELOC_OUT] += 1
            self.metrics[to, M_RELOC_IN] += 1
            p.resp = to
            yield from self.lodge(p, to, True, False)
        else:
            self.pledge_left[to] += 1.0
            yield from self.lodge(p, ms, True, False)

    def relocation_weeks(self):  # type: ignore[no-untyped-def]
        """After each week's snapshot: the week's candidates meet the places (the scenario's
        matcher, `sim.relocation`), the placed leave the decision queue."""
        x = self.x
        plan = WeeklyPlan(self.start, x.n_days, x.pledge.astype(float), x.reloc_quota.astype(float))
        for first, last in plan.segments():
            if first > 0 and x.year_start[first]:
                plan.new_year()
            yield self.env.timeout(max(0.0, last - 1 + (SNAPSHOT_AT + 1) / 2 - self.env.now))
            if last >= x.n_days:
                return
            waiting = [p for p in self.candidates if p.queued and p.stage in (ACCELERATED, REGULAR)]
            self.candidates = waiting
            if not waiting:
                continue
            where = np.array([p.ms for p in waiting], np.int8)
            order = np.argsort(np.array([p.lodge_day for p in waiting]), kind="stable")
            chosen = plan.candidates(where, order, plan.caps(last - 1))
            places = plan.places(last - 1, self.pledge_left)
            if not len(chosen) or places.sum() <= 0:
                continue
            who = [waiting[k] for k in chosen]
            ids = np.array([p.i for p in who], np.int64)
            batch = WeekBatch(
                ids, where[chosen], x.nat[ids], np.zeros(len(ids), bool), np.full(len(ids), -1, np.int8)
            )
            target = self.match(batch, places)
            for p, c in zip(who, target, strict=True):
                if c < 0:
                    continue
                p.relocation_tried, p.target = True, int(c)
                self.pledge_left[c] -= 1.0
                plan.put_forward[p.ms] += 1
                assert p.placed is not None
                p.placed.succeed()
            self.candidates = [p for p in self.candidates if not p.relocation_tried]

    def first_instance(self, p: Person, cls: int):  # type: ignore[no-untyped-def]
        """Wait in the decision queue (absconding, or the border time limit, may come first)."""
        x, bp = self.x, self.x.bp
        while True:
            ms, t = p.ms, self.today()
            served = self.queue(p, self.decisions[ms][cls])
            p.placed = self.env.event()
            timer: simpy.Event
            if cls == 0:
                timer = self.wait_until(p.border_deadline + 1)
            elif bp[B_ABSCOND_HAZARD] > 0:
                timer = self.wait_until(t + self.expo(1.0 / bp[B_ABSCOND_HAZARD]))
            else:
                timer = self.env.event()
            fired = yield served | timer | p.placed
            if served in fired:
                break
            p.queued = False
            if p.placed in fired:  # placed by the week's matching (AMMR Art. 67(8)-(9))
                yield from self.relocate(p, p.target)
                return
            if cls == 0:  # APR Art. 51(2): border time limit over, entry authorised
                self.metrics[ms, M_BORDER_BREACH] += 1
                self.move(p, ACCELERATED, ms)
                p.deadline = p.deadline2 = int(x.dl[K_ACCEL, ms, p.lodge_day]) if p.lodge_day >= 0 else t
                cls = 1
                continue
            self.metrics[ms, M_ABSCONDINGS] += 1
            yield from self.abscond(p)
            return
        yield from self.decide(p)

    def decide(self, p: Person):  # type: ignore[no-untyped-def]
        """First-instance decision, appeal, protection or return."""
        x, bp, ms, t, s = self.x, self.x.bp, p.ms, self.today(), p.stage
        self.metrics[ms, M_DECISIONS] += 1
        if s == ACCELERATED and t > p.deadline:
            self.metrics[ms, M_ACCEL_BREACH] += 1
        if s == REGULAR and t > p.deadline:
            self.metrics[ms, M_REGULAR_EXTENDED] += 1
        if s == REGULAR and t > p.deadline2:
            self.metrics[ms, M_REGULAR_BREACH] += 1
        if self.u() < x.p_rec[ms, x.nat[p.i]]:
            self.metrics[ms, M_POSITIVE] += 1
            self.move(p, PROTECTED, ms)
            return
        self.metrics[ms, M_NEGATIVE] += 1
        self.metrics[ms, M_RETURN_DECISIONS] += 1
        if s == BORDER:
            if self.u() < bp[B_APPEAL_BORDER]:
                end = t + self.expo(bp[B_BORDER_APPEAL_MEAN])
                if end > p.border_deadline:
                    yield self.wait_until(p.border_deadline + 1)
                    self.metrics[ms, M_BORDER_BREACH] += 1
                    self.move(p, APPEAL, ms)
                yield self.wait_until(end)
                yield from self.appeal_end(p)
            else:
                yield from self.return_border(p)
            return
        p_appeal = bp[B_APPEAL_ACCEL] if s == ACCELERATED else bp[B_APPEAL_REGULAR]
        if self.u() < p_appeal:
            self.move(p, APPEAL, ms)
            yield self.wait_until(self.today() + self.expo(bp[B_APPEAL_MEAN]))
            yield from self.appeal_end(p)
        else:
            yield from self.ordinary_return(p)

    def appeal_end(self, p: Person):  # type: ignore[no-untyped-def]
        if self.u() < self.x.bp[B_APPEAL_SUCCESS]:
            self.metrics[p.ms, M_APPEALS_GRANTED] += 1
            self.move(p, PROTECTED, p.ms)
        elif p.stage == BORDER:
            yield from self.return_border(p)
        else:
            yield from self.ordinary_return(p)

    def return_border(self, p: Person):  # type: ignore[no-untyped-def]
        """RBPR Art. 4(2): up to 12 weeks at the border, then the ordinary return procedure."""
        x, ms, t = self.x, p.ms, self.today()
        self.move(p, RETURN_BORDER, ms)
        self.metrics[ms, M_RBP_ENTRIES] += 1
        limit = int(x.dl[K_RBP_CRISIS if self.crisis(ms, t) else K_RBP, ms, t])
        if self.u() < x.bp[B_RETURN_BORDER]:
            yield self.wait_until(self.within(1.0, t, limit))
            self.metrics[ms, M_RETURNS] += 1
            self.move(p, RETURNED, ms)
            return
        yield self.wait_until(limit + 1)
        yield from self.ordinary_return(p)

    def ordinary_return(self, p: Person):  # type: ignore[no-untyped-def]
        bp, ms = self.x.bp, p.ms
        self.move(p, RETURN_PENDING, ms)
        if self.u() < bp[B_RETURN_EFFECTIVE]:
            yield self.wait_until(self.today() + self.expo(bp[B_RETURN_MEAN]))
            self.metrics[ms, M_RETURNS] += 1
            self.move(p, RETURNED, ms)
        else:
            yield self.wait_until(self.today() + int(bp[B_RETURN_WINDOW]))
            self.move(p, IRREGULAR_STAY, ms)

    def abscond(self, p: Person):  # type: ignore[no-untyped-def]
        """Absconded; may apply again in another Member State (a take-back case)."""
        x, bp, ms = self.x, self.x.bp, p.ms
        self.move(p, ABSCONDED, ms)
        if p.applications <= int(bp[B_MAX_REAPPLY]) and self.u() < bp[B_REAPPLY]:
            yield self.wait_until(self.today() + self.expo(bp[B_REAPPLY_MEAN]))
            shares = np.diff(x.dest_cdf[x.nat[p.i]], prepend=0.0)
            shares[ms] = 0.0
            dest = int(self.rng.choice(len(shares), p=shares / shares.sum()))
            self.metrics[dest, M_REAPPLICATIONS] += 1
            yield from self.apply(p, dest)

    # ---------------------------------------------------------------- the days
    def calendar(self):  # type: ignore[no-untyped-def]
        """Year start resets and relocation credits (start of day), notifications and snapshot (end)."""
        x = self.x
        for t in range(x.n_days):
            if x.year_start[t]:
                self.ann[:] = 0
                self.cap_notified[:] = -1
                self.max_reached[:] = -1
                self.pledge_left[:] = x.pledge
            yield self.env.timeout(SNAPSHOT_AT)
            for ms in range(len(x.reg_cap)):
                if (
                    x.bp[B_NOTIFY_CAPACITY] > 0
                    and self.cap_notified[ms] < 0
                    and 0 < x.border_cap[ms] <= self.occ[ms]
                ):
                    self.cap_notified[ms] = t
                if self.max_reached[ms] < 0 and 0 < x.annual_max[ms, t] <= self.ann[ms]:
                    self.max_reached[ms] = t
                if self.capacity_relief(ms, t):
                    self.metrics[ms, M_CAP_RELIEF_DAYS] += 1
                if self.maximum_relief(ms, t):
                    self.metrics[ms, M_MAX_RELIEF_DAYS] += 1
            self.counts[t] = self.cnt
            if self.cnt.sum() != self.present:
                raise AssertionError(f"oracle: conservation broken on day {t}")
            yield self.env.timeout(1 - SNAPSHOT_AT)

    def run(self) -> Oracle:
        """Run the days; `counts`, `flows`, `metrics` hold the results."""
        x = self.x
        self.env.process(self.calendar())
        for ms in range(len(x.reg_cap)):
            self.env.process(self.office(ms))
        if x.reloc_quota.sum() > 0 and x.pledge.sum() > 0:
            self.env.process(self.relocation_weeks())
        for i in range(len(x.arr_day)):
            if x.init_stage[i] >= 0 or 0 <= x.arr_day[i] < x.n_days:
                self.env.process(self.person(i))
        self.env.run(until=x.n_days)
        return self


def run_oracle(
    x: KernelInputs, seed: int, start: dt.date = dt.date(2027, 1, 1), match: Matcher = pro_rata
) -> Oracle:
    """Run the SimPy model on the kernel's inputs `x` (a run from `start`) with its own random
    stream `seed`; relocations matched week by week by `match`."""
    return Oracle(x, seed, start, match).run()
