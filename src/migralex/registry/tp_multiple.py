"""Multiple registrations for temporary protection: the same person registered in several Member States.

This is what the Temporary Protection Registration Platform exists for (an EU platform outside
Eurodac, used for the Ukrainian scheme under Implementing Decision (EU) 2022/382, to which the
Eurodac Regulation does not apply: Art. 63(3)). In this registry, beneficiaries of temporary
protection are a category from 12 June 2029 (Eurodac Art. 26, Art. 63(2)); their biometric data are
compared with the data already stored (Art. 27(1)), and datasets found to be the same person after
an expert's check (Art. 38(4)) are linked in a sequence (Art. 3(6)).

`multiple_registrations` reads the non-identifying projection (dataset id, Member State, category,
link key, dates, Council decision) and the comparison results, and finds with polars, set-based:
- `linked`: persons (linked datasets) with temporary-protection datasets in two or more Member
  States (confirmed identifications);
- `pending`: comparison hits between temporary-protection datasets of two Member States that no
  expert has checked yet (candidates, not identifications: Art. 38(4)).
Erased datasets are left out. Which Member State then keeps the person is the Directive's matter
(Directive 2001/55/EC Arts 15, 26: not shipped); the report says who is involved, nothing more.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import Connection, select

from migralex.registry.categories import Category, policy
from migralex.registry.models import datasets, hits

TP = Category.temporary_protection.value
COLUMNS = {
    "status": "linked (confirmed identification, Art. 3(6)) or pending (an unchecked hit, Art. 38(4))",
    "member_states": "the Member States with a temporary-protection dataset of the person",
    "registrations": "temporary-protection datasets of the person",
    "first_registered": "earliest registration (event date)",
    "last_registered": "latest registration (event date)",
    "dataset_ids": "the datasets (each Member State acts on its own, Art. 40(3))",
    "tp_decisions": "the Council implementing decisions the registrations name",
}
EMPTY = pl.DataFrame(
    schema={
        "status": pl.Utf8,
        "member_states": pl.List(pl.Utf8),
        "registrations": pl.UInt32,
        "first_registered": pl.Date,
        "last_registered": pl.Date,
        "dataset_ids": pl.List(pl.Int64),
        "tp_decisions": pl.List(pl.Utf8),
    }
)


def _tp_datasets(conn: Connection) -> pl.DataFrame:
    d = datasets.c
    rows = conn.execute(
        select(d.id, d.member_state, d.person_key, d.event_at, d.tp_decision).where(
            d.category == TP, d.erased_at.is_(None)
        )
    ).all()
    schema: dict[str, Any] = {
        "id": pl.Int64,
        "member_state": pl.Utf8,
        "person_key": pl.Int64,
        "event_at": pl.Datetime("us"),
        "tp_decision": pl.Utf8,
    }
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def _summarise(frame: pl.DataFrame, key: str, status: str) -> pl.DataFrame:
    """One row per group `key` with two or more Member States."""
    return (
        frame.group_by(key)
        .agg(
            pl.col("member_state").unique().sort().alias("member_states"),
            pl.col("id").n_unique().cast(pl.UInt32).alias("registrations"),
            pl.col("event_at").min().dt.date().alias("first_registered"),
            pl.col("event_at").max().dt.date().alias("last_registered"),
            pl.col("id").unique().sort().alias("dataset_ids"),
            pl.col("tp_decision").drop_nulls().unique().sort().alias("tp_decisions"),
        )
        .filter(pl.col("member_states").list.len() >= 2)
        .with_columns(pl.lit(status).alias("status"))
        .select(list(EMPTY.columns))
    )


def _pending_pairs(conn: Connection, tp: pl.DataFrame) -> pl.DataFrame:
    """Unchecked hits between temporary-protection datasets of different Member States and persons."""
    h = hits.c
    raw = conn.execute(
        select(h.probe_dataset_id, h.candidate_dataset_id).where(
            h.status == "pending", h.probe_dataset_id.is_not(None)
        )
    ).all()
    pairs = pl.DataFrame([tuple(r) for r in raw], schema={"a": pl.Int64, "b": pl.Int64}, orient="row")
    side = tp.select("id", "member_state", "person_key", "event_at", "tp_decision")
    joined = pairs.join(side.rename(lambda c: f"a_{c}"), left_on="a", right_on="a_id").join(
        side.rename(lambda c: f"b_{c}"), left_on="b", right_on="b_id"
    )
    joined = joined.filter(
        (pl.col("a_member_state") != pl.col("b_member_state"))
        & (pl.col("a_person_key") != pl.col("b_person_key"))
    ).with_row_index("pair")
    long = pl.concat(
        [
            joined.select(
                "pair",
                pl.col(f"{s}").alias("id"),
                pl.col(f"{s}_member_state").alias("member_state"),
                pl.col(f"{s}_event_at").alias("event_at"),
                pl.col(f"{s}_tp_decision").alias("tp_decision"),
            )
            for s in ("a", "b")
        ]
    )
    return long


def multiple_registrations(conn: Connection, member_state: str | None = None) -> pl.DataFrame:
    """Persons with temporary-protection datasets in two or more Member States, linked or pending.

    With `member_state`, only the rows involving that Member State (its own datasets and the
    comparison results about them, Art. 40(1), Art. 27(4)).
    """
    tp = _tp_datasets(conn)
    if tp.is_empty():
        return EMPTY
    linked = _summarise(tp, "person_key", "linked")
    pending = _summarise(_pending_pairs(conn, tp), "pair", "pending")
    out = pl.concat([linked, pending]).sort(["status", "first_registered", "member_states"])
    if member_state is not None:
        out = out.filter(pl.col("member_states").list.contains(member_state))
    return out


def report(frame: pl.DataFrame) -> dict[str, Any]:
    """JSON-ready: the rows, counts by status and by pair of Member States, the legal basis."""
    p = policy()
    pairs = (
        frame.with_columns(pl.col("member_states").list.join("+").alias("pair"))
        .group_by(["status", "pair"])
        .agg(pl.len().alias("persons"))
        .sort(["status", "persons"], descending=[False, True])
    )
    return {
        "rows": [_jsonable(r) for r in frame.to_dicts()],
        "by_status": {s: int((frame["status"] == s).sum()) for s in ("linked", "pending")},
        "by_pair": pairs.to_dicts(),
        "columns": COLUMNS,
        "basis": "; ".join(
            [
                p.categories[Category.temporary_protection].collection.cite(),
                p.linking.cite(),
                p.hit_verification.cite(),
                p.excluded_tp_ref.cite(),
            ]
        ),
        "note": (
            "Eurodac does not apply to temporary protection under Implementing Decision (EU) 2022/382"
            " (Art. 63(3)): multiple registrations of persons displaced from Ukraine are the Temporary"
            " Protection Registration Platform's, not this registry's."
        ),
    }


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}
