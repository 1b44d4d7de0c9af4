"""What every criterion reads: derived facts of a batch, the regime's citations, group helpers.

`Facts` derives, once per batch, the columns several articles need: age and minority on the
registration date (Art. 24(2) freezes the situation then), unaccompanied minors, which related
persons are "family members" (AMMR Art. 2(8), Dublin III Art. 2(g)), who is legally present.
`Law` names, for one regime (AMMR or Dublin III), the citation of each criterion and the
parameter of each window, so one implementation of a criterion serves both regimes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Generic, TypeVar, overload

import numpy as np

from migralex.cases import codes as C
from migralex.cases.batch import CaseBatch
from migralex.law.dates import age_on
from migralex.law.params import Parameter, ParameterSet
from migralex.rules.periods import values_at

REL = {name: i for i, name in enumerate(C.RELATIONS)}
STATUS = {name: i for i, name in enumerate(C.STATUSES)}
ENTRY = {name: i for i, name in enumerate(C.ENTRY_KINDS)}
PLACE = {name: i for i, name in enumerate(C.PLACES)}
RESIDENCE_DOCUMENT, VISA = 0, 1
T = TypeVar("T")
#: `codes.ms_bits` as a table over codes -1 … 255 (-1, the last entry, has no bit)
MS_BIT = np.array([1 << min(i, 31) for i in range(256)] + [0], dtype=np.uint32)


class lazy(Generic[T]):
    """`functools.cached_property` without its lock (Python 3.11 takes one per first access, a fixed
    cost paid by every derived column of every call): computed on first access, then a plain attribute."""

    def __init__(self, fn: Callable[[Any], T]) -> None:
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> lazy[T]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> T: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> T | lazy[T]:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


def filled(n: int, value: Any, dtype: Any) -> np.ndarray:
    """`numpy.full` without its Python-level overhead (empty, then fill)."""
    out = np.empty(n, dtype=dtype)
    out.fill(value)
    return out


@dataclass(frozen=True)
class Law:
    """One regime's citations (by criterion key) and window parameters (by window key)."""

    regime: str
    cite: dict[str, str]
    param: dict[str, str]
    #: text appended to the deciding citation in `legal_basis` (the regime switch, if any)
    basis_note: str = ""
    readings: dict[str, str] = field(default_factory=dict)


def reading(params: ParameterSet, name: str) -> str:
    """The option of a reading in force now (readings are not dated in practice: the last value)."""
    return params.reading(name)


def first_of(conditions: list[np.ndarray], values: list[int], default: int) -> np.ndarray:
    """`numpy.select` for int codes (the first condition that holds gives the value), without its
    broadcasting overhead: the default, then each value written where its condition holds, last first."""
    out = filled(len(conditions[0]), default, np.int64)
    for cond, value in zip(reversed(conditions), reversed(values), strict=True):
        np.copyto(out, value, where=cond)
    return out


def per_case_any(rows: np.ndarray, case: np.ndarray, n: int) -> np.ndarray:
    """True for each case with at least one selected edge row."""
    return np.bincount(case[rows], minlength=n)[:n] > 0 if rows.dtype == bool else np.zeros(n, bool)


def per_case_bits(rows: np.ndarray, case: np.ndarray, ms: np.ndarray, n: int) -> np.ndarray:
    """Per case, the bitmask of Member States of the selected edge rows (candidates sets)."""
    out = np.zeros(n, dtype=np.uint32)
    sel = rows.nonzero()[0]
    if not len(sel):
        return out
    cs, bits = case[sel], MS_BIT[ms[sel]]
    if len(sel) == 1 or np.maximum.reduce(np.bincount(cs)) == 1:  # one row per case: no bits to combine
        out[cs] = bits
    else:
        np.bitwise_or.at(out, cs, bits)
    return out


def count_bits(bits: np.ndarray) -> np.ndarray:
    """Number of Member States in each bitmask."""
    return np.bitwise_count(bits)


def single_state(bits: np.ndarray) -> np.ndarray:
    """The Member-State code of a one-bit mask (-1 for an empty mask; meaningless for several)."""
    _, exp = np.frexp(bits.astype(np.float64))
    return np.where(bits > 0, exp - 1, -1).astype(np.int8)


def best_row(
    case: np.ndarray, rows: np.ndarray, keys: list[np.ndarray], n: int, distinct: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per case, the selected edge row that comes first by `keys` (most significant first, smallest
    first), and whether rows with equal keys disagree on `distinct` (a tie that matters).
    Returns (row or -1, tie) per case. The keys are folded into one int64 and reduced per case
    with `numpy.minimum.at`: no sort, and the edge table need not be ordered."""
    sel = np.asarray(rows).nonzero()[0]
    best = filled(n, -1, np.int64)
    tie = np.zeros(n, dtype=bool)
    if not len(sel):
        return best, tie
    cs = case[sel]
    if len(sel) == 1 or np.maximum.reduce(np.bincount(cs)) == 1:  # one row per case: it is the best, no tie
        best[cs] = sel
        return best, tie
    composite = np.zeros(len(sel), dtype=np.int64)
    room = 1
    for key in keys:
        k = np.asarray(key)[sel].astype(np.int64)
        lo = int(k.min())
        span = int(k.max()) - lo + 1
        room *= span
        if room >= 2**62:  # pragma: no cover - keys of dates and counts stay far below
            raise OverflowError("best_row: keys too wide to fold into one integer")
        composite = composite * span + (k - lo)
    big = BIG
    top = filled(n, big, np.int64)
    np.minimum.at(top, cs, composite)
    winners = composite == top[cs]
    wrows, wcase = sel[winners], cs[winners]
    first = filled(n, big, np.int64)
    np.minimum.at(first, wcase, wrows)
    found = first != big
    best[found] = first[found]
    if distinct is not None:
        d = np.asarray(distinct)[wrows].astype(np.int64)
        lo_d = filled(n, big, np.int64)
        hi_d = filled(n, -big, np.int64)
        np.minimum.at(lo_d, wcase, d)
        np.maximum.at(hi_d, wcase, d)
        tie = found & (lo_d != hi_d)
    return best, tie


@cache
def _code_table(codes: tuple[int, ...]) -> np.ndarray:
    """The lookup table of `in_codes`: 257 entries, code -1 last (where index -1 reads)."""
    table = np.zeros(257, dtype=bool)
    table[list(codes)] = True
    return table


def in_codes(values: np.ndarray, codes: list[int] | tuple[int, ...] | np.ndarray) -> np.ndarray:
    """`numpy.isin` for small integer codes (-1 … 255), by a lookup table (-1 indexes its last entry)."""
    return _code_table(tuple(int(c) for c in codes))[values]


def ms_of_rows(rows: np.ndarray, ms: np.ndarray) -> np.ndarray:
    """The Member State of each case's chosen row (-1 where none)."""
    if not len(ms):
        return filled(len(rows), -1, np.int8)
    out = ms[np.maximum(rows, 0)].astype(np.int8)
    np.copyto(out, -1, where=rows < 0, casting="unsafe")
    return out


def take_dates(rows: np.ndarray, dates: np.ndarray) -> np.ndarray:
    """The date of each case's chosen row (NaT where none)."""
    if not len(dates):
        return filled(len(rows), np.datetime64("NaT"), "datetime64[D]")
    out = dates[np.maximum(rows, 0)]
    np.copyto(out, np.datetime64("NaT"), where=rows < 0)
    return out


BIG = np.iinfo(np.int64).max


def _minor_age(params: ParameterSet, dates: np.ndarray) -> np.ndarray:
    p: Parameter = params["ammr.minor_age"]
    # Dublin III Art. 2(i) also defines a minor as below 18: the first value serves earlier dates.
    return values_at(p, dates).astype(np.int64)


def age_in_years(birth: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Completed years on a date (`migralex.law.dates.age_on`), -1 for an unknown birth date; the
    exact calendar computation only where the day count leaves a doubt."""
    out = filled(len(birth), -1, np.int64)
    known = ~np.isnat(birth)
    days = (on - birth).astype(np.int64)
    rough = np.where(known, days // 366, -1)  # a lower bound; exact within a year of it
    upper = np.where(known, days // 365, -1)
    sure = known & (rough == upper)
    out[sure] = rough[sure]
    doubt = (known & ~sure).nonzero()[0]
    if len(doubt):
        out[doubt] = age_on(birth[doubt], on[doubt])
    return out


class Facts:
    """Derived columns of a batch that several criteria read (computed lazily, once)."""

    def __init__(self, batch: CaseBatch, params: ParameterSet) -> None:
        self.batch = batch
        self.params = params
        self.n = batch.n
        a = batch.applicants
        self.reg_date = a.reg_date
        self.reg_ms = a.reg_ms

    @lazy
    def minor_age(self) -> np.ndarray:
        """Age of majority on each registration date (AMMR Art. 2(10))."""
        return _minor_age(self.params, self.reg_date)

    @lazy
    def age(self) -> np.ndarray:
        """Completed years on the registration date (-1 where the date of birth is unknown)."""
        a = self.batch.applicants
        return age_in_years(a.dob, a.reg_date)

    @lazy
    def adult_by_birth_date(self) -> np.ndarray:
        """The date of birth shows 18 or more on the registration date."""
        return self.age >= self.minor_age

    @lazy
    def minor(self) -> np.ndarray:
        """A minor on the registration date: by date of birth, or unaccompanied with no date of birth
        or an uncertain age (the benefit of the doubt pending age assessment, APR Art. 25)."""
        a = self.batch.applicants
        by_dob = (self.age >= 0) & (self.age < self.minor_age)
        doubt = a.unaccompanied & ((self.age < 0) | a.age_uncertain)
        return by_dob | doubt

    @lazy
    def uam(self) -> np.ndarray:
        """Unaccompanied minor (AMMR Art. 2(11))."""
        alone = self.batch.applicants.unaccompanied
        if not np.count_nonzero(alone):  # nobody unaccompanied in the batch: no age to work out for this
            return alone.copy()
        return alone & self.minor

    @lazy
    def married(self) -> np.ndarray:
        """A spouse is listed (the case format records marriage only through the spouse)."""
        f = self.batch.family
        return per_case_any(f.relation == REL["spouse"], f.case, self.n)

    # --- related persons ----------------------------------------------------------------------
    @lazy
    def legally_present(self) -> np.ndarray:
        """Per family row: legally present (every status but `irregular`; applicants are present
        lawfully with a right to remain, APR Art. 10)."""
        return self.batch.family.status != STATUS["irregular"]

    @lazy
    def relative_minor(self) -> np.ndarray:
        """Per family row: a minor on the registration date (unknown date of birth counts as minor
        for a child and as adult for a parent, relative or spouse)."""
        f = self.batch.family
        known = ~np.isnat(f.dob)
        age = age_in_years(f.dob, self.reg_date[f.case])
        limit = self.minor_age[f.case]
        return np.where(known, age < limit, f.relation == REL["child"])

    @lazy
    def family_member_kind(self) -> np.ndarray:
        """Per family row: the relation fits the family-member definition (AMMR Art. 2(8)(a)-(c),
        Dublin III Art. 2(g)) - spouse or partner; minor child; parent or responsible adult of
        an unmarried minor applicant - leaving aside when the family existed."""
        f = self.batch.family
        r = f.relation
        couple = (r == REL["spouse"]) | (r == REL["partner"])
        child = (r == REL["child"]) & self.relative_minor
        carer = ((r == REL["parent"]) | (r == REL["responsible_adult"])) & (self.minor & ~self.married)[
            f.case
        ]
        return couple | child | carer

    @lazy
    def family_member(self) -> np.ndarray:
        """Per family row: a family member - the relation fits and the family already existed before
        arrival (AMMR Art. 2(8); for Dublin III read as "in the country of origin", see docs)."""
        return self.family_member_kind & self.batch.family.existed_before_arrival

    @lazy
    def sibling(self) -> np.ndarray:
        """Per family row: a sibling."""
        return self.batch.family.relation == REL["sibling"]

    @lazy
    def relative(self) -> np.ndarray:
        """Per family row: an adult aunt, uncle or grandparent (AMMR Art. 2(9))."""
        f = self.batch.family
        kind = (f.relation == REL["aunt_uncle"]) | (f.relation == REL["grandparent"])
        return kind & ~self.relative_minor
