"""Fixtures for the HTTP API tests: the app in-process (ASGI), no server, no network."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from migralex.api import create_app


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """A client on a fresh app (its lifespan runs, so background workers start and stop)."""
    with TestClient(create_app()) as c:
        yield c
