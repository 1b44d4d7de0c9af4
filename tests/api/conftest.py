"""Fixtures for the HTTP API tests: the app in-process (ASGI), no server, no network."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from migralex.api import create_app
from migralex.api.settings import HOSTS_ENV

#: The in-process test client calls itself "testserver": serve it in the tests (not by default).
os.environ.setdefault(HOSTS_ENV, "localhost,127.0.0.1,::1,testserver")


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """A client on a fresh app (its lifespan runs, so background workers start and stop)."""
    with TestClient(create_app()) as c:
        yield c
