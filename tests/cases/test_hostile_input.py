"""Hostile files given to `migralex decide`: one line per bad input naming the line or path, a
non-zero exit, and every good line still answered (never a traceback)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from migralex.cases.io import read_cases
from migralex.cli import app

GOOD = {"registration": {"date": "2026-08-01", "member_state": "IT"}, "applicant": {"nationality": "SY"}}


def _good(i: int) -> bytes:
    return json.dumps({"id": f"g{i}", **GOOD}).encode()


def _decide(*args: str) -> Any:
    return CliRunner().invoke(app, ["decide", *args])


def test_a_nested_line_and_a_binary_line_do_not_stop_the_good_ones(tmp_path: Path) -> None:
    f = tmp_path / "cases.jsonl"
    f.write_bytes(b"\n".join([_good(1), b"[" * 1000, b"\x89PNG\xff\xfe\x00", _good(2), b"{" * 5000]))
    result = read_cases(f)
    assert result.batch.n == 2 and result.lines == [1, 4]
    assert [(r.line, r.path) for r in result.rejected] == [(2, "$"), (3, "$"), (5, "$")]
    assert "not UTF-8" in result.rejected[1].reason
    out = _decide("responsibility", str(f))
    assert out.exit_code == 1 and "Traceback" not in out.output
    answered = [json.loads(x) for x in out.stdout.splitlines() if x.startswith('{"id"')]
    assert [a["id"] for a in answered] == ["g1", "g2"]


def test_a_deeply_nested_json_file_is_one_rejection(tmp_path: Path) -> None:
    f = tmp_path / "cases.json"
    f.write_text("[" * 100_000)
    [rejected] = read_cases(f).rejected
    assert rejected.path == "$" and "nested too deeply" in rejected.reason


@pytest.mark.parametrize("command", ["responsibility", "procedure", "deadlines"])
def test_a_directory_a_missing_out_folder_and_a_binary_context(tmp_path: Path, command: str) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_bytes(_good(1))
    folder = tmp_path / "folder.jsonl"
    folder.mkdir()
    binary = tmp_path / "context.json"
    binary.write_bytes(bytes(range(256)))
    runs = [
        ([str(folder)], "is a directory"),
        ([str(cases), "--out", str(tmp_path / "missing" / "out.jsonl")], "does not exist"),
    ]
    if command != "responsibility":
        runs += [
            ([str(cases), "--context", str(binary)], "not UTF-8"),
            ([str(cases), "--context", str(folder)], ""),
        ]
    for args, message in runs:
        out = _decide(command, *args)
        assert out.exit_code == 2, (args, out.output)
        assert message in out.output and "Traceback" not in out.output
        assert len(out.output.strip().splitlines()) == 1, out.output
    assert not (tmp_path / "missing").exists()
