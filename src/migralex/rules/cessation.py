"""Cessation after a final rejection in the border procedure, on the case timeline (AMMR Art. 37(2)-(3)).

Art. 37(2): "Following an examination of an application in the border procedure ..., the
obligations laid down in Article 36(1) of this Regulation shall cease 15 months after a decision
rejecting an application ... or a decision declaring an application as implicitly or explicitly
withdrawn has become final" - the `border_rejection_final` event (`by`: the Member State that
examined it) opens `cessation_border_procedure`, variant `default`.

Art. 37(3): "where the person applies for international protection in another Member State within
the period of 15 months ... and a take back procedure is pending at the date of expiration of that
period of 15 months, responsibility shall not cease until that take back procedure is completed or
the time limits for the transferring Member State to carry out the transfer in accordance with
Article 46 have expired" - a take back notification to that Member State made within the 15
months and not completed when they end (no transfer carried out, no rejection, the transfer limit
still running) gives the variant `take_back_pending`: its date is the last day of the transfer
limit (none, and `suspended`, while the notification awaits confirmation); a rejection completes
the procedure on its day; a transfer carried out in time ends the limit (`ended`: the take back
was completed by the transfer). A notification after the 15 months does not revive the obligations
(Art. 37(2), second subparagraph: the application "shall be regarded as a new application").
"""

from __future__ import annotations

import numpy as np

from migralex.cases.events import OUTCOMES
from migralex.rules.timeline import AMMR, NAT, Facts, Limit, acting

_REJECTED = OUTCOMES.index("rejected")


def cessation_border_procedure(f: Facts, transfer: Limit, reply_outcome: np.ndarray) -> Limit:
    """AMMR Art. 37(2): 15 months from the final rejection in the border procedure; Art. 37(3):
    until a take back procedure pending at their end is completed or its transfer limit expires.
    `transfer` is the case's transfer limit; `reply_outcome` the outcome code of its reply (-1)."""
    ch = f.ch
    lim = Limit("cessation_border_procedure", ("default", "take_back_pending"), f.n)
    final = (ch["border_final"] >= 0) & (f.regime == AMMR)
    ms = acting(ch.by("border_final"), f.reg_ms)
    lim.open(f.p, "default", final, ch.date("border_final"), ch.index("border_final"), ms)
    end = lim.date.copy()
    notified_on = ch.date("notification")
    within = final & (ch.to("notification") == ms) & (notified_on >= lim.start) & (notified_on <= end)
    carried = np.where(transfer.variant >= 0, transfer.met, NAT)
    replied = ch.date("reply")
    rejected = within & (reply_outcome == _REJECTED) & (replied <= end)
    done_by_end = (~np.isnat(carried) & (carried <= end)) | rejected
    expired = (transfer.variant >= 0) & ~np.isnat(transfer.date) & (transfer.date < end)
    pending = within & ~done_by_end & ~expired
    lim.open(f.p, "take_back_pending", pending, lim.start.copy(), lim.start_event.copy(), ms)
    later_rejection = pending & (reply_outcome == _REJECTED) & ~np.isnat(replied)
    date = np.where(transfer.variant >= 0, transfer.date, NAT)
    date = np.where(later_rejection, replied, date)
    lim.date[pending] = date[pending]
    lim.suspended |= pending & np.isnat(lim.date)
    lim.ended |= pending & ~np.isnat(carried) & (np.isnat(transfer.date) | (carried <= transfer.date))
    return lim
