"""AMMR Art. 32 (Dublin III Art. 15): application in the international transit area of an airport.

"Where the application for international protection is made in the international transit area of
an airport of a Member State, that Member State shall be responsible" - read from
`registration.place` = `airport_transit_area` and the Member State of registration.
"""

from __future__ import annotations

from migralex.rules.responsibility.common import PLACE, Facts, Law
from migralex.rules.trace import APPLIES, Flag, RuleEval

REASONS = (
    "the application was not made in the international transit area of an airport",
    "the application was made in the international transit area of an airport of {ms}",
)


def evaluate(f: Facts, law: Law) -> tuple[RuleEval, list[Flag]]:
    """AMMR Art. 32."""
    rule = RuleEval.empty("airport", f.n, (law.cite["airport"],), REASONS)
    rule.set(f.batch.applicants.place == PLACE["airport_transit_area"], APPLIES, 1, ms=f.reg_ms)
    return rule, []
