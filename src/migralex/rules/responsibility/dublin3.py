"""Dublin III (Regulation (EU) No 604/2013) for applications registered before 1 July 2026.

AMMR Art. 84(2): "The Member State responsible for the examination of an application for
international protection registered before 1 July 2026 shall be determined in accordance with the
criteria set out in Regulation (EU) No 604/2013." Its criteria, Arts 8–15 in the order of its
Art. 7(1): 8 minors, 9 family members who are beneficiaries, 10 family members who are
applicants, 11 family procedure, 12 residence documents and visas (windows of two years and six
months), 13 entry (irregular crossing, ceasing 12 months after), 14 visa-waived entry, 15 airport
transit area; default Art. 3(2). No security rule, no diplomas, irregular entry before visa-waived
entry and airport transit. Windows: parameters `dublin3.*`. Dublin III counts from the lodging of
the application; the case format's registration date is used (Dublin III Art. 20(2): lodged once
the form or report reaches the authorities). Its family definition (Art. 2(g)) requires the family
to have existed "in the country of origin": the case format records only whether it existed
before arrival, which is used, and an advisory flag asks a person to confirm where a family
criterion decides (docs/case-engine.md). The shipped Dublin III text is an index with summaries
(texts/dublin3_index.yaml), not the official text.
"""

from __future__ import annotations

from migralex.rules.responsibility.common import Law

LAW = Law(
    regime="DUBLIN_III",
    cite={
        "uam": "Dublin III Art. 8",
        "uam_family": "Dublin III Art. 8(1)",
        "uam_relative": "Dublin III Art. 8(2)",
        "uam_several": "Dublin III Art. 8(3)",
        "uam_none": "Dublin III Art. 8(4)",
        "protection_family": "Dublin III Art. 9",
        "protection_family_1": "Dublin III Art. 9",
        "protection_family_2": "Dublin III Art. 9",
        "protection_family_3": "Dublin III Art. 9",
        "applicant_family": "Dublin III Art. 10",
        "family_procedure": "Dublin III Art. 11",
        "family_procedure_a": "Dublin III Art. 11(a)",
        "family_procedure_b": "Dublin III Art. 11(b)",
        "documents": "Dublin III Art. 12",
        "doc_resdoc": "Dublin III Art. 12(1)",
        "doc_visa": "Dublin III Art. 12(2)",
        "doc_3a": "Dublin III Art. 12(3)(a)",
        "doc_3b": "Dublin III Art. 12(3)(b)",
        "doc_3c": "Dublin III Art. 12(3)(c)",
        "doc_lapsed": "Dublin III Art. 12(4)",
        "lapsed_note": ", provided the applicant has not left the territories of the Member States",
        "visa_waiver_1": "Dublin III Art. 14(1)",
        "visa_waiver_2": "Dublin III Art. 14(2)",
        "airport": "Dublin III Art. 15",
        "entry": "Dublin III Art. 13",
        "entry_1": "Dublin III Art. 13(1)",
        "entry_2": "Dublin III Art. 13(1)",
        "entry_3": "Dublin III Art. 13(1)",
        "entry_note": "; Art. 13(2) (five months' continuous stay) needs facts the case format does not hold",
        "default": "Dublin III Art. 3(2)",
        "dependants": "Dublin III Art. 16",
        "dependants_2": "Dublin III Art. 16(2)",
        "humanitarian": "Dublin III Art. 17(2)",
        "family_definition": "Dublin III Art. 2(g)",
        "age": "Dublin III Art. 6",
    },
    param={
        "resdoc_window": "dublin3.criteria.residence_document_lapse_window",
        "visa_window": "dublin3.criteria.visa_lapse_window",
        "crossing_cessation": "dublin3.criteria.irregular_entry_cessation",
        "family_procedure_window": "dublin3.time_limits.take_charge_request",
    },
    basis_note=(
        " (Regulation (EU) No 604/2013, applied under AMMR Art. 84(2): application registered before"
        " 1 July 2026)"
    ),
)

ORDER = (
    "uam",
    "protection_family",
    "applicant_family",
    "family_procedure",
    "documents",
    "entry",
    "visa_waiver",
    "airport",
    "default",
)
