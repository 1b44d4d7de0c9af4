"""The case engine in one call: responsibility, procedure and deadlines for one case or a batch.

`decide(cases, context=None, params=None, regime=None)` answers the three questions; the context
defaults to the shipped recognition rates (latest year); `regime` forces the AMMR or Dublin III
regime instead of the dates (a scenario). Each part is also available on its own in
`migralex.rules` (pure, columnar): `decide_responsibility`, `channel`, `deadlines`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from migralex.cases.batch import CaseBatch, as_batch
from migralex.cases.format import Case
from migralex.context import resolve_context
from migralex.law.params import ParameterSet
from migralex.law.params import params as shipped_params
from migralex.rules.crisis import CrisisLike
from migralex.rules.deadlines import DeadlinesResult, deadlines
from migralex.rules.procedure import Context, ProcedureResult, channel
from migralex.rules.responsibility.hierarchy import ResponsibilityResult, decide_responsibility


@dataclass(frozen=True)
class Decision:
    """The three answers for a batch."""

    responsibility: ResponsibilityResult
    procedure: ProcedureResult
    deadlines: DeadlinesResult

    def __len__(self) -> int:
        return len(self.responsibility)

    def answer(self, i: int, trace: bool = False) -> dict[str, Any]:
        """{id, responsibility, procedure, deadlines} for case `i`."""
        return {
            "id": str(self.responsibility.ids[i]),
            "responsibility": self.responsibility.answer(i, trace),
            "procedure": self.procedure.answer(i, trace),
            "deadlines": self.deadlines.answer(i)["deadlines"],
        }


def decide(
    cases: CaseBatch | Case | Mapping[str, Any] | Sequence[Case | Mapping[str, Any]],
    context: Context | Mapping[str, Any] | None = None,
    params: ParameterSet | None = None,
    with_trace: bool = False,
    regime: str | None = None,
    crisis: CrisisLike = None,
) -> Decision:
    """Responsibility, procedure and deadlines for each case (context: shipped rates by default);
    `regime` ("AMMR", "DUBLIN_III") forces the regime instead of the dates; `crisis`: the CFMR Art.
    12 authorisations per Member State and period for the deadlines (`migralex.rules.crisis`)."""
    batch = as_batch(cases)
    p = params or shipped_params()
    ctx = resolve_context(context, p)
    resp = decide_responsibility(batch, p, with_trace=with_trace, regime=regime)
    proc = channel(batch, ctx, p, regime=regime)
    dl = deadlines(batch, proc, ctx, p, responsibility=resp, regime=regime, crisis=crisis)
    return Decision(resp, proc, dl)


__all__ = ["Context", "Decision", "channel", "deadlines", "decide", "decide_responsibility"]
