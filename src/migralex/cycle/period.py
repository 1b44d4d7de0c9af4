"""The reference period of the Report's indicators, and which months a monthly series can cover.

AMMR Art. 9(1): the Report assesses "the previous 12-month period". The first Report (COM(2025) 795,
11 November 2025) has the reporting period July 2024 - June 2025: the 12 months that end on 30 June
of the cycle year, the month after the Member States and agencies provide their data (Art. 9(7), "by
1 June each year"). `report` (the default) is that period; `calendar` is the calendar year before
the cycle year, as annual statistics have it. `report_previous` is the other reading of the first
cycle: Council Implementing Decision (EU) 2025/2642, recital 3, says the Report "for the reporting
period 1 July 2024 - 30 June 2025" assesses the situation "during the previous 12-month period,
namely 1 July 2023 - 30 June 2024"; that option takes the 12 months to 30 June of the year before the
cycle year. Monthly series (Frontex detections, Italy's daily arrivals, temporary-protection stocks)
are computed on the period where the shipped months cover it; the others are annual and fall back
to calendar years (each indicator states its period).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from migralex.cycle.timeline import Cycle
from migralex.errors import InvalidInput

PERIODS = ("report", "calendar", "report_previous")
#: First month of the Report's 12-month period (COM(2025) 795: July 2024 - June 2025).
REPORT_FIRST_MONTH = 7


def month_start(day: dt.date) -> dt.date:
    """The first day of the month of `day`."""
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    """The last day of the month of `day`."""
    return add_months(day, 1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """A span of whole months, first day to last day, with what it is."""

    start: dt.date
    end: dt.date
    kind: str

    def __post_init__(self) -> None:
        if self.start.day != 1 or self.end != month_end(self.end) or self.end < self.start:
            raise InvalidInput("period", f"not a span of whole months: {self.start} to {self.end}")

    @property
    def months(self) -> int:
        """Number of months in the period."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def label(self) -> str:
        """`2024-07 to 2025-06` or `calendar year 2024`."""
        if self.start.month == 1 and self.months == 12:
            return f"calendar year {self.start.year}"
        return f"{self.start:%Y-%m} to {self.end:%Y-%m}"

    def shifted(self, months: int) -> Period:
        """The same length, `months` later (negative: earlier)."""
        start = add_months(self.start, months)
        return Period(start, month_end(add_months(start, self.months - 1)), self.kind)

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return self.shifted(-self.months)


def reference_period(cycle: Cycle, kind: str = "report") -> Period:
    """AMMR Art. 9(1): the 12 months the Report of `cycle` assesses (`report`) or the calendar year."""
    if kind == "report":
        start = dt.date(cycle.year - 1, REPORT_FIRST_MONTH, 1)
    elif kind == "report_previous":
        start = dt.date(cycle.year - 2, REPORT_FIRST_MONTH, 1)
    elif kind == "calendar":
        start = dt.date(cycle.year - 1, 1, 1)
    else:
        raise InvalidInput("period", f"unknown period {kind!r}; one of {', '.join(PERIODS)}")
    return Period(start, month_end(add_months(start, 11)), kind)


@dataclass(frozen=True)
class Window:
    """The months a monthly series is computed on for a wanted period, and why."""

    period: Period
    wanted: Period
    how: str

    @property
    def exact(self) -> bool:
        """True where the series covers the wanted period itself."""
        return self.period == self.wanted


def coverage_window(wanted: Period, first: dt.date, last: dt.date) -> Window:
    """The months of a series covering `first`..`last` (its first and last full month) to use for `wanted`.

    The wanted period where the series covers it; else, where the series ends inside it, the same
    number of months ending with the last month shipped ("latest 12 months"); else the latest
    calendar year the series covers in full. Raises where the series covers none of these.
    """
    first, last = month_start(first), month_start(last)
    if first <= wanted.start and month_start(wanted.end) <= last:
        return Window(
            wanted,
            wanted,
            f"{wanted.label} (the Report's period)" if wanted.kind.startswith("report") else wanted.label,
        )
    if wanted.start <= last < month_start(wanted.end):
        start = add_months(last, 1 - wanted.months)
        if start >= first:
            shifted = Period(start, month_end(last), wanted.kind)
            return Window(
                shifted,
                wanted,
                f"{shifted.label}: the latest {wanted.months} months shipped ({wanted.label} not covered)",
            )
    year = min(wanted.end.year, last.year if last.month == 12 else last.year - 1)
    calendar = Period(dt.date(year, 1, 1), dt.date(year, 12, 31), "calendar")
    if calendar.start < first:
        raise InvalidInput(
            "period", f"the series ({first:%Y-%m} to {last:%Y-%m}) does not cover {wanted.label}"
        )
    reason = "" if calendar == wanted else f" ({wanted.label} not covered)"
    return Window(calendar, wanted, f"{calendar.label}{reason}")
