"""A writable cache directory for numba's `@njit(cache=True)`, also in a read-only install.

numba caches compiled kernels next to the source (`__pycache__`) or, when that is not writable,
in the user's cache directory; where neither is writable (a read-only site-packages and a
read-only home, as in some containers) it raises "no locator available". Before the kernels are
defined, `ensure_cache_dir` checks those two places and, if both fail, points numba at a private
folder under the system temporary directory. An explicit `NUMBA_CACHE_DIR` always wins.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numba
from numba.misc.appdirs import AppDirs


def _writable(folder: Path) -> bool:
    """Can numba create `folder` and write a file in it (its own test, `ensure_cache_path`)?"""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        return False
    return True


def fallback_dir() -> Path:
    """The private fallback folder: `<tmp>/migralex-numba-<uid>`."""
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"migralex-numba-{uid}"


def choose_cache_dir(source_file: str | Path, user_cache: str | Path | None = None) -> Path | None:
    """Where numba should cache kernels of `source_file`: None when its own locators work."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return None
    in_tree = Path(source_file).resolve().parent / "__pycache__"
    user = (
        Path(user_cache) if user_cache is not None else Path(AppDirs("numba", appauthor=False).user_cache_dir)
    )
    if _writable(in_tree) or _writable(user):
        return None
    return fallback_dir()


def ensure_cache_dir(source_file: str | Path) -> Path | None:
    """Point numba at the fallback folder when needed; returns the folder chosen (or None)."""
    chosen = choose_cache_dir(source_file)
    if chosen is not None and _writable(chosen):
        numba.config.CACHE_DIR = str(chosen)  # type: ignore[attr-defined]
    return chosen
