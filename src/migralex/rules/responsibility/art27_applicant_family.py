"""AMMR Art. 27 (Dublin III Art. 10): a family member who is an applicant.

"Where the applicant has a family member whose application for international protection in a
Member State has not yet been the subject of a first decision regarding the substance, that
Member State shall be responsible ..., provided that the persons concerned have expressed their
desire to that effect in writing."
"""

from __future__ import annotations

from migralex.rules.responsibility.common import STATUS, Facts, Law
from migralex.rules.responsibility.family_criteria import designate, nobody
from migralex.rules.trace import Flag, RuleEval

REASONS = (
    "no family member whose application awaits a first decision on the substance",
    "a family member's application in {ms} has not yet had a first decision on the substance, and the"
    " persons concerned expressed their desire in writing",
    "a family member is an applicant without a first decision on the substance, but the persons"
    " concerned have not expressed their desire in writing, or the family did not exist before arrival",
    "family members awaiting a first decision are in several Member States ({bits})",
)


def evaluate(f: Facts, law: Law) -> tuple[RuleEval, list[Flag]]:
    """AMMR Art. 27."""
    fam = f.batch.family
    if not len(fam):
        return nobody(f, law, "applicant_family", REASONS, (law.cite["applicant_family"],))
    pending = (fam.status == STATUS["applicant"]) & ~fam.first_decision_taken
    rows = pending & f.family_member & fam.consent_in_writing
    near = pending & f.family_member_kind & ~rows
    return designate(f, law, "applicant_family", rows, near, REASONS, (law.cite["applicant_family"],))
