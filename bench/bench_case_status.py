"""Benchmark of `migralex cases status` on a synthetic caseload of cases in the case format v2.

    .venv/bin/python bench/bench_case_status.py [--n 100000] [--repeat 3] [--as-of 2027-03-01]

Builds `--n` cases (registrations from the synthetic generator, `migralex.cases.synthetic`) with
seeded procedural event chains of every kind - a hit and nothing yet, a request and a pending
reply, an acceptance (explicit or by silence), a rejection, a transfer decision, a suspensive
appeal, imprisonment, absconding, a transfer, a take back notification, a relocation - written as
Parquet and as JSON Lines in a temporary folder. Then times, best and median of `--repeat` runs:
reading the caseload (`read_caseload`, column-wise) from Parquet and from JSON Lines, dating every
limit and following responsibility (`case_timeline`), and picking what is due, lapsed and shifted
(`caseload_status`). Not a test: nothing asserts a time. Report the figures with `uptime`'s load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from migralex.cases import codes as C
from migralex.cases.caseload import read_caseload
from migralex.cases.synthetic import SyntheticSpec, generate
from migralex.rules.case_state import case_timeline, caseload_status

#: Chains: the event types in order and the days after the previous event (low, high).
_TC = [("take_charge_request", 20, 60), ("reply:accepted", 5, 25), ("decision", 3, 14)]
_HIT_TC = [("eurodac_hit", 0, 3), ("take_charge_request", 5, 30), ("reply:accepted", 3, 14)]
CHAINS: list[list[tuple[str, int, int]]] = [
    [("eurodac_hit", 0, 3)],
    [("eurodac_hit", 0, 3), ("take_charge_request", 5, 35)],
    _HIT_TC,
    [("take_charge_request", 20, 60), ("reply:rejected", 5, 25)],
    [*_HIT_TC, ("decision", 3, 14)],
    [*_TC, ("appeal", 5, 20), ("appeal_decided", 20, 120)],
    [*_TC, ("imprisoned", 20, 100)],
    [*_TC, ("absconded", 10, 100)],
    [*_HIT_TC, ("decision", 3, 14), ("transfer", 20, 150)],
    [("hit_application", 30, 200), ("take_back_notification", 1, 16)],
    [("relocation_information", 3, 20), ("relocation_confirmed", 1, 9)],
]


def _event(kind: str, reg_ms: str, other: str) -> dict[str, Any]:
    """The fields of one event of `kind` between the Member State of registration and `other`."""
    ask = {"by": reg_ms, "to": other}
    back = {"by": other, "to": reg_ms}
    table: dict[str, dict[str, Any]] = {
        "eurodac_hit": {"type": "eurodac_hit", "category": "irregular_crossing", **ask},
        "hit_application": {"type": "eurodac_hit", "category": "application", **back},
        "take_charge_request": {"type": "take_charge_request", **ask},
        "take_back_notification": {"type": "take_back_notification", **back},
        "reply:accepted": {"type": "reply", "outcome": "accepted", **back},
        "reply:rejected": {"type": "reply", "outcome": "rejected", **back},
        "decision": {"type": "transfer_decision_notified", **ask},
        "appeal": {"type": "appeal_lodged", "suspensive": True},
        "appeal_decided": {"type": "appeal_decided", "outcome": "transfer_upheld"},
        "imprisoned": {"type": "imprisoned", "by": reg_ms},
        "absconded": {"type": "absconded", **ask},
        "transfer": {"type": "transfer_carried_out", **ask},
        "relocation_information": {"type": "relocation_information", **ask},
        "relocation_confirmed": {"type": "relocation_confirmed", **back},
    }
    return table[kind]


def caseload(n: int, seed: int = 12) -> pl.DataFrame:
    """`n` cases with event chains, as a frame with nested `registration`, `applicant`, `events`
    (events are built per chain kind, not per case: a handful of Python dicts, then polars)."""
    first, last = dt.date(2026, 7, 1), dt.date(2027, 1, 31)
    spec = SyntheticSpec(first_registration=first, last_registration=last)
    a = generate(n, seed=seed, spec=spec).applicants
    rng = np.random.default_rng(seed)
    kind = rng.integers(0, len(CHAINS), n)
    other = (a.reg_ms.astype(np.int64) + rng.integers(1, len(C.MEMBER_STATES), n)) % len(C.MEMBER_STATES)
    ms = np.array(C.MEMBER_STATES)
    parts = []
    for k, chain in enumerate(CHAINS):
        rows = np.flatnonzero(kind == k)
        day = a.reg_date[rows].copy()
        for step, (name, lo, hi) in enumerate(chain):
            day = day + rng.integers(lo, hi + 1, len(rows)).astype("timedelta64[D]")
            proto = _event(name, "REG", "OTHER")
            cols: dict[str, Any] = {"case": rows, "index": np.full(len(rows), step), "date": day}
            for key, value in proto.items():
                if value == "REG":
                    cols[key] = ms[a.reg_ms[rows]]
                elif value == "OTHER":
                    cols[key] = ms[other[rows]]
                else:
                    cols[key] = np.full(len(rows), value)
            parts.append(pl.DataFrame(cols))
    events = pl.concat(parts, how="diagonal_relaxed").sort("case", "index")
    nested = events.group_by("case").agg(pl.struct(pl.exclude("case", "index")).alias("events"))
    cases = pl.DataFrame(
        {
            "case": np.arange(n),
            "version": np.full(n, 2),
            "id": [f"c{i}" for i in range(n)],
            "registration": pl.DataFrame(
                {"member_state": ms[a.reg_ms], "date": pl.Series(a.reg_date, dtype=pl.Date)}
            ).to_struct(),
            "applicant": pl.DataFrame({"nationality": np.array(C.NATIONALITIES)[a.nationality]}).to_struct(),
        }
    )
    return cases.join(nested, on="case", how="left").sort("case").drop("case")


def _time(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--as-of", default="2027-03-01")
    args = parser.parse_args()
    frame = caseload(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        parquet, jsonl = Path(tmp) / "cases.parquet", Path(tmp) / "cases.jsonl"
        frame.write_parquet(parquet)
        frame.write_ndjson(jsonl)
        batch, events = read_caseload(parquet)
        case_timeline(
            batch.take(np.arange(10)), args.as_of, events=events.take(np.flatnonzero(events.case < 10))
        )
        rows = [
            ("read Parquet", *_time(lambda: read_caseload(parquet), args.repeat)),
            ("read JSON Lines", *_time(lambda: read_caseload(jsonl), args.repeat)),
            (
                "date limits and responsibility",
                *_time(lambda: case_timeline(batch, args.as_of, events=events), args.repeat),
            ),
        ]
        tl = rows[-1][3]
        rows.append(("due / lapsed / shifted", *_time(lambda: caseload_status(tl, 30), args.repeat)))

        def whole() -> Any:
            b, e = read_caseload(parquet)
            return caseload_status(case_timeline(b, args.as_of, events=e), 30)

        rows.append(("total from Parquet", *_time(whole, args.repeat)))
        status = rows[-1][3]
    load = os.getloadavg()[0]
    print(f"{args.n:,} cases, {len(events):,} events, as of {args.as_of}; 1-min load {load:.1f}")
    for name, best, median, _ in rows:
        print(f"  {name:<34} best {best:6.3f} s   median {median:6.3f} s")
    due, lapsed, shifted = (status[k].height for k in ("due", "lapsed", "shifted"))
    print(f"  due {due:,}, lapsed {lapsed:,}, shifted {shifted:,}")


if __name__ == "__main__":
    main()
