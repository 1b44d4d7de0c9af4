"""The case as a timeline: every AMMR Arts 37-46 limit dated from the case's events (format v2).

From the events of each case (`migralex.cases.events.EventTable`, only those on or before `as_of`)
the limits of the deadline catalogue (`migralex.law.deadlines`) are opened, dated under AMMR Art. 75
with the official holidays of the Member State that must act, and classified on `as_of`:

- `take_charge_request` (Art. 39(1); 1 month from a Eurodac/VIS hit, else 2 months from the
  registration; CFMR Art. 12(2)(a); Dublin III Art. 21(1)) - opened by a request or by a hit that
  points to another Member State; a late or missing request leaves responsibility with the Member
  State of registration (Art. 39(1), third subparagraph);
- `take_charge_reply` (Art. 40(1), (2), (7); CFMR 12(2)(b)) - silence is acceptance on the last day
  (Art. 40(8)); a reply after that day changes nothing (the reading used: the acceptance dates from
  the last day of the reply period); an urgent request's reply is due on the day requested, but
  silence is acceptance only after two weeks (Art. 40(7) "or, failing that, within two weeks";
  Art. 40(8) "within the two-week period set out in paragraphs 2 and 7"); the urgent period runs
  only where the request shows the ground of Art. 39(2) (a refusal of entry or a return decision
  issued before the registration; reading `ammr.reading.urgent_ground`, option `as_made`);
- `take_back_notification` (Art. 41(1), from a hit on an earlier application) and
  `take_back_confirmation` (Art. 41(3); silence is confirmation, Art. 41(4)); under Dublin III the
  take back request (Art. 23(2): two months from the hit when based on Eurodac data, else three
  months from the lodging; late, the Member State of the new application is responsible, Art.
  23(3); Art. 24(2) where no new application was lodged in the requesting Member State - the hit
  received by a Member State other than the one of registration: two months from the hit, and
  not dated when not based on Eurodac data, since its period runs from the day the requesting
  Member State became aware that another may be responsible, which the case does not record) and
  its reply (Art. 25(1): two weeks when based on Eurodac data, else one month; silence
  is acceptance, Art. 25(2)); after a hit a Dublin III take charge request is due at the latest
  three months from the lodging (CJEU C-670/16 Mengesteab, reading
  `dublin3.reading.take_charge_request_after_hit`);
- `relocation_confirmation` (Art. 67(9): one week, two if postponed within the first week; silence
  is confirmation), `relocation_transfer_decision` (Art. 67(10)), `relocation_transfer` (Art. 67(11),
  4 weeks; Art. 46(1), third subparagraph) - no take charge chain runs towards the Member State of
  relocation (Art. 38(1): it determines the Member State responsible itself);
- `transfer_decision` (Art. 42(1), two weeks from acceptance or confirmation);
- `transfer` (Art. 46(1): six months from acceptance or confirmation, or from the final decision on
  an appeal with suspensive effect - suspended while it is pending; Art. 46(2): up to one year for
  imprisonment, three years from the information that the person absconded, three months after a
  release when less remain (of the six months, reading `ammr.reading.transfer_release_period`);
  CFMR Art. 12(2)(d): one year where the transferring Member State derogates, Art. 12(4): one year
  where the Member State responsible does; Dublin III Art. 29) - when it passes, responsibility is transferred
  to the transferring Member State (Art. 46(2));
- `cessation_absence` (Art. 37(4)): nine months after the person left the territory.
- `voluntary_departure` (Return Directive Art. 7(1), SECONDARY): 30 days at most from the return
  decision (APR Art. 37; `migralex.rules.returns` for the border procedure and the exclusions).

One take charge request or take back notification per case is followed (the first); a relocation
runs beside it. The re-examination of a rejection has no time limit in the AMMR (the acceptance on
re-examination counts from its reply). Statuses: `running`, `met`, `lapsed` (passed, or met late),
`suspended` (a suspensive appeal is pending), `ended` (the transfer decision was annulled).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from migralex.cases.batch import CaseBatch
from migralex.cases.events import EVENT, HIT_CATEGORIES, OUTCOMES, EventTable
from migralex.law.acts import resolve_act
from migralex.law.deadlines import Variant, catalogue
from migralex.law.params import ParameterSet
from migralex.law.timelimits import Period
from migralex.rules.crisis import Crisis
from migralex.rules.periods import end_of_period, periods_at, roll_of

NAT = np.datetime64("NaT", "D")
STATUSES = ("running", "met", "lapsed", "suspended", "ended")
RUNNING, MET, LAPSED, SUSPENDED, ENDED = range(len(STATUSES))
#: Regimes of the responsibility procedure: the AMMR, Dublin III, none modelled (before 2014).
AMMR, DUBLIN_III, NONE = 0, 1, 2
_ACCEPTED, _REJECTED, _UPHELD, _ANNULLED, _GRANTED, _REFUSED = (OUTCOMES.index(o) for o in OUTCOMES)
_CHARGE_HITS = [HIT_CATEGORIES.index(c) for c in ("irregular_crossing", "sar_disembarkation", "vis")]
_APPLICATION_HIT = HIT_CATEGORIES.index("application")


def pick(ev: EventTable, mask: np.ndarray, n: int, last: bool = False) -> np.ndarray:
    """Per case, the row of its first (or last) event in `mask`; -1 where there is none."""
    out = np.full(n, -1, dtype=np.int64)
    rows = np.flatnonzero(mask)
    if len(rows):
        rows = rows[::-1] if last else rows
        cases, first = np.unique(ev.case[rows], return_index=True)
        out[cases] = rows[first]
    return out


def at(column: np.ndarray, rows: np.ndarray, fill: object) -> np.ndarray:
    """`column[rows]`, with `fill` where the row is -1."""
    out = np.full(len(rows), fill, dtype=column.dtype)
    ok = rows >= 0
    out[ok] = column[rows[ok]]
    return out


def period_end(p: ParameterSet, v: Variant, start: np.ndarray, ms: np.ndarray) -> np.ndarray:
    """Last day of variant `v` from each start (its parameters add up; values in force on the start)."""
    out = np.full(start.shape, NAT)
    rows = np.flatnonzero(~np.isnat(start) & (ms >= 0))
    if not len(rows):
        return out
    groups = [list(periods_at(p[name], start[rows])) for name in v.params]
    if len(groups) > 1:  # a period plus an extension, in the same unit
        total = sum(g[0][0].amount for g in groups if g)
        groups = [[(Period(total, groups[0][0][0].unit), slice(None))]]
    roll = roll_of(p, v.params)  # Dublin III Art. 42: no roll by default
    for period, sel in groups[0]:
        sub = rows[sel]
        out[sub] = end_of_period(start[sub], period, ms[sub], roll)
    return out


@dataclass
class Limit:
    """One deadline of the catalogue over the cases: which variant runs, from when, to when, met how."""

    name: str
    variants: tuple[str, ...]
    n: int
    variant: np.ndarray = field(init=False)
    start: np.ndarray = field(init=False)
    start_event: np.ndarray = field(init=False)
    date: np.ndarray = field(init=False)
    ms: np.ndarray = field(init=False)
    met: np.ndarray = field(init=False)
    met_by: np.ndarray = field(init=False)
    suspended: np.ndarray = field(init=False)
    ended: np.ndarray = field(init=False)
    #: The last day of the period whose silence is acceptance, where it is not `date` (else NaT).
    tacit: np.ndarray = field(init=False)
    #: Per case, the period in days where a Member State sets it within the law's bounds (AMMR Art.
    #: 43(2), `migralex.rules.remedy_period`); 0: the variant's period.
    days: np.ndarray = field(init=False)
    #: Where the law gives only a range and the period is not known (AMMR Art. 43(2)): per case the
    #: last day of the shortest and of the longest period it allows (NaT elsewhere); `date` is one of
    #: them, the reading's headline. `bounds` names each bound's catalogue variant and what it means.
    earliest: np.ndarray = field(init=False)
    latest: np.ndarray = field(init=False)
    bounds: dict[str, tuple[str, str]] = field(init=False)

    def __post_init__(self) -> None:
        n = self.n
        self.variant = np.full(n, -1, dtype=np.int8)
        self.start, self.date, self.met = (np.full(n, NAT) for _ in range(3))
        self.start_event, self.met_by = np.full(n, -1, np.int64), np.full(n, -1, np.int64)
        self.ms = np.full(n, -1, dtype=np.int8)
        self.suspended, self.ended = np.zeros(n, bool), np.zeros(n, bool)
        self.tacit = np.full(n, NAT)
        self.days = np.zeros(n, dtype=np.int16)
        self.earliest, self.latest = np.full(n, NAT), np.full(n, NAT)
        self.bounds = {}

    def tacit_date(self) -> np.ndarray:
        """Per case, the last day on which a reply still objects (AMMR Art. 40(8)): `tacit` or `date`."""
        return np.where(np.isnat(self.tacit), self.date, self.tacit)

    def open(
        self,
        p: ParameterSet,
        key: str,
        mask: np.ndarray,
        start: np.ndarray,
        event: np.ndarray,
        ms: np.ndarray,
    ) -> None:
        """Variant `key` runs for the cases in `mask` from `start` (event index, -1: registration)."""
        rows = np.flatnonzero(mask & ~np.isnat(start))
        self.variant[rows] = self.variants.index(key)
        self.start[rows], self.start_event[rows], self.ms[rows] = start[rows], event[rows], ms[rows]
        spec = catalogue()[self.name].variant(key)
        self.date[rows] = period_end(p, spec, start[rows], ms[rows].astype(np.int64))

    def meet(self, ev: EventTable, rows: np.ndarray) -> None:
        """The events at `rows` (per case, -1 none) meet the limit where it runs."""
        ok = (rows >= 0) & (self.variant >= 0)
        self.met[ok] = ev.date[rows[ok]]
        self.met_by[ok] = ev.index[rows[ok]]

    def status(self, as_of: np.datetime64) -> np.ndarray:
        """Per case: RUNNING, MET, LAPSED, SUSPENDED or ENDED on `as_of` (-1 where it does not run)."""
        out = np.full(self.n, -1, dtype=np.int8)
        on = self.variant >= 0
        out[on] = RUNNING
        out[on & (self.date < as_of)] = LAPSED
        has_met = on & ~np.isnat(self.met)
        out[has_met & (self.met <= self.date)] = MET
        out[has_met & (self.met > self.date)] = LAPSED
        out[on & self.suspended & np.isnat(self.met)] = SUSPENDED
        out[on & self.ended] = ENDED
        return out

    def lapsed_unmet(self, as_of: np.datetime64) -> np.ndarray:
        """Cases where the last day passed before `as_of` with no event meeting the limit in time."""
        on = (self.variant >= 0) & ~self.suspended & ~self.ended
        late = ~np.isnat(self.met) & (self.met > self.date)
        return on & (late | (np.isnat(self.met) & (self.date < as_of)))


@dataclass
class Chain:
    """The events that matter per case (rows in the event table, -1 none), found once."""

    ev: EventTable
    n: int
    rows: dict[str, np.ndarray] = field(default_factory=dict)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.rows[name]

    def date(self, name: str) -> np.ndarray:
        return at(self.ev.date, self.rows[name], NAT)

    def index(self, name: str) -> np.ndarray:
        return at(self.ev.index.astype(np.int64), self.rows[name], -1)

    def by(self, name: str) -> np.ndarray:
        return at(self.ev.by, self.rows[name], -1)

    def to(self, name: str) -> np.ndarray:
        return at(self.ev.to, self.rows[name], -1)

    def find(self, name: str, mask: np.ndarray, last: bool = False) -> np.ndarray:
        self.rows[name] = pick(self.ev, mask, self.n, last)
        return self.rows[name]


def _after(ch: Chain, name: str) -> np.ndarray:
    """Per event row: does it come after the case's event `name` (which exists)?"""
    first = ch.index(name)[ch.ev.case]
    return (first >= 0) & (ch.ev.index > first)


def find_events(ev: EventTable, n: int) -> Chain:
    """The request, notification, replies, relocation, decision, appeal and transfer of each case."""
    ch = Chain(ev, n)
    t = ev.type
    ch.find("hit_tc", (t == EVENT["eurodac_hit"]) & np.isin(ev.category, _CHARGE_HITS) & (ev.by != ev.to))
    ch.find("hit_tb", (t == EVENT["eurodac_hit"]) & (ev.category == _APPLICATION_HIT))
    ch.find("request", t == EVENT["take_charge_request"])
    ch.find("notification", t == EVENT["take_back_notification"])
    ask = np.where(ch["request"] >= 0, ch["request"], ch["notification"])
    ch.rows["ask"] = ask
    ask_by, ask_to = ch.by("ask")[ev.case], ch.to("ask")[ev.case]
    between = (ev.by == ask_to) & (ev.to == ask_by) & _after(ch, "ask")
    ch.find("reply", (t == EVENT["reply"]) & between)
    ch.find("re_examination", (t == EVENT["re_examination_reply"]) & between & (ev.outcome == _ACCEPTED))
    ch.find("relocation_information", t == EVENT["relocation_information"])
    r_by, r_to = ch.by("relocation_information")[ev.case], ch.to("relocation_information")[ev.case]
    answer = (ev.by == r_to) & (ev.to == r_by)
    ch.find("relocation_postponed", (t == EVENT["relocation_postponed"]) & answer)
    ch.find("relocation_confirmed", (t == EVENT["relocation_confirmed"]) & answer)
    ch.find("imprisoned", t == EVENT["imprisoned"])
    ch.find("released", (t == EVENT["released"]) & _after(ch, "imprisoned"))
    ch.find("absconded", t == EVENT["absconded"])
    ch.find("left_territory", t == EVENT["left_territory"])
    ch.find("detained", t == EVENT["detained"])
    ch.find("detention_ended", (t == EVENT["detention_ended"]) & _after(ch, "detained"))
    ch.find("border_final", t == EVENT["border_rejection_final"])
    ch.find("return_decision", t == EVENT["return_decision"])
    return ch


def find_transfer_events(
    ch: Chain, chain: str, towards: np.ndarray, since: np.ndarray
) -> dict[str, np.ndarray]:
    """For one chain: the transfer decision, the suspensive appeal, its decision and the transfer
    (events on or after `since`, addressed to `towards` or to no one in particular)."""
    ev = ch.ev
    to_ok = (ev.to == towards[ev.case]) | (ev.to < 0)
    later = ~np.isnat(since[ev.case]) & (ev.date >= since[ev.case])
    rows = {}
    rows["decision"] = ch.find(
        f"{chain}:decision", (ev.type == EVENT["transfer_decision_notified"]) & to_ok & later
    )
    appeal = (ev.type == EVENT["appeal_lodged"]) & ev.suspensive & _after(ch, f"{chain}:decision")
    rows["appeal"] = ch.find(f"{chain}:appeal", appeal, last=True)
    asked = (ev.type == EVENT["suspension_requested"]) & _after(ch, f"{chain}:decision")
    rows["suspension"] = ch.find(f"{chain}:suspension", asked)  # the first request (AMMR Art. 43(3))
    answered = (ev.type == EVENT["suspension_decided"]) & _after(ch, f"{chain}:suspension")
    rows["suspension_decided"] = ch.find(f"{chain}:suspension_decided", answered)
    after_appeal = _after(ch, f"{chain}:appeal") | _after(ch, f"{chain}:suspension_decided")
    rows["appeal_decided"] = ch.find(
        f"{chain}:appeal_decided", (ev.type == EVENT["appeal_decided"]) & after_appeal
    )
    rows["carried"] = ch.find(f"{chain}:carried", (ev.type == EVENT["transfer_carried_out"]) & to_ok & later)
    return rows


def regime_of(batch: CaseBatch, forced: str | None) -> np.ndarray:
    """AMMR for applications registered from 1 July 2026 (Art. 84(2)), Dublin III from 2014, or forced."""
    reg = batch.applicants.reg_date
    if forced is not None:
        return np.full(batch.n, AMMR if forced == "AMMR" else DUBLIN_III, dtype=np.int8)
    out = np.full(batch.n, NONE, dtype=np.int8)
    out[reg >= np.datetime64(resolve_act("DUBLIN_III").applies_from, "D")] = DUBLIN_III
    out[reg >= np.datetime64(resolve_act("AMMR").applies_from, "D")] = AMMR
    return out


@dataclass
class Facts:
    """What the limits of a batch depend on: the cases, their events (up to `as_of`), the regime."""

    batch: CaseBatch
    ev: EventTable
    ch: Chain
    p: ParameterSet
    regime: np.ndarray
    crisis: Crisis
    as_of: np.datetime64
    elsewhere: np.ndarray | None = None

    @property
    def n(self) -> int:
        return self.batch.n

    @property
    def reg(self) -> np.ndarray:
        return self.batch.applicants.reg_date

    @property
    def reg_ms(self) -> np.ndarray:
        return self.batch.applicants.reg_ms

    def regimes(self) -> dict[str, np.ndarray]:
        """The AMMR and Dublin III (the CFMR Art. 12 derogation is per limit: `derogate`)."""
        return {"ammr": self.regime == AMMR, "dublin3": self.regime == DUBLIN_III}

    def registration(self) -> tuple[np.ndarray, np.ndarray]:
        """The registration as a starting point: its date, and event index -1."""
        return self.reg, np.full(self.n, -1, dtype=np.int64)


def derogate(f: Facts, lim: Limit, start: np.ndarray | None = None) -> None:
    """CFMR Art. 12(2): the AMMR variants of `lim` become its `crisis` variant where the Member State
    that must act (`lim.ms`) may derogate (`Crisis.applies`: authorised while the ordinary limit
    runs); `start` replaces the limit's start where the crisis period runs from another event (Art.
    12(2)(a): four months from the registration, also after a hit)."""
    ammr = [lim.variants.index(k) for k in ("default", "after_hit", "urgent") if k in lim.variants]
    on = np.isin(lim.variant, ammr) & (f.regime == AMMR)
    rows = on & f.crisis.applies(lim.ms, lim.start, lim.date)
    if not rows.any():
        return
    new_start = lim.start.copy() if start is None else start
    event = lim.start_event.copy() if start is None else np.full(f.n, -1, np.int64)
    lim.tacit[rows] = NAT
    lim.open(f.p, "crisis", rows, new_start, event, lim.ms.copy())


def acting(*candidates: np.ndarray) -> np.ndarray:
    """The first Member State code that is set (>= 0), column by column."""
    out = candidates[-1].astype(np.int8).copy()
    for c in reversed(candidates[:-1]):
        out = np.where(c >= 0, c, out).astype(np.int8)
    return out


def take_charge_request(f: Facts) -> Limit:
    """AMMR Art. 39(1): 2 months from registration, 1 month from a Eurodac/VIS hit; CFMR 12(2)(a);
    Dublin III Art. 21(1). Opened by a request, a hit pointing elsewhere, or the engine's finding."""
    ch, r = f.ch, f.regimes()
    keys = ("default", "after_hit", "crisis", "dublin3", "dublin3_after_hit", "dublin3_after_hit_lodging")
    lim = Limit("take_charge_request", keys, f.n)
    has_req, hit = ch["request"] >= 0, ch["hit_tc"] >= 0
    hit_first = hit & (~has_req | (ch.date("hit_tc") <= ch.date("request")))
    relocated = ch["relocation_information"] >= 0
    opened = has_req | (hit & ~relocated)
    if f.elsewhere is not None:
        opened |= f.elsewhere & (ch["notification"] < 0) & ~relocated
    ms = acting(ch.by("request"), ch.by("hit_tc"), f.reg_ms)
    reg, minus = f.registration()
    hit_day, hit_event = ch.date("hit_tc"), ch.index("hit_tc")
    lim.open(f.p, "default", opened & r["ammr"] & ~hit_first, reg, minus, ms)
    lim.open(f.p, "after_hit", opened & r["ammr"] & hit_first, hit_day, hit_event, ms)
    derogate(f, lim, start=reg)
    lim.open(f.p, "dublin3", opened & r["dublin3"] & ~hit_first, reg, minus, ms)
    lim.open(f.p, "dublin3_after_hit", opened & r["dublin3"] & hit_first, hit_day, hit_event, ms)
    cap_after_hit(f, lim)
    lim.meet(f.ev, ch["request"])
    return lim


def cap_after_hit(f: Facts, lim: Limit) -> None:
    """Dublin III Art. 21(1) as interpreted in CJEU C-670/16 Mengesteab: the request after a hit is
    due at the latest three months from the lodging (`dublin3.reading.take_charge_request_after_hit`)."""
    if f.p.reading("dublin3.reading.take_charge_request_after_hit") != "three_month_cap":
        return
    after_hit = lim.variant == lim.variants.index("dublin3_after_hit")
    if not after_hit.any():
        return
    reg, minus = f.registration()
    spec = catalogue()["take_charge_request"].variant("dublin3_after_hit_lodging")
    three = period_end(f.p, spec, reg, lim.ms.astype(np.int64))
    lim.open(f.p, "dublin3_after_hit_lodging", after_hit & (three < lim.date), reg, minus, lim.ms.copy())


def take_charge_reply(f: Facts) -> Limit:
    """AMMR Art. 40(1) one month, (2) two weeks after a hit, (7) urgent; CFMR 12(2)(b); Dublin III
    Art. 22(1). Silence is acceptance (Art. 40(8)); an urgent request's own period is its date, but
    silence is acceptance only after the two weeks of Art. 40(7) ("or, failing that", 40(8))."""
    ch, r, ev = f.ch, f.regimes(), f.ev
    lim = Limit("take_charge_reply", ("default", "after_hit", "urgent", "crisis", "dublin3"), f.n)
    has_req = ch["request"] >= 0
    hit_first = (ch["hit_tc"] >= 0) & (ch.date("hit_tc") <= ch.date("request"))
    urgent = at(ev.urgent, ch["request"], False)
    if f.p.reading("ammr.reading.urgent_ground") == "required":
        urgent &= urgent_warranted(f)
    start, event, ms = ch.date("request"), ch.index("request"), ch.to("request")
    plain = has_req & r["ammr"] & ~urgent
    lim.open(f.p, "default", plain & ~hit_first, start, event, ms)
    lim.open(f.p, "after_hit", plain & hit_first, start, event, ms)
    lim.open(f.p, "urgent", has_req & r["ammr"] & urgent, start, event, ms)
    lim.open(f.p, "dublin3", has_req & r["dublin3"], start, event, ms)
    derogate(f, lim)
    requested = at(ev.reply_by, ch["request"], NAT)
    own = (lim.variant == lim.variants.index("urgent")) & ~np.isnat(requested)
    lim.tacit[own] = lim.date[own]
    lim.date[own] = requested[own]
    lim.meet(ev, np.where(has_req, ch["reply"], -1))
    return lim


def urgent_warranted(f: Facts) -> np.ndarray:
    """AMMR Art. 39(2): per case, the take charge request shows the ground of an urgent reply - the
    application was registered after a decision to refuse entry or a return decision was issued
    (`urgent_ground`, issued on or before the day of registration; a ground without a date is taken
    as stated)."""
    ch, ev = f.ch, f.ev
    ground = at(ev.urgent_ground, ch["request"], -1) >= 0
    issued = at(ev.ground_issued, ch["request"], NAT)
    return ground & (np.isnat(issued) | (issued <= f.reg))


def urgent_not_warranted(f: Facts) -> np.ndarray:
    """Per case: an urgent request without the ground of AMMR Art. 39(2) (the flag of the state)."""
    return at(f.ev.urgent, f.ch["request"], False) & ~urgent_warranted(f) & (f.regime == AMMR)


def eurodac_based(f: Facts) -> np.ndarray:
    """Per case: the take back notification (or request) rests on a Eurodac hit on an earlier
    application received on or before it (or no notification yet) - as a take charge request
    "after a hit" (Dublin III Arts 23(2), 25(1): "based on data obtained from the Eurodac system")."""
    ch = f.ch
    hit, notified = ch["hit_tb"] >= 0, ch["notification"] >= 0
    return hit & (~notified | (ch.date("hit_tb") <= ch.date("notification")))


def take_back_notification(f: Facts) -> Limit:
    """AMMR Art. 41(1): two weeks from the hit on an earlier application, lateness does not affect
    the obligation (CFMR 12(2)(c)); Dublin III Art. 23(2): two months from the hit, three months from
    the lodging when not based on Eurodac data; late, the requesting State is responsible (23(3));
    Art. 24(2): two months from a hit received where no new application was lodged."""
    ch, r = f.ch, f.regimes()
    keys = ("default", "crisis", "dublin3", "dublin3_after_hit", "dublin3_no_application_after_hit")
    lim = Limit("take_back_notification", keys, f.n)
    hit, eurodac = ch["hit_tb"] >= 0, eurodac_based(f)
    start, event, ms = ch.date("hit_tb"), ch.index("hit_tb"), acting(ch.by("hit_tb"), f.reg_ms)
    lim.open(f.p, "default", hit & r["ammr"], start, event, ms)
    d3_hit, elsewhere = eurodac & r["dublin3"], ms != f.reg_ms  # Art. 24: no application lodged there
    lim.open(f.p, "dublin3_after_hit", d3_hit & ~elsewhere, start, event, ms)
    lim.open(f.p, "dublin3_no_application_after_hit", d3_hit & elsewhere, start, event, ms)
    notifier = acting(ch.by("notification"), f.reg_ms)
    lodged_here = (ch["notification"] >= 0) & (notifier == f.reg_ms)  # Art. 23, not Art. 24
    reg, minus = f.registration()
    lim.open(f.p, "dublin3", lodged_here & ~eurodac & r["dublin3"], reg, minus, notifier)
    derogate(f, lim)
    lim.meet(f.ev, ch["notification"])
    return lim


def take_back_lapsed(f: Facts, lim: Limit) -> np.ndarray:
    """Dublin III Art. 23(3): per case, the take back request was not made within the periods of
    Art. 23(2), so the Member State where the new application was lodged is responsible (the
    requesting State is the one of registration; AMMR Art. 41(1): lateness changes nothing; a case
    that followed a take charge request instead is left to Art. 21)."""
    d3 = np.isin(lim.variant, [lim.variants.index(k) for k in ("dublin3", "dublin3_after_hit")])
    return d3 & (lim.ms == f.reg_ms) & (f.ch["request"] < 0) & lim.lapsed_unmet(f.as_of)


def take_back_confirmation(f: Facts) -> Limit:
    """AMMR Art. 41(3): the notified Member State confirms within two weeks; silence is confirmation
    (Art. 41(4)); CFMR 12(2)(c): one month; Dublin III Art. 25(1): one month, two weeks when the
    request is based on Eurodac data; silence is acceptance (Art. 25(2))."""
    ch, r = f.ch, f.regimes()
    lim = Limit("take_back_confirmation", ("default", "crisis", "dublin3", "dublin3_after_hit"), f.n)
    notified = (ch["notification"] >= 0) & (ch["request"] < 0)
    start, event, ms = ch.date("notification"), ch.index("notification"), ch.to("notification")
    eurodac = eurodac_based(f)
    lim.open(f.p, "default", notified & r["ammr"], start, event, ms)
    lim.open(f.p, "dublin3", notified & r["dublin3"] & ~eurodac, start, event, ms)
    lim.open(f.p, "dublin3_after_hit", notified & r["dublin3"] & eurodac, start, event, ms)
    derogate(f, lim)
    lim.meet(f.ev, np.where(notified, ch["reply"], -1))
    return lim


#: How the requested or notified Member State came to be bound (or not), per case.
HOW = ("none", "accepted", "re_examination", "silence", "rejected", "pending")
_NONE, _ACCEPT, _REEXAM, _SILENCE, _REJECT, _PENDING = range(len(HOW))


def acceptance(f: Facts, reply: Limit) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per case: the date the request was accepted (or the notification confirmed), the event that
    did it (-1 for silence: the last day of the reply period, AMMR Arts 40(8), 41(4)) and how."""
    ch, ev = f.ch, f.ev
    day, event = np.full(f.n, NAT), np.full(f.n, -1, dtype=np.int64)
    how = np.full(f.n, _NONE, dtype=np.int8)
    on = reply.variant >= 0
    how[on] = _PENDING
    last = reply.tacit_date()
    in_time = on & ~np.isnat(reply.met) & (reply.met <= last)
    outcome = at(ev.outcome, ch["reply"], -1)
    yes = in_time & (outcome == _ACCEPTED)
    day[yes], event[yes], how[yes] = reply.met[yes], reply.met_by[yes], _ACCEPT
    no = in_time & (outcome == _REJECTED)
    how[no] = _REJECT
    again = no & (ch["re_examination"] >= 0)
    day[again], event[again], how[again] = (
        ch.date("re_examination")[again],
        ch.index("re_examination")[again],
        _REEXAM,
    )
    silent = on & ~in_time & (last < f.as_of)
    day[silent], how[silent] = last[silent], _SILENCE
    return day, event, how


def relocation_confirmation(f: Facts) -> tuple[Limit, np.ndarray, np.ndarray]:
    """AMMR Art. 67(9): the Member State of relocation confirms within one week of the information
    (two weeks if it postponed its reply within the first week); silence is confirmation. Returns
    the limit and, per case, the confirmation date and event (-1: by silence)."""
    ch = f.ch
    lim = Limit("relocation_confirmation", ("default", "complex"), f.n)
    informed = (ch["relocation_information"] >= 0) & (f.regime == AMMR)
    start, event = ch.date("relocation_information"), ch.index("relocation_information")
    ms = ch.to("relocation_information")
    lim.open(f.p, "default", informed, start, event, ms)
    one_week = lim.date.copy()
    postponed = informed & (ch["relocation_postponed"] >= 0) & (ch.date("relocation_postponed") <= one_week)
    lim.open(f.p, "complex", postponed, start, event, ms)
    lim.meet(f.ev, ch["relocation_confirmed"])
    day, by = np.full(f.n, NAT), np.full(f.n, -1, dtype=np.int64)
    in_time = informed & ~np.isnat(lim.met) & (lim.met <= lim.date)
    day[in_time], by[in_time] = lim.met[in_time], lim.met_by[in_time]
    silent = informed & ~in_time & (lim.date < f.as_of)
    day[silent] = lim.date[silent]
    return lim, day, by


def transfer_decision(
    f: Facts, name: str, since: np.ndarray, event: np.ndarray, ms: np.ndarray, rows: np.ndarray
) -> Limit:
    """AMMR Art. 42(1): two weeks from acceptance or confirmation (`transfer_decision`); Art. 67(10):
    one week from the confirmation of a relocation (`relocation_transfer_decision`)."""
    lim = Limit(name, ("default", "take_back") if name == "transfer_decision" else ("default",), f.n)
    lim.open(f.p, "default", ~np.isnat(since) & (f.regime == AMMR), since, event, ms)
    lim.meet(f.ev, rows)
    return lim


@dataclass
class Suspension:
    """Per case, the suspensive effect of a remedy against the transfer decision (AMMR Art. 43(3)):
    an appeal lodged with suspensive effect, or a request to suspend - pending (the transfer is
    suspended "until the decision on the first suspension request is taken"), granted or refused."""

    suspended: np.ndarray  # the transfer cannot be carried out (pending appeal or request)
    annulled: np.ndarray  # the transfer decision was annulled on the appeal
    ended_on: np.ndarray  # the day the remedy no longer has suspensive effect (Art. 45(3)(b))
    ended_event: np.ndarray  # the event of that day (-1 none)
    upheld: np.ndarray  # the effect ended with the final decision upholding the transfer
    refused: np.ndarray  # the effect ended with the refusal to suspend


def suspension(f: Facts, rows: dict[str, np.ndarray]) -> Suspension:
    """AMMR Art. 43(3): what the remedies of a chain (`find_transfer_events`) do to its transfer."""
    ev = f.ev
    lodged, decided = rows["appeal"] >= 0, rows["appeal_decided"] >= 0
    asked, answered = rows["suspension"] >= 0, rows["suspension_decided"] >= 0
    answer = at(ev.outcome, rows["suspension_decided"], -1)
    granted, refused = asked & (answer == _GRANTED), asked & (answer == _REFUSED) & ~lodged
    effect = lodged | granted
    outcome = at(ev.outcome, rows["appeal_decided"], -1)
    upheld = effect & decided & (outcome == _UPHELD)
    index = ev.index.astype(np.int64)
    on = np.where(upheld, at(ev.date, rows["appeal_decided"], NAT), NAT)
    on = np.where(refused, at(ev.date, rows["suspension_decided"], NAT), on)
    event = np.where(upheld, at(index, rows["appeal_decided"], -1), -1)
    event = np.where(refused, at(index, rows["suspension_decided"], -1), event)
    return Suspension(
        (effect & ~decided) | (asked & ~answered),
        effect & decided & (outcome == _ANNULLED),
        on,
        event,
        upheld,
        refused,
    )


def _appeal(f: Facts, lim: Limit, rows: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """AMMR Art. 46(1): a suspensive appeal (or a pending request to suspend, Art. 43(3)) suspends
    the limit; it runs again from the final decision (upheld), or ends (annulled); after a refusal
    to suspend it runs from the acceptance (reading `ammr.reading.suspension_refused`, option
    `refusal`: from the refusal). Returns the new start and its event where it restarts."""
    s = suspension(f, rows)
    lim.suspended |= s.suspended
    lim.ended |= s.annulled
    restart = s.upheld | (s.refused & (f.p.reading("ammr.reading.suspension_refused") == "refusal"))
    return np.where(restart, s.ended_on, NAT), np.where(restart, s.ended_event, -1)


def transfer(
    f: Facts, since: np.ndarray, event: np.ndarray, ms: np.ndarray, rows: dict[str, np.ndarray]
) -> Limit:
    """AMMR Art. 46(1): six months from acceptance or confirmation, or from the final decision on a
    suspensive appeal; Art. 46(2) extensions; CFMR Art. 12(2)(d); Dublin III Art. 29."""
    ch, r = f.ch, f.regimes()
    keys = ("default", "crisis", "dublin3", "imprisonment", "absconding", "reappearance", "take_back")
    lim = Limit("transfer", (*keys, "dublin3_imprisonment", "dublin3_absconding", "crisis_responsible"), f.n)
    restart, restart_event = _appeal(f, lim, rows)
    start = np.where(np.isnat(restart), since, restart)
    event = np.where(np.isnat(restart), event, restart_event)
    on = ~np.isnat(start)
    for key in ("default", "dublin3"):
        lim.open(f.p, key, on & r["ammr" if key == "default" else key], start, event, ms)
    derogate(f, lim)
    default = lim.variant == lim.variants.index("default")
    receiving = default & f.crisis.applies(ch.to("ask"), start, lim.date)
    lim.open(f.p, "crisis_responsible", receiving, start, event, ms)  # CFMR Art. 12(4)
    first_end, first_variant = lim.date.copy(), lim.variant.copy()
    d3 = r["dublin3"]
    jailed = (
        on
        & ~np.isnat(ch.date("imprisoned"))
        & (ch.date("imprisoned") >= start)
        & (ch.date("imprisoned") <= first_end)
    )
    lim.open(f.p, "imprisonment", jailed & ~d3, start, event, ms)
    lim.open(f.p, "dublin3_imprisonment", jailed & d3, start, event, ms)
    gone = (
        on
        & ~np.isnat(ch.date("absconded"))
        & (ch.date("absconded") >= start)
        & (ch.date("absconded") <= first_end)
    )
    lim.open(f.p, "absconding", gone & ~d3, ch.date("absconded"), ch.index("absconded"), ms)
    lim.open(f.p, "dublin3_absconding", gone & d3, start, event, ms)
    released = jailed & ~d3 & ~np.isnat(ch.date("released")) & (ch.date("released") <= lim.date)
    three = period_end(
        f.p, catalogue()["transfer"].variant("reappearance"), ch.date("released"), ms.astype(np.int64)
    )
    as_written = f.p.reading("ammr.reading.transfer_release_period") == "paragraph_1"
    later = released & (three > (first_end if as_written else lim.date))
    lim.open(f.p, "reappearance", later, ch.date("released"), ch.index("released"), ms)
    back = released & ~later & as_written  # enough of the six months left: they stand
    lim.variant[back], lim.date[back] = first_variant[back], first_end[back]
    lim.meet(f.ev, np.where(on, rows["carried"], -1))
    return lim


def name_take_back(lim: Limit, take_back: np.ndarray) -> None:
    """The default variant of a take back case is the `take_back` one (same period, its own event:
    the confirmation of the notification, AMMR Arts 42(1), 46(1))."""
    rows = take_back & (lim.variant == lim.variants.index("default"))
    lim.variant[rows] = lim.variants.index("take_back")


def cessation_absence(f: Facts) -> Limit:
    """AMMR Art. 37(4): the obligations cease nine months after the person left the territory."""
    lim = Limit("cessation_absence", ("default",), f.n)
    left = (f.ch["left_territory"] >= 0) & (f.regime == AMMR)
    lim.open(f.p, "default", left, f.ch.date("left_territory"), f.ch.index("left_territory"), f.reg_ms)
    return lim


def voluntary_departure(f: Facts) -> Limit:
    """Return Directive Art. 7(1) (SECONDARY): the period for voluntary departure from the return
    decision (APR Art. 37), at most 30 days, by the Member State that issued it. A case in the
    return border procedure has the 15 days of RBPR Art. 4(5), granted only on request, and
    exclusions the case format does not carry: `migralex decide returns` answers those."""
    lim = Limit("voluntary_departure", ("ordinary",), f.n)
    issued = f.ch["return_decision"] >= 0
    by = f.ch.by("return_decision")
    lim.open(f.p, "ordinary", issued, f.ch.date("return_decision"), f.ch.index("return_decision"), by)
    return lim
