"""The end of the screening and the referral (SR Art. 18, Art. 5(3))."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from migralex.law import ParameterSet
from migralex.screening.model import OUTCOME_BASIS, Outcome, Reason


def referral(
    reason: Reason,
    form: Mapping[str, Any],
    *,
    relocation: bool,
    entry_conditions_met: bool,
    on: dt.date,
    ps: ParameterSet,
) -> tuple[Outcome, str]:
    """Art. 18: where the person is referred, with the article (an application first, Art. 18(2))."""
    if entry_conditions_met:
        return Outcome.entry_authorised, OUTCOME_BASIS[Outcome.entry_authorised]
    if relocation:
        return Outcome.relocation, OUTCOME_BASIS[Outcome.relocation]
    if form.get("applied_for_protection"):
        return Outcome.asylum_procedure, OUTCOME_BASIS[Outcome.asylum_procedure]
    if reason is Reason.territory:
        return Outcome.return_procedure, "SR Art. 18(4)"
    when = max(on, ps["sr.referral_without_application"].values[0].start)
    choice = Outcome(str(ps.value("sr.referral_without_application", when)))
    return choice, OUTCOME_BASIS[choice]
