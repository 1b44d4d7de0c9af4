"""Reading cases from files: `.jsonl` (one case a line) or `.json` (one case, or a list of cases).

An invalid case does not stop the others: `read_cases` returns the batch of the valid ones, the
input line (or list position) of each, and a `Rejected` record for every invalid one, naming the
JSON path of the offending field and the reason.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migralex.cases.batch import CaseBatch
from migralex.cases.format import Case, parse_case
from migralex.errors import InvalidInput


@dataclass(frozen=True)
class Rejected:
    """A case that could not be read: where it was, its id if readable, the field and the reason."""

    line: int
    id: str | None
    path: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: `{"line", "id", "error": {"path", "reason"}}`."""
        return {"line": self.line, "id": self.id, "error": {"path": self.path, "reason": self.reason}}


@dataclass(frozen=True)
class ReadResult:
    """The valid cases as a batch, their line numbers, and the rejected ones."""

    batch: CaseBatch
    lines: list[int]
    rejected: list[Rejected]


def _id_of(obj: Any) -> str | None:
    if isinstance(obj, dict) and isinstance(obj.get("id"), str):
        return obj["id"]
    return None


def _loads(item: Any) -> Any:
    if not isinstance(item, str):
        return item
    try:
        return json.loads(item)
    except (ValueError, RecursionError):  # malformed, or nested deeper than Python's stack
        return None


def parse_objects(items: Iterable[tuple[int, Any]]) -> ReadResult:
    """Validate (line, object-or-JSON-text) pairs; duplicate ids are rejected after the first."""
    cases: list[Case] = []
    lines: list[int] = []
    rejected: list[Rejected] = []
    seen: dict[str, int] = {}
    for line, item in items:
        try:
            case = parse_case(item)
        except InvalidInput as exc:
            rejected.append(Rejected(line, _id_of(_loads(item)), exc.path, exc.reason))
            continue
        if case.id in seen:
            rejected.append(
                Rejected(line, case.id, "id", f"id {case.id!r} already used on line {seen[case.id]}")
            )
            continue
        seen[case.id] = line
        cases.append(case)
        lines.append(line)
    return ReadResult(CaseBatch.from_cases(cases), lines, rejected)


def _lines(data: bytes | str) -> tuple[list[tuple[int, str]], list[Rejected]]:
    """Non-blank lines of JSON Lines input; a line that is not UTF-8 text is rejected, not fatal."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    good: list[tuple[int, str]] = []
    bad: list[Rejected] = []
    for i, line in enumerate(raw.splitlines(), start=1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad.append(Rejected(i, None, "$", f"not UTF-8 text (byte {exc.start + 1} of the line)"))
            continue
        if text.strip():
            good.append((i, text))
    return good, bad


def read_text(text: str | bytes, *, jsonl: bool) -> ReadResult:
    """Cases from the text (or bytes) of a `.jsonl` file (`jsonl=True`) or a `.json` file."""
    if jsonl:
        lines, undecodable = _lines(text)
        result = parse_objects(lines)
        if not undecodable:
            return result
        rejected = sorted([*result.rejected, *undecodable], key=lambda r: r.line)
        return ReadResult(result.batch, result.lines, rejected)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return _whole_file(exc.lineno, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
    except UnicodeDecodeError as exc:
        return _whole_file(1, f"not UTF-8 text (byte {exc.start + 1})")
    except RecursionError:
        return _whole_file(1, "not valid JSON: nested too deeply")
    items = obj if isinstance(obj, list) else [obj]
    return parse_objects((i, o) for i, o in enumerate(items, start=1))


def _whole_file(line: int, reason: str) -> ReadResult:
    return ReadResult(CaseBatch.from_cases([]), [], [Rejected(line, None, "$", reason)])


def read_cases(path: str | Path) -> ReadResult:
    """Cases from a `.json` or `.jsonl` file (`-` reads JSON Lines from stdin)."""
    if str(path) == "-":
        stream = getattr(sys.stdin, "buffer", None)
        return read_text(stream.read() if stream is not None else sys.stdin.read(), jsonl=True)
    p = Path(path)
    if not p.exists():
        raise InvalidInput("cases", f"no such file: {p}")
    if p.is_dir():
        raise InvalidInput("cases", f"{p} is a directory, not a file of cases")
    if p.suffix not in (".json", ".jsonl", ".ndjson"):
        raise InvalidInput("cases", f"{p.name}: expected a .json or .jsonl file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InvalidInput("cases", f"{p}: cannot be read ({exc.strerror or exc})") from None
    return read_text(data, jsonl=p.suffix != ".json")
