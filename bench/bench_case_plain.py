"""The AMMR hierarchy written case at a time in plain Python (benchmark baseline and oracle).

Same readings as the engine (`migralex.rules.responsibility`): Arts 16(4), 25(2)/(3)/(5) with the
best-interests choice (25(4)), 26, 27, 29 (lapsed documents per the shipped reading; 29(3) order),
30, 31 (common visa list), 32, 33 (the earliest entry within its window; disembarkation before
crossing; relocation), 16(2); windows by the Art. 75 calculus with each Member State's holidays.
Art. 28 needs the other family members' cases and is left out: cases the engine decides by
Art. 28 are not compared.
Input: plain dicts (dates as `datetime.date`) built by `to_plain_cases`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import numpy as np

from migralex.cases import codes as C
from migralex.cases.batch import CaseBatch
from migralex.law.params import ParameterSet
from migralex.law.timelimits import holiday_calendar

SPOUSE, PARTNER, CHILD, PARENT, RESPONSIBLE, SIBLING, AUNT_UNCLE, GRANDPARENT = range(8)
BIP, LTR, NATURALISED, APPLICANT, LEGAL, IRREGULAR = range(6)
IRREGULAR_CROSSING, SAR, VISA_WAIVED = range(3)
AIRPORT = C.PLACES.index("airport_transit_area")
IRELAND = C.MS_INDEX["IE"]


def to_plain_cases(batch: CaseBatch) -> list[dict[str, Any]]:
    """Plain dicts per case (codes as ints, dates as `datetime.date`), built column-wise."""
    a = batch.applicants

    def dates(arr: np.ndarray) -> list[Any]:
        return arr.astype("datetime64[D]").astype(object).tolist()

    cases = [
        {
            "reg_ms": int(ms),
            "reg_date": rd,
            "place": int(pl),
            "dob": dob,
            "unaccompanied": bool(u),
            "age_uncertain": bool(au),
            "security_threat": bool(st),
            "relocated_to": int(rt),
            "relocation_determined": bool(det),
            "family": [],
            "documents": [],
            "diplomas": [],
            "entries": [],
        }
        for ms, rd, pl, dob, u, au, st, rt, det in zip(
            a.reg_ms.tolist(),
            dates(a.reg_date),
            a.place.tolist(),
            dates(a.dob),
            a.unaccompanied.tolist(),
            a.age_uncertain.tolist(),
            a.security_threat.tolist(),
            a.relocated_to.tolist(),
            a.relocation_determined.tolist(),
            strict=True,
        )
    ]
    f = batch.family
    for row in zip(
        f.case.tolist(), f.relation.tolist(), f.ms.tolist(), f.status.tolist(),
        f.existed_before_arrival.tolist(), f.consent_in_writing.tolist(), f.first_decision_taken.tolist(),
        f.can_take_care.tolist(), dates(f.dob),
        strict=True,
    ):  # fmt: skip
        cases[row[0]]["family"].append(row[1:])
    d = batch.documents
    for row in zip(
        d.case.tolist(), d.kind.tolist(), d.ms.tolist(), d.visa_type.tolist(), d.on_behalf_of.tolist(),
        dates(d.valid_from), dates(d.valid_until), dates(d.ended_early_on), d.fraud_after_issuance.tolist(),
        strict=True,
    ):  # fmt: skip
        cases[row[0]]["documents"].append(row[1:])
    g = batch.diplomas
    for row in zip(g.case.tolist(), g.ms.tolist(), dates(g.issued_on), g.study_months.tolist(), strict=True):
        cases[row[0]]["diplomas"].append(row[1:])
    e = batch.entries
    for row in zip(e.case.tolist(), e.kind.tolist(), e.ms.tolist(), dates(e.date), strict=True):
        cases[row[0]]["entries"].append(row[1:])
    return cases


class Calculus:
    """Art. 75 for one date at a time: same date n months later (clamped), next working day."""

    def __init__(self) -> None:
        self.holidays = {
            code: set(holiday_calendar(ms, 1999, 2082).astype(object).tolist())
            for code, ms in enumerate(C.MEMBER_STATES)
        }

    def add_months(self, d: dt.date, months: int) -> dt.date:
        y, m = divmod(d.month - 1 + months, 12)
        year, month = d.year + y, m + 1
        return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))

    def end(self, start: dt.date, months: int, ms: int) -> dt.date:
        d = self.add_months(start, months)
        hol = self.holidays[ms]
        while d.weekday() >= 5 or d in hol:
            d += dt.timedelta(days=1)
        return d


def age(dob: dt.date, on: dt.date) -> int:
    """Completed years (a 29 February birthday counts on 1 March, as `law.dates.age_on`)."""
    had = (on.month, on.day) >= (dob.month, dob.day)
    return on.year - dob.year - (0 if had else 1)


def kinship(c: dict[str, Any], reg: dt.date) -> tuple[bool, bool, Any, Any]:
    """Whether the applicant is a minor and married, with the tests `member_kind(f)` (a family member
    of Art. 2(8)) and `relative_minor(f)` for a family entry `f`."""
    dob = c["dob"]
    years = age(dob, reg) if dob is not None else -1
    minor = (0 <= years < 18) or (c["unaccompanied"] and (years < 0 or c["age_uncertain"]))
    married = any(f[0] == SPOUSE for f in c["family"])

    def relative_minor(f: tuple[Any, ...]) -> bool:
        if f[7] is None:
            return f[0] == CHILD
        return age(f[7], reg) < 18

    def member_kind(f: tuple[Any, ...]) -> bool:
        rel = f[0]
        if rel in (SPOUSE, PARTNER):
            return True
        if rel == CHILD:
            return relative_minor(f)
        return rel in (PARENT, RESPONSIBLE) and minor and not married

    return minor, married, member_kind, relative_minor


def one_state(states: set[int], key: str) -> tuple[int, str] | None:
    """The one Member State of `states` with `key`; -1 when several (a person decides); None if none."""
    if len(states) == 1:
        return states.pop(), key
    if states:
        return -1, key
    return None


def family_member_state(c: dict[str, Any], member_kind: Any) -> tuple[int, str] | None:
    """Art. 26 (a family member with protection, consenting), then Art. 27 (an applicant)."""
    protected = set()
    for f in c["family"]:
        rel, ms, status, existed, consent = f[0], f[1], f[2], f[3], f[4]
        kind = member_kind(f)
        after_arrival_child = rel in (PARENT, RESPONSIBLE) and kind and not existed
        if status in (BIP, LTR, NATURALISED) and ((kind and existed) or after_arrival_child) and consent:
            protected.add(ms)
    found = one_state(protected, "protection_family")
    if found is not None:
        return found
    applicants = {
        f[1] for f in c["family"] if f[2] == APPLICANT and not f[5] and member_kind(f) and f[3] and f[4]
    }
    return one_state(applicants, "applicant_family")


def visa_waiver(c: dict[str, Any], reg: dt.date, rms: int) -> tuple[int, str] | None:
    """Art. 31: the first visa-waived entry's Member State (the registering one if Ireland or another)."""
    waived = [e for e in c["entries"] if e[0] == VISA_WAIVED and e[2] <= reg]
    if not waived:
        return None
    first = min(waived, key=lambda e: e[2])
    if first[1] == rms or rms == IRELAND:
        return first[1], "visa_waiver"
    return rms, "visa_waiver"


class PlainHierarchy:
    """The hierarchy for one case at a time (AMMR, shipped readings)."""

    def __init__(self, params: ParameterSet) -> None:
        def months(name: str) -> int:
            p = params[name]
            v = int(p.values[-1].value)
            return v * 12 if p.unit == "years" else v

        self.res_window = months("ammr.criteria.residence_document_lapse_window")
        self.visa_window = months("ammr.criteria.visa_lapse_window")
        self.diploma_window = months("ammr.criteria.diploma_window")
        self.pooled = params.value("ammr.reading.lapsed_documents", "2026-07-01") == "pooled"
        self.crossing = months("ammr.criteria.irregular_entry_cessation")
        self.sar = months("ammr.criteria.sar_disembarkation_cessation")
        per_year = {"nine": 9, "twelve": 12}[
            str(params["ammr.reading.academic_year_months"].values[-1].value)
        ]
        self.min_study = int(params["ammr.diploma_minimum_study"].values[-1].value) * per_year
        self.cal = Calculus()

    def decide(self, c: dict[str, Any]) -> tuple[int, str]:
        """(Member State code or -1 when a person decides, criterion key)."""
        reg, rms = c["reg_date"], c["reg_ms"]
        relocated = c["relocated_to"] >= 0
        if relocated and c["relocation_determined"]:  # AMMR Art. 68(3)
            return c["relocated_to"], "relocation_transfer"
        if c["security_threat"]:
            return rms, "security"
        minor, married, member_kind, relative_minor = kinship(c, reg)
        if c["unaccompanied"] and minor:
            return self._minor(c, rms, member_kind, relative_minor, married)
        family = family_member_state(c, member_kind)
        if family is not None:
            return family
        # AMMR Art. 68(2): once relocated but not yet determined, not Arts 29, 30 and 33(1)-(2)
        return self._without_family(c, reg, rms, relocated)

    def _without_family(self, c: dict[str, Any], reg: dt.date, rms: int, after: bool) -> tuple[int, str]:
        """Arts 29 (documents), 30 (diplomas), 31 (visa waiver), 32 (airport), 33 (entry), 16(2)."""
        doc = None if after else self._documents(c, reg, rms)  # 68(2): not Art. 29
        if doc is not None:
            return doc, "documents"
        dip = None if after else self._diplomas(c, reg, rms)  # 68(2): not Art. 30
        if dip is not None:
            return dip, "diplomas"
        waived = visa_waiver(c, reg, rms)
        if waived is not None:
            return waived
        if c["place"] == AIRPORT:
            return rms, "airport"
        return self._entry(c, reg, rms)

    def _entry(self, c: dict[str, Any], reg: dt.date, rms: int) -> tuple[int, str]:
        """Art. 33: the earliest entry within its window (relocation: 33(3)), else 16(2) default."""
        relocated = c["relocated_to"] >= 0
        crossed = any(e[0] in (SAR, IRREGULAR_CROSSING) and e[2] <= reg for e in c["entries"])
        if relocated and crossed:  # Art. 33(3)
            return c["relocated_to"], "entry"
        if relocated:  # 68(2): not Art. 33(1)-(2); no criterion: the Member State of relocation
            return c["relocated_to"], "default"
        for kind, window in ((SAR, self.sar), (IRREGULAR_CROSSING, self.crossing)):
            alive = [
                e
                for e in c["entries"]
                if e[0] == kind and e[2] <= reg and reg <= self.cal.end(e[2], window, rms)
            ]
            if alive:
                return min(alive, key=lambda e: e[2])[1], "entry"
        return rms, "default"

    def _minor(
        self, c: dict[str, Any], rms: int, member_kind: Any, relative_minor: Any, married: bool
    ) -> tuple[int, str]:
        fam = c["family"]
        spouse_legal = any(f[0] == SPOUSE and f[2] != IRREGULAR for f in fam)
        states = set()
        for f in fam:
            rel, ms, status, existed = f[0], f[1], f[2], f[3]
            legal = status != IRREGULAR
            first = legal and ((member_kind(f) and existed) or rel == SIBLING)
            second = legal and rel in (PARENT, RESPONSIBLE, SIBLING) and married and not spouse_legal
            if first or second:
                states.add(ms)
        if len(states) == 1:
            return states.pop(), "uam_family"
        if states:
            return -1, "uam_family"
        relatives = {
            f[1]
            for f in fam
            if f[0] in (AUNT_UNCLE, GRANDPARENT) and not relative_minor(f) and f[2] != IRREGULAR and f[6]
        }
        if len(relatives) > 1:
            return -1, "uam_relative"
        if len(relatives) == 1 and rms not in relatives:
            return relatives.pop(), "uam_relative"
        if c["relocated_to"] >= 0:  # 68(2): not Art. 25(5); the Member State of relocation
            return c["relocated_to"], "default"
        return rms, "uam_none"

    def _documents(self, c: dict[str, Any], reg: dt.date, rms: int) -> int | None:
        ranked = []
        for kind, ms, visa_type, behalf, start, until, ended, fraud in c["documents"]:
            if start > reg or fraud:
                continue
            valid = until >= reg and (ended is None or ended > reg)
            lapse = until if ended is None else min(until, ended)
            window = self.visa_window if kind == 1 else self.res_window
            if not valid and not reg < self.cal.end(lapse, window, rms):
                continue
            designated = behalf if kind == 1 and behalf >= 0 else ms
            tier = 0 if valid or self.pooled else 1  # Art. 29(4) reading: pooled or valid first
            ranked.append((tier, kind, visa_type, (until - start).days, until, designated))
        if not ranked:
            return None
        tier = min(r[0] for r in ranked)
        ranked = [r for r in ranked if r[0] == tier]
        if any(r[1] == 0 for r in ranked):
            pool = [r for r in ranked if r[1] == 0]
            key = lambda r: (-r[3], -r[4].toordinal())  # noqa: E731
        else:
            pool = ranked
            mixed = len({r[2] for r in pool}) > 1
            key = (lambda r: (-r[3], -r[4].toordinal())) if mixed else (lambda r: -r[4].toordinal())
        best = min(key(r) for r in pool)
        winners = {r[5] for r in pool if key(r) == best}
        return winners.pop() if len(winners) == 1 else -1

    def _diplomas(self, c: dict[str, Any], reg: dt.date, rms: int) -> int | None:
        ok = [
            (ms, issued, months)
            for ms, issued, months in c["diplomas"]
            if issued <= reg
            and months >= self.min_study
            and reg < self.cal.end(issued, self.diploma_window, rms)
        ]
        if not ok:
            return None
        best = max((m, i) for _, i, m in ok)
        winners = {ms for ms, i, m in ok if (m, i) == best}
        return winners.pop() if len(winners) == 1 else -1
