"""AMMR Art. 16(2) (Dublin III Art. 3(2)): no criterion designates → the first Member State of
registration. "Where no Member State can be determined responsible ... on the basis of the
criteria listed in this Regulation, the first Member State in which the application for
international protection was registered shall be responsible."
"""

from __future__ import annotations

from migralex.rules.responsibility.common import Facts, Law
from migralex.rules.trace import APPLIES, Flag, RuleEval

REASONS = ("no criterion designates a Member State: {ms}, where the application was first registered",)


def evaluate(f: Facts, law: Law) -> tuple[RuleEval, list[Flag]]:
    """AMMR Art. 16(2)."""
    rule = RuleEval.empty("default", f.n, (law.cite["default"],), REASONS)
    rule.set(slice(None), APPLIES, 0, ms=f.reg_ms)  # type: ignore[arg-type]
    return rule, []
