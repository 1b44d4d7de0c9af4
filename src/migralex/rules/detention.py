"""The time limits of a detained person before the transfer (AMMR Art. 45(1)-(2)) on the case timeline.

"By way of derogation from Articles 39 and 41, where a person is detained pursuant to Article 44"
(a `detained` event; `by` the detaining Member State, which must be the one that requests or
notifies, or unset):

- `request_detained` (Art. 45(1)): the take charge request or take back notification is submitted
  within two weeks of the registration (`default`, `take_back`) - or of the Eurodac hit "where no
  new application has been registered in the notifying Member State" (`take_back_after_hit`: the
  case's registration is not in the notifying Member State) - for a person detained from then on
  (placed in detention on or before that day); within one week of the placement in detention for a
  person detained "at a later stage" (`later`, `take_back_later`; measured against the day the two
  weeks run from, or with `ammr.reading.detained_later_reference = registration` against the
  registration as written). It runs only where the person was
  detained before the request or notification was made, and ends (`ended`) when the detention ends
  first. When it passes, "the person shall no longer be detained. Articles 39, 41 and 46 shall
  continue to apply accordingly" (Art. 45(4)): the ordinary limits of Arts 39 and 41 run beside it
  and decide responsibility; this one does not shift it.
- `take_charge_reply`, variant `detained` (Art. 45(2)): "By way of derogation from Article 40(1),
  the requested Member State shall reply as soon as possible, and in any event within one week of
  receipt of the request"; silence for that week is acceptance. It applies where the person was
  detained by the requesting Member State on the day of the request. Readings:
  `ammr.reading.detained_reply_scope` (`every_request`, default: also after a hit and for an urgent
  request; `article_40_1_only`) and `ammr.reading.detained_crisis` (`not_extended`, default: CFMR
  Art. 12(1) names Arts 39, 40, 41 and 46, not Art. 45, so the one and two weeks stand where a
  Member State derogates; `extended`: the CFMR Art. 12(2) periods replace them).

Dublin III Art. 28(3) for the cases under Dublin III: `migralex.rules.detention_dublin3`.
"""

from __future__ import annotations

import numpy as np

from migralex.rules.timeline import AMMR, NAT, Facts, Limit, acting, at


def detained_on(f: Facts, ms: np.ndarray, day: np.ndarray, regime: int = AMMR) -> np.ndarray:
    """Per case under `regime`: detained (AMMR Art. 44; Dublin III Art. 28) by `ms` (or by no Member
    State named) on `day` - placed in detention on or before it and not released before it; where
    `day` is NaT, detained at all."""
    ch = f.ch
    placed, by, released = ch.date("detained"), ch.by("detained"), ch.date("detention_ended")
    on = (ch["detained"] >= 0) & (f.regime == regime) & ((by < 0) | (by == ms))
    undated = np.isnat(day)
    return on & (undated | (placed <= day)) & (undated | np.isnat(released) | (released >= day))


def request_detained(f: Facts, charge_limit: Limit) -> Limit:
    """AMMR Art. 45(1): two weeks from the registration (or the hit), one week from a later
    placement in detention, for the request (`charge_limit` runs) or the notification."""
    ch = f.ch
    keys = ("default", "later", "take_back", "take_back_after_hit", "take_back_later")
    lim = Limit("request_detained", keys, f.n)
    back = (ch["request"] < 0) & ((ch["notification"] >= 0) | (ch["hit_tb"] >= 0))
    charge = (charge_limit.variant >= 0) & ~back
    notifier = acting(ch.by("notification"), ch.by("hit_tb"), f.reg_ms)
    ms = np.where(back, notifier, charge_limit.ms).astype(np.int8)
    new_here = notifier == f.reg_ms  # the notifying Member State registered the (new) application
    reference = np.where(back & ~new_here, ch.date("hit_tb"), f.reg)
    asked = ch.date("ask")
    on = (charge | back) & detained_on(f, ms, asked)
    placed, placed_event = ch.date("detained"), ch.index("detained")
    literal = f.p.reading("ammr.reading.detained_later_reference") == "registration"
    first = placed <= (f.reg if literal else reference)  # else "at a later stage" (one week)
    reg, minus = f.registration()
    hit, hit_event = ch.date("hit_tb"), ch.index("hit_tb")
    lim.open(f.p, "default", on & charge & first, reg, minus, ms)
    lim.open(f.p, "later", on & charge & ~first, placed, placed_event, ms)
    lim.open(f.p, "take_back", on & back & new_here & first, reg, minus, ms)
    lim.open(f.p, "take_back_after_hit", on & back & ~new_here & first, hit, hit_event, ms)
    lim.open(f.p, "take_back_later", on & back & ~first, placed, placed_event, ms)
    if f.p.reading("ammr.reading.detained_crisis") == "extended":
        lim.variant[(lim.variant >= 0) & f.crisis.applies(lim.ms, lim.start, lim.date)] = -1
    end_on_release(f, lim)
    return lim


def end_on_release(f: Facts, lim: Limit) -> None:
    """AMMR Art. 45(1), Dublin III Art. 28(3): the request limit of a detained person ends where the
    detention ended before the request or notification and before the limit; the request meets it."""
    ch = f.ch
    asked, released = ch.date("ask"), ch.date("detention_ended")
    lim.ended |= (
        (lim.variant >= 0)
        & ~np.isnat(released)
        & (np.isnat(asked) | (released < asked))
        & (released <= lim.date)
    )
    lim.meet(f.ev, ch["ask"])


def detained_reply(f: Facts, lim: Limit) -> Limit:
    """AMMR Art. 45(2): the reply to a take charge request for a detained person is due within one
    week of its receipt (silence is acceptance) - the `detained` variant of `take_charge_reply`."""
    ch, ev = f.ch, f.ev
    if "detained" not in lim.variants:
        lim.variants = (*lim.variants, "detained")
    keys = ["default", "after_hit", "urgent"]
    if f.p.reading("ammr.reading.detained_crisis") == "not_extended":
        keys.append("crisis")
    eligible = np.isin(lim.variant, [lim.variants.index(k) for k in keys])
    if f.p.reading("ammr.reading.detained_reply_scope") == "article_40_1_only":
        hit_first = (ch["hit_tc"] >= 0) & (ch.date("hit_tc") <= ch.date("request"))
        eligible &= ~hit_first & ~at(ev.urgent, ch["request"], False)
    sent = ch.date("request")
    on = eligible & (ch["request"] >= 0) & detained_on(f, ch.by("request"), sent)
    if not on.any():
        return lim
    lim.tacit[on] = NAT
    lim.open(f.p, "detained", on, sent, ch.index("request"), lim.ms.copy())
    return lim
