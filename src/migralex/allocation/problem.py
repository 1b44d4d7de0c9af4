"""A batch as arrays: classes of interchangeable matching units, Member States, values per tier.

A matching unit is a family (AMMR Art. 67(6)) or a person alone. Units that look the same to every
tier (same size, links, vulnerability, barred Member State, integration scores) are one class with a
count, so the MILP has one integer column per (class, Member State) instead of one per person.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Problem:
    """Candidate pairs (class, Member State) and what one unit of the class is worth per tier.

    Pair k sends x[k] units of class `cls[k]` (each of `size` persons) to Member State `state[k]`;
    at most `count[cls]` units of a class go anywhere, a Member State receives at most
    `capacity[state]` persons.
    """

    n_classes: int
    capacity: np.ndarray  # places per Member State (int)
    size: np.ndarray  # persons per unit, per class
    count: np.ndarray  # units per class
    cls: np.ndarray  # pair -> class index
    state: np.ndarray  # pair -> Member State index
    value: dict[str, np.ndarray]  # tier -> value of one unit on each pair
    unlinked: np.ndarray  # pair -> persons of one unit without links to any Member State here
    class_of_unit: np.ndarray  # unit -> class


def unique_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`numpy.unique(rows, axis=0, return_index=True, return_inverse=True)` without the unique rows:
    the first index of each distinct row (rows in lexicographic order) and each row's group; the
    same answer, by a stable lexsort (several times faster than sorting a structured view)."""
    n = rows.shape[0]
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.lexsort(rows.T[::-1])
    ranked = rows[order]
    new = np.empty(n, dtype=bool)
    new[0] = True
    new[1:] = (ranked[1:] != ranked[:-1]).any(axis=1)
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return order[new], inverse


def per_unit(unit_of_person: np.ndarray, n_units: int, values: np.ndarray) -> np.ndarray:
    """Sum a persons x states matrix into units x states (persons alone, in unit order: the same
    sums without the scatter)."""
    out = np.zeros((n_units, values.shape[1]), dtype=np.float64)
    if len(unit_of_person) == n_units and np.array_equal(unit_of_person, np.arange(n_units)):
        return out + values
    np.add.at(out, unit_of_person, values)
    return out


def build(
    unit_of_person: np.ndarray,
    placeable: np.ndarray,
    links: np.ndarray,
    vulnerable: np.ndarray,
    score: np.ndarray,
    barred: np.ndarray,
    capacity: np.ndarray,
) -> Problem:
    """The candidate pairs: placeable classes x Member States with room and not barred (Art. 67).

    `links`, `score`, `barred` are persons x Member States; `barred` marks the benefitting
    Member State of each person (it cannot be its own Member State of relocation).
    """
    n_units = int(placeable.shape[0])
    size = np.bincount(unit_of_person, minlength=n_units).astype(np.int64)
    u_links = per_unit(unit_of_person, n_units, links.astype(np.float64))
    u_vuln = np.bincount(unit_of_person, weights=vulnerable.astype(np.float64), minlength=n_units)
    u_score = per_unit(unit_of_person, n_units, score)
    u_barred = per_unit(unit_of_person, n_units, barred.astype(np.float64)) > 0
    person_unlinked = ~links.any(axis=1) if links.shape[1] else np.ones(len(unit_of_person), bool)
    u_unlinked = np.bincount(unit_of_person, weights=person_unlinked.astype(np.float64), minlength=n_units)
    features = np.column_stack([placeable, size, u_vuln, u_unlinked, u_links, u_barred, u_score])
    first, class_of_unit = unique_rows(features)
    count = np.bincount(class_of_unit, minlength=len(first)).astype(np.int64)
    allowed = placeable[first][:, None] & ~u_barred[first] & (size[first][:, None] <= capacity[None, :])
    cls, state = np.nonzero(allowed)
    rep = first[cls]
    value = {
        "relocated": size[rep].astype(np.float64),
        "links": u_links[rep, state],
        "vulnerable": u_vuln[rep],
        "integration": u_score[rep, state],
    }
    return Problem(len(first), capacity.astype(np.int64), size[first], count, cls, state, value,
                   u_unlinked[rep], class_of_unit)  # fmt: skip


def unit_states(problem: Problem, x: np.ndarray) -> np.ndarray:
    """Member State index per unit (-1 = none) from the units per pair `x`, members of a class in order."""
    k = np.rint(x).astype(np.int64).clip(min=0)
    rep_state = np.repeat(problem.state, k)  # pairs are sorted by class
    placed = np.bincount(problem.cls, weights=k, minlength=problem.n_classes).astype(np.int64)
    offset = np.concatenate([[0], np.cumsum(placed)[:-1]])
    order = np.argsort(problem.class_of_unit, kind="stable")
    sorted_cls = problem.class_of_unit[order]
    starts = np.searchsorted(sorted_cls, np.arange(problem.n_classes))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - starts[sorted_cls]
    cls = problem.class_of_unit
    has = rank < placed[cls]
    out = np.full(len(cls), -1, dtype=np.int64)
    out[has] = rep_state[offset[cls[has]] + rank[has]]
    return out
