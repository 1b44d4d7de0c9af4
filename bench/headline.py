"""The README's and docs/simulator.md's headline table: every scenario, N runs, medians [5-95 %].

    .venv/bin/python bench/headline.py --runs 20 --seed 1 > /tmp/headline.md

Runs `migralex simulate --format json` per scenario (full scale) and prints two Markdown tables: the
short one of the README and the long one of docs/simulator.md. Nothing is typed in: every figure is read
from the simulator's summary.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

SCENARIOS = [
    "baseline",
    "lampedusa-surge",
    "lampedusa-surge-crisis",
    "relocation-half-pledged",
    "pool-2026",
    "dublin-iii",
    "instrumentalisation",
]

#: Row label → where the figure is in the summary: (scope, figure[, breach kind]) by name.
ROWS = {
    "applications": {"scope": "union", "figure": "applications"},
    "border-procedure entries": {"scope": "union", "figure": "border_entries"},
    "Italy: border peak": {"scope": "IT", "figure": "border_procedure_peak"},
    "Italy: registrations late": {"scope": "IT", "figure": "breaches", "kind": "registration_breaches"},
    "Poland: border-procedure entries": {"scope": "PL", "figure": "border_entries"},
    "Dublin transfers": {"scope": "union", "figure": "transfers_out"},
    "transfers into Italy": {"scope": "IT", "figure": "transfers_in"},
    "transfer time limit missed (AMMR Art. 46(2))": {
        "scope": "union",
        "figure": "breaches",
        "kind": "transfer_lapses",
    },
    "relocations": {"scope": "union", "figure": "relocations_out"},
    "return decisions": {"scope": "union", "figure": "return_decisions"},
    "effective returns": {"scope": "union", "figure": "returns"},
    "accelerated beyond 3 months": {"scope": "union", "figure": "breaches", "kind": "accelerated_breaches"},
    "pending on 31 December": {"scope": "union", "figure": "pending_at_end"},
    "returned from another Member State": {"scope": "union", "figure": "returned_from_elsewhere"},
    "applications after absconding (sim/returns.py)": {"scope": "union", "figure": "onward_applications"},
    "staying irregularly elsewhere at the end": {"scope": "union", "figure": "secondary_movements_at_end"},
}
SHORT = ["applications", "border-procedure entries", "Italy: border peak", "Dublin transfers", "relocations"]


def band(summary: dict, row: dict) -> dict:
    """The {median, p5, p95} of one row in one scenario's summary."""
    scope = summary["union"] if row["scope"] == "union" else summary["member_states"][row["scope"]]
    value = scope.get(row["figure"], {"median": float("nan"), "p5": float("nan"), "p95": float("nan")})
    return value[row["kind"]] if "kind" in row else value


def run(scenario: str, runs: int, seed: int) -> dict:
    """One scenario's summary from the CLI (the same path a user takes)."""
    exe = Path(sys.executable).with_name("migralex")
    cmd = [str(exe), "simulate", "--scenario", scenario, "--runs", str(runs), "--seed", str(seed)]
    cmd += ["--format", "json"]
    started = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    print(f"{scenario}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    args = parser.parse_args()
    names = args.scenarios.split(",")
    results = {name: run(name, args.runs, args.seed) for name in names}
    print("| scenario (year 2027) | " + " | ".join(SHORT) + " |")
    print("|---" * (len(SHORT) + 1) + "|")
    for name, summary in results.items():
        cells = [f"{round(band(summary, ROWS[r])['median'], -2):,.0f}" for r in SHORT]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    print("| | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    for label, row in ROWS.items():
        cells = []
        for summary in results.values():
            b = band(summary, row)
            cells.append(f"{b['median']:,.0f} [{b['p5']:,.0f}–{b['p95']:,.0f}]")
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
