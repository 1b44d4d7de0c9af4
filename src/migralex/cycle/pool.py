"""The Annual Solidarity Pool and each Member State's fair share (AMMR Arts 12(2)-(3), 57(3), 66).

The pool has at least the Art. 12(2) numbers of relocations and euro; any other size keeps their
ratio (Art. 12(3)), so one relocation is worth the financial minimum divided by the relocation
minimum. A fair share is the key share of the pool, in relocations or in euro (the Member State
chooses the mix, Art. 57(4)); both are rounded by largest remainder so they add up to the pool.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import polars as pl

from migralex.cycle.apportionment import largest_remainder
from migralex.cycle.provenance import Column, Figure, Result
from migralex.errors import InvalidInput
from migralex.law.params import ParameterSet, compare, params

RELOCATIONS_MINIMUM = "ammr.solidarity.pool_relocations_minimum"
FINANCIAL_MINIMUM = "ammr.solidarity.pool_financial_minimum"


@dataclass(frozen=True)
class PoolSize:
    """The reference numbers of the pool: relocations, euro, and the value of one relocation."""

    relocations: int
    financial_eur: int
    eur_per_relocation: Fraction
    meets_minimum: bool
    figures: tuple[Figure, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "relocations": self.relocations,
            "financial_eur": self.financial_eur,
            "eur_per_relocation": float(self.eur_per_relocation),
            "meets_minimum": self.meets_minimum,
            "figures": [f.to_dict() for f in self.figures],
            "notes": list(self.notes),
        }


def _whole(value: Fraction, field: str, reason: str) -> int:
    """`value` as an int, or an error explaining why it must be whole."""
    if value.denominator != 1:
        raise InvalidInput(field, reason)
    return int(value)


def _pool_numbers(
    relocations: int | None, financial_eur: int | None, minima: tuple[int, int]
) -> tuple[int, int]:
    """AMMR Art. 12(2)-(3): the minima, or the number not given from the other in the minima's ratio."""
    r0, f0 = minima
    ratio = Fraction(f0, r0)
    for name, value in (("relocations", relocations), ("financial_eur", financial_eur)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
            raise InvalidInput(name, f"expected a positive whole number, got {value!r}")
    if relocations is None and financial_eur is None:
        return r0, f0
    if financial_eur is None:
        assert relocations is not None
        return relocations, _whole(relocations * ratio, "relocations", "the ratio gives a fraction of a euro")
    if relocations is None:
        relocations = _whole(
            financial_eur / ratio,
            "financial_eur",
            f"keeps the Art. 12(3) ratio only for a multiple of EUR {ratio} (one relocation)",
        )
        return relocations, financial_eur
    if Fraction(financial_eur, relocations) != ratio:
        raise InvalidInput(
            "financial_eur",
            f"EUR {financial_eur:,} for {relocations:,} relocations breaks the ratio of AMMR Art. 12(3) "
            f"(EUR {ratio} per relocation): give one number, the other follows",
        )
    return relocations, financial_eur


def _pool_figures(
    relocations: int, financial_eur: int, minima: tuple[int, int], on: dt.date, ps: ParameterSet
) -> tuple[Figure, ...]:
    """The minima of AMMR Art. 12(2), their ratio (Art. 12(3)) and the pool's numbers, with their basis."""
    r0, f0 = minima
    return (
        Figure(
            "relocations_minimum",
            r0,
            "persons",
            ps[RELOCATIONS_MINIMUM].value_at(on).ref.cite(),
            f"parameter {RELOCATIONS_MINIMUM}",
        ),
        Figure(
            "financial_minimum",
            f0,
            "eur",
            ps[FINANCIAL_MINIMUM].value_at(on).ref.cite(),
            f"parameter {FINANCIAL_MINIMUM}",
        ),
        Figure(
            "eur_per_relocation",
            Fraction(f0, r0),
            "eur",
            "AMMR Art. 12(3), second subparagraph; Art. 56(2) (equal value)",
            "financial_minimum / relocations_minimum",
            {"financial_minimum": f0, "relocations_minimum": r0},
        ),
        Figure("pool_relocations", relocations, "persons", "AMMR Art. 12(2)(a), 12(3)", "given or ratio"),
        Figure("pool_financial_eur", financial_eur, "eur", "AMMR Art. 12(2)(b), 12(3)", "given or ratio"),
    )


def pool_size(
    relocations: int | None = None,
    financial_eur: int | None = None,
    *,
    on: dt.date,
    parameters: ParameterSet | None = None,
) -> PoolSize:
    """AMMR Art. 12(2)-(3): the pool's numbers, at least the minima and always in the minima's ratio.

    With neither number given, the minima; with one, the other follows from the ratio; with both,
    they must keep the ratio. Numbers below the minima are accepted (the Council may amend the
    proposal, Art. 57(1)) but flagged: the floor binds the Commission proposal.
    """
    ps = parameters or params()
    min_r, min_f = ps[RELOCATIONS_MINIMUM], ps[FINANCIAL_MINIMUM]
    r0, f0 = int(min_r.value_at(on).value), int(min_f.value_at(on).value)
    relocations, financial_eur = _pool_numbers(relocations, financial_eur, (r0, f0))
    meets = bool(
        compare(np.array([relocations]), min_r.boundary, r0)[0]
        and compare(np.array([financial_eur]), min_f.boundary, f0)[0]
    )
    notes: tuple[str, ...] = ()
    if not meets:
        notes = (
            f"below the AMMR Art. 12(2) minimum ({r0:,} relocations, EUR {f0:,}), which binds the "
            "Commission proposal; the Council may set lower reference numbers (Art. 57(1))",
        )
    figures = _pool_figures(relocations, financial_eur, (r0, f0), on, ps)
    return PoolSize(relocations, financial_eur, Fraction(f0, r0), meets, figures, notes)


def fair_shares(key: Result, pool: PoolSize) -> Result:
    """AMMR Art. 57(3), Art. 66: each Member State's fair share of the pool, in relocations and in euro."""
    frame = key.frame
    shares = [Fraction(s) for s in frame.get_column("share_exact")]
    if sum(shares) != 1:
        raise InvalidInput("share_exact", f"the key shares add up to {sum(shares)}, not 1")
    reloc_exact = [s * pool.relocations for s in shares]
    money_exact = [s * pool.financial_eur for s in shares]
    relocations = largest_remainder(reloc_exact, pool.relocations)
    money = largest_remainder(money_exact, pool.financial_eur)
    out = frame.with_columns(
        pl.Series("relocations_exact", [float(x) for x in reloc_exact]),
        pl.Series("relocations", relocations, pl.Int64),
        pl.Series("financial_eur_exact", [float(x) for x in money_exact]),
        pl.Series("financial_eur", money, pl.Int64),
        pl.lit("AMMR Art. 57(3), Art. 66, Annex I; Art. 12(2)-(3)").alias("legal_basis"),
    )
    columns = dict(key.columns)
    columns |= {
        "relocations_exact": Column(
            "fair share in relocations, before rounding",
            "AMMR Art. 57(3), Art. 66",
            f"share × {pool.relocations}",
            ("share", "share_exact"),
        ),
        "relocations": Column(
            "fair share in relocations",
            "AMMR Art. 57(3), Art. 66; Art. 12(2)(a)",
            f"relocations_exact rounded by largest remainder so that Σ = {pool.relocations}",
            ("share", "relocations_exact"),
        ),
        "financial_eur_exact": Column(
            "fair share in euro, before rounding",
            "AMMR Art. 57(3), Art. 66",
            f"share × {pool.financial_eur}",
            ("share", "share_exact"),
        ),
        "financial_eur": Column(
            "fair share in euro (financial contributions)",
            "AMMR Art. 57(3), Art. 66; Art. 12(2)(b)",
            f"financial_eur_exact rounded by largest remainder to euro so that Σ = {pool.financial_eur}",
            ("share", "financial_eur_exact"),
        ),
    }
    figures = (*key.figures, *pool.figures)
    return Result("Annual Solidarity Pool: fair shares", out, columns, figures, (*key.notes, *pool.notes))
