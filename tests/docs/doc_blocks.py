"""Fenced code blocks of README.md and docs/*.md: found, classified, and run as a reader would.

Convention (announced to every contributor): every ```bash, ```sh, ```console and ```python block runs
from the repository root with the files the project ships; a block that cannot (starts a server, needs
a key, is illustrative) has the line `<!-- doctest: skip -->` immediately before it (blank lines between
are tolerated). ```json blocks must parse as JSON (one document, or one per line). `migralex` and
`python` resolve to the project's virtual environment; HOME is a fresh temporary directory.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_MARK = "<!-- doctest: skip -->"
SHELL = {"bash", "sh", "shell", "console"}
RUN = SHELL | {"python", "json"}
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>```+|~~~+)\s*(?P<lang>[\w+-]*)")
TIMEOUT_S = 600


@dataclass(frozen=True)
class Block:
    """One fenced block: where it is (file, first line), its language, its text, whether it is skipped."""

    path: Path
    line: int
    lang: str
    text: str
    skipped: bool

    @property
    def where(self) -> str:
        """`docs/cycle.md:10` — the file (relative to the repository) and the line of the opening fence."""
        return f"{self.path.relative_to(ROOT).as_posix()}:{self.line}"


def doc_files(root: Path = ROOT) -> list[Path]:
    """README.md and every docs/*.md, in a stable order."""
    return [p for p in [root / "README.md", *sorted((root / "docs").glob("*.md"))] if p.exists()]


def blocks(path: Path) -> list[Block]:
    """Every fenced block of one Markdown file (any language), with its skip mark."""
    lines = path.read_text("utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, start = m.group("fence"), i
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith(fence):
            j += 1
        k = start - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        skipped = k >= 0 and lines[k].strip() == SKIP_MARK
        text = "\n".join(lines[start + 1 : j])
        found.append(Block(path, start + 1, m.group("lang").lower(), text, skipped))
        i = j + 1
    return found


def runnable(root: Path = ROOT) -> list[Block]:
    """The blocks the runner executes or parses (skipped ones included, so they show as skipped)."""
    return [b for path in doc_files(root) for b in blocks(path) if b.lang in RUN]


def shell_script(block: Block) -> str:
    """The commands of a shell block (a ```console block: the lines after `$ `; the rest is output)."""
    if block.lang != "console":
        return block.text
    return "\n".join(line[2:] for line in block.text.splitlines() if line.startswith("$ "))


def sandbox(tmp: Path) -> dict[str, str]:
    """A working directory that looks like the repository root, and the environment to run in.

    Top-level entries of the repository are symlinked into `tmp`, so relative paths of the docs resolve
    while whatever a command writes at the root (`out/`, `answers.jsonl`) stays in `tmp`.
    """
    for entry in ROOT.iterdir():
        if entry.name not in {".git"} and not (tmp / entry.name).exists():
            (tmp / entry.name).symlink_to(entry)
    home, bindir = tmp / ".doc-home", tmp / ".doc-bin"
    home.mkdir(exist_ok=True)
    bindir.mkdir(exist_ok=True)
    venv_bin = ROOT / ".venv" / "bin"
    python = venv_bin / "python" if (venv_bin / "python").exists() else Path(sys.executable)
    console_script = venv_bin / "migralex"
    cli = f'"{console_script}" "$@"'
    if not console_script.exists():
        cli = f'"{python}" -c "from migralex.cli import main; main()" "$@"'
    for name, target in {"migralex": cli, "python": f'"{python}" "$@"'}.items():
        shim = bindir / name
        shim.write_text(f"#!/bin/sh\nexec {target}\n", encoding="utf-8")
        shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MIGRALEX_", "PYTEST_"))}
    env.update(
        HOME=str(home),
        PATH=f"{bindir}{os.pathsep}{env.get('PATH', '')}",
        PYTHONPATH=str(ROOT / "src"),
        COLUMNS="80",
        NO_COLOR="1",
        TERM="dumb",
    )
    return env


def run(block: Block, tmp: Path) -> subprocess.CompletedProcess[str]:
    """Run one block in the sandbox; a JSON block is parsed instead (ValueError names the line)."""
    if block.lang == "json":
        check_json(block)
        return subprocess.CompletedProcess([], 0, "", "")
    env = sandbox(tmp)
    if block.lang == "python":  # as with `python -c`: process pools need no `if __name__ == "__main__"` guard
        cmd, stdin = [str(tmp / ".doc-bin" / "python"), "-c", block.text + "\n"], None
    else:
        cmd, stdin = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", shell_script(block)], None
    return subprocess.run(
        cmd, cwd=tmp, env=env, input=stdin, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
    )


def check_json(block: Block) -> None:
    """A ```json block is one JSON document, or JSON lines; else ValueError with the line."""
    try:
        json.loads(block.text)
        return
    except json.JSONDecodeError as whole:
        lines = [line for line in block.text.splitlines() if line.strip()]
        for line in lines:
            try:
                json.loads(line)
            except json.JSONDecodeError:
                where = f"{whole.msg} at block line {whole.lineno}"
                raise ValueError(f"not JSON (nor JSON lines): {where}") from None
        if not lines:
            raise ValueError("empty JSON block") from None
