"""Fixtures of the screening tests: a service on an empty SQLite registry, a settable clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from migralex.registry.crypto import Keyring
from migralex.registry.store import Store
from migralex.screening.access import Staff
from migralex.screening.connectors.simulated import Behaviour, simulated_systems
from migralex.screening.service import ScreeningService

IT_BORDER = Staff("st_itborder", "IT", "border")
IT_MEDICAL = Staff("st_itmedical", "IT", "medical")
DE_BORDER = Staff("st_deborder", "DE", "border")

#: Every mandatory element of the form except those the checks fill in.
FULL_FORM: dict[str, Any] = {
    "name": "Amina Rahman",
    "date_of_birth": "1994-03-14",
    "place_of_birth": "Sylhet",
    "gender": "F",
    "nationalities": ["BD"],
    "countries_of_residence": ["LY"],
    "languages": ["bn", "ar"],
    "identity_confirmed": False,
    "applied_for_protection": True,
    "family_in_member_states": [],
    "cooperated": True,
}


@dataclass
class Clock:
    """A settable clock."""

    now: dt.datetime = dt.datetime(2026, 11, 30, 12, 0)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    """The service's clock."""
    return Clock()


@pytest.fixture
def keys() -> Keyring:
    """A fixed test key."""
    return Keyring.from_master(b"migralex-screening-test-key-0123")


@pytest.fixture
def make_service(tmp_path: Path, keys: Keyring, clock: Clock) -> Iterator[Callable[..., ScreeningService]]:
    """Factory of services on one test database, with simulated systems of given behaviours."""
    made: list[ScreeningService] = []

    def make(behaviours: dict[str, Behaviour] | None = None, **kw: Any) -> ScreeningService:
        store = Store.open(f"sqlite:///{tmp_path / 'registry.sqlite3'}", keys)
        conns = kw.pop("connectors", None) or simulated_systems(7, behaviours)
        svc = ScreeningService(store, conns, clock=clock, **kw)
        made.append(svc)
        return svc

    yield make
    for s in made:
        s.store.dispose()


#: No system ever hits, times out or is down.
QUIET = {name: Behaviour(0.0, 50.0, 0.1) for name in simulated_systems()}


@pytest.fixture
def service(make_service: Callable[..., ScreeningService]) -> ScreeningService:
    """A service whose systems never hit."""
    return make_service(QUIET)


def run_all_but_complete(
    svc: ScreeningService, sid: str, form: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Every element of a screening done (health, vulnerability, identity, the queries)."""
    svc.health(IT_MEDICAL, sid, needs_care=False, isolation=False, no_further_check=True, notes=None)
    svc.vulnerability(IT_BORDER, sid, [])
    svc.identity(IT_BORDER, sid, form or FULL_FORM)
    return svc.check(IT_BORDER, sid)
