"""AMMR Art. 16(4): a threat to internal security makes the checking Member State responsible.

"Where the security check ... shows that there are reasonable grounds to consider that the
applicant poses a threat to internal security, the Member State carrying out the security check
shall be the Member State responsible, and Article 39 of this Regulation shall not apply." The
check comes "before applying the criteria" (unaccompanied minors included). The case format
records the finding (`applicant.security_threat`), not who made it: the engine takes the
Member State of first registration, which carries out the examination under the first
subparagraph. Dublin III has no such rule.
"""

from __future__ import annotations

from migralex.rules.responsibility.common import Facts, Law
from migralex.rules.trace import APPLIES, Flag, RuleEval

REASONS = (
    "no reasonable grounds recorded to consider the applicant a threat to internal security",
    "reasonable grounds to consider the applicant a threat to internal security: {ms_reg}, the first"
    " Member State of registration, which carries out the security check, is responsible (no take"
    " charge request, Art. 39 does not apply)",
)


def evaluate(f: Facts, law: Law) -> tuple[RuleEval, list[Flag]]:
    """AMMR Art. 16(4), third subparagraph."""
    rule = RuleEval.empty("security", f.n, (law.cite["security"],), REASONS)
    threat = f.batch.applicants.security_threat
    rule.set(threat, APPLIES, 1, ms=f.reg_ms)
    return rule, []
