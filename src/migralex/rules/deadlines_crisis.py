"""CFMR Art. 12 per Member State for the deadlines without events (`migralex.rules.deadlines`).

The derogation is the authorised Member State's, for the limits it must meet (CFMR Art. 12(1): "a
Member State facing such a situation"; `migralex.rules.crisis`). Without events the limits are not
dated from a request or an acceptance, so the days a limit can run are bounded by the ordinary
periods counted from the registration: the request from the registration to its ordinary last day
(AMMR Art. 39(1), two months), the reply from the registration to the latest last day of the reply
(Art. 40(1): one month after the last day for the request), the transfer from the registration to
its latest last day (Art. 46(1): six months after that). A limit takes its `crisis` variant where
the Member State that must act - the Member State of registration for the request and the transfer
(the requesting and transferring State), the requested Member State (the one the criteria name) for
the reply - is authorised on a day of that window (reading `cfmr.reading.derogation_day` as for the
timeline: `start` checks the registration day only). Where only the Member State responsible
(the requested State, which receives) is authorised on a day of the transfer's window, the transfer
takes the one year of CFMR Art. 12(4) (variant `crisis_responsible`, as on the case timeline): "If
the transfer does not take place within one year ... by way of derogation from Article 46(1)". The
take back notification is made by the
Member State where the person is later found, not known without events: it keeps the AMMR period
unless the old switch (`crisis=True`, every Member State concerned) is on. With the old switch, or
without authorisations, every limit follows the case's crisis flag as before.
"""

from __future__ import annotations

import numpy as np

from migralex.law.deadlines import catalogue
from migralex.law.params import ParameterSet
from migralex.rules.crisis import Crisis
from migralex.rules.timeline import period_end

#: The limits of `migralex.rules.deadlines` with a CFMR Art. 12 variant (`transfer_responsible`:
#: the Member State responsible, which receives, is authorised - CFMR Art. 12(4)).
ART12_LIMITS = ("request", "reply", "transfer", "take_back", "transfer_responsible")


def art12_masks(
    crisis: Crisis,
    reg: np.ndarray,
    reg_ms: np.ndarray,
    requested: np.ndarray,
    p: ParameterSet,
) -> dict[str, np.ndarray]:
    """Per limit of `ART12_LIMITS`, per case: may the Member State that must act derogate (CFMR Art.
    12(1)) on a day the limit can run (see the module docstring)."""
    cat = catalogue()
    reg_ms64, requested64 = reg_ms.astype(np.int64), requested.astype(np.int64)
    request_end = period_end(p, cat["take_charge_request"].variant("default"), reg, reg_ms64)
    reply_end = period_end(p, cat["take_charge_reply"].variant("default"), request_end, requested64)
    transfer_end = period_end(p, cat["transfer"].variant("default"), reply_end, reg_ms64)
    return {
        "request": crisis.applies(reg_ms, reg, request_end),
        "reply": crisis.applies(requested, reg, reply_end),
        "transfer": crisis.applies(reg_ms, reg, transfer_end),
        "take_back": crisis.everyone.copy(),
        "transfer_responsible": crisis.applies(requested, reg, transfer_end),
    }
