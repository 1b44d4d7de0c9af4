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
    except json.JSONDecodeError:
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


def read_text(text: str, *, jsonl: bool) -> ReadResult:
    """Cases from the text of a `.jsonl` file (`jsonl=True`) or a `.json` file."""
    if jsonl:
        return parse_objects((i, line) for i, line in enumerate(text.splitlines(), start=1) if line.strip())
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return ReadResult(
            CaseBatch.from_cases([]), [], [Rejected(exc.lineno, None, "$", f"not valid JSON: {exc.msg}")]
        )
    items = obj if isinstance(obj, list) else [obj]
    return parse_objects((i, o) for i, o in enumerate(items, start=1))


def read_cases(path: str | Path) -> ReadResult:
    """Cases from a `.json` or `.jsonl` file (`-` reads JSON Lines from stdin)."""
    if str(path) == "-":
        return read_text(sys.stdin.read(), jsonl=True)
    p = Path(path)
    if not p.exists():
        raise InvalidInput("cases", f"no such file: {p}")
    if p.suffix not in (".json", ".jsonl", ".ndjson"):
        raise InvalidInput("cases", f"{p.name}: expected a .json or .jsonl file")
    return read_text(p.read_text("utf-8"), jsonl=p.suffix != ".json")
