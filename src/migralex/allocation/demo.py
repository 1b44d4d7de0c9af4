"""A year of weekly relocation batches on a synthetic population: MILP, greedy, hindsight optimum.

Each week the persons identified that week join those still waiting; the places released that week
are the places still open divided evenly over the weeks left (largest remainder, in proportion to
what each Member State has left), all of them in the last week. Persons not placed wait for the next
week; persons who cannot be relocated at all (Art. 67(2), (4), (5)) are answered at once. The
hindsight optimum matches the whole year's persons to the whole year's places in one MILP that
maximises the match value directly; ratios use its dual bound (never flattering the weekly match).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import polars as pl

from migralex.allocation import MatchParams, match_batch
from migralex.allocation.check import total, violations
from migralex.allocation.milp import Bound, maximise
from migralex.allocation.persons import groups, normalise
from migralex.allocation.problem import build
from migralex.allocation.synthetic import RELOCATION_STATES, persons, pledges
from migralex.cycle.apportionment import apportion

#: Reasons after which a person keeps waiting for a later week's places.
WAITING = ("no_place", "family_too_large")


@dataclass(frozen=True)
class DemoSettings:
    """The demo's year (not law; the pool itself is fixed by Council implementing act, Art. 57)."""

    weeks: int = 52
    seed: int = 0
    #: Places per year: the relocations of the 2026 pool, Council Implementing Decision (EU) 2025/2642
    #: (a scenario input); a demo of fewer weeks gets that share of them.
    places_per_year: int = 21_000
    persons_per_week: float = 450.0
    benefitting: str = "IT"
    params: MatchParams = field(default_factory=MatchParams)
    #: Seconds for the hindsight MILP; its dual bound is the denominator (exact when solved).
    hindsight_time_limit: float = 15.0


def match_value(answers: pl.DataFrame, frame: pl.DataFrame) -> float:
    """Value compared across methods: each person relocated 1, +1 on a link, +1 if vulnerable."""
    joined = answers.join(frame.select("person_id", "vulnerable"), on="person_id")
    placed = joined.filter(pl.col("member_state").is_not_null())
    links = int(placed["link_honoured"].cast(pl.Int64).sum())
    vulnerable = int(placed["vulnerable"].cast(pl.Int64).sum())
    return float(placed.height + links + vulnerable)


def release(left: dict[str, int], weeks_left: int) -> dict[str, int]:
    """Places released this week: what is left / weeks left, shared in proportion to what is left."""
    remaining = sum(left.values())
    if remaining == 0:
        return dict.fromkeys(left, 0)
    now = remaining if weeks_left <= 1 else -(-remaining // weeks_left)
    _, seats = apportion([Fraction(v) for v in left.values()], now)
    return dict(zip(left, seats, strict=True))


def hindsight(everyone: pl.DataFrame, places: dict[str, int], time_limit: float) -> Bound:
    """The whole year's persons and places in one MILP maximising the match value (`match_value`).

    Ratios are taken against its dual bound, an upper bound of the optimum: they never flatter
    the weekly matching (equal to the optimum when HiGHS proves it within `time_limit`)."""
    frame = normalise(everyone)
    states = sorted(places)
    grouping = groups(frame, MatchParams().family_ineligible)
    links = frame.select([pl.col("links").list.contains(s).alias(s) for s in states]).to_numpy().astype(bool)
    barred = frame.select([(pl.col("benefitting") == s).fill_null(False).alias(s) for s in states])
    vulnerable = frame["vulnerable"].to_numpy().astype(bool)
    capacity = np.asarray([places[s] for s in states], dtype=np.int64)
    zeros = np.zeros((frame.height, len(states)))
    problem = build(grouping.group_of_person, grouping.placeable, links, vulnerable, zeros,
                    barred.to_numpy().astype(bool), capacity)  # fmt: skip
    value = problem.value["relocated"] + problem.value["links"] + problem.value["vulnerable"]
    return maximise(problem, value, time_limit)


def run_online(
    year: list[pl.DataFrame], places: dict[str, int], method: str, params: MatchParams
) -> dict[str, Any]:
    """Weekly matching with waiting persons carried over; the final answer per person and violations."""
    left, waiting, final = dict(places), year[0].clear(), []
    broken, seconds = 0, []
    for week, arrivals in enumerate(year):
        batch = pl.concat([waiting, arrivals])
        offer = release(left, len(year) - week)
        t0 = time.perf_counter()
        result = match_batch(batch, offer, params, method=method)
        seconds.append(time.perf_counter() - t0)
        broken += total(violations(batch, offer, result.assignments))
        answers = result.assignments
        for ms, used in result.placed.items():
            left[ms] -= used
        wait = answers["reason"].is_in(WAITING) & (week < len(year) - 1)
        final.append(answers.filter(~wait))
        waiting = batch.filter(pl.col("person_id").is_in(answers.filter(wait)["person_id"].implode()))
    answers = pl.concat(final)
    everyone = pl.concat(year)
    broken += total(violations(everyone, places, answers))
    return {"answers": answers, "violations": broken, "seconds": seconds}


def run(settings: DemoSettings) -> dict[str, Any]:
    """The demo's figures: relocated, unplaced, links honoured, ratios to the hindsight optimum."""
    rng = np.random.default_rng(settings.seed)
    states = [s for s in RELOCATION_STATES if s != settings.benefitting]
    n_places = round(settings.places_per_year * settings.weeks / 52)
    places = pledges(n_places, states)
    counts = rng.poisson(settings.persons_per_week, size=settings.weeks)
    year = [persons(int(n), rng, settings.benefitting, prefix=f"w{w}-") for w, n in enumerate(counts)]
    everyone = pl.concat(year)
    milp = run_online(year, places, "milp", settings.params)
    greedy = run_online(year, places, "greedy", settings.params)
    t0 = time.perf_counter()
    hind = hindsight(everyone, places, settings.hindsight_time_limit)
    hind_seconds = time.perf_counter() - t0
    best = hind.bound
    answers = milp["answers"]
    placed = answers.filter(pl.col("member_state").is_not_null()).join(
        everyone.select("person_id", "links"), on="person_id"
    )
    with_links = placed.filter(pl.col("links").list.len() > 0)
    return {
        "relocated": placed.height,
        "unplaced": answers.height - placed.height,
        "links_honoured_share": round(with_links["link_honoured"].mean() or 0.0, 4),
        "hindsight_ratio": round(match_value(answers, everyone) / best, 4) if best else 1.0,
        "greedy_ratio": round(match_value(greedy["answers"], everyone) / best, 4) if best else 1.0,
        "violations": int(milp["violations"]),
        "details": {
            "persons": everyone.height,
            "places": n_places,
            "greedy_violations": int(greedy["violations"]),
            "hindsight_value": hind.value,
            "hindsight_bound": hind.bound,
            "hindsight_gap": hind.gap,
            "hindsight_seconds": round(hind_seconds, 3),
            "batch_seconds_max": round(max(milp["seconds"]), 3),
            "batch_seconds_mean": round(float(np.mean(milp["seconds"])), 3),
            "unplaced_reasons": dict(
                answers.filter(pl.col("member_state").is_null())["reason"].value_counts().iter_rows()
            ),
        },
    }
