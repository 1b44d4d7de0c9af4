"""The migralex registry as the screening's Eurodac adapter (SR Art. 8(5)(d), Art. 14(2)).

The biometric data taken during the screening are registered once, in the category of the
screening's reason (Regulation 2024/1358 Arts 22-24), by the screening authority's registry caller;
the registry compares them and returns candidates. A candidate is a hit to verify (the registry's
own expert verification, Art. 38(4) of that Regulation, and Art. 16 of the SR).
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from migralex.registry.access import Caller
from migralex.registry.categories import Category, Role, policy
from migralex.registry.service import Registry, Submission
from migralex.screening.connectors.base import Answer, Query, QueryBasis, Result, bases, call_with_timeout
from migralex.screening.model import EURODAC_CATEGORY, Reason


@dataclass
class RegistryEurodac:
    """Eurodac through the registry: registration with comparison, answered within the timeout."""

    registry: Registry
    basis: QueryBasis = field(default_factory=lambda: bases()["eurodac"])
    pool: cf.ThreadPoolExecutor = field(default_factory=lambda: cf.ThreadPoolExecutor(2))

    def caller(self, q: Query) -> Caller:
        """The registry caller of the screening authority: border (Arts 22-23 of Regulation
        2024/1358), or the return authority for a person found within the territory (Art. 24)."""
        role = Role.return_ if q.reason == Reason.territory else Role.border
        return Caller(q.officer[:24], q.member_state, role)

    def submission(self, q: Query, at: dt.datetime) -> Submission:
        """The registry submission of a screened person (identity and biometric templates)."""
        bio: Mapping[str, Any] = q.biometrics or {}
        names = (q.name or "unknown").split()
        category = EURODAC_CATEGORY[Reason(q.reason)]
        digit = policy().categories[Category(category)].reference_digit
        identity = {
            "names": {"surnames": [names[-1]], "forenames": names[:-1] or ["-"]},
            "reference_number": f"{q.member_state}{digit}-SCR-{q.screening_id}"[:40],
        }
        if q.date_of_birth:
            identity["date_of_birth"] = q.date_of_birth
        return Submission(
            transaction_id=f"scr-{q.screening_id}",
            category=category,
            event_at=at,
            biometrics_taken_at=at,
            identity=identity,
            fingerprint=bio.get("fingerprint"),
            face=bio.get("face"),
            include_own=True,  # identification (Art. 14) needs the Member State's own earlier records too
        )

    def query(self, q: Query) -> Result:
        """Register and compare; a missing biometric sample is a query not done, with why."""
        if not q.biometrics:
            return Result(
                "eurodac",
                Answer.down,
                self.basis.cite,
                0.0,
                not_done="no biometric data taken yet (Art. 14(1)(c)); registration in Eurodac to do",
            )
        return call_with_timeout(self.basis, lambda: self._register(q), self.pool)

    def _register(self, q: Query) -> Result:
        t0 = time.perf_counter()
        reg = self.registry.register(self.caller(q), self.submission(q, self.registry.now()))
        hits = tuple(
            {
                "reference": f"hit {c.hit_id}",
                "member_state": c.member_state,
                "category": c.category,
                "score": round(c.score, 3),
            }
            for c in reg.candidates
        )
        answer = Answer.hit if hits else Answer.no_hit
        detail = {"dataset_id": reg.dataset_id, "legal_basis": reg.legal_basis}
        return Result(
            "eurodac", answer, self.basis.cite, (time.perf_counter() - t0) * 1000, hits, None, detail
        )
