"""The AMMR hierarchy (Part III, Chapter II, in the order of Art. 24(1)) and its citations.

Applications first registered on or after 1 July 2026 (AMMR Art. 84(2), Art. 85). The security
check of Art. 16(4) comes first ("before applying the criteria"), then Arts 25 → 33 in order,
then the default of Art. 16(2). Unlike Dublin III, visa-waived entry (Art. 31) and the airport
transit area (Art. 32) come before irregular entry (Art. 33).
"""

from __future__ import annotations

from migralex.rules.responsibility.common import Law

LAW = Law(
    regime="AMMR",
    cite={
        "security": "AMMR Art. 16(4)",
        "uam": "AMMR Art. 25",
        "uam_family": "AMMR Art. 25(2)",
        "uam_relative": "AMMR Art. 25(3)",
        "uam_several": "AMMR Art. 25(4)",
        "uam_none": "AMMR Art. 25(5)",
        "protection_family": "AMMR Art. 26",
        "protection_family_1": "AMMR Art. 26(1)",
        "protection_family_2": "AMMR Art. 26(2)",
        "protection_family_3": "AMMR Art. 26(3)",
        "applicant_family": "AMMR Art. 27",
        "family_procedure": "AMMR Art. 28",
        "family_procedure_a": "AMMR Art. 28(a)",
        "family_procedure_b": "AMMR Art. 28(b)",
        "documents": "AMMR Art. 29",
        "doc_resdoc": "AMMR Art. 29(1)",
        "doc_visa": "AMMR Art. 29(2)",
        "doc_3a": "AMMR Art. 29(3)(a)",
        "doc_3b": "AMMR Art. 29(3)(b)",
        "doc_3c": "AMMR Art. 29(3)(c)",
        "doc_lapsed": "AMMR Art. 29(4)",
        "diplomas": "AMMR Art. 30",
        "diplomas_1": "AMMR Art. 30(1)",
        "diplomas_2": "AMMR Art. 30(2)",
        "visa_waiver_1": "AMMR Art. 31(1)",
        "visa_waiver_2": "AMMR Art. 31(2)",
        "airport": "AMMR Art. 32",
        "entry": "AMMR Art. 33",
        "entry_1": "AMMR Art. 33(1)",
        "entry_2": "AMMR Art. 33(2)",
        "entry_3": "AMMR Art. 33(3)",
        "default": "AMMR Art. 16(2)",
        "relocation_2": "AMMR Art. 68(2)",
        "relocation_3": "AMMR Art. 68(3)",
        "dependants": "AMMR Art. 34",
        "dependants_2": "AMMR Art. 34(2)",
        "humanitarian": "AMMR Art. 35(2)",
        "family_definition": "AMMR Art. 2(8)",
        "age": "APR Art. 25",
    },
    param={
        "resdoc_window": "ammr.criteria.residence_document_lapse_window",
        "visa_window": "ammr.criteria.visa_lapse_window",
        "diploma_window": "ammr.criteria.diploma_window",
        "crossing_cessation": "ammr.criteria.irregular_entry_cessation",
        "sar_cessation": "ammr.criteria.sar_disembarkation_cessation",
        "family_procedure_window": "ammr.time_limits.take_charge_request",
    },
)

#: Criteria in the order of examination (keys of `migralex.rules.responsibility.hierarchy.RULES`).
ORDER = (
    "security",
    "uam",
    "protection_family",
    "applicant_family",
    "family_procedure",
    "documents",
    "diplomas",
    "visa_waiver",
    "airport",
    "entry",
    "default",
)
