"""Reading .json/.jsonl files: invalid lines are reported, the others still read."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from migralex.cases.io import read_cases
from migralex.errors import InvalidInput


def test_jsonl_with_bad_lines(tmp_path: Path, example: dict[str, Any]) -> None:
    bad = copy.deepcopy(example)
    bad["id"] = "bad"
    bad["family"][0]["relation"] = "cousin"
    other = copy.deepcopy(example)
    other["id"] = "other"
    lines = [json.dumps(example), "", "{not json", json.dumps(bad), json.dumps(other), json.dumps(example)]
    f = tmp_path / "cases.jsonl"
    f.write_text("\n".join(lines))
    result = read_cases(f)
    assert result.batch.n == 2 and result.lines == [1, 5]
    assert [r.line for r in result.rejected] == [3, 4, 6]
    assert result.rejected[1].to_dict() == {
        "line": 4,
        "id": "bad",
        "error": {"path": "family[0].relation", "reason": result.rejected[1].reason},
    }
    assert "already used on line 1" in result.rejected[2].reason


def test_json_single_and_list(tmp_path: Path, example: dict[str, Any]) -> None:
    one = tmp_path / "one.json"
    one.write_text(json.dumps(example, indent=2))
    assert read_cases(one).batch.n == 1
    two = copy.deepcopy(example)
    two["id"] = "two"
    many = tmp_path / "many.json"
    many.write_text(json.dumps([example, two]))
    assert read_cases(many).lines == [1, 2]


def test_missing_and_wrong_files(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        read_cases(tmp_path / "nope.jsonl")
    (tmp_path / "x.csv").write_text("a,b")
    with pytest.raises(InvalidInput, match=r"\.json or \.jsonl"):
        read_cases(tmp_path / "x.csv")
