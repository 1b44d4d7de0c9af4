"""The complexity rule holds for new code: no function above ruff's max-complexity (CONTRIBUTING.md).

Only C901 is run here (the other lint rules are the developer's `ruff check`); the files listed under
`[tool.ruff.lint.per-file-ignores]` in pyproject.toml held such functions before the rule came in.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ruff() -> str:
    beside = Path(sys.executable).with_name("ruff")
    found = str(beside) if beside.exists() else shutil.which("ruff")
    if found is None:
        pytest.skip("ruff is not installed (pip install -e '.[dev]')")
    return found


def test_no_new_function_is_over_the_complexity_limit() -> None:
    run = subprocess.run(
        [_ruff(), "check", "--select", "C901", "--output-format", "concise", "src", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, "split these functions into named steps:\n" + run.stdout + run.stderr


def test_the_rule_can_fail(tmp_path: Path) -> None:
    branches = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(12))
    (tmp_path / "branchy.py").write_text(f"def f(x: int) -> int:\n{branches}\n    return -1\n")
    run = subprocess.run(
        [_ruff(), "check", "--select", "C901", "--config", str(ROOT / "pyproject.toml"), "branchy.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1 and "C901" in run.stdout
