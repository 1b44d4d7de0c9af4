"""The simulator's Dublin III time limits follow Dublin III Art. 42 (reading
`dublin3.reading.last_day_roll`): "(c) time limits shall include Saturdays, Sundays and official
holidays in the Member State concerned" - no roll-forward by default; `regulation_1182_71` rolls."""

from __future__ import annotations

import datetime as dt

import numpy as np

from migralex.countries import EU27
from migralex.law import params
from migralex.sim.stages import TIME_LIMITS
from migralex.sim.timelimits import deadline_table

START = dt.date(2026, 3, 27)  # a Friday: three months later is Saturday 27 June 2026


def _last_day(table: np.ndarray, limit: str, ms: str, start: dt.date = START) -> dt.date:
    days = int(table[TIME_LIMITS.index(limit), EU27.index(ms), 0])
    return start + dt.timedelta(days=days)


def test_a_dublin3_request_ending_on_a_saturday_ends_that_day_by_default() -> None:
    table = deadline_table(params(), "dublin_iii", START, 3)
    assert _last_day(table, "take_charge_request", "DE") == dt.date(2026, 6, 27)


def test_the_other_reading_rolls_it_to_monday() -> None:
    law = params().overlay({"dublin3.reading.last_day_roll": "regulation_1182_71"})
    table = deadline_table(law, "dublin_iii", START, 3)
    assert _last_day(table, "take_charge_request", "DE") == dt.date(2026, 6, 29)


def test_the_pact_limits_keep_art75_d() -> None:
    start = dt.date(2026, 7, 27)  # two months later is Sunday 27 September: AMMR Art. 75(d) rolls
    table = deadline_table(params(), "pact", start, 3)
    assert _last_day(table, "take_charge_request", "DE", start) == dt.date(2026, 9, 28)
