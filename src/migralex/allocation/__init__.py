"""Relocation matching: persons to relocate x places pledged by the Member States of relocation.

AMMR Arts 57(2) (pledges), 67(2)-(6) (eligibility, meaningful links, fair sharing, consent, family
unity). One weekly batch is solved as a MILP with HiGHS, the objective's tiers maximised one after
the other in the order of `MatchParams.order` (see `params.TIERS` and docs/relocation.md).

Public API (vectorised: one call per batch, no per-person Python loop in the MILP path)::

    match_batch(persons: pl.DataFrame, places: Mapping[str, int],
                params: MatchParams = MatchParams(), method: str = "milp") -> MatchResult

`persons` columns (only `person_id` is required; the others default as shown):

==================  ==================  =====================================================
column              type (default)      meaning
==================  ==================  =====================================================
person_id           str                 unique id of the person
family_group        str (null)          same value = family members, relocated to the same
                                        Member State or not at all (Art. 67(6)); null = alone
status              str ("applicant")   "applicant" or "beneficiary" (of international protection)
eligible            bool (true)         false = not eligible (Art. 67(2) security threat,
                                        67(5) benefitting State responsible); see
                                        migralex.rules.relocation.eligibility
ineligible_reason   str (null)          reason code when not eligible ("security_threat",
                                        "benefitting_responsible", "not_eligible")
consent             bool (false)        written consent; required of beneficiaries (Art. 67(4))
vulnerable          bool (false)        vulnerable person (placed first when places are scarce)
links               list[str] ([])      Member States with meaningful links (Art. 67(3))
nationality         str (null)          ISO alpha-2; feeds the integration score (an aid only)
benefitting         str (null)          benefitting Member State (never the place of relocation)
==================  ==================  =====================================================

`places`: Member State (ISO alpha-2) -> places available in this batch (whole number >= 0; Denmark,
not bound by Part IV, only with 0).

`MatchResult.assignments` columns: person_id, member_state (str or null = not relocated), reason
(a code of `REASONS`, never null), article ("AMMR Art. 67(3)" ...), link_honoured (bool),
integration_score (float or null). Also: `relocated`, `unplaced`, `links_honoured`, `placed` and
`pledged` per Member State, `totals()`, `gap` (largest relative MIP gap of the tiers), `status`,
`stages` (per tier: objective, gap, status, seconds), `to_dict()`.

Reasons `no_place` and `family_too_large` mean "no room in this batch": such persons may wait for a
later batch (`allocation.demo.WAITING`, as the weekly demo does); the other unplaced reasons are final.

`match_arrays(Batch(...), params, method)` is the solve behind `match_batch` on arrays (units,
links, vulnerability, scores, barred States, places), for callers that already hold numbers and
have checked them (the simulator's weekly matching); it returns the Member State column per person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict

import numpy as np
import polars as pl

from migralex.allocation.arrays import METHODS, Batch, match_arrays
from migralex.allocation.integration import PROVENANCE, score_matrix
from migralex.allocation.params import TIERS, MatchParams
from migralex.allocation.persons import Groups, check_places, groups, normalise
from migralex.allocation.reasons import PLACED, REASONS
from migralex.allocation.result import MatchResult, assignments
from migralex.errors import InvalidInput

__all__ = [
    "PLACED", "PROVENANCE", "REASONS", "TIERS", "Batch", "MatchParams", "MatchResult", "match_arrays",
    "match_batch",
]  # fmt: skip


def match_batch(
    persons: pl.DataFrame,
    places: Mapping[str, int],
    params: MatchParams | None = None,
    method: str = "milp",
) -> MatchResult:
    """Match one batch of persons to pledged places (AMMR Art. 67(3)-(6)); every person answered."""
    params = params or MatchParams()
    if method not in METHODS:
        raise InvalidInput("method", f"must be one of {', '.join(METHODS)}")
    frame = normalise(persons)
    pledged = check_places(places)
    states = sorted(pledged)
    grouping = groups(frame, params.family_ineligible)
    links = _per_state(frame, "links", states)
    barred = _per_state(frame, "benefitting", states)
    vulnerable = frame["vulnerable"].to_numpy().astype(bool)
    use_score = "integration" in params.order and bool(states)
    score = (
        score_matrix(frame["nationality"], states, params.score_year)
        if use_score
        else np.zeros((frame.height, len(states)))
    )
    capacity = np.asarray([pledged[s] for s in states], dtype=np.int64)
    batch = Batch(grouping.group_of_person, grouping.placeable, links, vulnerable, score, barred, capacity)
    state_of_person, stages = match_arrays(batch, params, method)
    reason = _reasons(grouping, state_of_person, links, capacity, barred)
    table = assignments(frame["person_id"], states, state_of_person, reason, links, score)
    placed_counts = np.bincount(state_of_person[state_of_person >= 0], minlength=len(states))
    gaps = [s.gap for s in stages]
    return MatchResult(
        assignments=table,
        pledged=pledged,
        placed={s: int(placed_counts[i]) for i, s in enumerate(states)},
        method=method,
        gap=float(max(gaps)) if gaps else 0.0,
        status=_status(method, [s.status for s in stages]),
        stages=[asdict(s) for s in stages],
        params=params.as_dict(),
    )


def _status(method: str, statuses: list[str]) -> str:
    """'optimal' when every tier was solved to optimality, else what HiGHS said (or 'greedy')."""
    if method == "greedy":
        return "greedy"
    if all(s == "Optimal" for s in statuses):
        return "optimal"
    return "; ".join(sorted(set(statuses)))


def _per_state(frame: pl.DataFrame, column: str, states: list[str]) -> np.ndarray:
    """persons x states: does the person's `column` (a list, or one code) name the Member State."""
    if not states:
        return np.zeros((frame.height, 0), dtype=bool)
    if column == "links":
        exprs = [pl.col("links").list.contains(pl.lit(s)).fill_null(False).alias(s) for s in states]
    else:
        exprs = [(pl.col(column) == s).fill_null(False).alias(s) for s in states]
    return frame.select(exprs).to_numpy().astype(bool)


def _reasons(
    grouping: Groups,
    state_of_person: np.ndarray,
    links: np.ndarray,
    capacity: np.ndarray,
    barred: np.ndarray,
) -> np.ndarray:
    """The reason code per person: the eligibility reason, how they were placed, or why not."""
    fixed, unit = grouping.reason, grouping.group_of_person
    family_size = grouping.size[unit]
    placed = state_of_person >= 0
    rows = np.arange(len(state_of_person))
    on_link = placed & (links[rows, np.where(placed, state_of_person, 0)] if links.size else False)
    family_link = np.bincount(unit, weights=on_link, minlength=len(grouping.size))[unit] > 0
    any_link = links.any(axis=1) if links.size else np.zeros(len(rows), bool)
    room = np.where(barred, 0, capacity[None, :]).max(axis=1) if capacity.size else np.zeros(len(rows))
    unplaced = np.where((family_size > 1) & (family_size > room), "family_too_large", "no_place")
    placed_reason = np.where(
        on_link, "link",
        np.where(family_link, "family", np.where(any_link, "link_not_honoured", "fair_share")),
    )  # fmt: skip
    out = np.where(placed, placed_reason, unplaced).astype(object)
    has_fixed = np.asarray([r is not None for r in fixed], dtype=bool) if len(fixed) else np.zeros(0, bool)
    out[has_fixed] = fixed[has_fixed]
    return out
