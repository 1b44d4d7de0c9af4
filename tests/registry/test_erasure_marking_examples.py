"""The legal examples of advance erasure (Art. 30) and marking (Art. 31) run against the registry."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from migralex.errors import MigralexError
from migralex.registry.access import Caller
from migralex.registry.models import audit_log
from migralex.registry.service import Registry
from tests.registry.conftest import OPERATOR, Clock, People

FILE = Path(__file__).parent / "examples" / "eurodac_30_31_erasure_marking.yaml"
TEXT = Path(__file__).parents[2] / "src" / "migralex" / "law" / "texts" / "eurodac.json"
EXAMPLES: list[dict[str, Any]] = yaml.safe_load(FILE.read_text())["examples"]


def _article(number: str) -> str:
    for a in json.loads(TEXT.read_text())["articles"]:
        if str(a.get("number")) == number and "content" in a:
            return re.sub(r"\s+", " ", a["content"])
    raise KeyError(number)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["name"][:50] for e in EXAMPLES])
def test_each_example_quotes_the_shipped_text(example: dict[str, Any]) -> None:
    assert re.sub(r"\s+", " ", example["quote"]) in _article(example["article"])


def test_both_sides_of_each_boundary_are_covered() -> None:
    outcomes = {(e["article"], e["expect"]["outcome"]) for e in EXAMPLES}
    assert {("30", "erased"), ("30", "refused"), ("31", "kept"), ("31", "refused")} <= outcomes


def test_the_examples_hold(registry: Registry, people: People, clock: Clock) -> None:
    for n, ex in enumerate(EXAMPLES):
        clock.now = dt.datetime(2026, 7, 1, 12, 0)
        caller = Caller(f"tk_{ex['by'][0]}{ex['by'][1]}", *ex["by"])
        sub = people.submission(100 + n, ex["category"], ex["by"][0], f"ex-{n}")
        reg = registry.register(caller, sub)
        if ex.get("after_purge"):
            clock.now = dt.datetime.fromisoformat(ex["after_purge"]) + dt.timedelta(hours=9)
            registry.purge(OPERATOR)
        actor = ex.get("act_by", ex["by"])
        _check(registry, Caller(f"tk_{actor[0]}{actor[1]}", *actor), reg.dataset_id, ex)


def _check(registry: Registry, caller: Caller, dataset_id: int, ex: dict[str, Any]) -> None:
    want = ex["expect"]
    if want["outcome"] == "refused":
        with pytest.raises(MigralexError):
            registry.record(caller, dataset_id, ex["action"])
        return
    out = registry.record(caller, dataset_id, ex["action"])
    assert out["erased"] is (want["outcome"] == "erased"), ex["name"]
    assert out["legal_basis"] == want["basis"], ex["name"]
    seen = registry.get(caller, dataset_id) if want["outcome"] == "kept" else None
    with registry.store.read() as conn:
        entry = conn.execute(
            select(audit_log.c.action, audit_log.c.legal_basis, audit_log.c.records)
            .where(audit_log.c.action == f"record_{ex['action']}")
            .order_by(audit_log.c.seq.desc())
            .limit(1)
        ).one()
    assert entry.legal_basis == want["basis"] and json.loads(entry.records) == [dataset_id], ex["name"]
    if seen is not None:
        assert seen["dataset"]["mark"] == want["mark"], ex["name"]
        assert seen["dataset"]["retain_until"] == want["retain_until"], ex["name"]
        assert seen["dataset"]["erased_at"] is None and seen["identity"] is not None, ex["name"]
