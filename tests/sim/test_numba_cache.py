"""numba's cache works in a read-only install: the kernels fall back to a private folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import migralex
from migralex.sim.numba_cache import choose_cache_dir, fallback_dir


def blocked(tmp_path: Path) -> Path:
    """A path under a regular file: nobody (root included) can create a folder there."""
    wall = tmp_path / "wall"
    wall.write_text("not a folder")
    return wall / "cache"


def test_writable_places_need_no_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    source = tmp_path / "pkg" / "kernel.py"
    source.parent.mkdir()
    assert choose_cache_dir(source, user_cache=blocked(tmp_path)) is None  # in-tree __pycache__ works


def test_read_only_package_and_home_fall_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__pycache__").write_text("a file where numba wants a folder")
    assert choose_cache_dir(package / "kernel.py", user_cache=blocked(tmp_path)) == fallback_dir()


def test_explicit_setting_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    assert choose_cache_dir(tmp_path / "kernel.py", user_cache=blocked(tmp_path)) is None


@pytest.mark.slow
def test_kernel_compiles_and_caches_from_a_read_only_copy(tmp_path: Path) -> None:
    """A copy of the package whose `sim/__pycache__` cannot be created, with an unwritable home:
    the kernel module still loads, a kernel function compiles, and its cache lands in the fallback."""
    copy = tmp_path / "site"
    shutil.copytree(
        Path(migralex.__file__).parent, copy / "migralex", ignore=shutil.ignore_patterns("__pycache__")
    )
    (copy / "migralex" / "sim" / "__pycache__").write_text("read-only install")
    fallback = tmp_path / "tmp"
    fallback.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env |= {"PYTHONPATH": str(copy), "XDG_CACHE_HOME": str(blocked(tmp_path)), "TMPDIR": str(fallback)}
    script = (
        "import numpy as np, numba\n"
        "import migralex.sim.kernel_state as k\n"
        f"assert k.__file__.startswith({str(copy)!r}), k.__file__\n"
        "assert 0.0 <= k.uniform(np.uint64(1), 2, 3) < 1.0\n"
        "print(numba.config.CACHE_DIR)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith(str(fallback))
    assert list(fallback.rglob("*.nbi")), "no numba cache index written in the fallback folder"
