"""`migralex serve`: starts uvicorn, prints the URL once it listens, serves the dashboard and the API."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

COMMAND = [sys.executable, "-c", "from migralex.cli import main; main()", "serve"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("serve-home")
    env = {**os.environ, "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data")}
    for name in ("MIGRALEX_REGISTRY_KEY", "MIGRALEX_REGISTRY_KEY_FILE", "MIGRALEX_REGISTRY_DIR"):
        env.pop(name, None)
    proc = subprocess.Popen(
        [*COMMAND, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    try:
        lines = [proc.stdout.readline() for _ in range(2)]  # the embedded registry's key note, the URL
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", "".join(lines))
        assert m, f"no URL printed: {lines!r}"
        assert "registry key:" in lines[0] and str(home / "config") in lines[0]
        yield m.group(0)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_prints_a_url_that_answers(served: str) -> None:
    assert httpx.get(served, timeout=10).text.startswith("<!doctype html>")
    health = httpx.get(f"{served}v1/health", timeout=10).json()
    assert health["status"] == "ok"


def test_a_taken_port_is_a_clear_error(served: str) -> None:
    port = served.rstrip("/").rsplit(":", 1)[1]
    r = subprocess.run([*COMMAND, "--port", port], capture_output=True, text=True, timeout=60, cwd=Path.cwd())
    assert r.returncode == 2 and f"could not listen on 127.0.0.1:{port}" in r.stderr
