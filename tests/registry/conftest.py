"""Fixtures of the registry tests: every storage test runs on SQLite and on PostgreSQL.

PostgreSQL is expected on 127.0.0.1:5432 (trust auth, user postgres; MIGRALEX_TEST_PG_HOST and
MIGRALEX_TEST_PG_PORT change it); the session creates its own
database `migralex_test_<random>` and drops it at the end. Without a server the PostgreSQL tests
are skipped with a message, unless MIGRALEX_REQUIRE_POSTGRES=1 (CI), where they fail.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import create_engine, text

from migralex.api.settings import HOSTS_ENV
from migralex.registry.access import Caller

#: The in-process test client calls itself "testserver": serve it in the tests (not by default).
os.environ.setdefault(HOSTS_ENV, "localhost,127.0.0.1,::1,testserver")
from migralex.registry.crypto import Keyring
from migralex.registry.matcher import SyntheticPopulation
from migralex.registry.service import Registry, RegistryConfig, Submission
from migralex.registry.store import Store

PG_HOST = os.environ.get("MIGRALEX_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("MIGRALEX_TEST_PG_PORT", "5432"))
ADMIN_URL = f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/postgres"


def _pg_reachable() -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((PG_HOST, PG_PORT)) == 0


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (dropped afterwards)."""
    if not _pg_reachable():
        message = f"PostgreSQL is not reachable on {PG_HOST}:{PG_PORT}"
        if os.environ.get("MIGRALEX_REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " and MIGRALEX_REQUIRE_POSTGRES=1")
        pytest.skip(message + " (set MIGRALEX_REQUIRE_POSTGRES=1 to make this a failure)")
    name = f"migralex_test_{secrets.token_hex(4)}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _reset_pg(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        conn.execute(text("DROP FUNCTION IF EXISTS migralex_append_only() CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    url: str = request.getfixturevalue("pg_database")
    _reset_pg(url)
    return url


@pytest.fixture
def keys() -> Keyring:
    """A test key (fixed, so failures reproduce)."""
    return Keyring.from_master(b"migralex-test-key-0123456789abcd")


@dataclass
class Clock:
    """A settable clock."""

    now: dt.datetime = dt.datetime(2026, 7, 1, 12, 0)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kw: Any) -> None:
        """Move the clock forward."""
        self.now += dt.timedelta(**kw)


@pytest.fixture
def clock() -> Clock:
    """The registry's clock in tests."""
    return Clock()


@pytest.fixture
def open_registry(db_url: str, keys: Keyring, clock: Clock) -> Iterator[Callable[..., Registry]]:
    """Factory of registries on the test database (all disposed at the end)."""
    made: list[Registry] = []

    def make(**kw: Any) -> Registry:
        store = Store.open(db_url, keys)
        reg = Registry(store, clock=clock, config=kw.pop("config", RegistryConfig(exact_below=10_000)), **kw)
        made.append(reg)
        return reg

    yield make
    for reg in made:
        reg.store.dispose()


@pytest.fixture
def registry(open_registry: Callable[..., Registry]) -> Registry:
    """A registry on an empty database."""
    return open_registry()


IT_BORDER = Caller("tk_itborder", "IT", "border")
IT_ASYLUM = Caller("tk_itasylum", "IT", "asylum")
DE_ASYLUM = Caller("tk_deasylum", "DE", "asylum")
DE_BORDER = Caller("tk_deborder", "DE", "border")
FR_RETURN = Caller("tk_frreturn", "FR", "return")
FR_LAW = Caller("tk_frlaw", "FR", "law_enforcement")
OPERATOR = Caller("tk_operator", "LU", "operator")

DIGITS = {
    "applicant": "1",
    "irregular_crossing": "2",
    "illegal_stay": "3",
    "sar_disembarkation": "9",
    "temporary_protection": "0",
    "national_resettlement": "8",
    "admission_granted": "7",
    "admission_refused": "7",
    "admission_discontinued": "7",
}


@dataclass
class People:
    """Synthetic persons: person i always has the same identity; each capture differs."""

    pop: SyntheticPopulation = field(default_factory=lambda: SyntheticPopulation(20241358))
    rng: np.random.Generator = field(default_factory=lambda: np.random.default_rng(7))

    def finger(self, person: int) -> np.ndarray:
        """A fresh fingerprint capture of a person."""
        return self.pop.capture("fingerprint", np.array([person]), self.rng)[0]

    def face(self, person: int) -> np.ndarray:
        """A fresh facial-image capture of a person."""
        return self.pop.capture("face", np.array([person]), self.rng)[0]

    def submission(
        self,
        person: int,
        category: str,
        ms: str,
        tx: str,
        *,
        event_at: dt.datetime = dt.datetime(2026, 6, 30, 10, 0),
        dob: str | None = "1995-03-14",
        face: bool = True,
        fingerprint: bool = True,
        identity: dict[str, Any] | None = None,
        **kw: Any,
    ) -> Submission:
        """A valid submission of a person in a category for a Member State."""
        ident: dict[str, Any] = {
            "names": {"surnames": [f"Surname{person}"], "forenames": ["Amina" if person % 2 else "Omar"]},
            "sex": "F" if person % 2 else "M",
            "reference_number": f"{ms}{DIGITS[category]}-{tx}",
        }
        if dob is not None:
            ident["date_of_birth"] = dob
        if category == "temporary_protection":
            ident["tp_decision"] = kw.pop("tp_decision", "2030/101")
        ident.update(identity or {})
        return Submission(
            transaction_id=tx,
            category=category,
            event_at=event_at,
            biometrics_taken_at=kw.pop("biometrics_taken_at", event_at + dt.timedelta(hours=1)),
            identity=ident,
            fingerprint=self.finger(person) if fingerprint else None,
            face=self.face(person) if face else None,
            **kw,
        )


@pytest.fixture
def people() -> People:
    """The synthetic population of the tests."""
    return People()
