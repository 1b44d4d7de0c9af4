"""Access and abuse: made-up tokens are throttled per client and audited in aggregate."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from migralex.registry.access import Throttled, Unauthenticated
from migralex.registry.api import create_app
from migralex.registry.models import audit_log
from migralex.registry.service import Registry
from migralex.registry.throttle import FailedAuth
from tests.registry.conftest import OPERATOR


class Ticks:
    """A settable monotonic clock."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def _denials(registry: Registry) -> list[dict]:
    with registry.store.read() as conn:
        rows = conn.execute(
            select(audit_log.c.detail).where(audit_log.c.action == "authenticate").order_by(audit_log.c.seq)
        ).all()
    return [json.loads(r.detail) for r in rows]


def test_refused_tokens_are_audited_in_aggregate_and_throttled(registry: Registry) -> None:
    ticks = Ticks()
    registry.failed_auth = FailedAuth(limit=5, window=60, clock=ticks)
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            registry.authenticate("tk_made.up", client="10.0.0.9")
    with pytest.raises(Throttled) as wait:
        registry.authenticate("tk_made.up", client="10.0.0.9")
    assert 0 < wait.value.retry_after <= 60
    with pytest.raises(Unauthenticated) as other:
        registry.authenticate("tk_other.x", client="10.0.0.7")  # another client is not throttled
    assert not isinstance(other.value, Throttled)
    assert [d["client"] for d in _denials(registry)] == ["10.0.0.9", "10.0.0.7"]  # one row each, not 6
    ticks.t = 61  # a new window: the last one's four uncounted refusals are written as one entry
    with pytest.raises(Unauthenticated):
        registry.authenticate("tk_made.up", client="10.0.0.9")
    denials = _denials(registry)
    assert {"client": "10.0.0.9", "refusals": 4, "window_s": 60} in denials
    good = registry.create_token("IT", "border", "x")
    assert registry.authenticate(good, client="10.0.0.9").member_state == "IT"


def test_over_http_a_flood_of_made_up_tokens_is_429_and_writes_few_rows(registry: Registry) -> None:
    client = TestClient(create_app(registry))
    with registry.store.read() as conn:
        before = conn.scalar(select(func.count()).select_from(audit_log))
    codes = [
        client.get("/v1/registry/hits", headers={"Authorization": f"Bearer tk_{i}.x"}).status_code
        for i in range(40)
    ]
    assert codes[:20] == [401] * 20 and set(codes[20:]) == {429}
    r = client.get("/v1/registry/hits", headers={"Authorization": "Bearer tk_1.x"})
    assert int(r.headers["retry-after"]) >= 1
    with registry.store.read() as conn:
        assert conn.scalar(select(func.count()).select_from(audit_log)) - before == 1
    registry.verify(OPERATOR)  # flushes the aggregate first
    assert {"client": "testclient", "refusals": 19, "window_s": 60.0} in _denials(registry)


def test_public_ids_do_not_count_the_registry(registry: Registry, people) -> None:
    from tests.registry.conftest import IT_BORDER

    subs = [people.submission(60 + i, "irregular_crossing", "IT", f"n-{i}") for i in range(6)]
    ids = [r.dataset_id for r in registry.register_batch(IT_BORDER, subs)]
    assert len(set(ids)) == 6 and all(1 <= i < 2**53 for i in ids)
    assert ids != sorted(ids) or max(ids) > 10**6  # not 1, 2, 3, ...: ids say nothing of the size


def test_a_hidden_and_an_absent_dataset_take_the_same_statements(registry: Registry, people) -> None:
    """The existence oracle: the same SQL runs for an existing-but-hidden id and an absent one."""
    from sqlalchemy import event

    from migralex.registry.access import NotVisible
    from tests.registry.conftest import DE_BORDER, IT_BORDER

    hidden = registry.register(IT_BORDER, people.submission(70, "irregular_crossing", "IT", "o-1")).dataset_id
    absent = next(i for i in range(hidden + 1, hidden + 1000) if i != hidden)
    seen: list[str] = []

    def log(_conn, _cursor, statement, _params, _context, _many) -> None:
        seen.append(statement.split(" WHERE")[0])

    event.listen(registry.store.engine, "before_cursor_execute", log)
    traces = []
    for dataset_id in (hidden, absent):
        seen.clear()
        with pytest.raises(NotVisible):
            registry.get(DE_BORDER, dataset_id)
        traces.append(list(seen))
    event.remove(registry.store.engine, "before_cursor_execute", log)
    assert traces[0] == traces[1]
