"""An independent check of a match against the hard constraints (it shares no code with the solver).

Counts, from the persons, the places and the per-person answer only: places over pledges (Art. 57(2)),
families split (Art. 67(6)), persons relocated though not eligible (Art. 67(2), 67(5)) or without
the written consent of a beneficiary (Art. 67(4)), persons sent to their benefitting Member State,
persons missing from or repeated in the answer (each person answered exactly once).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl


def violations(persons: pl.DataFrame, places: Mapping[str, int], answer: pl.DataFrame) -> dict[str, int]:
    """Number of violations of each hard constraint (all zero for a lawful match)."""
    cols = persons.columns
    p = persons.select(
        pl.col("person_id"),
        (pl.col("family_group") if "family_group" in cols else pl.lit(None, pl.String)).alias("family"),
        (pl.col("eligible") if "eligible" in cols else pl.lit(True)).fill_null(True).alias("eligible"),
        (pl.col("status") if "status" in cols else pl.lit("applicant"))
        .fill_null("applicant")
        .alias("status"),
        (pl.col("consent") if "consent" in cols else pl.lit(False)).fill_null(False).alias("consent"),
        (pl.col("benefitting") if "benefitting" in cols else pl.lit(None, pl.String)).alias("benefitting"),
    )
    a = answer.select("person_id", "member_state")
    joined = p.join(a, on="person_id", how="left")
    placed = pl.col("member_state").is_not_null()
    used = a.filter(pl.col("member_state").is_not_null()).group_by("member_state").len()
    pledge = pl.DataFrame(
        {"member_state": list(places), "pledged": [int(v) for v in places.values()]},
        schema={"member_state": pl.String, "pledged": pl.Int64},
    )
    over = used.join(pledge, on="member_state", how="left").with_columns(pl.col("pledged").fill_null(0))
    families = (
        joined.filter(pl.col("family").is_not_null())
        .group_by("family")
        .agg(pl.col("member_state").n_unique().alias("states"))  # null counts as one "state"
    )
    excess = over.select((pl.col("len") - pl.col("pledged")).clip(lower_bound=0).sum()).item()
    beneficiary = pl.col("status") == "beneficiary"
    return {
        "capacity": int(excess or 0),
        "family_unity": int(families.filter(pl.col("states") > 1).height),
        "eligibility": int(joined.filter(placed & ~pl.col("eligible")).height),
        "consent": int(joined.filter(placed & beneficiary & ~pl.col("consent")).height),
        "benefitting_state": int(
            joined.filter(placed & (pl.col("member_state") == pl.col("benefitting"))).height
        ),
        "unanswered": int(p.join(a, on="person_id", how="anti").height),
        "answered_twice": int(a.filter(pl.col("person_id").is_duplicated()).height),
        "unknown_person": int(a.join(p, on="person_id", how="anti").height),
    }


def total(counts: Mapping[str, int]) -> int:
    """All violations together."""
    return int(sum(counts.values()))
