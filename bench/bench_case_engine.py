"""Benchmark of the case engine on a synthetic population, against plain Python and OpenFisca.

    .venv/bin/python bench/bench_case_engine.py [--n 1000000] [--repeat 5] [--openfisca-python PATH]

Measures, in one run on the same seeded population (`migralex.cases.synthetic.generate`):
- the responsibility hierarchy over all cases (`decide_responsibility`, columnar);
- the three answers together (responsibility, procedure, deadlines);
- one case answered with its trace, in-process (from a case-format dict, parsing included);
- the same hierarchy written case at a time in plain Python (bench/bench_case_plain.py), and as an
  OpenFisca model (bench/bench_case_openfisca.py, run with the Python of a separate venv holding
  openfisca-core; created under /tmp if missing, skipped with a message if it cannot be);
- agreement of the three implementations (cases the engine decides by Art. 28 left out: neither
  peer links separate cases);
- peak RSS of a fresh process that generates the population and computes the three answers.
Timings are the best and the median of `--repeat` runs (the machine is shared: the best is the
least disturbed). Not a test: nothing asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from bench_case_plain import PlainHierarchy, to_plain_cases
from migralex.cases import codes as C
from migralex.cases.batch import CaseBatch
from migralex.cases.synthetic import generate
from migralex.context import default_context
from migralex.law.params import params
from migralex.law.timelimits import next_working_day_table
from migralex.rules.deadlines import deadlines
from migralex.rules.procedure import channel
from migralex.rules.responsibility.hierarchy import ResponsibilityResult, decide_responsibility

EXAMPLE = {
    "id": "bench",
    "registration": {"member_state": "IT", "date": "2026-09-01", "place": "sar_disembarkation"},
    "applicant": {"date_of_birth": "1990-04-02", "nationality": "SY"},
    "family": [
        {"relation": "sibling", "member_state": "DE", "status": "legally_present", "consent_in_writing": True}
    ],
    "documents": [
        {
            "kind": "visa",
            "member_state": "FR",
            "visa_type": "short_stay",
            "valid_from": "2025-01-01",
            "valid_until": "2025-03-31",
        }
    ],
    "diplomas": [{"member_state": "NL", "issued_on": "2022-06-30", "study_months": 24}],
    "entries": [{"kind": "sar_disembarkation", "member_state": "IT", "date": "2026-08-28"}],
}


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(best, median, last result) over `repeat` runs."""
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times), result


def high_water_mib() -> float:
    """Peak resident set of this process (VmHWM; `ru_maxrss` survives exec from a large parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_child(n: int) -> None:
    """In a fresh process: generate, answer the three questions, print peak RSS (MiB)."""
    base = high_water_mib()
    batch = generate(n, 1)
    ctx = default_context()
    resp = decide_responsibility(batch)
    proc = channel(batch, ctx)
    dl = deadlines(batch, proc, ctx, responsibility=resp)
    frames = (resp.to_polars(), proc.to_polars(), dl.to_polars())
    peak = high_water_mib()
    print(
        json.dumps(
            {
                "peak_rss_mib": peak,
                "after_imports_mib": base,
                "rows": [f.height for f in frames],
            }
        )
    )


def ensure_openfisca(python: str) -> str | None:
    """The Python of a venv with openfisca-core (created under /tmp if missing), or None."""
    if Path(python).exists():
        return python
    venv = Path(python).parent.parent
    try:
        subprocess.run([sys.executable.replace("/.venv/", "/.venv/"), "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "openfisca-core"], check=True, timeout=600
        )
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"OpenFisca skipped: cannot install openfisca-core into {venv} ({exc})")
        return None
    return python if Path(python).exists() else None


NONE_DAY = -1_000_000_000  # "no date" in the OpenFisca arrays


def days(x: np.ndarray) -> np.ndarray:
    """Dates as int days since 1970-01-01, NONE_DAY for NaT."""
    v = x.astype("datetime64[D]").astype(np.int64)
    return np.where(np.isnat(x), NONE_DAY, v)


def item_columns(batch: CaseBatch) -> dict[str, np.ndarray]:
    """Person-level arrays: the applicants, then family members, documents, diplomas and entries."""
    f, d, g, e = batch.family, batch.documents, batch.diplomas, batch.entries
    n = batch.n
    sizes = [n, len(f), len(d), len(g), len(e)]
    total = sum(sizes)
    item_type = np.repeat(np.arange(5), sizes)
    person_case = np.concatenate([np.arange(n), f.case, d.case, g.case, e.case])
    cols: dict[str, np.ndarray] = {"item_type": item_type, "person_case": person_case}

    def col(name: str, part: int, values: np.ndarray, fill: Any = 0) -> None:
        out = cols.setdefault(name, np.full(total, fill, dtype=np.asarray(values).dtype))
        start = sum(sizes[:part])
        out[start : start + sizes[part]] = values

    family_columns = {
        "relation": f.relation,
        "fam_ms": f.ms,
        "status": f.status,
        "existed": f.existed_before_arrival,
        "consent": f.consent_in_writing,
        "first_decision": f.first_decision_taken,
        "can_care": f.can_take_care,
    }
    for name, values in family_columns.items():
        col(name, 1, values.astype(np.int64) if values.dtype != bool else values)
    col("fam_dob", 1, days(f.dob), NONE_DAY)
    for name, values in (
        ("doc_kind", d.kind),
        ("doc_ms", d.ms),
        ("visa_type", d.visa_type),
        ("behalf", d.on_behalf_of),
    ):
        col(name, 2, values.astype(np.int64))
    col("valid_from", 2, days(d.valid_from), NONE_DAY)
    col("valid_until", 2, days(d.valid_until), NONE_DAY)
    col("ended", 2, days(d.ended_early_on), NONE_DAY)
    col("fraud", 2, d.fraud_after_issuance)
    col("dip_ms", 3, g.ms.astype(np.int64))
    col("issued_on", 3, days(g.issued_on), NONE_DAY)
    col("study", 3, g.study_months.astype(np.int64))
    col("entry_kind", 4, e.kind.astype(np.int64), -1)
    col("entry_ms", 4, e.ms.astype(np.int64))
    col("entry_date", 4, days(e.date), NONE_DAY)
    return cols


def windows() -> dict[str, int]:
    """The AMMR windows in months (Arts 29, 30, 33) and the minimum study for Art. 30, as `w_*`."""
    p = params()

    def months(name: str) -> int:
        par = p[name]
        return int(par.values[-1].value) * (12 if par.unit == "years" else 1)

    return {
        "w_res": months("ammr.criteria.residence_document_lapse_window"),
        "w_visa": months("ammr.criteria.visa_lapse_window"),
        "w_diploma": months("ammr.criteria.diploma_window"),
        "w_crossing": months("ammr.criteria.irregular_entry_cessation"),
        "w_sar": months("ammr.criteria.sar_disembarkation_cessation"),
        "w_study": 9 * int(p["ammr.diploma_minimum_study"].values[-1].value),
    }


def openfisca_input(batch: CaseBatch, path: Path) -> None:
    """Write the population as OpenFisca person/case arrays (one applicant person per case)."""
    a = batch.applicants
    cols = item_columns(batch)
    next_working, first_day = next_working_day_table(np.arange(len(C.MEMBER_STATES), dtype=np.int8))
    np.savez(
        path,
        **cols,
        reg_ms=a.reg_ms.astype(np.int64),
        reg_date=days(a.reg_date),
        place=a.place.astype(np.int64),
        dob=days(a.dob),
        unaccompanied=a.unaccompanied,
        age_uncertain=a.age_uncertain,
        security_threat=a.security_threat,
        relocated_to=a.relocated_to.astype(np.int64),
        next_working=next_working,
        first_day=first_day,
        ireland=np.int64(C.MS_INDEX["IE"]),
        airport=np.int64(C.PLACES.index("airport_transit_area")),
        **windows(),
    )


def main() -> None:
    """Run the benchmark and print a table (and JSON with --json)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--openfisca-python", default="/tmp/openfisca-venv/bin/python")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--memory-child", type=int)
    args = ap.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return
    out: dict[str, Any] = {"n": args.n, "cpu_count": os.cpu_count(), "load_average": os.getloadavg()}
    t = time.perf_counter()
    batch = generate(args.n, 1)
    out["generate_s"] = time.perf_counter() - t
    out["edges"] = {k: len(getattr(batch, k)) for k in ("family", "documents", "diplomas", "entries")}
    resp = engine_timings(batch, args.repeat, out)
    out["single_case_with_trace_ms"] = single_case_with_trace()
    compared = resp.criteria() != "family_procedure"
    out["compared_cases"] = int(compared.sum())
    plain_timing(batch, resp, compared, out)
    openfisca_timing(ensure_openfisca(args.openfisca_python), batch, resp, compared, out)
    child = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(args.n)], capture_output=True, text=True, check=True
    )
    out["memory"] = json.loads(child.stdout.strip().splitlines()[-1])
    report(out)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


def engine_timings(batch: CaseBatch, repeat: int, out: dict[str, Any]) -> ResponsibilityResult:
    """Time the hierarchy and the three answers on `batch` (into `out`); return the hierarchy's result."""
    ctx = default_context()
    decide_responsibility(batch.take(np.arange(min(1000, batch.n))))  # warm caches (holiday tables)

    best, med, resp = timed(lambda: decide_responsibility(batch), repeat)
    out["engine_responsibility_s"] = {"best": best, "median": med}

    def three() -> Any:
        r = decide_responsibility(batch)
        p = channel(batch, ctx)
        return r, p, deadlines(batch, p, ctx, responsibility=r)

    best, med, _ = timed(three, repeat)
    out["engine_three_answers_s"] = {"best": best, "median": med}
    return resp


def single_case_with_trace() -> dict[str, float]:
    """Median and p95 in ms of one case answered with its trace, in-process (1,000 after 50 warm-up)."""
    for _ in range(50):
        decide_responsibility(EXAMPLE, with_trace=True).answer(0, trace=True)
    single = []
    for _ in range(1000):
        t = time.perf_counter()
        decide_responsibility(EXAMPLE, with_trace=True).answer(0, trace=True)
        single.append(time.perf_counter() - t)
    return {"median": statistics.median(single) * 1e3, "p95": float(np.percentile(single, 95)) * 1e3}


def plain_timing(
    batch: CaseBatch, resp: ResponsibilityResult, compared: np.ndarray, out: dict[str, Any]
) -> None:
    """Time the plain-Python hierarchy case at a time and its agreement with the engine (into `out`)."""
    cases = to_plain_cases(batch)
    plain = PlainHierarchy(params())
    best, med, plain_out = timed(lambda: [plain.decide(c) for c in cases], 1)
    out["plain_python_s"] = {"best": best, "median": med}
    plain_ms = np.array([o[0] for o in plain_out], dtype=np.int64)
    out["plain_agreement"] = float(((plain_ms == resp.member_state) | ~compared)[compared].mean())


def openfisca_timing(
    python: str | None,
    batch: CaseBatch,
    resp: ResponsibilityResult,
    compared: np.ndarray,
    out: dict[str, Any],
) -> None:
    """Run the OpenFisca model with `python` (None: skipped); its timings and agreement into `out`."""
    if not python:
        out["openfisca_s"] = None
        return
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.npz", Path(tmp) / "out.npz"
        openfisca_input(batch, src)
        t = time.perf_counter()
        subprocess.run(
            [python, str(Path(__file__).parent / "bench_case_openfisca.py"), str(src), str(dst)],
            check=True,
        )
        wall = time.perf_counter() - t
        res = np.load(dst)
        out["openfisca_s"] = {
            "build": float(res["build_s"]),
            "compute": float(res["compute_s"]),
            "process_wall": wall,
        }
        of = res["responsible"].astype(np.int64)
        out["openfisca_agreement"] = float((of == resp.member_state)[compared].mean())


def report(out: dict[str, Any]) -> None:
    """Print the results as a Markdown table."""
    eng = out["engine_responsibility_s"]["best"]
    print(f"\nn = {out['n']:,} cases ({out['edges']}); {out['cpu_count']} CPUs, load {out['load_average']}")
    print(f"generation: {out['generate_s']:.2f} s\n")
    print("| what | best s | median s | vs engine |")
    print("|---|---|---|---|")
    print(
        f"| engine: responsibility hierarchy | {eng:.3f} |"
        f" {out['engine_responsibility_s']['median']:.3f} | 1.0 |"
    )
    three = out["engine_three_answers_s"]
    print(
        f"| engine: responsibility + procedure + deadlines | {three['best']:.3f} | {three['median']:.3f} | |"
    )
    pp = out["plain_python_s"]["best"]
    print(f"| plain Python, case at a time (hierarchy) | {pp:.3f} | | {pp / eng:.1f}× slower |")
    of = out.get("openfisca_s")
    if of:
        print(
            f"| OpenFisca: compute (hierarchy) | {of['compute']:.3f} | | {of['compute'] / eng:.1f}× slower |"
        )
        tot = of["build"] + of["compute"]
        print(f"| OpenFisca: build + compute | {tot:.3f} | | {tot / eng:.1f}× slower |")
    else:
        print("| OpenFisca | skipped | | |")
    s = out["single_case_with_trace_ms"]
    print(f"\nsingle case with trace, in-process: median {s['median']:.2f} ms, p95 {s['p95']:.2f} ms")
    print(
        f"agreement on {out['compared_cases']:,} cases (Art. 28 cases left out):"
        f" plain {out['plain_agreement']:.4%}"
        + (f", OpenFisca {out['openfisca_agreement']:.4%}" if of else "")
    )
    m = out["memory"]
    print(
        f"peak RSS, fresh process, {out['n']:,} cases, three answers and their frames:"
        f" {m['peak_rss_mib']:.0f} MiB"
        f" (after imports {m['after_imports_mib']:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
