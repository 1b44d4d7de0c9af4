"""The persons of a batch: columns checked and defaulted, families grouped (AMMR Art. 67(6))."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from migralex.cases.format import not_in_relocation
from migralex.countries import EU27, not_a_third_country_national
from migralex.errors import InvalidInput
from migralex.rules.relocation import consent

#: Optional columns and their defaults (see the package docstring).
DEFAULTS: dict[str, pl.Expr] = {
    "family_group": pl.lit(None, dtype=pl.String),
    "status": pl.lit("applicant"),
    "eligible": pl.lit(True),
    "ineligible_reason": pl.lit(None, dtype=pl.String),
    "consent": pl.lit(False),
    "vulnerable": pl.lit(False),
    "links": pl.lit([], dtype=pl.List(pl.String)),
    "nationality": pl.lit(None, dtype=pl.String),
    "benefitting": pl.lit(None, dtype=pl.String),
}
DTYPES: dict[str, pl.DataType] = {
    "person_id": pl.String(), "family_group": pl.String(), "status": pl.String(),
    "eligible": pl.Boolean(), "ineligible_reason": pl.String(), "consent": pl.Boolean(),
    "vulnerable": pl.Boolean(), "links": pl.List(pl.String()), "nationality": pl.String(),
    "benefitting": pl.String(),
}  # fmt: skip
STATUSES = ("applicant", "beneficiary")
#: Reasons a person is not eligible (Art. 67(2), 67(5)); see migralex.rules.relocation.eligibility.
INELIGIBLE = ("security_threat", "benefitting_responsible", "not_eligible")


def normalise(persons: pl.DataFrame) -> pl.DataFrame:
    """The persons with every column present and typed; bad input raises naming the column."""
    if "person_id" not in persons.columns:
        raise InvalidInput("persons.person_id", "missing column (one id per person)")
    frame = persons.with_columns(
        [expr.alias(name) for name, expr in DEFAULTS.items() if name not in persons.columns]
    )
    try:
        frame = frame.with_columns([pl.col(name).cast(dtype, strict=True) for name, dtype in DTYPES.items()])
    except pl.exceptions.PolarsError as error:
        raise InvalidInput("persons", f"a column has the wrong type: {error}") from error
    _check(frame)
    return frame.with_columns(
        pl.col("links").fill_null([]).list.eval(pl.element().str.to_uppercase()),
        pl.col("benefitting").str.to_uppercase(),
        pl.col("eligible").fill_null(True),
        pl.col("consent").fill_null(False),
        pl.col("vulnerable").fill_null(False),
        pl.col("status").fill_null("applicant"),
    )


def _check(frame: pl.DataFrame) -> None:
    """Raise InvalidInput naming the first bad row and column."""
    ids = frame["person_id"]
    if ids.null_count():
        raise InvalidInput(f"persons[{_first(ids.is_null())}].person_id", "missing")
    dup = ~ids.is_first_distinct()
    if dup.any():
        raise InvalidInput(f"persons[{_first(dup)}].person_id", f"duplicate id {ids[_first(dup)]!r}")
    bad = ~frame["status"].fill_null("applicant").is_in(STATUSES)
    if bad.any():
        raise InvalidInput(f"persons[{_first(bad)}].status", f"must be one of {', '.join(STATUSES)}")
    links = frame["links"].explode().drop_nulls().str.to_uppercase()
    unknown = links.filter(~links.is_in(EU27))
    if len(unknown):
        outside = ~pl.element().str.to_uppercase().is_in(EU27)
        row = _first(frame["links"].list.eval(outside).list.any().fill_null(False))
        raise InvalidInput(f"persons[{row}].links", f"{unknown[0]!r} is not an EU Member State")
    reason = frame["ineligible_reason"]
    bad = reason.is_not_null() & ~reason.is_in(INELIGIBLE)
    if bad.any():
        raise InvalidInput(
            f"persons[{_first(bad)}].ineligible_reason", f"must be one of {', '.join(INELIGIBLE)}"
        )
    ben = frame["benefitting"].str.to_uppercase()
    bad = ben.is_not_null() & ~ben.is_in(EU27)
    if bad.any():
        raise InvalidInput(f"persons[{_first(bad)}].benefitting", "not an EU Member State")
    _check_scope(frame, ben)


def _check_scope(frame: pl.DataFrame, ben: pl.Series) -> None:
    """AMMR Part IV binds the benefitting Member State (not Denmark, recital 90) and the person is
    a third-country national or stateless (Art. 2(1), (3)-(4)): else the first bad row is named."""
    for code in ben.drop_nulls().unique().sort().to_list():
        why = not_in_relocation(code)
        if why is not None:
            raise InvalidInput(f"persons[{_first(ben == code)}].benefitting", why)
    if "nationality" in frame.columns:
        nat = frame["nationality"].cast(pl.Utf8).str.to_uppercase()
        for code in nat.drop_nulls().unique().sort().to_list():
            why = not_a_third_country_national(code)
            if why is not None:
                raise InvalidInput(f"persons[{_first(nat == code)}].nationality", why)


def _first(mask: pl.Series) -> int:
    """Index of the first True in a boolean Series."""
    return int(mask.arg_true()[0])


def check_places(places: Mapping[str, int]) -> dict[str, int]:
    """Pledged places per Member State of relocation (Art. 57(2)); bad input names the key."""
    out: dict[str, int] = {}
    for key, value in places.items():
        code = str(key).strip().upper()
        if code not in EU27:
            raise InvalidInput(f"places.{key}", "not an EU Member State")
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise InvalidInput(f"places.{key}", f"expected a whole number of places >= 0, got {value!r}")
        if value > 0 and not_in_relocation(code) is not None:  # 0 is accepted, for callers passing all 27
            raise InvalidInput(f"places.{key}", str(not_in_relocation(code)))
        out[code] = int(value)
    return out


@dataclass(frozen=True)
class Groups:
    """Families (and single persons) as matching units: each goes to one Member State or none."""

    group_of_person: np.ndarray  # int index of each person's group
    size: np.ndarray  # persons per group
    placeable: np.ndarray  # bool per group: every member (or, under "split", some) may go
    reason: np.ndarray  # object per person: why not placeable, or None


def unplaceable_reason(frame: pl.DataFrame) -> pl.Series:
    """Why each person cannot be relocated at all (Arts 67(2), 67(5), 67(4)), or null."""
    written = consent(pl.col("status"), pl.col("consent"))
    return frame.select(
        pl.when(~pl.col("eligible"))
        .then(pl.col("ineligible_reason").fill_null("not_eligible"))
        .when(written == "no_consent")
        .then(pl.lit("no_consent"))
        .otherwise(pl.lit(None, dtype=pl.String))
        .alias("reason")
    )["reason"]


def groups(frame: pl.DataFrame, family_ineligible: str) -> Groups:
    """Group persons by family_group (null = alone), the whole family unplaceable if one member is."""
    own = unplaceable_reason(frame)
    key = frame.select(
        pl.col("family_group").fill_null(pl.concat_str([pl.lit("\x00"), pl.col("person_id")]))
    ).to_series()
    codes = key.cast(pl.Categorical).to_physical().to_numpy()
    _, index = np.unique(codes, return_inverse=True)
    own_bad = own.is_not_null().to_numpy()
    if family_ineligible == "split":
        index = np.where(own_bad, index.max() + 1 + np.arange(len(index)), index)
        _, index = np.unique(index, return_inverse=True)
    n_groups = int(index.max()) + 1 if len(index) else 0
    bad_in_group = np.bincount(index, weights=own_bad, minlength=n_groups) > 0
    size = np.bincount(index, minlength=n_groups).astype(np.int64)
    reason = np.full(len(index), None, dtype=object)
    reason[bad_in_group[index]] = "family_member_unplaceable"
    reason[own_bad] = own.to_numpy()[own_bad]
    return Groups(index, size, ~bad_in_group, reason)
