"""CPU time of the forecast endpoints in-process (FastAPI TestClient): first request, a new `as_of`,
repeats, and eight clients asking for the same new `as_of` at once.

    .venv/bin/python bench/bench_forecast_api.py [--json FILE]

CPU time (`time.process_time`) is what an idle machine would take; wall time is printed beside it
with the load average, as an upper bound on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
import warnings
from typing import Any

#: (path, query) in the order they are asked; each is asked three times (cold, then twice warm).
QUERIES: list[tuple[str, dict[str, str | int]]] = [
    ("/v1/forecast/alerts", {}),
    ("/v1/forecast/alerts", {"as_of": "2023-09"}),
    ("/v1/forecast/alerts", {"as_of": "2021-08"}),
    ("/v1/forecast", {}),
    ("/v1/forecast/projection", {}),
    ("/v1/forecast", {"as_of": "2022-03", "horizon": 7}),
]


def timed(call: Any) -> tuple[float, float]:
    """(CPU ms, wall ms) of `call()`."""
    cpu, wall = time.process_time(), time.perf_counter()
    call()
    return round((time.process_time() - cpu) * 1000, 1), round((time.perf_counter() - wall) * 1000, 1)


def main() -> None:
    """Build the app, ask the queries, print CPU and wall milliseconds with the load."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", help="write the figures to this file")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    os.environ.setdefault("MIGRALEX_API_ALLOWED_HOSTS", "testserver")
    from fastapi.testclient import TestClient

    from migralex.api import create_app

    client = TestClient(create_app())
    out: dict[str, Any] = {"load_before": os.getloadavg()[0]}
    for path, params in QUERIES:
        runs = [timed(lambda p=path, q=params: client.get(p, params=q).raise_for_status()) for _ in range(3)]
        out[f"{path}?{'&'.join(f'{k}={v}' for k, v in params.items())}"] = {
            "cold_cpu_ms": runs[0][0], "cold_wall_ms": runs[0][1],
            "warm_cpu_ms": min(r[0] for r in runs[1:]), "warm_wall_ms": min(r[1] for r in runs[1:]),
        }  # fmt: skip
    threads = [
        threading.Thread(target=lambda: client.get("/v1/forecast/alerts", params={"as_of": "2019-05"}))
        for _ in range(8)
    ]
    cpu, wall = time.process_time(), time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out["8 clients, one new as_of"] = {
        "cpu_ms": round((time.process_time() - cpu) * 1000),
        "wall_ms": round((time.perf_counter() - wall) * 1000),
    }
    out["load_after"] = os.getloadavg()[0]
    print(json.dumps(out, indent=1))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=1)


if __name__ == "__main__":
    main()
