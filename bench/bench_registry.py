"""Registry benchmarks: bulk load, a Lampedusa-scale surge, identification latency, memory.

    python bench/bench_registry.py load     --db /tmp/reg1m.sqlite3 --n 1000000
    python bench/bench_registry.py surge    --db /tmp/reg1m.sqlite3 --n 10000 --batch 100
    python bench/bench_registry.py identify --db /tmp/reg1m.sqlite3 --queries 2000

`load` stores N synthetic persons (first captures, fingerprint + face) through the registry's
bulk path (`register_batch(compare=False)`: the rows of the normal path, no comparisons).
`surge` opens the database in a fresh registry (decrypting and indexing every template), then
registers N disembarkations after search and rescue in Italy, in batches, *with* comparison:
30 % are persons already stored (a new capture), 70 % are new. `identify` measures single-probe
search latency of the matcher (IVF at several nprobe values and exact flat) with recall, and of
the service (`search`, audited, through the database). Each stage prints one JSON line with its
figures and the peak resident memory of the process.

`identify` samples loaded datasets and probes each with a new capture of *its* person, read from
the transaction id (`L-<person>`): dataset ids are random (Art. 48(2)(g)) and say nothing of the
person. `recall_at_1_vs_exact` is the share of probes whose IVF top candidate is the exact
search's; `mate_found_above_threshold` the share whose top candidate is a dataset of the probe's
own person scoring at or above the registry's fingerprint threshold (1 − FNIR at rank 1; the
DET bench puts FNIR at 0.55 near 1.2 %). Below 50,000 templates the index is flat (`index`), so
every nprobe row is the same exact search. The service search is an Art. 18(1) admission
comparison, which reaches none of the loaded categories (`candidates`: 0): it times the index
sync, the search, the comparison rules and the audited commit, without hits to record.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import time
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
from sqlalchemy import or_, select

from migralex.registry.access import Caller
from migralex.registry.crypto import Keyring
from migralex.registry.matcher import FaissMatcher, SyntheticPopulation
from migralex.registry.models import datasets
from migralex.registry.registration import Submission
from migralex.registry.service import Registry, RegistryConfig
from migralex.registry.store import Store

KEY = Keyring.from_master(b"migralex-bench-key-0123456789abc")
SEED = 1358
NOW = dt.datetime(2026, 9, 1, 12, 0)
#: (Member State, role, category) of the stored population, in turn.
SOURCES = [
    ("IT", "border", "irregular_crossing"),
    ("GR", "border", "irregular_crossing"),
    ("ES", "border", "sar_disembarkation"),
    ("DE", "asylum", "applicant"),
    ("FR", "asylum", "applicant"),
    ("NL", "return", "illegal_stay"),
]
DIGIT = {"irregular_crossing": "2", "sar_disembarkation": "9", "applicant": "1", "illegal_stay": "3"}


def peak_mib() -> float:
    """Peak resident set size of this process (MiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def submissions(
    pop: SyntheticPopulation, persons: np.ndarray, rng: np.random.Generator, ms: str, cat: str, tag: str
) -> list[Submission]:
    """Submissions of some persons (one new capture each)."""
    finger = pop.capture("fingerprint", persons, rng)
    face = pop.capture("face", persons, rng)
    event = NOW - dt.timedelta(hours=20)
    years = 1960 + persons % 45
    return [
        Submission(
            transaction_id=f"{tag}-{p}",
            category=cat,
            event_at=event,
            biometrics_taken_at=event + dt.timedelta(hours=1),
            identity={
                "names": {"surnames": [f"Name{p % 50_000}"], "forenames": [f"Given{p % 997}"]},
                "date_of_birth": f"{years[i]}-{1 + p % 12:02d}-{1 + p % 28:02d}",
                "sex": "F" if p % 2 else "M",
                "reference_number": f"{ms}{DIGIT[cat]}-{tag}-{p}",
            },
            fingerprint=finger[i],
            face=face[i],
        )
        for i, p in enumerate(persons.tolist())
    ]


def open_registry(url: str, config: RegistryConfig) -> Registry:
    return Registry(Store.open(url, KEY), config=config, clock=lambda: NOW)  # synchronous=FULL, the default


def load(args: argparse.Namespace) -> dict:
    url = args.url or f"sqlite:///{args.db}"
    reg = open_registry(url, RegistryConfig(exact_below=10**9))  # no index during the load
    pop = SyntheticPopulation(SEED)
    rng = np.random.default_rng([SEED, 1])
    t0 = time.perf_counter()
    chunk = args.chunk
    for k, start in enumerate(range(0, args.n, chunk)):
        ms, role, cat = SOURCES[k % len(SOURCES)]
        persons = np.arange(start, min(start + chunk, args.n))
        reg.register_batch(
            Caller(f"tk_{ms.lower()}", ms, role), submissions(pop, persons, rng, ms, cat, "L"), compare=False
        )
        if k % 10 == 0:
            print(f"  {start + len(persons):,} in {time.perf_counter() - t0:.0f} s", flush=True)
    seconds = time.perf_counter() - t0
    size = Path(args.db).stat().st_size if args.db and Path(args.db).exists() else None
    return {
        "stage": "load",
        "records": args.n,
        "seconds": round(seconds, 1),
        "records_per_s": round(args.n / seconds),
        "db_bytes": size,
        "peak_rss_mib": peak_mib(),
    }


def surge(args: argparse.Namespace) -> dict:
    url = args.url or f"sqlite:///{args.db}"
    config = RegistryConfig(exact_below=50_000, nprobe=args.nprobe)
    reg = open_registry(url, config)
    t0 = time.perf_counter()
    reg.warm()
    warm = time.perf_counter() - t0
    stored = len(reg.matchers["fingerprint"])
    info = reg.matchers["fingerprint"].info  # type: ignore[attr-defined]
    pop = SyntheticPopulation(SEED)
    rng = np.random.default_rng([SEED, 2])
    n_known = int(args.n * 0.3)
    known = rng.choice(stored, size=n_known, replace=False)
    new = np.arange(stored + 10_000_000, stored + 10_000_000 + args.n - n_known)
    persons = rng.permutation(np.concatenate([known, new]))
    subs = submissions(pop, persons, rng, "IT", "sar_disembarkation", "S")
    caller = Caller("tk_lampedusa", "IT", "border")
    latencies = []
    t1 = time.perf_counter()
    results = []
    for start in range(0, len(subs), args.batch):
        b0 = time.perf_counter()
        results += reg.register_batch(caller, subs[start : start + args.batch])
        latencies.append(time.perf_counter() - b0)
    seconds = time.perf_counter() - t1
    known_set = set(known.tolist())
    found = [bool(r.candidates) for r in results]
    true_hits = sum(f for p, f in zip(persons.tolist(), found, strict=True) if p in known_set)
    false_cands = sum(
        len(r.candidates) for p, r in zip(persons.tolist(), results, strict=True) if p not in known_set
    )
    own_it = sum(1 for p in known.tolist() if SOURCES[(p // args.chunk) % len(SOURCES)][0] == "IT")
    return {
        "stage": "surge",
        "stored": stored,
        "index": info.kind,
        "nlist": info.nlist,
        "nprobe": info.nprobe,
        "warm_seconds": round(warm, 1),
        "registrations": len(subs),
        "batch": args.batch,
        "seconds": round(seconds, 1),
        "registrations_per_s": round(len(subs) / seconds, 1),
        "batch_p50_ms": round(1000 * float(np.median(latencies)), 1),
        "batch_p99_ms": round(1000 * float(np.quantile(latencies, 0.99)), 1),
        "known_persons": n_known,
        "known_from_other_ms": n_known - own_it,
        "hits_on_known": true_hits,
        "false_candidates_on_new": false_cands,
        "peak_rss_mib": peak_mib(),
    }


def identify(args: argparse.Namespace) -> dict:
    """Single-probe search latency: exact flat, the IVF at several nprobe (with recall), the service."""
    url = args.url or f"sqlite:///{args.db}"
    reg = open_registry(url, RegistryConfig(exact_below=50_000))
    reg.warm()
    matcher = reg.matchers["fingerprint"]
    assert isinstance(matcher, FaissMatcher)
    ids, vecs = matcher.contents()
    person_of = persons_by_dataset(reg)
    persons, probes = probes_of_loaded(person_of, args.queries)
    exact, exact_best = exact_flat(ids, vecs, probes)
    out: dict = {
        "stage": "identify",
        "stored": len(ids),
        "index": matcher.info.kind,  # flat below 50,000 templates: nprobe changes nothing
        "dim": int(vecs.shape[1]),
        "queries": args.queries,
        "exact_flat": exact,
        "ivf": ivf_sweep(reg, matcher, probes, Mates(persons, person_of), exact_best),
    }
    matcher.set_nprobe(args.nprobe)
    out["service_search"] = service_search(reg, probes[: args.service_queries], args.nprobe)
    out["threads"] = faiss.omp_get_max_threads()
    out["peak_rss_mib"] = peak_mib()
    return out


def persons_by_dataset(reg: Registry) -> dict[int, tuple[str, int]]:
    """Stage and synthetic person of each stored dataset, from its transaction id (`L-123`):
    dataset ids are random (Art. 48(2)(g)), so they say nothing of the person."""
    with reg.store.read() as conn:
        tid = datasets.c.transaction_id
        rows = conn.execute(select(datasets.c.id, tid).where(or_(tid.like("L-%"), tid.like("S-%")))).all()
    return {int(i): (t[0], int(t[2:])) for i, t in rows}


def probes_of_loaded(person_of: dict[int, tuple[str, int]], queries: int) -> tuple[np.ndarray, np.ndarray]:
    """`queries` persons of the bulk load (not the surge) and a new fingerprint capture of each."""
    pop = SyntheticPopulation(SEED)
    rng = np.random.default_rng([SEED, 3])
    loaded = np.array(sorted(i for i, (tag, _) in person_of.items() if tag == "L"), dtype=np.int64)
    mates = rng.choice(loaded, size=queries, replace=False)
    persons = np.array([person_of[int(m)][1] for m in mates], dtype=np.int64)
    return persons, pop.capture("fingerprint", persons, rng)  # a new capture of each mate's person


@dataclass(frozen=True)
class Mates:
    """The probes' own persons, and the person of each stored dataset."""

    persons: np.ndarray
    person_of: dict[int, tuple[str, int]]

    def rate(self, top: list[tuple[int, float]], threshold: float) -> float:
        """Share of probes whose top candidate is a dataset of the probe's own person, at or above
        the threshold (1 - FNIR at rank 1)."""
        own = [
            self.person_of.get(i, ("", -1))[1] == p and s >= threshold
            for (i, s), p in zip(top, self.persons.tolist(), strict=True)
        ]
        return float(np.mean(own))


def exact_flat(ids: np.ndarray, vecs: np.ndarray, probes: np.ndarray) -> tuple[dict, np.ndarray]:
    """Exact flat search: latency with 1 and all threads (200 probes), and the best id of each probe."""
    flat = faiss.IndexFlatIP(vecs.shape[1])
    flat.add(vecs)
    exact: dict[str, dict[str, float]] = {}
    for threads in (1, faiss.omp_get_max_threads()):
        faiss.omp_set_num_threads(threads)
        lat = []
        for q in probes[: min(200, len(probes))]:
            t = time.perf_counter()
            flat.search(q[None, :], 10)
            lat.append(time.perf_counter() - t)
        exact[f"{threads}_threads"] = {"p50_ms": _ms(lat, 0.5), "p99_ms": _ms(lat, 0.99)}
    _, exact_all = flat.search(probes, 1)
    return exact, ids[exact_all[:, 0]]


def ivf_sweep(
    reg: Registry, matcher: FaissMatcher, probes: np.ndarray, mates: Mates, exact_best: np.ndarray
) -> list[dict]:
    """The matcher's latency, recall against exact search and mates found, for each nprobe."""
    threshold = reg.config.thresholds["fingerprint"]
    rows = []
    for nprobe in (64, 128, 256, 384, 512):
        matcher.set_nprobe(nprobe)
        lat, top = [], []
        for q in probes:
            t = time.perf_counter()
            s, i = matcher.identify(q[None, :], reg.config.search_k)
            lat.append(time.perf_counter() - t)
            top.append((int(i[0, 0]), float(s[0, 0])))
        recall = float(np.mean([t[0] == e for t, e in zip(top, exact_best, strict=True)]))
        rows.append(
            {
                "nprobe": nprobe,
                "nlist": matcher.info.nlist,
                "p50_ms": _ms(lat, 0.5),
                "p99_ms": _ms(lat, 0.99),
                "recall_at_1_vs_exact": round(recall, 4),
                "mate_found_above_threshold": round(mates.rate(top, threshold), 4),
            }
        )
    return rows


def service_search(reg: Registry, probes: np.ndarray, nprobe: int | None) -> dict:
    """Latency of the service's audited `search` (admission, through the database) per probe."""
    caller = Caller("tk_admission", "SE", "asylum")
    lat, candidates = [], 0
    for q in probes:
        t = time.perf_counter()
        candidates += len(reg.search(caller, kind="admission", fingerprint=q).candidates)
        lat.append(time.perf_counter() - t)
    return {
        "nprobe": nprobe,
        "p50_ms": _ms(lat, 0.5),
        "p99_ms": _ms(lat, 0.99),
        "queries": len(lat),
        "candidates": candidates,  # 0: Art. 18(1) compares with none of the loaded categories
    }


def _ms(values: list[float], q: float) -> float:
    return round(1000 * float(np.quantile(values, q)), 2)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("stage", choices=["load", "surge", "identify"])
    parser.add_argument("--db", default="/tmp/migralex_registry_bench.sqlite3")
    parser.add_argument("--url", default=None, help="a database URL instead of --db (e.g. PostgreSQL)")
    parser.add_argument("--n", type=int, default=None)
    parser.add_argument("--chunk", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--nprobe", type=int, default=None, help="default: 3/32 of the IVF cells")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--service-queries", type=int, default=500)
    args = parser.parse_args()
    if args.n is None:
        args.n = 1_000_000 if args.stage == "load" else 10_000
    result = {"load": load, "surge": surge, "identify": identify}[args.stage](args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
