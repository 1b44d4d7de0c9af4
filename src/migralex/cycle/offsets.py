"""Deductions (AMMR Arts 60(3), 61, 62) and responsibility offsets (Art. 63) as functions of the pledges.

- Art. 63(1): a benefitting Member State may request offsets when the relocation pledges are at least
  50 % (`ammr.offsets.request_threshold`) of the number in the Commission proposal.
- Art. 63(2): a contributing Member State may offer offsets when (a) that threshold is reached, or
  (b) it pledged at least 50 % (`ammr.offsets.voluntary_pledge_threshold`) of its fair share as relocations.
- Art. 63(3): after a reconvened High-Level Forum (Art. 13(4)), relocation pledges below the Art. 12(2)(a)
  number or below 60 % (`ammr.offsets.mandatory_reference_share`) of the reference number make offsets
  mandatory, "up to the higher of the two numbers"; Art. 63(4): the same when deductions or benefitting
  Member States bring the pledges to be implemented below it (read here as a trigger of its own,
  without the forum condition, since it arises after the pledging).
- Reading `ammr.reading.offsets_cap`: "gap" - the offsets fill the gap between the relocations to be
  implemented and that number; "total" - the offsets alone go up to that number.
- Art. 63(7): no Member State is obliged beyond its fair share; offsets count towards it (recital 33),
  so a Member State's offsets are capped at its fair share in relocations minus the relocations it
  implements. Mandatory offsets are spread over the contributing Member States by the reference
  key (water-filling under the caps, then largest remainder).
- Art. 63(5): a Member State that has not implemented its pledged relocations by the end of the year
  takes responsibility, at the request of the benefitting Member State, up to the shortfall.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np
import polars as pl

from migralex.cycle.apportionment import exact, largest_remainder
from migralex.cycle.pledges import Pledges
from migralex.cycle.pool import RELOCATIONS_MINIMUM, PoolSize
from migralex.cycle.provenance import Column, Figure, Result
from migralex.errors import InvalidInput
from migralex.law.params import Parameter, ParameterSet, compare, params

REQUEST = "ammr.offsets.request_threshold"
VOLUNTARY = "ammr.offsets.voluntary_pledge_threshold"
MANDATORY = "ammr.offsets.mandatory_reference_share"
CAP_READING = "ammr.reading.offsets_cap"


def _meets(quantity: Fraction, boundary: str, limit: Fraction) -> bool:
    """`compare` for one exact quantity."""
    return bool(compare(np.array([quantity], dtype=object), boundary, np.array([limit], dtype=object))[0])


@dataclass(frozen=True)
class PoolTriggers:
    """The pool-level conditions of Art. 63 and the number of mandatory offsets they call for."""

    pledged_relocations: int
    proposal_relocations: int
    request_threshold: Fraction
    request_allowed: bool
    minimum_relocations: int
    reference_relocations: int
    mandatory_share: Fraction
    mandatory_number: Fraction
    to_implement: Fraction
    mandatory_63_3: bool
    mandatory_63_4: bool
    reading: str
    needed: Fraction
    reasons: tuple[str, ...]

    @property
    def mandatory(self) -> bool:
        """Are offsets mandatory (Art. 63(3) or (4))?"""
        return self.mandatory_63_3 or self.mandatory_63_4


def pool_triggers(
    pledged_relocations: int,
    to_implement: Fraction,
    *,
    proposal_relocations: int,
    reference_relocations: int,
    reconvened_forum: bool,
    on: dt.date,
    parameters: ParameterSet | None = None,
) -> PoolTriggers:
    """AMMR Art. 63(1), (3), (4): which pool-level offset rules the pledges trigger, and how many offsets."""
    ps = parameters or params()
    request, mandatory = ps[REQUEST], ps[MANDATORY]
    threshold = exact(request.value_at(on).value)
    share = exact(mandatory.value_at(on).value)
    minimum = int(ps.value(RELOCATIONS_MINIMUM, on))
    ratio = Fraction(pledged_relocations, proposal_relocations)
    request_allowed = _meets(ratio, request.boundary, threshold)
    number = max(Fraction(minimum), share * reference_relocations)
    below_a = _meets(Fraction(pledged_relocations), "less_than", Fraction(minimum))
    below_b = _meets(Fraction(pledged_relocations), mandatory.boundary, share * reference_relocations)
    m3 = reconvened_forum and (below_a or below_b)
    m4 = to_implement < pledged_relocations and _meets(to_implement, "less_than", number)
    reading = ps.value(CAP_READING, on)
    needed = Fraction(0)
    if m3 or m4:
        needed = number if reading == "total" else max(Fraction(0), number - to_implement)
    triggers = PoolTriggers(
        pledged_relocations,
        proposal_relocations,
        threshold,
        request_allowed,
        minimum,
        reference_relocations,
        share,
        number,
        to_implement,
        m3,
        m4,
        reading,
        needed,
        (),
    )
    return replace(triggers, reasons=_trigger_reasons(triggers, ratio, request.boundary, below_a, below_b))


def _trigger_reasons(
    t: PoolTriggers, ratio: Fraction, boundary: str, below_a: bool, below_b: bool
) -> tuple[str, ...]:
    """AMMR Art. 63(1), (3), (4) in words: the request threshold, each trigger and the offsets needed."""
    reasons = [
        f"Art. 63(1): relocation pledges {t.pledged_relocations:,} are {float(ratio):.2%} of the "
        f"{t.proposal_relocations:,} in the Commission proposal; "
        f"the threshold is {float(t.request_threshold):.0%} "
        f"({boundary.replace('_', ' ')}): offsets "
        f"{'may' if t.request_allowed else 'may not'} be requested"
    ]
    if t.mandatory_63_3:
        which = " and ".join(
            w
            for w, hit in (
                ("(a) the Art. 12(2)(a) number", below_a),
                (f"(b) {float(t.mandatory_share):.0%} of the reference number", below_b),
            )
            if hit
        )
        reasons.append(f"Art. 63(3): after the reconvened High-Level Forum the pledges are below {which}")
    elif below_a or below_b:
        reasons.append(
            "Art. 63(3) not triggered: the pledges are low but the High-Level Forum "
            "was not reconvened (Art. 13(4))"
        )
    if t.mandatory_63_4:
        reasons.append(
            f"Art. 63(4): deductions or benefitting Member States bring the relocations to be implemented to "
            f"{float(t.to_implement):,.1f}, below {float(t.mandatory_number):,.0f}"
        )
    if t.mandatory:
        reasons.append(
            f"mandatory offsets: up to the higher of {t.minimum_relocations:,} and "
            f"{float(t.mandatory_share):.0%} × {t.reference_relocations:,} = "
            f"{float(t.mandatory_number):,.0f}; "
            f"reading {CAP_READING} = {t.reading}: {float(t.needed):,.1f} offsets"
        )
    return tuple(reasons)


def capped_apportionment(weights: list[Fraction], caps: list[int], total: int) -> list[int]:
    """Whole numbers in proportion to `weights`, none above its cap, adding up to min(total, Σ caps).

    Water-filling: parts whose proportional quota exceeds their cap get the cap, the rest is shared
    again among the others; the exact quotas are then rounded by largest remainder.
    """
    if any(c < 0 for c in caps):
        raise InvalidInput("caps", "caps must not be negative")
    alloc = [Fraction(0)] * len(weights)
    remaining = Fraction(min(total, sum(caps)))
    active = [i for i, (w, c) in enumerate(zip(weights, caps, strict=True)) if w > 0 and c > 0]
    while active and remaining > 0:
        weight = sum(weights[i] for i in active)
        over = [i for i in active if remaining * weights[i] / weight > caps[i]]
        if not over:
            for i in active:
                alloc[i] = remaining * weights[i] / weight
            break
        for i in over:
            alloc[i] = Fraction(caps[i])
            remaining -= caps[i]
        active = [i for i in active if i not in over]
    return largest_remainder(alloc, int(sum(alloc)))


@dataclass
class _Position:
    """One Member State's pledge, fair share and the rules that apply to it (built row by row)."""

    member_state: str
    share: Fraction
    fair_share_relocations: int
    fair_share_eur: int
    pledged_relocations: int
    pledged_financial_eur: int
    pledged_alternative_eur: int
    implemented_relocations: int | None
    benefitting: bool
    deduction: Fraction
    deduction_article: str | None

    @property
    def obliged(self) -> bool:
        """Must it implement its pledges? Not if benefitting or fully deducted (Art. 60(3))."""
        return not self.benefitting and self.deduction < 1

    @property
    def to_implement(self) -> Fraction:
        """Relocations it must implement: the pledge less the deduction (Arts 60(3), 61-62)."""
        return self.pledged_relocations * (1 - self.deduction) if self.obliged else Fraction(0)

    @property
    def relocation_ratio(self) -> Fraction:
        """Pledged relocations as a share of its fair share in relocations (Art. 63(2)(b))."""
        if not self.fair_share_relocations:
            return Fraction(0)
        return Fraction(self.pledged_relocations, self.fair_share_relocations)

    @property
    def offset_cap(self) -> int:
        """Most mandatory offsets it can be obliged to take: fair share less relocations (Art. 63(7))."""
        return max(0, self.fair_share_relocations - math.ceil(self.to_implement)) if self.obliged else 0


def _positions(fair: pl.DataFrame, pledges: Pledges) -> list[_Position]:
    """Each Member State of the key with its fair share, pledge, deduction and benefitting status."""
    out = []
    for row in fair.iter_rows(named=True):
        ms = row["member_state"]
        pledge = pledges.pledges.get(ms)
        deduction = pledges.deductions.get(ms)
        out.append(
            _Position(
                member_state=ms,
                share=Fraction(row["share_exact"]),
                fair_share_relocations=row["relocations"],
                fair_share_eur=row["financial_eur"],
                pledged_relocations=pledge.relocations if pledge else 0,
                pledged_financial_eur=pledge.financial_eur if pledge else 0,
                pledged_alternative_eur=pledge.alternative_eur if pledge else 0,
                implemented_relocations=pledge.implemented_relocations if pledge else None,
                benefitting=ms in pledges.benefitting,
                deduction=deduction.fraction if deduction else Fraction(0),
                deduction_article=f"AMMR Art. {deduction.article}" if deduction else None,
            )
        )
    return out


def _explain(p: _Position, may_offer: bool, by_pool: bool, by_own: bool, mandatory: int) -> str:
    """Why the offset rules apply (or not) to one Member State."""
    why = []
    if p.benefitting:
        why.append("benefitting Member State: not obliged to implement its pledges (Art. 60(3))")
    elif not p.obliged:
        why.append(
            f"full deduction ({p.deduction_article}): not obliged to implement its pledges (Art. 60(3))"
        )
    if may_offer:
        grounds = ["63(2)(a): the pool threshold of 63(1) is reached"] if by_pool else []
        if by_own:
            grounds.append(
                "63(2)(b): it pledged at least the threshold share of its fair share as relocations"
            )
        why.append(f"may offer offsets ({'; '.join(grounds)})")
    if mandatory:
        why.append(f"mandatory offsets: {mandatory} (Art. 63(3)-(4), capped by Art. 63(7))")
    return "; ".join(why)


def _row(
    p: _Position,
    offsets: int,
    pool: PoolSize,
    triggers: PoolTriggers,
    voluntary: Parameter,
    v_threshold: Fraction,
) -> dict[str, Any]:
    """One Member State's pledge against its fair share (Art. 57(3)), deduction and offsets (Arts 60-63)."""
    by_own = _meets(p.relocation_ratio, voluntary.boundary, v_threshold)
    may_offer = not p.benefitting and (triggers.request_allowed or by_own)
    implemented = p.implemented_relocations
    return {
        "member_state": p.member_state,
        "share": float(p.share),
        "fair_share_relocations": p.fair_share_relocations,
        "fair_share_eur": p.fair_share_eur,
        "pledged_relocations": p.pledged_relocations,
        "pledged_financial_eur": p.pledged_financial_eur,
        "pledged_alternative_eur": p.pledged_alternative_eur,
        "pledged_value_eur": float(
            p.pledged_relocations * pool.eur_per_relocation
            + p.pledged_financial_eur
            + p.pledged_alternative_eur
        ),
        "benefitting": p.benefitting,
        "deduction": float(p.deduction),
        "deduction_article": p.deduction_article,
        "obliged_to_implement": p.obliged,
        "relocations_to_implement": float(p.to_implement),
        "implemented_relocations": implemented,
        "relocations_share_of_fair_share": float(p.relocation_ratio),
        "may_offer_offsets": may_offer,
        "offset_cap": p.offset_cap,
        "mandatory_offsets": offsets,
        "offsets_after_year": None
        if implemented is None or not p.obliged
        else max(0, math.ceil(p.to_implement) - implemented),
        "explanation": _explain(p, may_offer, triggers.request_allowed, by_own, offsets),
    }


def evaluate_pledges(
    fair: Result,
    pool: PoolSize,
    pledges: Pledges,
    *,
    on: dt.date,
    parameters: ParameterSet | None = None,
) -> Result:
    """AMMR Arts 57(3), 60(3), 61-63: the pledges against the fair shares, the deductions and the offsets.

    `fair` are the fair shares of the pool with the Council act's reference number of relocations
    (`pool.relocations`); `on` is the date on which the offset rules are read (the end of the pool year).
    """
    ps = parameters or params()
    members = set(fair.frame.get_column("member_state"))
    outside = sorted((set(pledges.pledges) | set(pledges.benefitting)) - members)
    if outside:
        raise InvalidInput("$.pledges", f"{', '.join(outside)} not in the reference key's member set")
    positions = _positions(fair.frame, pledges)
    total_pledged = sum(p.pledged_relocations for p in positions)
    triggers = pool_triggers(
        total_pledged,
        sum((p.to_implement for p in positions), Fraction(0)),
        proposal_relocations=pledges.proposal_relocations or pool.relocations,
        reference_relocations=pool.relocations,
        reconvened_forum=pledges.reconvened_forum,
        on=on,
        parameters=ps,
    )
    voluntary = ps[VOLUNTARY]
    v_threshold = exact(voluntary.value_at(on).value)
    needed = math.ceil(triggers.needed)
    weights = [p.share if p.obliged else Fraction(0) for p in positions]
    caps = [p.offset_cap for p in positions]
    mandatory = capped_apportionment(weights, caps, needed) if triggers.mandatory else [0] * len(positions)
    rows = [
        _row(p, offsets, pool, triggers, voluntary, v_threshold)
        for p, offsets in zip(positions, mandatory, strict=True)
    ]
    out = (
        pl.DataFrame(rows, infer_schema_length=None)
        .with_columns(
            (pl.col("pledged_value_eur") >= pl.col("fair_share_eur")).alias("meets_fair_share"),
            pl.lit("AMMR Arts 57(3), 60(3), 61-63").alias("legal_basis"),
        )
        .with_columns(pl.col("implemented_relocations", "offsets_after_year").cast(pl.Int64))
    )
    return Result(
        "Pledges, deductions and responsibility offsets (AMMR Arts 57, 60-63)",
        out,
        _columns(fair, pool),
        _figures(triggers, total_pledged, sum(mandatory), needed, ps),
        (*fair.notes, *triggers.reasons),
    )


def _figures(
    triggers: PoolTriggers, pledged: int, assigned: int, needed: int, ps: ParameterSet
) -> tuple[Figure, ...]:
    """The pool-level figures of Art. 63 with their inputs."""
    shortfall = max(0, needed - assigned) if triggers.mandatory else 0
    return (
        Figure("pledged_relocations", pledged, "persons", "AMMR Art. 57(1), 63(1)", "Σ pledged relocations"),
        Figure(
            "proposal_relocations",
            triggers.proposal_relocations,
            "persons",
            "AMMR Art. 12(2)(a), 63(1)",
            "number in the Commission proposal",
        ),
        Figure("request_threshold", triggers.request_threshold, "ratio", ps[REQUEST].ref.cite(), REQUEST),
        Figure(
            "offsets_may_be_requested",
            triggers.request_allowed,
            "bool",
            "AMMR Art. 63(1)",
            "pledged / proposal ≥ request_threshold",
            {"pledged": pledged, "proposal": triggers.proposal_relocations},
        ),
        Figure(
            "relocations_to_implement",
            triggers.to_implement,
            "persons",
            "AMMR Art. 60(3), 61-62, 63(4)",
            "Σ pledged relocations × (1 − deduction) of the Member States obliged to implement",
        ),
        Figure(
            "mandatory_number",
            triggers.mandatory_number,
            "persons",
            "AMMR Art. 63(3)",
            "max(Art. 12(2)(a) number, mandatory_reference_share × reference relocations)",
            {
                "minimum": triggers.minimum_relocations,
                "share": triggers.mandatory_share,
                "reference": triggers.reference_relocations,
            },
        ),
        Figure("offsets_mandatory", triggers.mandatory, "bool", "AMMR Art. 63(3)-(4)", "see the notes"),
        Figure(
            "offsets_needed",
            triggers.needed,
            "persons",
            f"AMMR Art. 63(3); reading {CAP_READING} = {triggers.reading}",
            "gap: mandatory_number − relocations_to_implement; total: mandatory_number",
        ),
        Figure("offsets_assigned", assigned, "persons", "AMMR Art. 63(3), 63(7)", "Σ mandatory offsets"),
        Figure(
            "offsets_shortfall",
            shortfall,
            "persons",
            "AMMR Art. 63(7)",
            "offsets needed that the fair-share caps leave unassigned",
        ),
    )


def _columns(fair: Result, pool: PoolSize) -> dict[str, Column]:
    """Provenance of the columns of the pledge evaluation."""
    value = pool.eur_per_relocation
    return {
        "fair_share_relocations": fair.columns["relocations"],
        "fair_share_eur": fair.columns["financial_eur"],
        "pledged_value_eur": Column(
            "value of the pledge in euro (types of equal value)",
            "AMMR Art. 56(2), 57(4), 65(1)",
            f"pledged_relocations × {value} + pledged_financial_eur + pledged_alternative_eur",
            ("pledged_relocations", "pledged_financial_eur", "pledged_alternative_eur"),
        ),
        "meets_fair_share": Column(
            "the pledge reaches the fair share",
            "AMMR Art. 57(3)",
            "pledged_value_eur ≥ fair_share_eur",
            ("pledged_value_eur", "fair_share_eur"),
        ),
        "relocations_to_implement": Column(
            "relocations the Member State must implement",
            "AMMR Art. 60(3), 61-62",
            "pledged_relocations × (1 − deduction); 0 if benefitting or fully deducted",
            ("pledged_relocations", "deduction", "benefitting"),
        ),
        "may_offer_offsets": Column(
            "may offer responsibility offsets",
            "AMMR Art. 63(2)",
            "pool threshold of 63(1) reached, or relocations_share_of_fair_share ≥ threshold",
            ("pledged_relocations", "fair_share_relocations", "relocations_share_of_fair_share"),
        ),
        "offset_cap": Column(
            "most mandatory offsets the Member State can be obliged to take",
            "AMMR Art. 63(7), recital 33",
            "fair_share_relocations − relocations_to_implement",
            ("fair_share_relocations", "relocations_to_implement"),
        ),
        "mandatory_offsets": Column(
            "mandatory responsibility offsets",
            "AMMR Art. 63(3)-(4), 63(7)",
            "offsets_needed spread by the key, capped at offset_cap (largest remainder)",
            ("share", "offset_cap"),
        ),
        "offsets_after_year": Column(
            "offsets owed for relocations not implemented by the end of the year",
            "AMMR Art. 63(5)",
            "relocations_to_implement − implemented_relocations",
            ("relocations_to_implement", "implemented_relocations"),
        ),
    }
