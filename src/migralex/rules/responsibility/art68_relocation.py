"""AMMR Art. 68(2)-(3): who is responsible for an applicant after relocation (Art. 67).

68(3): "Where an applicant, for whom the benefitting Member State was previously determined as
responsible on other grounds than the criteria referred to in Article 67(5), second subparagraph,
has been relocated, the responsibility ... shall be transferred to the Member State of relocation"
- the case says so with `relocation.responsibility_determined` (an applicant determined on those
criteria is not eligible, Art. 67(5), so is not relocated).
68(2): where the Member State responsible "has not yet been determined", the Member State of
relocation applies Part III "with the exception of Article 16(2), Article 17(1) and (2), Article
25(5), Article 29, Article 30 and Article 33(1) and (2)"; "where no Member State responsible can be
determined" that way, the Member State of relocation is responsible. So Arts 29 and 30 and 25(5)
are excluded, Art. 33 leaves only paragraph 3 (relocated after crossing the border), and the
default of Art. 16(2) gives way to the Member State of relocation. Art. 17(1)-(2) (the applicant's
obligation to apply in the first Member State of entry) is not a criterion the engine applies.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from migralex.rules.responsibility.common import Facts, Law
from migralex.rules.trace import APPLIES, EXCLUDED, NOT_EXAMINED, Flag, RuleEval

#: Rules (keys of the hierarchy) that Art. 68(2) sets aside after relocation, and their articles.
EXCEPTED = {"uam_none": "Art. 25(5)", "documents": "Art. 29", "diplomas": "Art. 30"}
EXCEPTED_REASON = (
    "{article} is not applied after relocation: the Member State of relocation applies Part III without it"
)
DEFAULT_REASON = (
    "no Member State responsible can be determined under Part III as applied after relocation:"
    " {ms}, the Member State of relocation, is responsible"
)
TRANSFER_REASONS = (
    "not relocated after the benefitting Member State was determined responsible",
    "relocated to {ms} after the benefitting Member State had been determined responsible (not on the"
    " criteria of Art. 67(5)): responsibility is transferred to {ms}",
)


def masks(f: Facts) -> tuple[np.ndarray, np.ndarray]:
    """Cases under Art. 68(3) (determined before relocation) and under Art. 68(2) (not yet)."""
    a = f.batch.applicants
    relocated = a.relocated_to >= 0
    determined = relocated & np.asarray(a.relocation_determined, dtype=bool)
    return determined, relocated & ~determined


def transfer_rule(f: Facts, law: Law, determined: np.ndarray | None = None) -> RuleEval:
    """Art. 68(3): responsibility transferred to the Member State of relocation (`determined`: the
    first mask of `masks`, if already at hand)."""
    if determined is None:
        determined, _ = masks(f)
    rule = RuleEval.empty("relocation_transfer", f.n, (law.cite["relocation_3"],), TRANSFER_REASONS)
    relocated = f.batch.applicants.relocated_to >= 0
    rule.set(~relocated, NOT_EXAMINED, 0)
    rule.set(determined, APPLIES, 1, ms=f.batch.applicants.relocated_to)
    return rule


def _extended(rule: RuleEval, cite: str, reason: str) -> RuleEval:
    """The rule (sharing its columns) with one more citation and reason."""
    return RuleEval(
        rule.key,
        (*rule.citations, cite),
        (*rule.reasons, reason),
        rule.outcome,
        rule.ms,
        rule.cite,
        rule.reason,
        rule.args,
    )


def _set_aside(rule: RuleEval, mask: np.ndarray, cite: str) -> RuleEval:
    """The rule excluded for `mask` (where it was examined), citing Art. 68(2)."""
    out = _extended(rule, cite, EXCEPTED_REASON.replace("{article}", EXCEPTED[rule.key]))
    if not np.count_nonzero(mask):  # nobody in the batch under Art. 68(2): only the citation is added
        return out
    out.set(
        mask & (rule.outcome != NOT_EXAMINED),
        EXCLUDED,
        len(out.reasons) - 1,
        cite=len(out.citations) - 1,
        ms=-1,
    )
    return out


def _default(rule: RuleEval, mask: np.ndarray, relocated_to: np.ndarray, cite: str) -> RuleEval:
    """Art. 68(2), second subparagraph, in place of Art. 16(2)."""
    out = _extended(rule, cite, DEFAULT_REASON)
    out.set(mask, APPLIES, len(out.reasons) - 1, cite=len(out.citations) - 1, ms=relocated_to)
    return out


def apply(f: Facts, law: Law, rules: list[RuleEval]) -> list[RuleEval]:
    """The hierarchy after relocation: Art. 16(4), Art. 68(3), then Part III as Art. 68(2) adapts it.

    An unaccompanied minor stays under Art. 25 alone (25(1) "only the criteria set out in this
    Article shall apply"): with 25(5) excepted, the criteria after Art. 25 are not examined and the
    Member State of relocation is responsible (68(2), second subparagraph).
    """
    determined, after = masks(f)
    cite = law.cite["relocation_2"]
    # Art. 16(4) before 68(3): a threat to internal security ends the relocation procedure (67(2))
    first = 1 if rules and rules[0].key == "security" else 0
    out = [*rules[:first], transfer_rule(f, law, determined)]
    adapted = (
        np.count_nonzero(after) > 0
    )  # anyone in the batch under Art. 68(2) (else only citations are added)
    past_minors = False
    for rule in rules[first:]:
        if rule.key in EXCEPTED:
            rule = _set_aside(rule, after, cite)
        elif rule.key == "default":
            rule = _default(rule, after, f.batch.applicants.relocated_to, cite)
        elif past_minors and adapted:
            rule.set(after & f.uam, NOT_EXAMINED, 0)
        past_minors = past_minors or rule.key == "uam_none"
        out.append(rule)
    return out


def without_excepted_flags(
    f: Facts, rules: list[RuleEval], flags: list[tuple[int, Flag]]
) -> list[tuple[int, Flag]]:
    """Art. 68(2): the flags of the rules it excepts (a tie of Art. 29 or 30, ...) are not raised
    for the applicants it governs - those rules are not applied to them (`flags`: rule position and
    flag, positions in `rules` as `apply` returns them)."""
    _, after = masks(f)
    if not np.count_nonzero(after):
        return flags
    return [
        (pos, dataclasses.replace(fl, mask=fl.mask & ~after))
        if 0 <= pos < len(rules) and rules[pos].key in EXCEPTED
        else (pos, fl)
        for pos, fl in flags
    ]


__all__ = ["apply", "masks", "transfer_rule", "without_excepted_flags"]
