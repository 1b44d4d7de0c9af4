"""Which grounds of the visa suspension mechanism (Reg. 2018/1806 Art. 8) the indicators meet."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import polars as pl

from migralex.law.params import ParameterSet, compare, params
from migralex.readmission.indicators import REFUSALS_NOTE, indicators

#: Said with every answer, in the CLI, the API and the dashboard.
DISCLAIMER = (
    "An analyst's aid: these are the indicators of the visa suspension mechanism; whether to"
    " suspend a visa exemption is the Commission's decision (Reg. (EU) 2018/1806 Art. 8)."
)

#: Visa Code Art. 25a (Reg. 810/2009 as amended by 2019/1155): context, not computed.
VISA_CODE_NOTE = (
    "Visa Code Art. 25a (Reg. (EC) No 810/2009 as amended by Reg. (EU) 2019/1155): the Commission's"
    " annual assessment of readmission cooperation of visa-required countries is not computed -"
    " readmission request and return data are not shipped."
)

#: The ground of Art. 8 this package evaluates, by name.
GROUND_APPLICATIONS = "substantial increase in applications with a low recognition rate"


def _thresholds(on: dt.date, p: ParameterSet) -> dict[str, Any]:
    inc = p["visa.suspension.substantial_increase"]
    low = p["visa.suspension.low_recognition_rate"]
    reading = p.value("visa.suspension.low_rate_boundary", on)
    return {
        "increase": float(inc.value_at(on).value),
        "increase_ref": inc.value_at(on).ref.cite(),
        "low": float(low.value_at(on).value),
        "low_ref": low.value_at(on).ref.cite(),
        "low_boundary": "less_than" if reading == "below" else "at_most",
    }


def evaluate(
    frame: pl.DataFrame, on: dt.date, *, p: ParameterSet | None = None, min_applications: int = 100
) -> pl.DataFrame:
    """The Art. 8 ground on applications for each row of an indicators frame (vectorised).

    Met when the country is visa-exempt (Annex II), has at least `min_applications` applications,
    their change is more than the substantial-increase threshold and the Union-wide recognition
    rate is low (below the threshold, or at most it under the other reading).
    """
    t = _thresholds(on, p or params())
    change = frame["change"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    rate = frame["recognition_rate"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    increase_met = compare(change, "more_than", t["increase"]) & ~np.isnan(change)
    low_met = compare(rate, t["low_boundary"], t["low"]) & ~np.isnan(rate)
    volume = frame["applications"].to_numpy() >= min_applications
    exempt = frame["visa_status"].to_numpy() == "exempt"
    return frame.with_columns(
        pl.Series("increase_met", increase_met),
        pl.Series("low_rate_met", low_met),
        pl.Series("trigger_met", exempt & volume & increase_met & low_met),
        pl.lit(t["increase"]).alias("increase_threshold"),
        pl.lit(t["low"]).alias("rate_threshold"),
    )


def assess(
    year: int, *, on: dt.date | None = None, p: ParameterSet | None = None, min_applications: int = 100
) -> pl.DataFrame:
    """Indicators of `year` against the thresholds in force `on` (default today), Art. 8."""
    p = p or params()
    return evaluate(indicators(year, p), on or dt.date.today(), p=p, min_applications=min_applications)


def reasons(row: dict[str, Any], on: dt.date, p: ParameterSet | None = None) -> list[dict[str, Any]]:
    """The indicators behind a row's answer: indicator, value, threshold, article, met."""
    t = _thresholds(on, p or params())
    year = int(row["year"])
    return [
        {
            "ground": GROUND_APPLICATIONS,
            "indicator": f"change in applications {year - 1}-{year}",
            "value": row["change"],
            "threshold": f"more than {t['increase']:.0%}",
            "article": t["increase_ref"],
            "met": row["increase_met"],
        },
        {
            "ground": GROUND_APPLICATIONS,
            "indicator": f"Union-wide recognition rate ({row['rate_year']})",
            "value": row["recognition_rate"],
            "threshold": ("below " if t["low_boundary"] == "less_than" else "at most ") + f"{t['low']:.0%}",
            "article": t["low_ref"],
            "met": row["low_rate_met"],
        },
        {
            "ground": "substantial increase in refusals of entry or overstays",
            "indicator": "refusals of entry by citizenship",
            "value": None,
            "threshold": f"more than {t['increase']:.0%}",
            "article": t["increase_ref"],
            "met": None,
            "note": REFUSALS_NOTE,
        },
    ]


def _why(reasons: list[dict[str, Any]]) -> str:
    parts = []
    for r in reasons:
        if r["met"] is not None:
            value = "n/a" if r["value"] is None else f"{r['value']:.1%}"
            parts.append(
                f"{r['indicator']} {value} vs {r['threshold']} ({r['article']}):"
                f" {'met' if r['met'] else 'not met'}"
            )
    return "; ".join(parts)


def report(
    year: int, *, on: dt.date | None = None, all_countries: bool = False, min_applications: int = 100
) -> dict[str, Any]:
    """The answer of `migralex readmission` and `/v1/readmission`: rows with reasons and the caveats."""
    p = params()
    on = on or dt.date.today()
    frame = assess(year, on=on, p=p, min_applications=min_applications)
    shown = frame if all_countries else frame.filter(pl.col("trigger_met"))
    rows = []
    for row in shown.to_dicts():  # only the rows shown (tens), each given its reasons
        row["reasons"] = reasons(row, on, p)
        row["why"] = _why(row["reasons"])
        rows.append(row)
    return {
        "year": year,
        "thresholds_on": on.isoformat(),
        "disclaimer": DISCLAIMER,
        "notes": [REFUSALS_NOTE, VISA_CODE_NOTE, f"noise floor: at least {min_applications} applications"],
        "countries": rows,
        "visa_exempt_assessed": int((frame["visa_status"] == "exempt").sum()),
    }
