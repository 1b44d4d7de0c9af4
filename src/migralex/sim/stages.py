"""The vocabulary of the simulator: stages, procedures, paths, metrics and time-limit keys.

Every person is in exactly one stage on every day after arrival (the conservation law the engine
asserts). The codes are small integers shared by the numba kernel, the SimPy oracle and the
result tables; the tuples give their names in code order.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

#: Stages, in code order (a person's state). "absconded" = whereabouts unknown.
STAGES: tuple[str, ...] = (
    "screening",
    "in_transit",
    "registration",
    "dublin",
    "transfer",
    "relocation",
    "border",
    "accelerated",
    "regular",
    "appeal",
    "return_border",
    "return_pending",
    "protected",
    "returned",
    "irregular_stay",
    "absconded",
)
(
    SCREENING, IN_TRANSIT, REGISTRATION, DUBLIN, TRANSFER, RELOCATION, BORDER, ACCELERATED, REGULAR,
    APPEAL, RETURN_BORDER, RETURN_PENDING, PROTECTED, RETURNED, IRREGULAR_STAY, ABSCONDED,
) = range(len(STAGES))  # fmt: skip
N_STAGES = len(STAGES)
#: Row of the flow matrix for entries into the system (arrival, or the initial backlog).
ARRIVAL = N_STAGES
#: Stages where a person is still an applicant (pending somewhere in the procedures).
PENDING_STAGES = (REGISTRATION, DUBLIN, TRANSFER, RELOCATION, BORDER, ACCELERATED, REGULAR, APPEAL)

#: Procedures a case can be channelled into (the case engine's `procedure` answer).
PROCEDURES: tuple[str, ...] = ("border", "border_optional", "accelerated", "regular")
PROC_BORDER, PROC_BORDER_OPTIONAL, PROC_ACCELERATED, PROC_REGULAR = range(len(PROCEDURES))
PROC_NONE = -1

#: What an arriving person does (drawn by the population synthesiser).
PATHS: tuple[str, ...] = ("apply_here", "move_on", "no_application")
PATH_APPLY, PATH_MOVE_ON, PATH_NO_APPLICATION = range(len(PATHS))

#: Requests under Dublin III / the AMMR (from the responsibility answer and the Eurodac facts).
REQUESTS: tuple[str, ...] = ("none", "take_charge", "take_charge_after_hit", "take_back")
REQ_NONE, REQ_TAKE_CHARGE, REQ_TAKE_CHARGE_HIT, REQ_TAKE_BACK = range(len(REQUESTS))

#: Crisis situations (CFMR Art. 1(4)) in force in a Member State on a day.
CRISES: tuple[str, ...] = ("none", "mass_arrivals", "instrumentalisation", "force_majeure")
CRISIS_NONE, CRISIS_MASS, CRISIS_INSTRUMENTALISATION, CRISIS_FORCE_MAJEURE = range(len(CRISES))

#: Counters per Member State (columns of the metrics matrix), with their meaning.
METRICS: dict[str, str] = {
    "arrivals": "persons arriving (external border or directly on the territory)",
    "applications": "applications registered (a person applying again elsewhere counts again)",
    "registration_breaches": "registrations later than the time limit (APR Art. 27; CFMR Art. 10)",
    "requests": "take-charge requests and take-back notifications sent",
    "requests_late": "take-charge requests not made in time: responsibility stays (AMMR Art. 39(1))",
    "requests_accepted": "requests accepted (explicitly or by silence)",
    "requests_rejected": "requests rejected",
    "transfers_out": "transfers carried out from this Member State",
    "transfers_in": "transfers received",
    "transfer_lapses": "transfer time limit missed: responsibility shifts here (AMMR Art. 46(2))",
    "transfer_abscondings": "persons absconding before their transfer (AMMR Art. 46(2) extension)",
    "border_entries": "applications entering the asylum border procedure",
    "border_breaches": "border procedures not concluded within the time limit (APR Art. 51(2))",
    "accelerated_breaches": "accelerated examinations beyond 3 months (APR Art. 35(3))",
    "regular_extended": "regular examinations beyond 6 months (APR Art. 35(4))",
    "regular_breaches": "regular examinations beyond the extended limit (APR Art. 35(5))",
    "decisions": "first-instance decisions",
    "positive": "first-instance decisions granting protection",
    "negative": "first-instance rejections",
    "appeals_granted": "appeals granting protection",
    "return_decisions": "return decisions (with a rejection, or after screening of a non-applicant)",
    "return_border_entries": "persons entering the return border procedure (RBPR Art. 4)",
    "returns": "effective returns",
    "relocations_out": "relocations from this (benefitting) Member State",
    "relocations_in": "relocations received",
    "abscondings": "persons absconding from a procedure",
    "reapplications": "absconded persons applying again in another Member State",
    "capacity_relief_days": "days the adequate-capacity relief applied (APR Art. 48(2))",
    "annual_maximum_relief_days": "days the annual-maximum relief applied (APR Art. 47(3), Art. 50)",
}
METRIC_NAMES: tuple[str, ...] = tuple(METRICS)
(
    M_ARRIVALS, M_APPLICATIONS, M_REG_BREACH, M_REQUESTS, M_REQ_LATE, M_REQ_ACCEPTED, M_REQ_REJECTED,
    M_TRANSFERS_OUT, M_TRANSFERS_IN, M_TRANSFER_LAPSES, M_TRANSFER_ABSCOND, M_BORDER_ENTRIES,
    M_BORDER_BREACH, M_ACCEL_BREACH, M_REGULAR_EXTENDED, M_REGULAR_BREACH, M_DECISIONS, M_POSITIVE,
    M_NEGATIVE, M_APPEALS_GRANTED, M_RETURN_DECISIONS, M_RBP_ENTRIES, M_RETURNS, M_RELOC_OUT, M_RELOC_IN,
    M_ABSCONDINGS, M_REAPPLICATIONS, M_CAP_RELIEF_DAYS, M_MAX_RELIEF_DAYS,
) = range(len(METRIC_NAMES))  # fmt: skip
N_METRICS = len(METRIC_NAMES)

#: Time limits the engine looks up, in code order (rows of the deadline table).
TIME_LIMITS: tuple[str, ...] = (
    "registration",
    "registration_crisis",
    "lodging",
    "lodging_border",
    "take_charge_request",
    "take_charge_request_after_hit",
    "take_charge_request_crisis",
    "take_charge_reply",
    "take_charge_reply_after_hit",
    "take_charge_reply_crisis",
    "take_back_notification",
    "take_back_notification_crisis",
    "take_back_confirmation",
    "transfer_decision",
    "transfer",
    "transfer_crisis",
    "border_procedure",
    "border_procedure_crisis",
    "accelerated",
    "regular",
    "regular_extended",
    "return_border_procedure",
    "return_border_procedure_crisis",
    "relocation",
    "relocation_confirmation",
    "relocation_confirmation_exceptional",
    "relocation_transfer_decision",
    "relocation_transfer",
)
(
    K_REG, K_REG_CRISIS, K_LODGE, K_LODGE_BORDER, K_TC_REQ, K_TC_REQ_HIT, K_TC_REQ_CRISIS, K_TC_REPLY,
    K_TC_REPLY_HIT, K_TC_REPLY_CRISIS, K_TB_NOTIF, K_TB_NOTIF_CRISIS, K_TB_CONFIRM, K_TRANSFER_DECISION,
    K_TRANSFER, K_TRANSFER_CRISIS, K_BORDER, K_BORDER_CRISIS, K_ACCEL, K_REGULAR, K_REGULAR_EXT, K_RBP,
    K_RBP_CRISIS, K_RELOCATION, K_RELOC_CONFIRM, K_RELOC_CONFIRM_EXC, K_RELOC_DECISION, K_RELOC_TRANSFER,
) = range(len(TIME_LIMITS))  # fmt: skip
N_TIME_LIMITS = len(TIME_LIMITS)

#: Behavioural scalars passed to the kernel (index = position in this tuple).
BEHAVIOUR_SCALARS: tuple[str, ...] = (
    "lodging_mean_days",
    "request_in_time",
    "request_time_fraction",
    "reply_time_fraction",
    "acceptance_take_charge",
    "acceptance_take_back",
    "transfer_completion",
    "absconding_before_transfer",
    "transfer_time_fraction",
    "absconding_hazard_per_day",
    "reapplication",
    "reapplication_mean_days",
    "appeal_border",
    "appeal_accelerated",
    "appeal_regular",
    "appeal_success",
    "appeal_mean_days",
    "border_appeal_mean_days",
    "return_in_border_procedure",
    "return_effective",
    "return_mean_days",
    "return_window_days",
    "relocation_completion",
    "relocation_time_fraction",
    "notify_capacity_reached",
    "annual_maximum_authorisation_days",
    "max_reapplications",
    "relocation_confirmation_exceptional",
)
(
    B_LODGE_MEAN, B_REQ_IN_TIME, B_REQ_FRAC, B_REPLY_FRAC, B_ACCEPT_TC, B_ACCEPT_TB, B_TRANSFER_COMPLETE,
    B_TRANSFER_ABSCOND, B_TRANSFER_FRAC, B_ABSCOND_HAZARD, B_REAPPLY, B_REAPPLY_MEAN, B_APPEAL_BORDER,
    B_APPEAL_ACCEL, B_APPEAL_REGULAR, B_APPEAL_SUCCESS, B_APPEAL_MEAN, B_BORDER_APPEAL_MEAN,
    B_RETURN_BORDER, B_RETURN_EFFECTIVE, B_RETURN_MEAN, B_RETURN_WINDOW, B_RELOC_COMPLETE, B_RELOC_FRAC,
    B_NOTIFY_CAPACITY, B_MAX_AUTH_DAYS, B_MAX_REAPPLY, B_RELOC_EXCEPTIONAL,
) = range(len(BEHAVIOUR_SCALARS))  # fmt: skip


class Action(NamedTuple):
    """One action of the model: a timed event (a person has at most one pending) or an immediate
    step chained on the same day; `step` names the stage function that carries it out."""

    name: str
    step: str
    timed: bool
    basis: str


#: The steps of the model, each a small function of `kernel_steps` (numba) over the one state.
STEPS: tuple[str, ...] = (
    "arrival", "registration", "dublin", "channelling", "relocation", "first_instance",
    "absconding", "appeal_return",
)  # fmt: skip
#: Every action, once: the kernel dispatches on it (code = position + 1; 0 = none).
ACTIONS: tuple[Action, ...] = (
    Action("arrive", "arrival", True, "SR Art. 5"),
    Action("screened", "arrival", True, "SR Art. 18"),
    Action("reach", "arrival", True, "AMMR Art. 17(4)"),
    Action("make", "arrival", False, "APR Art. 26"),
    Action("registered", "registration", False, "APR Art. 27; CFMR Art. 10"),
    Action("dublin", "dublin", False, "AMMR Art. 39 (take charge), Art. 41 (take back)"),
    Action("request", "dublin", True, "AMMR Art. 40, 41(3)"),
    Action("reply", "dublin", True, "AMMR Art. 40(1), 41(3)"),
    Action("request_late", "dublin", True, "AMMR Art. 39(1)"),
    Action("accepted", "dublin", False, "AMMR Art. 46(1); CFMR Art. 12"),
    Action("transfer_done", "dublin", True, "AMMR Art. 46(1)"),
    Action("transfer_lapse", "dublin", True, "AMMR Art. 46(2)"),
    Action("transfer_abscond", "dublin", True, "AMMR Art. 46(2)"),
    Action("lodge", "channelling", False, "APR Art. 28(1), 51(1)"),
    Action("lodged", "channelling", True, "APR Arts 42-50; CFMR Art. 11"),
    Action("relocation_confirmed", "relocation", True, "AMMR Art. 67(9)"),
    Action("relocation_decided", "relocation", True, "AMMR Art. 67(10)"),
    Action("relocated", "relocation", True, "AMMR Art. 67(11), 68"),
    Action("enter", "first_instance", False, "APR Art. 35, 51(2)"),
    Action("queue_timer", "first_instance", True, "APR Art. 51(2)"),
    Action("decide", "first_instance", False, "APR Art. 35"),
    Action("abscond", "absconding", False, "AMMR Art. 36(1)(b)"),
    Action("border_end", "appeal_return", True, "APR Art. 51(2)"),
    Action("appeal_end", "appeal_return", True, "APR Art. 67"),
    Action("return_border", "appeal_return", False, "RBPR Art. 4(2), 6"),
    Action("rbp_end", "appeal_return", True, "RBPR Art. 4(2)"),
    Action("return", "appeal_return", False, "Directive 2008/115/EC Art. 8"),
    Action("returned", "appeal_return", True, "Directive 2008/115/EC Art. 8"),
    Action("not_returned", "appeal_return", True, "Directive 2008/115/EC Art. 8"),
)
ACTION_CODE: dict[str, int] = {a.name: k + 1 for k, a in enumerate(ACTIONS)}
#: The stage graph: who may go where (entries come from ARRIVAL), with the legal basis. The
#: kernel's flows and the SimPy oracle's moves stay within it (the oracle checks every move).
TRANSITIONS: tuple[tuple[str, str, str], ...] = (
    ("arrival", "screening", "SR Art. 5"),
    ("arrival", "registration", "APR Art. 26: application made on the territory"),
    ("arrival", "regular", "pending stock on day 0"),
    ("arrival", "appeal", "pending stock on day 0"),
    ("screening", "registration", "SR Art. 18: referred to the asylum procedure"),
    ("screening", "in_transit", "moving on to apply elsewhere"),
    ("screening", "return_pending", "SR Art. 18: no application, return procedure"),
    ("in_transit", "registration", "APR Art. 26"),
    ("registration", "registration", "APR Art. 27-28: registered, then lodged"),
    ("registration", "dublin", "AMMR Arts 39, 41"),
    ("registration", "border", "APR Arts 44-45"),
    ("registration", "accelerated", "APR Art. 42"),
    ("registration", "regular", "APR Art. 35"),
    ("dublin", "registration", "AMMR Art. 39(1), 40: responsibility stays"),
    ("dublin", "transfer", "AMMR Art. 46(1)"),
    ("transfer", "registration", "AMMR Art. 46(1)-(2)"),
    ("transfer", "absconded", "AMMR Art. 46(2)"),
    ("relocation", "registration", "AMMR Art. 67(11), 68"),
    ("border", "accelerated", "APR Art. 51(2): entry authorised"),
    ("border", "protected", "APR Art. 35"),
    ("border", "appeal", "APR Art. 51(2)"),
    ("border", "return_border", "RBPR Art. 4(2)"),
    ("accelerated", "protected", "APR Art. 35"),
    ("accelerated", "appeal", "APR Art. 67"),
    ("accelerated", "return_pending", "APR Art. 37"),
    ("accelerated", "absconded", "absconding"),
    ("accelerated", "relocation", "AMMR Art. 67(8)-(9): placed by the week's matching"),
    ("regular", "protected", "APR Art. 35"),
    ("regular", "appeal", "APR Art. 67"),
    ("regular", "return_pending", "APR Art. 37"),
    ("regular", "absconded", "absconding"),
    ("regular", "relocation", "AMMR Art. 67(8)-(9): placed by the week's matching"),
    ("appeal", "protected", "APR Art. 67"),
    ("appeal", "return_pending", "APR Art. 37"),
    ("return_border", "returned", "RBPR Art. 4(2)"),
    ("return_border", "return_pending", "RBPR Art. 4(2)"),
    ("return_pending", "returned", "Directive 2008/115/EC Art. 8"),
    ("return_pending", "irregular_stay", "assumption: return window over"),
    ("absconded", "registration", "AMMR Art. 36(1)(b): applies again elsewhere"),
)


def allowed_transitions() -> np.ndarray:
    """bool [from stage (or ARRIVAL), to stage]: the stage graph of `TRANSITIONS` as a matrix."""
    index = {name: k for k, name in enumerate(STAGES)} | {"arrival": ARRIVAL}
    out = np.zeros((N_STAGES + 1, N_STAGES), np.bool_)
    for a, b, _ in TRANSITIONS:
        out[index[a], index[b]] = True
    return out
