"""Why a person was placed where, or not at all: reason codes and their legal basis."""

from __future__ import annotations

#: Every reason the matching gives, with the article that decides it.
REASONS: dict[str, dict[str, str]] = {
    # placed
    "link": {"meaning": "relocated to a Member State with which the person has meaningful links",
             "article": "67", "paragraph": "3"},
    "fair_share": {"meaning": "no meaningful links: shared among the remaining Member States",
                   "article": "67", "paragraph": "4"},
    "family": {"meaning": "relocated with family members to the Member State chosen for the family",
               "article": "67", "paragraph": "6"},
    "link_not_honoured": {"meaning": "relocated, but the Member States of the person's links had no place "
                          "left (links are taken into account; they are no right to choose)",
                          "article": "67", "paragraph": "3"},
    # not placed
    "security_threat": {"meaning": "reasonable grounds to consider the person a threat to internal "
                        "security: not relocated, the benefitting Member State is responsible",
                        "article": "67", "paragraph": "2"},
    "benefitting_responsible": {"meaning": "the benefitting Member State is responsible under "
                                "Articles 25 to 28 or 34 (not 25(5)): not eligible",
                                "article": "67", "paragraph": "5"},
    "not_eligible": {"meaning": "marked not eligible for relocation by the benefitting Member State",
                     "article": "67", "paragraph": "5"},
    "no_consent": {"meaning": "a beneficiary of international protection who has not consented in "
                   "writing", "article": "67", "paragraph": "4"},
    "family_member_unplaceable": {"meaning": "a family member cannot be relocated and family members "
                                  "go to the same Member State", "article": "67", "paragraph": "6"},
    "family_too_large": {"meaning": "no Member State of relocation has places for the whole family",
                         "article": "67", "paragraph": "6"},
    "no_place": {"meaning": "no pledged place left for this person in this batch",
                 "article": "57", "paragraph": "2"},
}  # fmt: skip

PLACED = ("link", "family", "fair_share", "link_not_honoured")


def article_of(reason: str) -> str:
    """'Art. 67(3) AMMR' style citation of a reason."""
    ref = REASONS[reason]
    return f"AMMR Art. {ref['article']}({ref['paragraph']})"
