"""The migralex registry as the Eurodac adapter: the screening registers and compares the biometrics."""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from migralex.errors import InvalidInput
from migralex.registry.crypto import Keyring
from migralex.registry.matcher import SyntheticPopulation
from migralex.registry.service import Registry, RegistryConfig
from migralex.registry.store import Store
from migralex.screening.connectors.base import Answer, Result, bases, call_with_timeout
from migralex.screening.connectors.eurodac import RegistryEurodac
from migralex.screening.connectors.simulated import simulated_systems
from migralex.screening.service import ScreeningService

from .conftest import IT_BORDER, QUIET, Clock, run_all_but_complete


def _registry(tmp_path: Path, keys: Keyring, clock: Clock) -> Registry:
    store = Store.open(f"sqlite:///{tmp_path / 'registry.sqlite3'}", keys)
    return Registry(store, clock=clock, config=RegistryConfig(exact_below=10_000))


def test_a_second_screening_of_the_same_person_is_a_eurodac_hit(
    tmp_path: Path, keys: Keyring, clock: Clock, make_service: Callable[..., ScreeningService]
) -> None:
    reg = _registry(tmp_path, keys, clock)
    conns = {**simulated_systems(1, QUIET), "eurodac": RegistryEurodac(reg)}
    svc = make_service(connectors=conns)
    pop, rng = SyntheticPopulation(20241358), np.random.default_rng(3)

    def bio(person: int) -> dict[str, np.ndarray]:
        return {"fingerprint": pop.capture("fingerprint", np.array([person]), rng)[0]}

    event = dt.datetime(2026, 11, 30, 9, 0)
    svc.start(
        IT_BORDER, "E-1", "disembarkation", event, {"name": "Amina Rahman", "date_of_birth": "1994-03-14"}
    )
    first = svc.check(IT_BORDER, "E-1", biometrics=bio(5))
    assert first["queries"]["eurodac"]["answer"] == "no_hit", first["queries"]["eurodac"]["not_done"]
    assert first["queries"]["eurodac"]["detail"]["dataset_id"] >= 1
    svc.start(IT_BORDER, "E-2", "disembarkation", event, {"name": "A. Rahman", "date_of_birth": "1994-03-14"})
    second = svc.check(IT_BORDER, "E-2", biometrics=bio(5))
    assert second["queries"]["eurodac"]["answer"] == "hit"
    assert second["hits"][0]["security"] is False  # an identification hit, not a security finding
    assert second["checks"]["biometrics"]["status"] == "to_verify"
    reg.store.dispose()


def test_without_biometrics_the_registration_is_recorded_as_not_done(
    tmp_path: Path, keys: Keyring, clock: Clock, make_service: Callable[..., ScreeningService]
) -> None:
    reg = _registry(tmp_path, keys, clock)
    svc = make_service(connectors={**simulated_systems(1, QUIET), "eurodac": RegistryEurodac(reg)})
    svc.start(IT_BORDER, "E-3", "disembarkation", dt.datetime(2026, 11, 30, 9), {"name": "Omar"})
    view = run_all_but_complete(svc, "E-3")
    assert view["checks"]["biometrics"]["status"] == "not_done"
    assert "no biometric data taken yet" in view["checks"]["biometrics"]["not_done"]
    reg.store.dispose()


def test_a_failing_or_slow_system_is_answered_as_not_done_never_raised() -> None:
    pool = cf.ThreadPoolExecutor(1)
    basis = bases()["sis"]

    def broken() -> Result:
        raise ConnectionError("connection reset")

    def refused() -> Result:
        raise InvalidInput("identity.name", "too long")

    down = call_with_timeout(basis, broken, pool)
    assert down.answer is Answer.down and "ConnectionError: connection reset" in (down.not_done or "")
    bad = call_with_timeout(basis, refused, pool)
    assert "refused the query" in (bad.not_done or "") and "identity.name" in (bad.not_done or "")
    slow = replace(basis, timeout_s=0.01)
    release = threading.Event()
    late = call_with_timeout(slow, lambda: (release.wait(5), Result("sis", Answer.no_hit, "", 0.0))[1], pool)
    release.set()
    assert late.answer is Answer.timeout and "did not answer within 0.01 s" in (late.not_done or "")
    pool.shutdown()
