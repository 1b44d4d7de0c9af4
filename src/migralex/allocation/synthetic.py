"""A synthetic population to relocate and synthetic pledges, drawn from the shipped data (demo, bench).

Nationalities follow the EU-27 first-time asylum applications by citizenship (Eurostat, shipped table
`applications_by_nationality`); meaningful links are drawn towards the Member States where the
same nationality already lives (UNHCR stocks); pledges follow population (Eurostat tps00001). The
shares of families, vulnerable persons, beneficiaries, consent and ineligibility are demo settings,
not statistics.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache

import numpy as np
import polars as pl

from migralex.allocation.integration import diaspora
from migralex.countries import EU27, FREE_MOVEMENT_STATES
from migralex.cycle.apportionment import apportion
from migralex.data.load import load

#: The Member States bound by Part IV of the AMMR (EU-27 without Denmark, recital 90).
RELOCATION_STATES: tuple[str, ...] = tuple(s for s in EU27 if s != "DK")


@dataclass(frozen=True)
class Settings:
    """Demo shares (not statistics)."""

    share_with_links: float = 0.45
    share_family: float = 0.30
    share_vulnerable: float = 0.15
    share_beneficiary: float = 0.10
    share_consent: float = 0.85
    share_security: float = 0.02
    share_benefitting_responsible: float = 0.03
    year: int = 2024


@cache
def nationality_shares(year: int) -> tuple[tuple[str, ...], np.ndarray]:
    """Citizenships and their shares of EU-27 applications in `year` (Eurostat), largest first and
    equal counts by code (the same order in every process: a demo's seed gives the same persons);
    applications of Union citizens and of nationals of the free-movement States are left out
    (AMMR Art. 2(1))."""
    apps = load("applications_by_nationality").filter(
        (pl.col("country") == "EU27_2020")
        & (pl.col("year") == year)
        & (pl.col("citizenship").str.len_chars() == 2)
        & ~pl.col("citizenship").is_in([*EU27, *FREE_MOVEMENT_STATES])  # AMMR Art. 2(1)
    )
    by = apps.group_by("citizenship").agg(pl.col("applicants").sum()).filter(pl.col("applicants") > 0)
    # ties broken by the code: group_by's order changes from one process to the next
    by = by.sort(["applicants", "citizenship"], descending=[True, False])
    weights = by["applicants"].to_numpy().astype(np.float64)
    return tuple(by["citizenship"].to_list()), weights / weights.sum()


def link_weights(nationalities: list[str], states: list[str], year: int) -> np.ndarray:
    """Per nationality and Member State: the share of that nationality's diaspora living there."""
    table = diaspora(year).filter(pl.col("country").is_in(states))
    wide = table.pivot(on="country", index="citizenship", values="persons")
    people = pl.DataFrame({"citizenship": nationalities})
    joined = people.join(wide, on="citizenship", how="left", maintain_order="left")
    zero = np.zeros(len(nationalities))
    cols = [
        joined[s].fill_null(0).cast(pl.Float64).to_numpy() if s in joined.columns else zero for s in states
    ]
    mat = np.column_stack(cols) + 1.0
    return mat / mat.sum(axis=1, keepdims=True)


def persons(
    n: int,
    rng: np.random.Generator,
    benefitting: str = "IT",
    prefix: str = "p",
    settings: Settings | None = None,
) -> pl.DataFrame:
    """`n` persons to relocate from `benefitting`, in the columns of `migralex.allocation`."""
    s = settings or Settings()
    nats, shares = nationality_shares(s.year)
    nat = np.asarray(nats)[rng.choice(len(nats), size=n, p=shares)]
    states = [m for m in RELOCATION_STATES if m != benefitting]
    lw = link_weights(sorted(set(nat.tolist())), states, s.year)
    row = {c: i for i, c in enumerate(sorted(set(nat.tolist())))}
    cum = np.cumsum(lw[[row[c] for c in nat]], axis=1)
    first = (cum < rng.random(n)[:, None]).sum(axis=1).clip(max=len(states) - 1)
    has_link = rng.random(n) < s.share_with_links
    links = [[states[f]] if h else [] for f, h in zip(first, has_link, strict=True)]
    family = _families(n, rng, s.share_family, prefix)
    status = np.where(rng.random(n) < s.share_beneficiary, "beneficiary", "applicant")
    u = rng.random(n)
    responsible = u < s.share_security + s.share_benefitting_responsible
    reason = np.where(
        u < s.share_security, "security_threat", np.where(responsible, "benefitting_responsible", "")
    )
    return pl.DataFrame({
        "person_id": [f"{prefix}{i}" for i in range(n)],
        "family_group": family,
        "status": status,
        "eligible": reason == "",
        "ineligible_reason": pl.Series(reason.tolist(), dtype=pl.String).replace("", None),
        "consent": rng.random(n) < s.share_consent,
        "vulnerable": rng.random(n) < s.share_vulnerable,
        "links": pl.Series(links, dtype=pl.List(pl.String)),
        "nationality": nat,
        "benefitting": [benefitting] * n,
    })  # fmt: skip


def _families(n: int, rng: np.random.Generator, share: float, prefix: str) -> list[str | None]:
    """Consecutive persons grouped into families of 2-5 (about `share` of persons in families)."""
    out: list[str | None] = [None] * n
    i = 0
    while i < n:
        if rng.random() < share / 3:
            k = int(rng.integers(2, 6))
            for j in range(i, min(n, i + k)):
                out[j] = f"{prefix}f{i}"
            i += k
        else:
            i += 1
    return out


def pledges(total: int, states: list[str] | None = None, year: int = 2024) -> dict[str, int]:
    """`total` places shared by population (largest remainder) among `states`."""
    states = states or list(RELOCATION_STATES)
    pop = load("population_tps00001").filter(pl.col("year") == year).select("country", "population")
    lookup = dict(zip(pop["country"].to_list(), pop["population"].to_list(), strict=True))
    _, seats = apportion([Fraction(int(lookup[s])) for s in states], total)
    return dict(zip(states, seats, strict=True))
