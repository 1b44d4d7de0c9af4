"""The time limits of the remedy and of detention on the case timeline (AMMR Arts 43(3), 45(3)-(4)).

- `suspension_decision` (Art. 43(3)): "Any decision on whether to suspend the implementation of the
  transfer decision shall be taken within one month of the date when the competent court or
  tribunal received that request" - from a `suspension_requested` event, met by the
  `suspension_decided` event (`suspension_granted` / `suspension_refused`). The law states no
  consequence for a late decision; meanwhile the transfer is suspended ("suspending the transfer
  until the decision on the first suspension request is taken", `timeline.suspension`).
- `appeal_decision_target` (Art. 43(3), fourth subparagraph): once suspensive effect is granted
  the court "shall endeavour to decide on the substance ... within one month" - a target.
- `transfer_detained` (Art. 45(3)): a detained person (`detained` event, Art. 44) is transferred
  within five weeks of (a) the acceptance or confirmation, or (b) the day the appeal or review no
  longer has suspensive effect (the suspension refused, or the appeal decided); when it is not,
  "the person shall no longer be detained. Articles 39, 41 and 46 shall continue to apply
  accordingly" (Art. 45(4)): the six months of Art. 46 go on, and responsibility does not shift
  on this limit. It ends (`ended`) when the detention ends before it is met. Under Dublin III, Art.
  28(3), third subparagraph: six weeks (variants `dublin3`, `dublin3_suspension_ended`,
  `migralex.rules.detention_dublin3`).
"""

from __future__ import annotations

import numpy as np

from migralex.rules.timeline import AMMR, DUBLIN_III, NAT, Facts, Limit, acting, at, suspension


def suspension_decision(f: Facts, rows: dict[str, np.ndarray], ms: np.ndarray) -> Limit:
    """AMMR Art. 43(3): the court decides on the request to suspend within one month of receiving it."""
    ev = f.ev
    lim = Limit("suspension_decision", ("default",), f.n)
    asked = (rows["suspension"] >= 0) & (f.regime == AMMR)
    start = np.where(asked, at(ev.date, rows["suspension"], NAT), NAT)
    event = at(ev.index.astype(np.int64), rows["suspension"], -1)
    court = acting(at(ev.by, rows["suspension"], -1), ms)
    lim.open(f.p, "default", asked, start, event, court)
    lim.meet(ev, rows["suspension_decided"])
    return lim


def appeal_decision_target(f: Facts, rows: dict[str, np.ndarray], ms: np.ndarray) -> Limit:
    """AMMR Art. 43(3), fourth subparagraph: the court endeavours to decide on the substance within
    one month of granting suspensive effect."""
    ev = f.ev
    lim = Limit("appeal_decision_target", ("default",), f.n)
    s = suspension(f, rows)
    granted = (rows["suspension_decided"] >= 0) & ~s.refused & (f.regime == AMMR)
    granted &= rows["appeal"] < 0  # an appeal lodged with suspensive effect has no grant to date from
    start = at(ev.date, rows["suspension_decided"], NAT)
    event = at(ev.index.astype(np.int64), rows["suspension_decided"], -1)
    court = acting(at(ev.by, rows["suspension_decided"], -1), ms)
    lim.open(f.p, "default", granted, start, event, court)
    lim.meet(ev, rows["appeal_decided"])
    return lim


def transfer_detained(
    f: Facts, since: np.ndarray, event: np.ndarray, ms: np.ndarray, rows: dict[str, np.ndarray]
) -> Limit:
    """AMMR Art. 45(3): five weeks from (a) the acceptance or confirmation, or (b) the end of the
    suspensive effect (Art. 43(3)), for a person detained; Art. 45(4): else no longer detained.
    Dublin III Art. 28(3), third subparagraph: six weeks from the implicit or explicit acceptance or
    from the moment the appeal or review no longer has suspensive effect (Art. 27(3))."""
    ch = f.ch
    keys = ("default", "suspension_ended", "dublin3", "dublin3_suspension_ended")
    lim = Limit("transfer_detained", keys, f.n)
    s = suspension(f, rows)
    detained = (ch["detained"] >= 0) & np.isin(f.regime, (AMMR, DUBLIN_III)) & ~np.isnat(since)
    later, d3 = ~np.isnat(s.ended_on), f.regime == DUBLIN_III
    lim.open(f.p, "default", detained & ~later & ~d3, since, event, ms)
    lim.open(f.p, "suspension_ended", detained & later & ~d3, s.ended_on, s.ended_event, ms)
    lim.open(f.p, "dublin3", detained & ~later & d3, since, event, ms)
    lim.open(f.p, "dublin3_suspension_ended", detained & later & d3, s.ended_on, s.ended_event, ms)
    lim.suspended |= detained & s.suspended
    lim.ended |= detained & s.annulled
    released = ch.date("detention_ended")
    carried = at(f.ev.date, rows["carried"], NAT)
    lim.ended |= (
        detained & ~np.isnat(released) & (np.isnat(carried) | (released < carried)) & (released <= lim.date)
    )
    lim.meet(f.ev, np.where(detained, rows["carried"], -1))
    return lim
