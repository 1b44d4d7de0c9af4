"""CPU of one case through the engine, stage by stage, in-process: the fixed cost of a call.

    .venv/bin/python bench/bench_single_case.py [--calls 300] [--repeat 5] [--json FILE]

What the HTTP deadlines endpoint does for a one-case request, without the HTTP layer: the case
validated (`parse_case`), made a batch, then responsibility, procedure and deadlines, and the answer
built. Each stage is timed alone over `--calls` calls on each shipped example case
(`web/static/examples/cases.json`), with `time.process_time` (CPU of this process, less disturbed by
other load than wall time); the figure is the best of `--repeat` rounds, in milliseconds a call,
averaged over the examples. `total` runs the whole path (`decide(...).deadlines.answers()`).
`--idle-ms 5` sleeps that long before each call and counts only the calls' CPU: the cost of a call
that finds the caches cold, as a server at 200 requests a second does (one request every 5 ms).
Not a test: nothing asserts a time. Compare two trees by running the script in each, alternately.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from migralex.cases.batch import CaseBatch
from migralex.cases.format import parse_case
from migralex.context import default_context
from migralex.decide import channel, deadlines, decide, decide_responsibility
from migralex.law.params import params as shipped_params

EXAMPLES = Path(__file__).resolve().parents[1] / "src/migralex/web/static/examples/cases.json"


def stages(case: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """The stages of one call, each a thunk over the same case."""
    p, ctx = shipped_params(), default_context()
    model = parse_case(case)
    batch = CaseBatch.from_dicts([model])
    resp = decide_responsibility(batch, p)
    proc = channel(batch, ctx, p)
    return {
        "parse": lambda: parse_case(case),
        "batch": lambda: CaseBatch.from_dicts([model]),
        "responsibility": lambda: decide_responsibility(batch, p),
        "procedure": lambda: channel(batch, ctx, p),
        "deadlines": lambda: list(deadlines(batch, proc, ctx, p, responsibility=resp).answers()),
        "total": lambda: list(decide([case], ctx).deadlines.answers()),
    }


def best_ms(fn: Callable[[], Any], calls: int, repeat: int, idle: float = 0.0) -> float:
    """The least CPU a call took, over `repeat` rounds of `calls` calls (ms); with `idle` (seconds),
    a sleep before each call, not counted."""
    best = float("inf")
    for _ in range(repeat):
        spent = 0.0
        if not idle:
            t = time.process_time()
            for _ in range(calls):
                fn()
            spent = time.process_time() - t
        for _ in range(calls if idle else 0):
            time.sleep(idle)
            t = time.process_time()
            fn()
            spent += time.process_time() - t
        best = min(best, spent / calls * 1e3)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--idle-ms", type=float, default=0.0, help="sleep before each call (cold caches)")
    args = ap.parse_args()
    cases = [e["case"] for e in json.loads(EXAMPLES.read_text())["examples"]]
    per_stage: dict[str, list[float]] = {}
    for case in cases:
        for name, fn in stages(case).items():
            fn()  # warm: first-call caches and imports are not the fixed cost
            per_stage.setdefault(name, []).append(best_ms(fn, args.calls, args.repeat, args.idle_ms / 1e3))
    out = {name: round(sum(v) / len(v), 3) for name, v in per_stage.items()}
    out["load_average_1min"] = round(os.getloadavg()[0], 2)
    out["examples"] = len(cases)
    out["idle_ms"] = args.idle_ms
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
