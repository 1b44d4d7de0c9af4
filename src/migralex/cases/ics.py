"""Deadlines as an iCalendar file (RFC 5545) for a caseworker's calendar, with `icalendar`.

One all-day event per limit: the summary names the case, the limit and the Member State that must
act; the description gives the legal basis and what happens when the limit passes. The UID is
stable (case id, limit, date), so importing the file again updates the same events.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from icalendar import Calendar, Event

PRODID = "-//migralex//case deadlines//EN"


def deadlines_calendar(due: pl.DataFrame, as_of: dt.date) -> Calendar:
    """A calendar with one all-day event per row of `due` (id, name, date, member_state,
    legal_basis, consequence_basis, optional earliest/latest; from `caseload_status`)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    stamp = dt.datetime.combine(as_of, dt.time(0, 0), tzinfo=dt.UTC)
    for row in due.iter_rows(named=True):
        event = Event()
        day: dt.date = row["date"]
        event.add("uid", f"{row['id']}-{row['name']}-{day.isoformat()}@migralex")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        who = f" ({row['member_state']})" if row["member_state"] else ""
        event.add("summary", f"{row['id']}: {row['name'].replace('_', ' ')}{who}")
        text = f"Last day under {row['legal_basis']}."
        if row["consequence_basis"]:
            text += f" If it passes: see {row['consequence_basis']}."
        if row.get("earliest") and row.get("latest"):  # the law's window (AMMR Art. 43(2))
            text += (
                f" The national period is not given: the law's window ends at the earliest on"
                f" {row['earliest'].isoformat()}, at the latest on {row['latest'].isoformat()}."
            )
        event.add("description", text)
        cal.add_component(event)
    return cal


def write_ics(due: pl.DataFrame, as_of: dt.date, path: str | Path) -> int:
    """Write `due` as an iCalendar file; returns the number of events written."""
    cal = deadlines_calendar(due, as_of)
    Path(path).write_bytes(cal.to_ical())
    return due.height
