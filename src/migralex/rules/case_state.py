"""The state of a case on a day: who is responsible now and why, which limits run, are met, lapsed.

`case_timeline(cases, as_of)` dates every limit of `migralex.rules.timeline` for a batch (one code
path for one case and a caseload) and follows responsibility through the events: the Member State
of registration determines (AMMR Art. 38(1); the Member State of relocation once the applicant was
relocated, Art. 68(2), not on the mere confirmation, Art. 67(9));
an accepted request or a confirmed notification binds the requested or notified Member State
(Arts 40, 41; by silence Arts 40(8), 41(4)); a missing or late request leaves responsibility with
the Member State of registration (Art. 39(1), third subparagraph), and so does a late Dublin III take
back request (Dublin III Art. 23(3)); a transfer not carried out in
time transfers responsibility to the transferring Member State (Art. 46(2); CFMR Art. 12(3));
nine months away from the territory end the obligations (Art. 37(4)).

`Timeline.answer(i)` is the state of case `i` (the shape of `POST /v1/cases/state`, docs/api.md);
`Timeline.limits_frame()` is every limit of every case as one table; `caseload_status` picks what is
due in the next days, what lapsed and which cases changed responsibility.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from migralex.cases import codes as C
from migralex.cases.batch import CaseBatch
from migralex.cases.events import EventTable
from migralex.cases.format import Case
from migralex.errors import InvalidInput
from migralex.law.params import ParameterSet
from migralex.law.params import params as shipped_params
from migralex.rules.cessation import cessation_border_procedure
from migralex.rules.crisis import Crisis, CrisisLike
from migralex.rules.detention import detained_reply, request_detained
from migralex.rules.detention_dublin3 import (
    detained_reply_runs,
    reply_detained_dublin3,
    request_detained_dublin3,
)
from migralex.rules.regime import forced_regime
from migralex.rules.remedies import appeal_decision_target, suspension_decision, transfer_detained
from migralex.rules.remedy_period import NationalPeriods, national_periods
from migralex.rules.remedy_period import appeal_period as remedy_period
from migralex.rules.timeline import (
    DUBLIN_III,
    HOW,
    NAT,
    STATUSES,
    Facts,
    Limit,
    acceptance,
    at,
    cessation_absence,
    find_events,
    find_transfer_events,
    name_take_back,
    regime_of,
    relocation_confirmation,
    take_back_confirmation,
    take_back_lapsed,
    take_back_notification,
    take_charge_reply,
    take_charge_request,
    transfer,
    transfer_decision,
    urgent_not_warranted,
    voluntary_departure,
)

#: Why a Member State is responsible (or determining) now: (AMMR basis, Dublin III basis, words).
WHY: dict[str, tuple[str, str, str]] = {
    "determining": (
        "AMMR Art. 38(1)",
        "Dublin III Art. 20(1)",
        "the Member State where the application was first registered determines the Member State "
        "responsible; no other Member State is bound yet",
    ),
    "relocation": (
        "AMMR Art. 68(2)",
        "AMMR Art. 68(2)",
        "the applicant was relocated: the Member State of relocation applies the procedures of "
        "Part III and determines the Member State responsible (Art. 38(1)); a confirmation alone only "
        "entails the obligation to relocate (Art. 67(9))",
    ),
    "take_back": (
        "AMMR Art. 36(1)(b)",
        "Dublin III Art. 18(1)",
        "the Member State responsible is obliged to take back the person; the notification awaits "
        "confirmation",
    ),
    "accepted": (
        "AMMR Art. 40(1)",
        "Dublin III Art. 22(1)",
        "the requested Member State accepted the take charge request",
    ),
    "re_examination": (
        "Regulation (EC) No 1560/2003 Art. 5(2)",
        "Regulation (EC) No 1560/2003 Art. 5(2)",
        "the requested Member State accepted the request on re-examination (the AMMR has no "
        "re-examination provision: the Dublin implementing rules of Commission Regulation (EC) "
        "No 1560/2003, Art. 5(2), read by the engine as still used; no time limit is applied)",
    ),
    "silence": (
        "AMMR Art. 40(8)",
        "Dublin III Art. 22(7)",
        "the requested Member State did not reply in time: that is tantamount to accepting the request",
    ),
    "confirmed": (
        "AMMR Art. 41(3)",
        "Dublin III Art. 25(1)",
        "the notified Member State confirmed the take back notification",
    ),
    "confirmed_by_silence": (
        "AMMR Art. 41(4)",
        "Dublin III Art. 25(2)",
        "the notified Member State did not act in time: that is tantamount to confirming the notification",
    ),
    "rejected": (
        "AMMR Art. 40(1)",
        "Dublin III Art. 22(1)",
        "the requested Member State rejected the request; the determining Member State continues "
        "the procedure",
    ),
    "not_responsible": (
        "AMMR Art. 41(3)",
        "Dublin III Art. 25(1)",
        "the notified Member State demonstrated within the time limit that it is not responsible "
        "(Dublin III: the requested Member State rejected the take back request in time); the "
        "notifying Member State continues the procedure",
    ),
    "request_lapsed": (
        "AMMR Art. 39(1), third subparagraph",
        "Dublin III Art. 21(1), third subparagraph",
        "the take charge request was not made in time: responsibility lies with the Member State "
        "where the application was registered",
    ),
    "transferred": (
        "AMMR Art. 46(1)",
        "Dublin III Art. 29(1)",
        "the transfer was carried out",
    ),
    "transfer_lapsed": (
        "AMMR Art. 46(2)",
        "Dublin III Art. 29(2)",
        "the transfer did not take place in time: the Member State responsible is relieved of its "
        "obligations and responsibility is transferred to the transferring Member State",
    ),
    "ceased_border": (
        "AMMR Art. 37(2)",
        "AMMR Art. 37(2)",
        "15 months after the rejection in the border procedure became final (and once a take back "
        "procedure pending at their end was completed or its transfer limit expired, Art. 37(3)) the "
        "obligations of the Member State responsible ceased; a new application starts a new procedure",
    ),
    "ceased": (
        "AMMR Art. 37(4)",
        "AMMR Art. 37(4)",
        "the person left the territory of the Member States for at least nine months: the "
        "obligations ceased; a new application starts a new procedure",
    ),
    "silence_detained": (
        "AMMR Art. 45(2)",
        "Dublin III Art. 28(3), second subparagraph",
        "the requested Member State did not reply within the period for a detained person (AMMR Art. "
        "45(2): one week; Dublin III Art. 28(3): two weeks): that is tantamount to accepting the request",
    ),
    "take_back_lapsed": (
        "Dublin III Art. 23(3)",
        "Dublin III Art. 23(3)",
        "the take back request was not made within the periods of Dublin III Art. 23(2) (two months "
        "from the Eurodac hit, three months from the lodging otherwise): responsibility lies with the "
        "Member State in which the new application was lodged (under the AMMR a late take back "
        "notification does not affect the obligation to take back, Art. 41(1))",
    ),
}
WHY_KEYS = tuple(WHY)
#: The changes of responsibility a lapsed limit causes, in the order of `Timeline.shifts`.
SHIFT_KEYS = ("request_lapsed", "transfer_lapsed", "take_back_lapsed")
#: Flags of a case's state: kind → (legal basis, words).
FLAGS: dict[str, tuple[str, str]] = {
    "uam_late_request": (
        "AMMR Art. 39(1), fourth subparagraph",
        "the applicant is an unaccompanied minor: the determining Member State may request another "
        "Member State to take charge in the best interests of the child at any time before a first "
        "decision regarding the substance, notwithstanding the expiry of the time limits - the late "
        "request does not lapse (the engine does not check the first decision, which the case "
        "format does not carry)",
    ),
    "urgent_not_warranted": (
        "AMMR Art. 39(2)",
        "the take charge request asks for an urgent reply, but the case does not show its ground: an "
        "application registered after a decision to refuse entry or a return decision was issued "
        "(`urgent_ground`, `ground_issued` on or before the registration); under the reading "
        "`ammr.reading.urgent_ground` = required the ordinary reply period applies (Art. 40(1), (2))",
    ),
}
#: The limits of the answer, in this order.
ORDER = (
    "take_charge_request", "take_charge_reply", "take_back_notification", "take_back_confirmation",
    "relocation_confirmation", "relocation_transfer_decision", "relocation_transfer",
    "transfer_decision", "transfer", "cessation_absence",
    "suspension_decision", "appeal_decision_target", "request_detained", "transfer_detained",
    "cessation_border_procedure",
    "voluntary_departure",
)  # fmt: skip


@dataclass
class Timeline:
    """The limits and the responsibility of a batch of cases on `as_of`."""

    batch: CaseBatch
    events: EventTable
    as_of: np.datetime64
    regime: np.ndarray
    limits: dict[str, Limit]
    responsible: np.ndarray
    why: np.ndarray
    why_event: np.ndarray
    shifts: list[dict[str, np.ndarray]]
    params: ParameterSet
    #: Per case: a take charge request for an unaccompanied minor made after the Art. 39(1) periods
    #: that does not lapse (AMMR Art. 39(1), fourth subparagraph).
    uam_late_request: np.ndarray | None = None
    #: Per case: an urgent take charge request without the ground of AMMR Art. 39(2).
    urgent_not_warranted: np.ndarray | None = None

    def status(self, name: str) -> np.ndarray:
        """Per case, the status code of limit `name` on `as_of` (-1: it does not run)."""
        return self.limits[name].status(self.as_of)

    def late_transfers(self) -> np.ndarray:
        """Cases whose transfer was carried out after its time limit with no event extending it."""
        lim = self.limits["transfer"]
        return (lim.variant >= 0) & ~np.isnat(lim.met) & (lim.met > lim.date)

    def check(self, i: int) -> None:
        """Raise `InvalidInput` naming the event if case `i` has a transfer after its time limit."""
        lim = self.limits["transfer"]
        if self.late_transfers()[i]:
            raise InvalidInput(
                f"events[{int(lim.met_by[i])}]",
                f"the transfer on {lim.met[i]} is after the transfer time limit ended on {lim.date[i]}"
                " (AMMR Art. 46(1)) and no imprisoned or absconded event extends it (Art. 46(2))",
            )

    def answer(self, i: int) -> dict[str, Any]:
        """The state of case `i` (docs/api.md, `POST /v1/cases/state`)."""
        from migralex.rules.case_state_answer import state_answer

        return state_answer(self, i)

    def ids_of(self, case: pl.Series | np.ndarray) -> pl.Series:
        """The case ids of batch rows `case` (for the few rows a caseload answer keeps)."""
        rows = np.asarray(case, dtype=np.int64)
        return pl.Series("id", self.batch.applicants.id[rows].astype(str), dtype=pl.String)

    def limits_frame(self) -> pl.DataFrame:
        """Every limit that runs, one row per (case, limit): case, name, variant, date,
        member_state, status, legal_basis, consequence_basis (vectorised)."""
        from migralex.rules.case_state_answer import limits_frame

        return limits_frame(self)


def _ms(codes: np.ndarray) -> np.ndarray:
    return codes.astype(np.int8)


def _responsibility(f: Facts, lim: dict[str, Limit], acc: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    """Who is responsible (or determining) on `as_of`, why, and the event that made it so."""
    ch, n = f.ch, f.n
    resp, why, by = _ms(f.reg_ms.copy()), np.zeros(n, np.int8), np.full(n, -1, np.int64)

    def put(mask: np.ndarray, who: np.ndarray, key: str, event: np.ndarray | None = None) -> None:
        resp[mask], why[mask] = who[mask], WHY_KEYS.index(key)
        by[mask] = -1 if event is None else event[mask]

    carried = lim["relocation_transfer"]  # Art. 68(2)-(3): once relocated, not on confirmation
    relocated = (carried.variant >= 0) & ~np.isnat(carried.met)
    put(relocated, ch.to("relocation_information"), "relocation", carried.met_by)
    take_back = lim["take_back_confirmation"].variant >= 0
    put(take_back, ch.to("notification"), "take_back", ch.index("notification"))
    how, ask_to = acc["how"], ch.to("ask")
    for key, code, tb_key in (
        ("accepted", HOW.index("accepted"), "confirmed"),
        ("re_examination", HOW.index("re_examination"), "confirmed"),
        ("silence", HOW.index("silence"), "confirmed_by_silence"),
    ):
        put((how == code) & ~take_back, ask_to, key, acc["event"])
        put((how == code) & take_back, ask_to, tb_key, acc["event"])
    put((how == HOW.index("rejected")) & ~take_back, f.reg_ms, "rejected", ch.index("reply"))
    put((how == HOW.index("rejected")) & take_back, ch.by("ask"), "not_responsible", ch.index("reply"))
    request_lapsed = lim["take_charge_request"].lapsed_unmet(f.as_of) & ~acc["uam_late"]
    # AMMR Art. 45(2), Dublin III Art. 28(3): the reply period of a detained person
    detained = detained_reply_runs(lim["take_charge_reply"], ~take_back)
    detained |= detained_reply_runs(lim["take_back_confirmation"], take_back)
    put(detained & (how == HOW.index("silence")), ask_to, "silence_detained", acc["event"])
    put(request_lapsed, f.reg_ms, "request_lapsed")
    put(acc["take_back_lapsed"], f.reg_ms, "take_back_lapsed")  # Dublin III Art. 23(3)
    border = lim["cessation_border_procedure"]
    ceased_border = border.lapsed_unmet(f.as_of)
    put(ceased_border, np.full(n, -1, np.int8), "ceased_border", ch.index("border_final"))
    tr = lim["transfer"]
    done = (tr.variant >= 0) & ~np.isnat(tr.met) & (tr.met <= tr.date)
    put(done, ask_to, "transferred", tr.met_by)
    transfer_lapsed = tr.lapsed_unmet(f.as_of)
    put(transfer_lapsed, ch.by("ask"), "transfer_lapsed")
    ceased = lim["cessation_absence"].lapsed_unmet(f.as_of)
    put(ceased, np.full(n, -1, np.int8), "ceased", ch.index("left_territory"))
    return resp, why, by, request_lapsed, transfer_lapsed


def _shifts(
    f: Facts,
    lim: dict[str, Limit],
    request_lapsed: np.ndarray,
    transfer_lapsed: np.ndarray,
    back_lapsed: np.ndarray,
) -> list[dict[str, np.ndarray]]:
    """The changes of responsibility a lapsed limit caused (`SHIFT_KEYS`): from, to, the day after
    the last day (`back_lapsed`: Dublin III Art. 23(3), `take_back_lapsed`)."""
    ch, one = f.ch, np.timedelta64(1, "D")
    candidate = np.where(ch["request"] >= 0, ch.to("request"), ch.to("hit_tc"))
    tcr, tr, tbn = lim["take_charge_request"], lim["transfer"], lim["take_back_notification"]
    first = request_lapsed & (candidate >= 0) & (candidate != f.reg_ms)
    back_from = np.where(ch["notification"] >= 0, ch.to("notification"), ch.to("hit_tb"))
    back = back_lapsed & (back_from >= 0) & (back_from != f.reg_ms)
    return [
        {"mask": first, "date": tcr.date + one, "from": candidate, "to": f.reg_ms, "limit": np.full(f.n, 0)},
        {
            "mask": transfer_lapsed,
            "date": tr.date + one,
            "from": ch.to("ask"),
            "to": ch.by("ask"),
            "limit": np.full(f.n, 1),
        },
        {"mask": back, "date": tbn.date + one, "from": back_from, "to": f.reg_ms, "limit": np.full(f.n, 2)},
    ]


def relocation_transfer(
    f: Facts, since: np.ndarray, event: np.ndarray, ms: np.ndarray, rows: dict[str, np.ndarray]
) -> Limit:
    """AMMR Art. 67(11): four weeks from the confirmation of the relocation or from the final
    decision on a suspensive appeal (Art. 46(1), third subparagraph)."""
    ev = f.ev
    lim = Limit("relocation_transfer", ("default",), f.n)
    lodged, decided = rows["appeal"] >= 0, rows["appeal_decided"] >= 0
    decided_on = at(ev.date, rows["appeal_decided"], NAT)
    start = np.where(lodged & decided, decided_on, since)
    event = np.where(lodged & decided, at(ev.index.astype(np.int64), rows["appeal_decided"], -1), event)
    lim.open(f.p, "default", ~np.isnat(start), start, event, ms)
    lim.suspended |= lodged & ~decided
    lim.meet(ev, rows["carried"])
    return lim


def _chains(f: Facts) -> tuple[dict[str, Limit], dict[str, np.ndarray]]:
    """All limits of the batch and, per case, the acceptance (or confirmation) they led to."""
    ch = f.ch
    lim = {
        "take_charge_request": take_charge_request(f),
        # AMMR Art. 45(2); Dublin III Art. 28(3)
        "take_charge_reply": reply_detained_dublin3(f, detained_reply(f, take_charge_reply(f)), "request"),
        "take_back_notification": take_back_notification(f),
        "take_back_confirmation": reply_detained_dublin3(f, take_back_confirmation(f), "notification"),
    }
    charge = acceptance(f, lim["take_charge_reply"])
    back = acceptance(f, lim["take_back_confirmation"])
    is_back = lim["take_back_confirmation"].variant >= 0
    day, event, how = (np.where(is_back, b, c) for c, b in zip(charge, back, strict=True))
    late_request = lim["take_charge_request"].lapsed_unmet(f.as_of) & (ch["request"] >= 0)
    uam_late = late_request & f.batch.applicants.unaccompanied  # Art. 39(1), fourth subparagraph
    late_request &= ~uam_late
    back_lapsed = take_back_lapsed(f, lim["take_back_notification"])  # Dublin III Art. 23(3)
    late_request |= back_lapsed & is_back
    day, how = np.where(late_request, NAT, day), np.where(late_request, 0, how)
    ask_by, ask_to = ch.by("ask"), ch.to("ask")
    rows = find_transfer_events(ch, "ask", ask_to, day)
    lim["transfer_decision"] = transfer_decision(f, "transfer_decision", day, event, ask_by, rows["decision"])
    lim["transfer"] = transfer(f, day, event, ask_by, rows)
    for name in ("transfer_decision", "transfer"):
        name_take_back(lim[name], is_back)
    lim["relocation_confirmation"], conf, conf_event = relocation_confirmation(f)
    r_by, r_to = ch.by("relocation_information"), ch.to("relocation_information")
    r_rows = find_transfer_events(ch, "relocation", r_to, conf)
    lim["relocation_transfer_decision"] = transfer_decision(
        f, "relocation_transfer_decision", conf, conf_event, r_by, r_rows["decision"]
    )
    lim["relocation_transfer"] = relocation_transfer(f, conf, conf_event, r_by, r_rows)
    lim["cessation_absence"] = cessation_absence(f)
    lim["suspension_decision"] = suspension_decision(f, rows, ask_by)
    lim["appeal_decision_target"] = appeal_decision_target(f, rows, ask_by)
    lim["transfer_detained"] = transfer_detained(f, day, event, ask_by, rows)
    tcr = lim["take_charge_request"]  # AMMR Art. 45(1); Dublin III Art. 28(3)
    lim["request_detained"] = request_detained_dublin3(f, request_detained(f, tcr), tcr)
    reply_outcome = at(f.ev.outcome, ch["reply"], -1)
    lim["cessation_border_procedure"] = cessation_border_procedure(f, lim["transfer"], reply_outcome)
    lim["voluntary_departure"] = voluntary_departure(f)  # after a return decision (APR Art. 37)
    acc = {"day": day, "event": event, "how": how, "relocation": conf, "relocation_event": conf_event}
    acc["uam_late"], acc["take_back_lapsed"] = uam_late, back_lapsed
    return {k: lim[k] for k in ORDER}, acc


def _as_of(as_of: dt.date | str | np.datetime64) -> np.datetime64:
    """The day asked for, as `datetime64[D]` (an ISO string, a date or a datetime64)."""
    if isinstance(as_of, np.datetime64):
        return as_of.astype("datetime64[D]")
    try:
        day = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    except ValueError:
        raise InvalidInput("as_of", f"not an ISO 8601 date (YYYY-MM-DD): {as_of!r}") from None
    return np.datetime64(day, "D")


def case_timeline(
    cases: CaseBatch | Case | Mapping[str, Any] | Sequence[Case | Mapping[str, Any]],
    as_of: dt.date | str | np.datetime64,
    events: EventTable | None = None,
    params: ParameterSet | None = None,
    crisis: CrisisLike = False,
    regime: str | None = None,
    elsewhere: np.ndarray | None = None,
    appeal_period: NationalPeriods = None,
) -> Timeline:
    """The limits and responsibility of each case on `as_of` (AMMR Arts 37-46, Art. 67(9)-(11)).
    `events` is needed with a `CaseBatch` (cases given as models or dicts carry their own);
    `crisis`: the CFMR Art. 12 derogation - True (every Member State concerned is authorised), a
    bool per case, or the authorisations per Member State and period (`migralex.rules.crisis`:
    `Derogation`, or `{member_state, from, to, decision}`); `elsewhere`: per case, the engine
    found another Member State responsible (opens the take charge request limit without events);
    `appeal_period`: the national periods to lodge a remedy, `{"DE": 14}` or `["DE:14"]` (AMMR Art.
    43(2); `migralex.rules.remedy_period` - without them the law's window of one to three weeks)."""
    batch, events = _batch_and_events(cases, events)
    day = _as_of(as_of)
    ev = events.upto(day)
    n = batch.n
    p = params or shipped_params()
    f = Facts(
        batch,
        ev,
        find_events(ev, n),
        p,
        regime_of(batch, forced_regime(regime)),
        Crisis.of(crisis, n, p),
        day,
        elsewhere,
    )
    lim, acc = _chains(f)
    lim["appeal_period"] = remedy_period(f, national_periods(appeal_period, p))  # AMMR Art. 43(2)
    resp, why, by, request_lapsed, transfer_lapsed = _responsibility(f, lim, acc)
    shifts = _shifts(f, lim, request_lapsed, transfer_lapsed, acc["take_back_lapsed"])
    return Timeline(
        batch, ev, day, f.regime, lim, resp, why, by, shifts, f.p, acc["uam_late"], urgent_not_warranted(f)
    )


def _batch_and_events(
    cases: CaseBatch | Case | Mapping[str, Any] | Sequence[Case | Mapping[str, Any]],
    events: EventTable | None,
) -> tuple[CaseBatch, EventTable]:
    from migralex.cases.format import parse_case

    if isinstance(cases, CaseBatch):
        if events is None:
            raise InvalidInput("events", "a CaseBatch needs its EventTable (the events of its cases)")
        return cases, events
    items = [cases] if isinstance(cases, (Case, Mapping)) else list(cases)
    models = [c if isinstance(c, Case) else parse_case(dict(c)) for c in items]
    return CaseBatch.from_cases(models), events if events is not None else EventTable.from_cases(models)


def caseload_status(tl: Timeline, days: int = 30) -> dict[str, pl.DataFrame]:
    """What is due in the next `days` days (running limits ending from `as_of` to `as_of + days`),
    which limits lapsed, and which cases changed responsibility (on or before `as_of`); each row
    with the case `id`."""
    frame = tl.limits_frame()
    first, last = tl.as_of.astype(dt.date), (tl.as_of + np.timedelta64(days, "D")).astype(dt.date)
    due = frame.filter((pl.col("status") == "running") & pl.col("date").is_between(first, last))
    lapsed = frame.filter(pl.col("status") == "lapsed")
    out = {}
    for key, part in (("due", due), ("lapsed", lapsed)):
        part = part.sort(["date", "case"])
        out[key] = part.select(tl.ids_of(part["case"]), pl.exclude("case"))
    out["shifted"] = shifts_frame(tl)
    return out


def shifts_frame(tl: Timeline) -> pl.DataFrame:
    """The changes of responsibility on or before `as_of`: id, date, from, to, legal_basis."""
    parts = []
    names = np.array(C.MEMBER_STATES, dtype=object)
    d3 = tl.regime == DUBLIN_III
    for k, s in enumerate(tl.shifts):
        key = SHIFT_KEYS[k]
        rows = np.flatnonzero(s["mask"] & (s["date"] <= tl.as_of))
        parts.append(
            pl.DataFrame(
                {
                    "id": tl.ids_of(rows),
                    "date": pl.Series(s["date"][rows], dtype=pl.Date),
                    "from": names[s["from"][rows]].astype(str),
                    "to": names[s["to"][rows]].astype(str),
                    "legal_basis": np.where(d3[rows], WHY[key][1], WHY[key][0]).astype(str),
                },
                schema={
                    "id": pl.String,
                    "date": pl.Date,
                    "from": pl.String,
                    "to": pl.String,
                    "legal_basis": pl.String,
                },
            )
        )
    return pl.concat(parts).sort(["date", "id"])


def case_state(
    cases: Case | Mapping[str, Any] | Sequence[Case | Mapping[str, Any]],
    as_of: dt.date | str | np.datetime64,
    params: ParameterSet | None = None,
    crisis: CrisisLike = False,
    regime: str | None = None,
    appeal_period: NationalPeriods = None,
) -> list[dict[str, Any]]:
    """The state of each case on `as_of`: the timeline's answer plus the Member State the criteria
    designate (AMMR Part III / Dublin III, `decide_responsibility`), which also opens the take charge
    request limit where the criteria point elsewhere and no event has yet (AMMR Art. 39(1))."""
    from migralex.rules.responsibility.hierarchy import decide_responsibility

    batch, events = _batch_and_events(cases, None)
    p = params or shipped_params()
    resp = decide_responsibility(batch, p, regime=forced_regime(regime))
    security = resp.criteria() == "security"  # AMMR Art. 16(4): Art. 39 does not apply
    elsewhere = (resp.member_state >= 0) & (resp.member_state != batch.applicants.reg_ms) & ~security
    tl = case_timeline(batch, as_of, events, p, crisis, regime, elsewhere & (resp.regime < 2), appeal_period)
    out = []
    for i in range(batch.n):
        tl.check(i)
        answer = tl.answer(i)
        criteria = resp.answer(i)
        answer["determined_member_state"] = criteria["responsible_member_state"]
        answer["determined_legal_basis"] = criteria["legal_basis"]
        out.append(answer)
    return out


__all__ = ["STATUSES", "Timeline", "case_state", "case_timeline", "caseload_status", "shifts_frame"]
