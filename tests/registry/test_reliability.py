"""Crashes and concurrency: nothing acknowledged is lost, nothing half-written survives."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import httpx
import numpy as np
from sqlalchemy import func, select

from migralex.registry import audit
from migralex.registry.access import Caller
from migralex.registry.crypto import KEY_ENV, Keyring
from migralex.registry.models import datasets, events, personal_data, templates
from migralex.registry.schemas import encode_template
from migralex.registry.service import Registry
from migralex.registry.store import Store
from tests.registry.conftest import People

KEY_TEXT = "bWlncmFsZXgtdGVzdC1rZXktMDEyMzQ1Njc4OWFiY2Q"  # base64url of the conftest key


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(url: str, port: int) -> subprocess.Popen:
    env = dict(os.environ, MIGRALEX_REGISTRY_URL=url, **{KEY_ENV: KEY_TEXT})
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "migralex.registry.api:create_app",
            "--factory",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/registry/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"server did not start: {proc.stderr.read().decode() if proc.stderr else ''}")


def _whole(reg: Registry) -> list[int]:
    """Ids of datasets lacking a part (identity, templates, both events); must be empty."""
    with reg.store.read() as conn:
        ids = conn.execute(select(datasets.c.id)).scalars().all()
        with_identity = set(conn.execute(select(personal_data.c.dataset_id)).scalars())
        tpl = dict(
            conn.execute(select(templates.c.dataset_id, func.count()).group_by(templates.c.dataset_id)).all()
        )
        evs = dict(
            conn.execute(
                select(events.c.dataset_id, func.count())
                .where(events.c.type.in_(["registered", "biometrics_taken"]))
                .group_by(events.c.dataset_id)
            ).all()
        )
    return [i for i in ids if i not in with_identity or tpl.get(i) != 2 or evs.get(i) != 2]


def test_key_text_is_the_conftest_key(keys: Keyring) -> None:
    assert Keyring.from_env({KEY_ENV: KEY_TEXT}).fingerprint == keys.fingerprint


def test_sigkill_in_the_middle_of_a_burst_loses_no_acknowledged_registration(
    db_url: str, keys: Keyring, people: People
) -> None:
    setup = Registry(Store.open(db_url, keys))
    token = setup.create_token("IT", "border", "burst")
    setup.store.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    now = time.time()
    bodies = []
    for i in range(400):
        s = people.submission(i, "irregular_crossing", "IT", f"k-{i}")
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 3600))
        bodies.append(
            {
                "transaction_id": s.transaction_id,
                "category": s.category,
                "event_at": stamp,
                "biometrics_taken_at": stamp,
                "identity": dict(s.identity),
                "fingerprint": encode_template(s.fingerprint),
                "face": encode_template(s.face),
            }
        )
    port = _free_port()
    server = _start_server(db_url, port)
    acked: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def send(body: dict) -> None:
        if stop.is_set():
            return
        try:
            r = httpx.post(
                f"http://127.0.0.1:{port}/v1/registry/datasets", json=body, headers=headers, timeout=10
            )
        except httpx.HTTPError:
            return
        if r.status_code == 201:
            with lock:
                acked.append(body["transaction_id"])

    def killer() -> None:
        while len(acked) < 60:
            time.sleep(0.005)
        os.kill(server.pid, signal.SIGKILL)
        stop.set()

    watcher = threading.Thread(target=killer)
    watcher.start()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(send, bodies))
    watcher.join(timeout=60)
    server.wait(timeout=10)
    assert server.returncode == -signal.SIGKILL
    assert 60 <= len(acked) < len(bodies)  # killed mid-burst

    server = _start_server(db_url, port)
    try:
        for tx in acked:
            r = httpx.get(
                f"http://127.0.0.1:{port}/v1/registry/datasets",
                params={"transaction_id": tx},
                headers=headers,
            )
            assert r.status_code == 200, (tx, r.text)
            assert r.json()["identity"]["reference_number"] == f"IT2-{tx}"
        retry = httpx.post(
            f"http://127.0.0.1:{port}/v1/registry/datasets", json=bodies[0], headers=headers, timeout=10
        )
        assert retry.status_code == 200 and retry.json()["replay"]  # an acknowledged one, sent again
    finally:
        server.kill()
        server.wait()
    reg = Registry(Store.open(db_url, keys))
    assert _whole(reg) == []
    with reg.store.read() as conn:
        assert audit.verify(conn, keys.audit_key).ok
        stored = set(conn.execute(select(datasets.c.transaction_id)).scalars())
    assert set(acked) <= stored
    reg.store.dispose()


def _writer(
    url: str, master: bytes, ms: str, persons: list[int], start: int
) -> list[tuple[int, str, list[int]]]:
    """One writer process: registers persons one by one; returns (dataset id, tx, candidate ids)."""
    reg = Registry(Store.open(url, Keyring.from_master(master), migrate=False))
    people = People(rng=np.random.default_rng([start, *map(ord, ms)]))  # each process captures anew
    caller = Caller(f"tk_{ms.lower()}", ms, "border")
    out = []
    for n, person in enumerate(persons):
        r = reg.register(caller, people.submission(person, "irregular_crossing", ms, f"{ms}-{start + n}"))
        out.append((r.dataset_id, f"{ms}-{start + n}", [c.dataset_id for c in r.candidates]))
    reg.store.dispose()
    return out


def test_concurrent_writers_in_several_processes_lose_nothing_and_see_each_other(
    db_url: str, keys: Keyring
) -> None:
    Store.open(db_url, keys).dispose()
    shared = list(range(1000, 1010))  # persons crossing into all three Member States
    plans = {ms: shared + list(range(k * 100, k * 100 + 30)) for k, ms in enumerate(("IT", "GR", "ES"))}
    master = b"migralex-test-key-0123456789abcd"
    with ProcessPoolExecutor(3, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {ms: pool.submit(_writer, db_url, master, ms, persons, 0) for ms, persons in plans.items()}
        results = {ms: f.result(timeout=300) for ms, f in futures.items()}
    ids = [r[0] for rs in results.values() for r in rs]
    assert len(ids) == len(set(ids)) == sum(len(p) for p in plans.values())
    reg = Registry(Store.open(db_url, keys))
    assert _whole(reg) == []
    with reg.store.read() as conn:
        assert audit.verify(conn, keys.audit_key).ok
        assert conn.scalar(select(func.count()).select_from(datasets)) == len(ids)
    # order of arrival across processes: the n-th registration of a shared person finds the n-1 before it
    by_person: dict[int, list[tuple[int, list[int]]]] = {}
    for ms, rs in results.items():
        for person, (dataset_id, _tx, cands) in zip(plans[ms], rs, strict=True):
            by_person.setdefault(person, []).append((dataset_id, cands))
    with reg.store.read() as conn:  # order of arrival: the sequence of the `registered` events
        arrival = dict(
            conn.execute(select(events.c.dataset_id, events.c.seq).where(events.c.type == "registered")).all()
        )
    for person in shared:
        arrivals = sorted(by_person[person], key=lambda a: arrival[a[0]])
        for n, (_dataset_id, cands) in enumerate(arrivals):
            assert sorted(cands) == sorted(d for d, _ in arrivals[:n]), (person, json.dumps(arrivals))
    reg.store.dispose()
