"""Statistics of Art. 12: persons (linked datasets, Art. 3(6)), not applications; by Member State,
category and month; no personal data.

`statistics()` reads the non-identifying projection (category, Member State, dates, link key,
minor, year of birth and sex where still held) and the comparison tables, and aggregates them with
polars. Each table names the points of Art. 12(1) it serves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl
from sqlalchemy import Connection, select

from migralex.registry.categories import policy
from migralex.registry.events import EventType
from migralex.registry.models import datasets, events, hits, searches

#: Table → the points of Art. 12(1) (and 12(2)) it answers.
TABLES: dict[str, str] = {
    "datasets": "Art. 12(1)(c), (d), (f)–(i): datasets transmitted and persons, by category",
    "applicants": "Art. 12(1)(a): applicants and first-time applicants (persons)",
    "status": "Art. 12(1)(b), (e), (r): rejections, protection granted (marks), marks and unmarks",
    "hits": "Art. 12(1)(k)–(p), (t): hits by category of the person searched and of the person found",
    "law_enforcement": "Art. 12(1)(t): law-enforcement requests and hits",
    "by_birth_year_sex": "Art. 12(2): datasets of Art. 12(1)(i) by year of birth and sex, where possible",
}


def _frame(rows: Sequence[Any], columns: list[str], schema: dict[str, Any] | None = None) -> pl.DataFrame:
    return pl.DataFrame([tuple(r) for r in rows], schema=schema or columns, orient="row")


def _month(col: str) -> pl.Expr:
    return pl.col(col).dt.strftime("%Y-%m").alias("month")


def statistics(
    conn: Connection, *, since: dt.date | None = None, until: dt.date | None = None
) -> dict[str, pl.DataFrame]:
    """Monthly statistics (Art. 12(1)–(2)) between two dates of transmission (inclusive)."""
    ds = _datasets(conn)
    window = _window(since, until)
    in_window = ds.filter(window)
    keys = ["month", "member_state", "category"]
    per_category = (
        in_window.group_by(keys)
        .agg(
            pl.len().alias("datasets"),
            pl.col("person_key").n_unique().alias("persons"),
            pl.col("person_key").filter(pl.col("minor")).n_unique().alias("persons_registered_as_minors"),
            pl.col("late").sum().alias("late_transmissions"),
        )
        .sort(keys)
    )
    by_year_sex = (
        in_window.group_by([*keys, "birth_year", "sex"])
        .agg(pl.len().alias("datasets"))
        .sort([*keys, "birth_year", "sex"])
    )
    return {
        "datasets": per_category,
        "applicants": _applicants(ds, window),
        "status": _status(conn),
        "hits": _hits(conn, ds),
        "law_enforcement": _law_enforcement(conn),
        "by_birth_year_sex": by_year_sex,
    }


def _datasets(conn: Connection) -> pl.DataFrame:
    """The non-identifying projection of Eurodac datasets with their month of transmission (Art. 12);
    an alert on return (Reg. 2018/1860) is not Eurodac data."""
    d = datasets.c
    eurodac = [k.value for k, r in policy().categories.items() if r.act == "EURODAC"]
    q = select(
        d.id, d.member_state, d.category, d.transmitted_at, d.person_key, d.minor, d.late, d.birth_year, d.sex
    ).where(d.category.in_(eurodac))
    schema = {
        "id": pl.Int64,
        "member_state": pl.Utf8,
        "category": pl.Utf8,
        "transmitted_at": pl.Datetime("us"),
        "person_key": pl.Int64,
        "minor": pl.Boolean,
        "late": pl.Boolean,
        "birth_year": pl.Int64,
        "sex": pl.Utf8,
    }
    return _frame(conn.execute(q).all(), list(schema), schema).with_columns(_month("transmitted_at"))


def _window(since: dt.date | None, until: dt.date | None) -> pl.Expr:
    """Transmitted between `since` and `until` inclusive (Art. 12(1): the period reported on)."""
    window = pl.lit(True)
    if since is not None:
        window &= pl.col("transmitted_at") >= pl.lit(dt.datetime.combine(since, dt.time()))
    if until is not None:
        window &= pl.col("transmitted_at") < pl.lit(
            dt.datetime.combine(until + dt.timedelta(days=1), dt.time())
        )
    return window


def _applicants(ds: pl.DataFrame, window: pl.Expr) -> pl.DataFrame:
    """Applicants and first-time applicants, persons not applications (Art. 12(1)(a)): first time
    over the whole registry, counted in the window."""
    applicants = ds.filter(pl.col("category") == "applicant")
    first = (
        applicants.sort("transmitted_at").group_by("person_key").agg(pl.col("id").first().alias("first_id"))
    )
    applicants = applicants.join(first, on="person_key").with_columns(
        (pl.col("id") == pl.col("first_id")).alias("first")
    )
    return (
        applicants.filter(window)
        .group_by(["month", "member_state"])
        .agg(
            pl.col("person_key").n_unique().alias("applicants"),
            pl.col("person_key").filter(pl.col("first")).n_unique().alias("first_time_applicants"),
        )
        .sort(["month", "member_state"])
    )


def _status(conn: Connection) -> pl.DataFrame:
    """Rejections, protection granted and marks by month and Member State (Art. 12(1)(b), (e), (r))."""
    e = events.c
    kinds = [
        EventType.application_rejected,
        EventType.marked_protection,
        EventType.unmarked_protection,
        EventType.marked_residence_document,
        EventType.border_procedure_rejection,
    ]
    ev = _frame(
        conn.execute(
            select(e.occurred_at, e.member_state, e.type).where(e.type.in_([k.value for k in kinds]))
        ).all(),
        ["occurred_at", "member_state", "type"],
        {"occurred_at": pl.Datetime("us"), "member_state": pl.Utf8, "type": pl.Utf8},
    )
    return (
        ev.with_columns(_month("occurred_at"))
        .group_by(["month", "member_state", "type"])
        .agg(pl.len().alias("datasets"))
        .sort(["month", "member_state", "type"])
    )


def _hits(conn: Connection, ds: pl.DataFrame) -> pl.DataFrame:
    """Hits by category of the person searched and of the person found (Art. 12(1)(k)–(p), (t))."""
    h, s = hits.c, searches.c
    hq = (
        select(h.created_at, h.requesting_ms, s.kind, h.probe_dataset_id, h.candidate_dataset_id, h.status)
        .join_from(hits, searches, h.search_id == s.id)
        .where(s.kind != "return_check")
    )  # SIS, not Eurodac
    hit_schema = {
        "created_at": pl.Datetime("us"),
        "requesting_ms": pl.Utf8,
        "kind": pl.Utf8,
        "probe_dataset_id": pl.Int64,
        "candidate_dataset_id": pl.Int64,
        "status": pl.Utf8,
    }
    hf = _frame(conn.execute(hq).all(), list(hit_schema), hit_schema)
    cats = ds.select(pl.col("id"), pl.col("category"))
    hf = (
        hf.join(
            cats.rename({"id": "probe_dataset_id", "category": "probe_category"}),
            on="probe_dataset_id",
            how="left",
        )
        .join(
            cats.rename({"id": "candidate_dataset_id", "category": "candidate_category"}),
            on="candidate_dataset_id",
            how="left",
        )
        .with_columns(
            pl.when(pl.col("kind") == "admission")
            .then(pl.lit("admission_registered"))
            .when(pl.col("kind") == "law_enforcement")
            .then(pl.lit("law_enforcement"))
            .otherwise(pl.col("probe_category"))
            .alias("probe_category"),
            _month("created_at"),
        )
    )
    hit_keys = ["month", "requesting_ms", "probe_category", "candidate_category", "status"]
    return hf.group_by(hit_keys).agg(pl.len().alias("hits")).sort(hit_keys)


def _law_enforcement(conn: Connection) -> pl.DataFrame:
    """Law-enforcement requests and those with hits by month and Member State (Art. 12(1)(t))."""
    s = searches.c
    le = _frame(
        conn.execute(
            select(s.created_at, s.member_state, s.candidates).where(s.kind == "law_enforcement")
        ).all(),
        ["created_at", "member_state", "candidates"],
        {"created_at": pl.Datetime("us"), "member_state": pl.Utf8, "candidates": pl.Int64},
    )
    return (
        le.with_columns(_month("created_at"))
        .group_by(["month", "member_state"])
        .agg(pl.len().alias("requests"), (pl.col("candidates") > 0).sum().alias("requests_with_hits"))
        .sort(["month", "member_state"])
    )
