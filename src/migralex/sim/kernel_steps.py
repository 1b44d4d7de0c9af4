"""The steps of the model, one small numba function per stage (the table: `stages.ACTIONS`).

Each step gets the run's inputs `x` (`kernel.KernelInputs`), the one state `s`
(`kernel_state.State`), the person `i`, the day `t` and the action `kind`, and returns what
happens next as `(nxt, new_stage, new_loc, ev_at, ev_k, queue)`: an immediate next action (or 0),
a stage to enter (or -1) in a Member State, a timed event (day, action; or 0) and a queue to join
(or -1). `kernel.person_day` applies it and chains the immediate actions. What one step hands to
the next on the same day travels in `s.carry`.
"""

from __future__ import annotations

import math

from numba import njit

from migralex.sim.kernel_state import (
    C_BPLACE,
    C_CODE,
    C_KIND,
    C_MS,
    C_R,
    C_TERR,
    INQ,
    LOC,
    MADE,
    N_QUEUES,
    NEVER,
    PROC,
    Q_ACCEL,
    Q_BORDER,
    Q_REG,
    Q_REGULAR,
    REG,
    RESP,
    RK,
    STATE,
    T_PRESENT,
    TARGET,
    draw,
    elsewhere,
    expo_days,
    qremove,
    within,
)
from migralex.sim.numba_cache import ensure_cache_dir
from migralex.sim.stages import (
    ABSCONDED,
    ACCELERATED,
    ACTION_CODE,
    APPEAL,
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
    M_DECISIONS,
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
    TRANSFER,
)

ensure_cache_dir(__file__)

NONE = 0
ARRIVE, SCREENED, REACH, MAKE = (ACTION_CODE[a] for a in ("arrive", "screened", "reach", "make"))
REGISTERED, DUBLIN_START = ACTION_CODE["registered"], ACTION_CODE["dublin"]
REQUEST, REPLY = ACTION_CODE["request"], ACTION_CODE["reply"]
REQUEST_LATE, ACCEPTED = ACTION_CODE["request_late"], ACTION_CODE["accepted"]
TRANSFER_DONE, TRANSFER_LAPSE, TRANSFER_ABSCOND = (
    ACTION_CODE[a] for a in ("transfer_done", "transfer_lapse", "transfer_abscond")
)
LODGE, LODGED = ACTION_CODE["lodge"], ACTION_CODE["lodged"]
RELOC_CONFIRMED, RELOC_DECIDED, RELOCATED = (
    ACTION_CODE[a] for a in ("relocation_confirmed", "relocation_decided", "relocated")
)
ENTER, QUEUE_TIMER, DECIDE, ABSCOND = (ACTION_CODE[a] for a in ("enter", "queue_timer", "decide", "abscond"))
BORDER_END, APPEAL_END, RETURN_BORDER_START, RBP_END = (
    ACTION_CODE[a] for a in ("border_end", "appeal_end", "return_border", "rbp_end")
)
RETURN, RETURNED_EV, NOT_RETURNED = (ACTION_CODE[a] for a in ("return", "returned", "not_returned"))


@njit(cache=True, inline="always")
def _lodge_next(s, ms, terr):  # type: ignore[no-untyped-def]
    """Hand over to lodging in Member State `ms` (on the territory or not, never at the border)."""
    s.carry[C_MS] = ms
    s.carry[C_TERR] = terr
    s.carry[C_BPLACE] = False
    return LODGE


@njit(cache=True, inline="always")
def arrival(x, s, i, t, kind):  # type: ignore[no-untyped-def]
    """Arrival, screening (SR Arts 5, 8, 18), moving on, the application made (APR Art. 26)."""
    P, ms = s.P, s.P[i, LOC]
    nxt, new_stage, new_loc, ev_at, ev_k, queue = NONE, -1, ms, NEVER, NONE, -1
    if kind == ARRIVE:
        s.tally[T_PRESENT] += 1
        s.metrics[x.first_ms[i], M_ARRIVALS] += 1
        if x.screen_day[i] >= 0:  # SR Art. 5: screened at the external border
            new_stage, new_loc = SCREENING, x.first_ms[i]
            ev_at, ev_k = x.screen_day[i], SCREENED
        else:
            s.carry[C_MS] = s.app_ms[i]
            nxt = MAKE
    elif kind == SCREENED:  # SR Art. 18: referred on
        if x.path[i] == PATH_APPLY:
            s.carry[C_MS] = ms
            nxt = MAKE
        elif x.path[i] == PATH_MOVE_ON:
            new_stage = IN_TRANSIT
            ev_at, ev_k = x.make_day[i], REACH
        else:
            s.metrics[ms, M_RETURN_DECISIONS] += 1
            nxt = RETURN
    elif kind == REACH:
        if s.npass[i] > 0:
            s.metrics[s.app_ms[i], M_REAPPLICATIONS] += 1
        s.carry[C_MS] = s.app_ms[i]
        nxt = MAKE
    else:  # MAKE: application made, wait for registration (APR Art. 27)
        new_stage, new_loc = REGISTRATION, s.carry[C_MS]
        P[i, MADE] = t
        queue = new_loc * N_QUEUES + Q_REG
    return nxt, new_stage, new_loc, ev_at, ev_k, queue


@njit(cache=True, inline="always")
def registration(x, s, i, t, kind):  # type: ignore[no-untyped-def]
    """Registered (APR Art. 27; CFMR Art. 10): on to the Dublin procedure, or to lodging here."""
    P, ms = s.P, s.P[i, LOC]
    s.metrics[ms, M_APPLICATIONS] += 1
    s.apps_daily[t, ms] += 1
    key = K_REG_CRISIS if x.crisis[ms, t] != CRISIS_NONE else K_REG
    if P[i, MADE] >= 0 and t > x.dl[key, ms, P[i, MADE]]:
        s.metrics[ms, M_REG_BREACH] += 1
    P[i, REG] = t
    s.npass[i] += 1
    if s.npass[i] == 1:
        r, rk = x.resp[i], x.req_kind[i]
    else:  # an application after absconding: take back (AMMR Art. 36(1)(b))
        r, rk = P[i, RESP], REQ_TAKE_BACK
    s.carry[C_R] = r
    s.carry[C_KIND] = rk
    if r >= 0 and r != ms:
        nxt = DUBLIN_START
    else:
        P[i, RESP] = ms
        s.carry[C_MS] = ms
        s.carry[C_TERR] = s.npass[i] > 1
        s.carry[C_BPLACE] = s.npass[i] == 1 and x.screen_day[i] >= 0 and x.path[i] == PATH_APPLY
        nxt = LODGE
    return nxt, -1, ms, NEVER, NONE, -1


@njit(cache=True, inline="always")
def dublin(x, s, i, t, kind):  # type: ignore[no-untyped-def]
    """Take charge / take back (AMMR Arts 39-41), reply, transfer or its failure (Art. 46)."""
    P, ms = s.P, s.P[i, LOC]
    nxt, new_stage, ev_at, ev_k = NONE, -1, NEVER, NONE
    if kind == DUBLIN_START:  # AMMR Art. 39 (take charge) / Art. 41 (take back)
        new_stage = DUBLIN
        ev_at, ev_k = _request_plan(x, s, i, t, ms)
    elif kind == REQUEST:  # reply within Art. 40 / 41(3); silence = acceptance
        ev_at, ev_k = _reply_plan(x, s, i, t, ms), REPLY
    elif kind == REPLY:
        nxt = _reply(x, s, i, ms)
    elif kind == REQUEST_LATE:  # Art. 39(1): responsibility lies with this Member State
        s.metrics[ms, M_REQ_LATE] += 1
        P[i, RESP] = ms
        nxt = _lodge_next(s, ms, True)
    elif kind == ACCEPTED:
        new_stage = TRANSFER
        ev_at, ev_k = _transfer_plan(x, s, i, t, ms)
    else:
        nxt = _transfer_end(s, i, kind, ms)
    return nxt, new_stage, ms, ev_at, ev_k, -1


@njit(cache=True, inline="always")
def _request_plan(x, s, i, t, ms):  # type: ignore[no-untyped-def]
    """The take-charge request (AMMR Art. 39) or take-back notification (Art. 41) within its time
    limit (CFMR Art. 12(2) in a crisis), or a request made too late."""
    P, bp, dl = s.P, x.bp, x.dl
    P[i, TARGET] = s.carry[C_R]
    P[i, RK] = s.carry[C_KIND]
    in_crisis = x.crisis[ms, t] != CRISIS_NONE
    if P[i, RK] == REQ_TAKE_BACK:
        limit = dl[K_TB_NOTIF_CRISIS if in_crisis else K_TB_NOTIF, ms, t]
        return within(draw(P, x.seed, i), bp[B_REQ_FRAC], t, limit), REQUEST
    if in_crisis:
        key = K_TC_REQ_CRISIS
    elif P[i, RK] == REQ_TAKE_CHARGE_HIT:
        key = K_TC_REQ_HIT
    else:
        key = K_TC_REQ
    limit = dl[key, ms, t]
    if draw(P, x.seed, i) >= bp[B_REQ_IN_TIME]:
        return limit + 1, REQUEST_LATE
    return within(draw(P, x.seed, i), bp[B_REQ_FRAC], t, limit), REQUEST


@njit(cache=True, inline="always")
def _reply_plan(x, s, i, t, ms):  # type: ignore[no-untyped-def]
    """The request counted; the day of the requested Member State's reply (AMMR Arts 40, 41(3))."""
    P, crisis = s.P, x.crisis
    s.metrics[ms, M_REQUESTS] += 1
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
    return within(draw(P, x.seed, i), x.bp[B_REPLY_FRAC], t, x.dl[key, r, t])


@njit(cache=True, inline="always")
def _reply(x, s, i, ms):  # type: ignore[no-untyped-def]
    """The reply: accepted (on to the transfer) or rejected (lodging here, AMMR Art. 40)."""
    P, bp = s.P, x.bp
    p = bp[B_ACCEPT_TB] if P[i, RK] == REQ_TAKE_BACK else bp[B_ACCEPT_TC]
    if draw(P, x.seed, i) < p:
        s.metrics[ms, M_REQ_ACCEPTED] += 1
        return ACCEPTED
    s.metrics[ms, M_REQ_REJECTED] += 1
    P[i, RESP] = ms
    return _lodge_next(s, ms, True)


@njit(cache=True, inline="always")
def _transfer_plan(x, s, i, t, ms):  # type: ignore[no-untyped-def]
    """Transfer within Art. 46(1) (CFMR Art. 12 in a crisis), absconding before it, or lapse."""
    P, bp, dl, crisis = s.P, x.bp, x.dl, x.crisis
    r = P[i, TARGET]
    P[i, RESP] = r
    crisis_either = crisis[ms, t] != CRISIS_NONE or crisis[r, t] != CRISIS_NONE
    limit = dl[K_TRANSFER_CRISIS if crisis_either else K_TRANSFER, ms, t]
    suspended = crisis[r, t] == CRISIS_MASS or crisis[r, t] == CRISIS_FORCE_MAJEURE
    u = draw(P, x.seed, i)
    if not suspended and u < bp[B_TRANSFER_COMPLETE]:
        start = dl[K_TRANSFER_DECISION, ms, t]
        if start >= limit:
            start = t
        return within(draw(P, x.seed, i), bp[B_TRANSFER_FRAC], start, limit), TRANSFER_DONE
    if not suspended and u < bp[B_TRANSFER_COMPLETE] + bp[B_TRANSFER_ABSCOND]:
        return within(draw(P, x.seed, i), 1.0, t, limit), TRANSFER_ABSCOND
    return limit + 1, TRANSFER_LAPSE


@njit(cache=True, inline="always")
def _transfer_end(s, i, kind, ms):  # type: ignore[no-untyped-def]
    """Transferred (Art. 46(1)), lapsed: responsibility shifts here, or absconded (Art. 46(2))."""
    P = s.P
    if kind == TRANSFER_DONE:
        r = P[i, TARGET]
        s.metrics[ms, M_TRANSFERS_OUT] += 1
        s.metrics[r, M_TRANSFERS_IN] += 1
        P[i, RESP] = r
        return _lodge_next(s, r, True)
    if kind == TRANSFER_LAPSE:
        s.metrics[ms, M_TRANSFER_LAPSES] += 1
        P[i, RESP] = ms
        return _lodge_next(s, ms, True)
    s.metrics[ms, M_TRANSFER_ABSCOND] += 1
    return ABSCOND


@njit(cache=True, inline="always")
def channelling(x, s, i, t, kind):  # type: ignore[no-untyped-def]
    """Lodging (APR Art. 28(1), 51(1)), then the procedure: the case engine's answer, switched by
    the day's border relief (APR Arts 47-50) and crisis (CFMR Art. 11); or relocation (AMMR 67)."""
    P, ms, bp = s.P, s.P[i, LOC], x.bp
    if kind == LODGE:
        a_ms = s.carry[C_MS]
        s.territory[i] = s.carry[C_TERR]
        limit = x.dl[K_LODGE_BORDER if s.carry[C_BPLACE] else K_LODGE, a_ms, t] - t
        d = int(-bp[B_LODGE_MEAN] * math.log(1.0 - draw(P, x.seed, i)))
        return NONE, REGISTRATION, a_ms, t + min(d, limit), LODGED, -1
    s.lodge_day[i] = t
    code = _procedure(x, s, i, t, ms)
    P[i, PROC] = code
    if _relocation_candidate(x, s, i, ms, code):  # AMMR Art. 67(8): put forward by the week's batch
        s.cand[i] = True
    s.carry[C_CODE] = code
    return ENTER, -1, ms, NEVER, NONE, -1


@njit(cache=True, inline="always")
def _procedure(x, s, i, t, ms):  # type: ignore[no-untyped-def]
    """The procedure code of a lodged application (APR Arts 42-50; CFMR Art. 11)."""
    c = x.crisis[ms, t]
    if s.territory[i]:
        code = x.proc_ter[i]
    elif c == CRISIS_INSTRUMENTALISATION and x.instrumentalised[i]:
        code = x.proc_instr[i]
    elif c == CRISIS_MASS:
        code = x.proc_crisis[i]
    else:
        code = x.proc_reg[i]
    if code == PROC_BORDER:
        if s.max_reached[ms] >= 0 and t >= s.max_reached[ms] + int(x.bp[B_MAX_AUTH_DAYS]):
            code = x.proc_max[i]  # APR Art. 47(3), Art. 50
        elif s.cap_notified[ms] >= 0 and t > s.cap_notified[ms] and s.occ[ms] >= x.border_cap[ms]:
            code = x.proc_cap[i]  # APR Art. 48(2)-(4)
    if code == PROC_BORDER_OPTIONAL:  # APR Art. 44: the Member State may
        if draw(s.P, x.seed, i) < x.optional_use[ms] and s.occ[ms] < x.border_cap[ms]:
            code = PROC_BORDER
        else:
            code = PROC_ACCELERATED
    return code


@njit(cache=True, inline="always")
def _relocation_candidate(x, s, i, ms, code):  # type: ignore[no-untyped-def]
    """AMMR Art. 67: may the benefitting Member State put the applicant forward for relocation?"""
    return code != PROC_BORDER and x.reloc_quota[ms] > 0.0 and x.reloc_ok[i] and not s.reloc_tried[i]


@njit(cache=True, inline="always")
def relocation(x, s, i, t, kind):  # type: ignore[no-untyped-def]
    """AMMR Art. 67(9)-(11): confirmation, transfer decision, transfer (responsibility moves,
    Art. 68), or the relocation fails and the place is released."""
    P, ms, bp = s.P, s.P[i, LOC], x.bp
    if kind == RELOC_CONFIRMED:  # 67(10): decision within a week; 67(11): transfer within 4 weeks
        s.aux[i] = x.dl[K_RELOC_TRANSFER, ms, t]
        ev_at = within(draw(P, x.seed, i), bp[B_RELOC_FRAC], t, x.dl[K_RELOC_DECISION, ms, t])
        return NONE, -1, ms, ev_at, RELOC_DECIDED, -1
    if kind == RELOC_DECIDED:
        ev_at = within(draw(P, x.seed, i), bp[B_RELOC_FRAC], t, max(s.aux[i], t + 1))
        return NONE, -1, ms, ev_at, RELOCATED, -1
    c = P[i, TARGET]
    if draw(P, x.seed, i) < bp[B_RELOC_COMPLETE]:
        s.metrics[ms, M_RELOC_OUT] += 1
        s.metrics[c, M_RELOC_IN] += 1
        P[i, RESP] = c
        nxt = _lodge_next(s, c, True)
    else:
        s.pledge_left[c] += 1.0
        nxt = _lodge_next(s, ms, True)
    return nxt, -1, ms, NEVER, NONE, -1


@njit(cache=True, inline="always")
def relocation_start(x, s, i, t, c):  # type: ignore[no-untyped-def]
    """Placed by the week's matching: out of the decision queue, information sent to Member State
    `c`, which confirms within one week, two in exceptional cases (AMMR Art. 67(9))."""
    P, bp = s.P, x.bp
    if P[i, INQ] >= 0:
        qremove(s, i)
    P[i, TARGET] = c
    s.reloc_tried[i] = True
    key = K_RELOC_CONFIRM_EXC if draw(P, x.seed, i) < bp[B_RELOC_EXCEPTIONAL] else K_RELOC_CONFIRM
    ev_at = within(draw(P, x.seed, i), bp[B_RELOC_FRAC], t, x.dl[key, c, t])
    return NONE, RELOCATION, P[i, LOC], ev_at, RELOC_CONFIRMED, -1


@njit(cache=True, inline="always")
def first_instance(x, s, i, t, kind):  # type: ignore[no-untyped-def]
    """The decision queue with its time limit (APR Arts 35, 51), its timer, the decision."""
    P, ms, bp, dl = s.P, s.P[i, LOC], x.bp, x.dl
    nxt, new_stage, ev_at, ev_k, queue = NONE, -1, NEVER, NONE, -1
    if kind == ENTER:
        code = s.carry[C_CODE]
        P[i, PROC] = code
        if code == PROC_BORDER:
            new_stage = BORDER
            s.metrics[ms, M_BORDER_ENTRIES] += 1
            key = K_BORDER_CRISIS if x.crisis[ms, t] != CRISIS_NONE else K_BORDER
            start = P[i, REG] if P[i, REG] >= 0 else t
            s.bdl[i] = max(dl[key, ms, start], t)
            queue = ms * N_QUEUES + Q_BORDER
            ev_at, ev_k = s.bdl[i] + 1, QUEUE_TIMER
        else:
            if code == PROC_ACCELERATED:
                new_stage = ACCELERATED
                s.pdl[i] = dl[K_ACCEL, ms, t]
                s.pdl2[i] = s.pdl[i]
                queue = ms * N_QUEUES + Q_ACCEL
            else:
                new_stage = REGULAR
                s.pdl[i] = dl[K_REGULAR, ms, t]
                s.pdl2[i] = dl[K_REGULAR_EXT, ms, t]
                queue = ms * N_QUEUES + Q_REGULAR
            if bp[B_ABSCOND_HAZARD] > 0.0:
                ev_at, ev_k = t + expo_days(draw(P, x.seed, i), 1.0 / bp[B_ABSCOND_HAZARD]), QUEUE_TIMER
    elif kind == QUEUE_TIMER:  # still waiting: border time limit over, or absconding
        qremove(s, i)
        if P[i, STATE] == BORDER:  # APR Art. 51(2): entry authorised, examination goes on
            s.metrics[ms, M_BORDER_BREACH] += 1
            new_stage = ACCELERATED
            s.pdl[i] = dl[K_ACCEL, ms, s.lodge_day[i]] if s.lodge_day[i] >= 0 else t
            s.pdl2[i] = s.pdl[i]
            queue = ms * N_QUEUES + Q_ACCEL
            if bp[B_ABSCOND_HAZARD] > 0.0:
                ev_at, ev_k = t + expo_days(draw(P, x.seed, i), 1.0 / bp[B_ABSCOND_HAZARD]), QUEUE_TIMER
        else:
            s.metrics[ms, M_ABSCONDINGS] += 1
            nxt = ABSCOND
    else:
        return _decide(x, s, i, t, ms)
    return nxt, new_stage, ms, ev_at, ev_k, queue


@njit(cache=True, inline="always")
def _decide(x, s, i, t, ms):  # type: ignore[no-untyped-def]
    """First-instance decision (APR Art. 35): protection, or rejection and appeal or return."""
    P, bp, metrics = s.P, x.bp, s.metrics
    nxt, new_stage, ev_at, ev_k = NONE, -1, NEVER, NONE
    s.dec_day[i] = t
    metrics[ms, M_DECISIONS] += 1
    st = P[i, STATE]
    if st == ACCELERATED and t > s.pdl[i]:
        metrics[ms, M_ACCEL_BREACH] += 1
    if st == REGULAR and t > s.pdl[i]:
        metrics[ms, M_REGULAR_EXTENDED] += 1
    if st == REGULAR and t > s.pdl2[i]:
        metrics[ms, M_REGULAR_BREACH] += 1
    if draw(P, x.seed, i) < x.p_rec[ms, x.nat[i]]:
        metrics[ms, M_POSITIVE] += 1
        new_stage = PROTECTED
    else:
        metrics[ms, M_NEGATIVE] += 1
        metrics[ms, M_RETURN_DECISIONS] += 1
        if st == BORDER:  # the appeal is part of the 12 weeks (APR Art. 51(2))
            if draw(P, x.seed, i) < bp[B_APPEAL_BORDER]:
                end = t + expo_days(draw(P, x.seed, i), bp[B_BORDER_APPEAL_MEAN])
                if end > s.bdl[i]:
                    s.aux[i] = end
                    ev_at, ev_k = s.bdl[i] + 1, BORDER_END
                else:
                    ev_at, ev_k = end, APPEAL_END
            else:
                nxt = RETURN_BORDER_START
        else:
            p = bp[B_APPEAL_ACCEL] if st == ACCELERATED else bp[B_APPEAL_REGULAR]
            if draw(P, x.seed, i) < p:
                new_stage = APPEAL
                ev_at, ev_k = t + expo_days(draw(P, x.seed, i), bp[B_APPEAL_MEAN]), APPEAL_END
            else:
                nxt = RETURN
    return nxt, new_stage, ms, ev_at, ev_k, -1


@njit(cache=True, inline="always")
def absconding(x, s, i, t, kind):  # type: ignore[no-untyped-def]
    """Absconded; may apply again in another Member State (a take-back case, AMMR Art. 36(1)(b))."""
    P, ms, bp = s.P, s.P[i, LOC], x.bp
    ev_at, ev_k = NEVER, NONE
    if s.npass[i] <= int(bp[B_MAX_REAPPLY]) and draw(P, x.seed, i) < bp[B_REAPPLY]:
        ev_at = t + expo_days(draw(P, x.seed, i), bp[B_REAPPLY_MEAN])
        s.app_ms[i] = elsewhere(x.dest_cdf, x.nat[i], ms, draw(P, x.seed, i))
        ev_k = REACH
    return NONE, ABSCONDED, ms, ev_at, ev_k, -1


@njit(cache=True, inline="always")
def appeal_return(x, s, i, t, kind):  # type: ignore[no-untyped-def]
    """Appeal end, return border procedure (RBPR Art. 4(2), 6), return or irregular stay."""
    ms = s.P[i, LOC]
    nxt, new_stage, ev_at, ev_k = NONE, -1, NEVER, NONE
    if kind == BORDER_END:  # 12 weeks over during the appeal: entry authorised (APR Art. 51(2))
        s.metrics[ms, M_BORDER_BREACH] += 1
        new_stage = APPEAL
        ev_at, ev_k = s.aux[i], APPEAL_END
    elif kind == APPEAL_END:
        nxt, new_stage = _appeal_end(x, s, i, ms)
    elif kind == RETURN_BORDER_START:  # RBPR Art. 4(2) (Art. 6 in a crisis)
        new_stage = RETURN_BORDER
        ev_at, ev_k = _return_border_plan(x, s, i, t, ms)
    elif kind == RBP_END:
        nxt = RETURN
    elif kind == RETURN:  # effective return (behavioural rate) or irregular stay
        new_stage = RETURN_PENDING
        ev_at, ev_k = _return_plan(x, s, i, t)
    elif kind == RETURNED_EV:
        s.metrics[ms, M_RETURNS] += 1
        new_stage = RETURNED
    else:  # NOT_RETURNED
        new_stage = IRREGULAR_STAY
    return nxt, new_stage, ms, ev_at, ev_k, -1


@njit(cache=True, inline="always")
def _appeal_end(x, s, i, ms):  # type: ignore[no-untyped-def]
    """The appeal decided (APR Art. 67): protection, or on to the return (at the border if from there)."""
    P = s.P
    if draw(P, x.seed, i) < x.bp[B_APPEAL_SUCCESS]:
        s.metrics[ms, M_APPEALS_GRANTED] += 1
        return NONE, PROTECTED
    if P[i, STATE] == BORDER:
        return RETURN_BORDER_START, -1
    return RETURN, -1


@njit(cache=True, inline="always")
def _return_border_plan(x, s, i, t, ms):  # type: ignore[no-untyped-def]
    """Entry into the return border procedure (RBPR Art. 4(2), Art. 6 in a crisis): returned within
    its time limit, or its end."""
    P, bp = s.P, x.bp
    s.metrics[ms, M_RBP_ENTRIES] += 1
    limit = x.dl[K_RBP_CRISIS if x.crisis[ms, t] != CRISIS_NONE else K_RBP, ms, t]
    if draw(P, x.seed, i) < bp[B_RETURN_BORDER]:
        return within(draw(P, x.seed, i), 1.0, t, limit), RETURNED_EV
    return limit + 1, RBP_END


@njit(cache=True, inline="always")
def _return_plan(x, s, i, t):  # type: ignore[no-untyped-def]
    """An effective return after a time (the behavioural rate), or none within the window."""
    P, bp = s.P, x.bp
    if draw(P, x.seed, i) < bp[B_RETURN_EFFECTIVE]:
        return t + expo_days(draw(P, x.seed, i), bp[B_RETURN_MEAN]), RETURNED_EV
    return t + int(bp[B_RETURN_WINDOW]), NOT_RETURNED
