"""The time limits of a person detained under Dublin III Art. 28 on the case timeline.

For the cases under Dublin III (Regulation (EU) No 604/2013: applications registered before the
AMMR applies, or the regime forced; `migralex.rules.regime`, `timeline.regime_of`), Art. 28(3)
sets shorter limits "where a person is detained pursuant to this Article" (a `detained` event; `by`
the requesting Member State, or unset). Its text is not shipped: the periods are parameters
`dublin3.time_limits.detained_*` (SECONDARY) and the examples' quotes are not checked.

- `request_detained`, variants `dublin3` (take charge) and `dublin3_take_back` (second
  subparagraph): "the period for submitting a take charge or take back request shall not exceed one
  month from the lodging of the application" - from the registration date (the engine's lodging, as
  for Dublin III Art. 21(1)), whenever the person was placed in detention before the request: Dublin
  III has no shorter period for a later detention (contrast AMMR Art. 45(1)). It ends (`ended`) when
  the detention ends before the request and before the limit. A take back request under Art. 24 (no
  new application lodged in the requesting Member State) has no lodging there to run from: reading
  `dublin3.reading.detained_take_back_no_application` (`not_dated`, default: no limit dated;
  `lodging`: one month from the lodging the case records, as written).
- `take_charge_reply` / `take_back_confirmation`, variant `dublin3_detained` (second
  subparagraph): "Such reply shall be given within two weeks of receipt of the request. Failure to
  reply within the two-week period shall be tantamount to accepting the request" - where the person
  was detained by the requesting Member State on the day of the request.
- `transfer_detained`, variants `dublin3` and `dublin3_suspension_ended` (third subparagraph, in
  `migralex.rules.remedies`): six weeks "of the implicit or explicit acceptance ... or of the moment
  when the appeal or review no longer has a suspensive effect in accordance with Article 27(3)".

When the request period or the six weeks pass, "the person shall no longer be detained. Articles
21, 23, 24 and 29 shall continue to apply accordingly" (fourth subparagraph): the ordinary limits run
beside these and decide responsibility; nothing shifts on these. Periods are dated like the other
Dublin III variants of the catalogue (`migralex.rules.periods.end_of_period` with the roll of
Dublin III Art. 42, `periods.roll_of`: by default no roll-forward to the next working day).
"""

from __future__ import annotations

import numpy as np

from migralex.rules.detention import detained_on, end_on_release
from migralex.rules.timeline import DUBLIN_III, NAT, Facts, Limit, acting

#: The variants of the detained reply of each regime (AMMR Art. 45(2); Dublin III Art. 28(3)).
DETAINED_REPLIES = ("detained", "dublin3_detained")


def add_variants(lim: Limit, keys: tuple[str, ...]) -> None:
    """Append the variants `keys` to `lim` where it does not have them yet."""
    lim.variants = (*lim.variants, *(k for k in keys if k not in lim.variants))


def request_detained_dublin3(f: Facts, lim: Limit, charge_limit: Limit) -> Limit:
    """Dublin III Art. 28(3), second subparagraph: one month from the lodging of the application for
    the take charge request (`charge_limit` runs) or the take back request of a detained person."""
    ch = f.ch
    add_variants(lim, ("dublin3", "dublin3_take_back"))
    back = (ch["request"] < 0) & ((ch["notification"] >= 0) | (ch["hit_tb"] >= 0))
    charge = (charge_limit.variant >= 0) & ~back
    notifier = acting(ch.by("notification"), ch.by("hit_tb"), f.reg_ms)
    ms = np.where(back, notifier, charge_limit.ms).astype(np.int8)
    if f.p.reading("dublin3.reading.detained_take_back_no_application") == "not_dated":
        back &= notifier == f.reg_ms  # Art. 24: no application lodged in the requesting State
    on = (charge | back) & detained_on(f, ms, ch.date("ask"), DUBLIN_III)
    if not on.any():
        return lim
    reg, minus = f.registration()
    lim.open(f.p, "dublin3", on & charge, reg, minus, ms)
    lim.open(f.p, "dublin3_take_back", on & back, reg, minus, ms)
    end_on_release(f, lim)
    return lim


def reply_detained_dublin3(f: Facts, lim: Limit, ask: str) -> Limit:
    """Dublin III Art. 28(3), second subparagraph: the reply to the take charge (`ask` = "request")
    or take back request ("notification") of a detained person within two weeks; silence accepts."""
    add_variants(lim, ("dublin3_detained",))
    sent = f.ch.date(ask)
    ordinary = [lim.variants.index(k) for k in ("dublin3", "dublin3_after_hit") if k in lim.variants]
    on = np.isin(lim.variant, ordinary) & detained_on(f, f.ch.by(ask), sent, DUBLIN_III)
    if not on.any():
        return lim
    lim.tacit[on] = NAT
    lim.open(f.p, "dublin3_detained", on, sent, f.ch.index(ask), lim.ms.copy())
    return lim


def detained_reply_runs(lim: Limit, mask: np.ndarray) -> np.ndarray:
    """Per case in `mask`: the reply limit `lim` runs in a detained variant (AMMR Art. 45(2),
    Dublin III Art. 28(3)), so silence is acceptance on those grounds."""
    codes = [lim.variants.index(k) for k in DETAINED_REPLIES if k in lim.variants]
    return mask & np.isin(lim.variant, codes)
