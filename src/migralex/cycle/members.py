"""Which Member States take part in the reference key (AMMR Art. 66) and the capacity (APR Art. 47(4))."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from migralex.countries import EU27, normalise_member_state
from migralex.errors import InvalidInput
from migralex.law.params import ParameterSet, params

#: Member States not bound by an act: Denmark takes part in neither the AMMR (recital 90) nor the APR
#: (recital 107); Ireland opted in to both (Commission decisions of 31 July 2024).
NOT_BOUND: dict[str, tuple[str, ...]] = {"AMMR": ("DK",), "APR": ("DK",)}

#: Reading option → act whose Member States are meant.
_BOUND_OPTIONS = {"bound_by_ammr": "AMMR", "bound_by_apr": "APR"}


def members_for(option: str) -> tuple[str, ...]:
    """The Member States named by a reading option (`bound_by_ammr`, `bound_by_apr`, `eu27`)."""
    if option == "eu27":
        return EU27
    if option in _BOUND_OPTIONS:
        excluded = NOT_BOUND[_BOUND_OPTIONS[option]]
        return tuple(ms for ms in EU27 if ms not in excluded)
    raise InvalidInput("member_set", f"unknown member set {option!r}")


def explicit_members(codes: Sequence[str], field: str = "member_set") -> tuple[str, ...]:
    """An explicit list of Member States, checked: known EU codes, no repeats, at least two."""
    out: list[str] = []
    for i, code in enumerate(codes):
        ms = normalise_member_state(code, field=f"{field}[{i}]")
        if ms in out:
            raise InvalidInput(f"{field}[{i}]", f"{ms} is listed twice")
        out.append(ms)
    if len(out) < 2:
        raise InvalidInput(field, "a member set needs at least two Member States")
    return tuple(sorted(out))


def resolve_members(
    member_set: str | Sequence[str] | None,
    reading: str,
    on: dt.date,
    parameters: ParameterSet | None = None,
) -> tuple[tuple[str, ...], str]:
    """The member set and how it was chosen.

    `member_set` is None (the reading parameter `reading` decides), one of that reading's options,
    or an explicit list of Member States (also as one comma-separated string).
    """
    ps = parameters or params()
    if member_set is None:
        option = ps.value(reading, on)
        return members_for(option), f"{reading} = {option}"
    if isinstance(member_set, str):
        if member_set in ps[reading].options:
            return members_for(member_set), f"{reading} = {member_set}"
        member_set = [c for c in member_set.split(",") if c.strip()]
    return explicit_members(member_set), "explicit list"
