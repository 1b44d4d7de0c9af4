"""Small-integer codes of the case format's enumerations, shared by the batch and the rules.

A `CaseBatch` stores every enumeration of the case format (docs/case-format.md) as a small integer:
Member States as their index in `MEMBER_STATES` (-1 for none), relations, statuses, places and
kinds as their index in the tuples below. The tuples are the contract's vocabularies, in its order.
"""

from __future__ import annotations

import numpy as np

from migralex.countries import DUBLIN_STATES, EU27

#: Member States in code order (index = code); -1 means "none". The 27 come first (codes 0-26),
#: then the States associated with the Dublin rules (CH, IS, LI, NO: law/participation.yaml).
MEMBER_STATES: tuple[str, ...] = DUBLIN_STATES
#: How many of the codes are EU Member States (the first ones).
N_EU = len(EU27)
NO_MS = -1
MS_INDEX: dict[str, int] = {ms: i for i, ms in enumerate(MEMBER_STATES)}

PLACES = (
    "border_crossing_point",
    "apprehension_after_irregular_crossing",
    "sar_disembarkation",
    "territory",
    "airport_transit_area",
    "relocation",
)
RELATIONS = (
    "spouse",
    "partner",
    "child",
    "parent",
    "responsible_adult",
    "sibling",
    "aunt_uncle",
    "grandparent",
)
STATUSES = (
    "beneficiary_of_international_protection",
    "long_term_resident",
    "naturalised_former_beneficiary",
    "applicant",
    "legally_present",
    "irregular",
)
DOCUMENT_KINDS = ("residence_document", "visa")
VISA_TYPES = ("short_stay", "long_stay", "airport_transit")
ENTRY_KINDS = ("irregular_crossing", "sar_disembarkation", "visa_waived_entry")

#: Each vocabulary by the name of the field that uses it.
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "place": PLACES,
    "relation": RELATIONS,
    "status": STATUSES,
    "document_kind": DOCUMENT_KINDS,
    "visa_type": VISA_TYPES,
    "entry_kind": ENTRY_KINDS,
}


def code(vocabulary: tuple[str, ...], name: str) -> int:
    """The code of `name` in a vocabulary (a typo is a bug in the caller, hence KeyError)."""
    return vocabulary.index(name)


def codes(vocabulary: tuple[str, ...], *names: str) -> np.ndarray:
    """Codes of several names, as an int8 array (for `numpy.isin`)."""
    return np.array([vocabulary.index(n) for n in names], dtype=np.int8)


def ms_code(member_state: str | None) -> int:
    """Code of a Member State (ISO alpha-2, already normalised); None → -1."""
    return NO_MS if member_state is None else MS_INDEX[member_state]


def ms_name(code_: int) -> str | None:
    """ISO alpha-2 of a Member State code; -1 → None."""
    return None if code_ < 0 else MEMBER_STATES[code_]


def ms_bits(codes_: np.ndarray) -> np.ndarray:
    """One bit per Member State (uint32), 0 where the code is -1: candidates sets as bitmasks."""
    c = np.asarray(codes_)
    return np.where(c >= 0, np.left_shift(np.uint32(1), np.clip(c, 0, 31).astype(np.uint32)), np.uint32(0))


def bits_to_states(mask: int) -> list[str]:
    """Member States (ISO alpha-2, in code order) whose bits are set in `mask`."""
    return [ms for i, ms in enumerate(MEMBER_STATES) if int(mask) >> i & 1]


def _nationalities() -> tuple[str, ...]:
    from migralex.countries import STATELESS, iso_table

    return (*sorted(c for c in iso_table() if c not in EU27), STATELESS)


#: Nationalities in code order: third countries (ISO alpha-2, sorted), then "stateless"; -1 none.
#: The codes of CH, IS, LI and NO stay (the simulator's arrivals keep their indices), but the
#: readers refuse them as an applicant's nationality (`countries.not_a_third_country_national`).
NATIONALITIES: tuple[str, ...] = _nationalities()
NATIONALITY_INDEX: dict[str, int] = {c: i for i, c in enumerate(NATIONALITIES)}
STATELESS_CODE = NATIONALITY_INDEX["stateless"]
