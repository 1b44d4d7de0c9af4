"""The connector interface (a Protocol), the legal basis of each query, and the audited call.

A connector answers one query about one person: `no_hit`, `hit` (to verify manually, Art. 16),
`timeout` or `down` (the query was not done: recorded with why, and retried while the time limit
runs). The basis of each system (article, quote, what it may retrieve) is data (`systems.yaml`),
checked against the shipped SR text on load.
"""

from __future__ import annotations

import concurrent.futures as cf
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any, Protocol

import yaml

from migralex.errors import LawDataError, MigralexError
from migralex.law.texts import article


class Answer(StrEnum):
    """What a query returned."""

    no_hit = "no_hit"
    hit = "hit"
    timeout = "timeout"
    down = "down"


@dataclass(frozen=True)
class QueryBasis:
    """Why a system may be queried and what it may return."""

    system: str
    title: str
    purpose: str
    cite: str
    quote: str
    retrieves: str
    security: bool
    timeout_s: float


@dataclass(frozen=True)
class Query:
    """The data a screening query uses (Art. 14(1), (4)): identity, document, biometrics if taken."""

    screening_id: str
    member_state: str
    name: str | None
    date_of_birth: str | None
    nationalities: tuple[str, ...] = ()
    document_number: str | None = None
    biometrics: Mapping[str, Any] | None = None
    reason: str = "apprehension"
    officer: str = "screening"
    attempt: int = 0  # how far the screening has got: a repeated query is a new draw for simulations


@dataclass(frozen=True)
class Result:
    """One query's result, with its basis and, when not done, why."""

    system: str
    answer: Answer
    basis: str
    latency_ms: float
    hits: tuple[Mapping[str, Any], ...] = ()
    not_done: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {
            "system": self.system,
            "answer": str(self.answer),
            "legal_basis": self.basis,
            "latency_ms": round(self.latency_ms, 1),
            "hits": [dict(h) for h in self.hits],
            "not_done": self.not_done,
            "detail": dict(self.detail),
        }


class Connector(Protocol):
    """An adapter to one system: its basis, and a query that never blocks past the timeout."""

    basis: QueryBasis

    def query(self, q: Query) -> Result:
        """Query the system about one person."""
        ...


@cache
def bases() -> dict[str, QueryBasis]:
    """The systems of `systems.yaml`, each quote checked against the SR text."""
    raw = yaml.safe_load(resources.files(__package__).joinpath("systems.yaml").read_text("utf-8"))
    out = {}
    for key, s in raw["systems"].items():
        for ref in (s, s.get("also")):
            if ref and not article("SR", ref["article"]).contains(ref["quote"]):
                raise LawDataError(f"screening systems.yaml: {key}: quote not in SR Art. {ref['article']}")
        cite = f"SR Art. {s['article']}({s['paragraph']})"
        if s.get("also"):
            cite += f", Art. {s['also']['article']}({s['also']['paragraph']})"
        out[key] = QueryBasis(
            key,
            s["title"],
            s["purpose"],
            cite,
            s["quote"],
            s["retrieves"],
            bool(s["security"]),
            float(s["timeout_s"]),
        )
    return out


def call_with_timeout(basis: QueryBasis, fn: Callable[[], Result], pool: cf.ThreadPoolExecutor) -> Result:
    """Run a real adapter's call in `pool`, giving up after the system's timeout (the call is
    abandoned, not awaited) and turning an exception into `down`, with what was not done."""
    t0 = time.perf_counter()
    future = pool.submit(fn)
    try:
        return future.result(timeout=basis.timeout_s)
    except cf.TimeoutError:
        future.cancel()
        return Result(
            basis.system,
            Answer.timeout,
            basis.cite,
            (time.perf_counter() - t0) * 1000,
            not_done=f"{basis.title} did not answer within {basis.timeout_s:g} s; query to repeat",
        )
    except MigralexError as exc:  # the system refused this input: say what to correct
        why = f"{basis.title} refused the query ({str(exc)[:160]}); correct the input and repeat"
        return Result(basis.system, Answer.down, basis.cite, (time.perf_counter() - t0) * 1000, not_done=why)
    except Exception as exc:  # any other failure of a remote system: down, recorded
        why = f"{basis.title} unavailable ({type(exc).__name__}: {str(exc)[:120]}); query to repeat"
        return Result(basis.system, Answer.down, basis.cite, (time.perf_counter() - t0) * 1000, not_done=why)
