"""Fixtures of the data tests: the repository's raw folder and the optional shared originals."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
SHARED = Path("/work/shared/data")


@pytest.fixture(scope="session")
def raw() -> Path:
    """The raw source files shipped in the repository (`data/raw/`)."""
    return RAW


@pytest.fixture(scope="session")
def shared() -> Path:
    """The reference originals outside the repository; the test is skipped when they are absent."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not available on this machine")
    return SHARED
