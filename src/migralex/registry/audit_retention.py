"""Keeping of the audit log for the period Eurodac Art. 41(4) sets, then erasure.

"Those records shall be ... erased after a period of one year after the storage period referred
to in Article 29 has expired, unless they are required for monitoring procedures which have
already begun." An entry is due when the storage period of every dataset it names ended more than
`eurodac.audit.retention_after_storage` before the day of the purge (for a dataset erased early,
Art. 30, the period ended on erasure; a dataset still without an end, e.g. temporary protection
not yet ended, keeps the entry). An entry naming no stored dataset follows the reading
`eurodac.reading.audit_without_dataset`. Entries from `keep_from` on are kept (a monitoring
procedure already begun).

Erased entries leave a signed anchor per run of consecutive entries (`audit_erased`: first and
last sequence number, the hash entering the run and the hash leaving it, an HMAC under the audit
key), so `verify` walks over the gap and the chain still proves that nothing else was removed or
altered. The set of due entries is computed with polars (no loop over entries).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Connection, bindparam, delete, insert, select

from migralex.law import ParameterSet
from migralex.registry.models import audit_erased, audit_log, datasets

BASIS = "Eurodac Art. 41(4)"


@dataclass(frozen=True)
class AuditErasure:
    """What one purge of the audit log did."""

    count: int
    runs: int
    basis: str = BASIS


def anchor_mac(key: bytes, row: dict[str, Any]) -> str:
    """HMAC of an erased run's anchor: without the key no gap can be passed off as lawful."""
    at = row["erased_at"]
    stamp = at.isoformat(sep=" ", timespec="microseconds") if isinstance(at, dt.datetime) else str(at)
    text = "\n".join(
        str(v)
        for v in (
            "audit_erased",
            row["first_seq"],
            row["last_seq"],
            row["entries"],
            row["prev_hash"],
            row["last_hash"],
            stamp,
            row["legal_basis"],
        )
    )
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _storage_ends(conn: Connection) -> pl.DataFrame:
    """Each dataset's end of storage (Art. 29): its last day, or the day it was erased if earlier."""
    d = datasets.c
    rows = conn.execute(select(d.id, d.retain_until, d.erased_at)).all()
    frame = pl.DataFrame(
        {
            "id": [r.id for r in rows],
            "retain_until": [r.retain_until for r in rows],
            "erased_at": [r.erased_at for r in rows],
        },
        schema={"id": pl.Int64, "retain_until": pl.Date, "erased_at": pl.Datetime("us")},
    )
    return frame.select("id", pl.min_horizontal("retain_until", pl.col("erased_at").dt.date()).alias("end"))


def due(conn: Connection, ps: ParameterSet, as_of: dt.date, keep_from: dt.date | None = None) -> pl.DataFrame:
    """The entries whose keeping period has passed on `as_of` (seq, prev_hash, hash), by seq."""
    years = int(ps.value("eurodac.audit.retention_after_storage", as_of))
    reading = str(ps.value("eurodac.reading.audit_without_dataset", as_of))
    a = audit_log.c
    rows = conn.execute(select(a.seq, a.at, a.records, a.prev_hash, a.hash).order_by(a.seq)).all()
    log = pl.DataFrame(
        {
            "seq": [r.seq for r in rows],
            "at": [r.at for r in rows],
            "records": [r.records for r in rows],
            "prev_hash": [r.prev_hash for r in rows],
            "hash": [r.hash for r in rows],
        },
        schema={
            "seq": pl.Int64,
            "at": pl.Datetime("us"),
            "records": pl.String,
            "prev_hash": pl.String,
            "hash": pl.String,
        },
    )
    named = (
        log.select("seq", pl.col("records").str.json_decode(pl.List(pl.Int64)).alias("id"))
        .explode("id")
        .drop_nulls("id")
        .join(_storage_ends(conn), on="id", how="inner")  # ids of no stored dataset name nothing
        .group_by("seq")
        .agg(pl.col("end").max().alias("end"), pl.col("end").null_count().alias("open"))
    )
    offset = f"{years}y"
    own = pl.col("at").dt.date().dt.offset_by(offset) < as_of
    ended = (pl.col("open") == 0) & (pl.col("end").dt.offset_by(offset) < as_of)
    no_dataset = own if reading == "own_date" else pl.lit(False)
    out = log.join(named, on="seq", how="left").filter(
        pl.when(pl.col("open").is_null()).then(no_dataset).otherwise(ended)
    )
    if keep_from is not None:
        out = out.filter(pl.col("at").dt.date() < keep_from)
    return out.select("seq", "prev_hash", "hash").sort("seq")


def _runs(entries: pl.DataFrame) -> pl.DataFrame:
    """Runs of consecutive sequence numbers: first, last, count, hash entering, hash leaving."""
    return (
        entries.with_columns(run=(pl.col("seq").diff().fill_null(1) != 1).cum_sum())
        .group_by("run")
        .agg(
            pl.col("seq").first().alias("first_seq"),
            pl.col("seq").last().alias("last_seq"),
            pl.len().alias("entries"),
            pl.col("prev_hash").first(),
            pl.col("hash").last().alias("last_hash"),
        )
        .sort("first_seq")
        .drop("run")
    )


def purge(
    conn: Connection,
    key: bytes,
    ps: ParameterSet,
    as_of: dt.date,
    now: dt.datetime,
    keep_from: dt.date | None = None,
) -> AuditErasure:
    """Erase the audit entries whose keeping period has passed (Art. 41(4)), leaving signed anchors."""
    runs = _runs(due(conn, ps, as_of, keep_from))
    if runs.is_empty():
        return AuditErasure(0, 0)
    anchors = [{**r, "erased_at": now.replace(tzinfo=None), "legal_basis": BASIS} for r in runs.to_dicts()]
    for r in anchors:
        r["mac"] = anchor_mac(key, r)
    conn.execute(insert(audit_erased), anchors)  # first: the triggers let only anchored runs go
    conn.execute(
        delete(audit_log).where(audit_log.c.seq.between(bindparam("lo"), bindparam("hi"))),
        [{"lo": r["first_seq"], "hi": r["last_seq"]} for r in anchors],
    )
    return AuditErasure(int(runs["entries"].sum()), len(anchors))


def anchors(conn: Connection) -> dict[int, dict[str, Any]]:
    """The signed anchors of erased runs, by their first sequence number."""
    return {int(r.first_seq): dict(r._mapping) for r in conn.execute(select(audit_erased)).all()}
