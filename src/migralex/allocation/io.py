"""Reading the matching's inputs: PERSONS.jsonl (one person per line) and PLACES.json."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import polars as pl

from migralex.allocation.params import MatchParams
from migralex.allocation.persons import DTYPES
from migralex.cycle.pledges import parse_pledges
from migralex.errors import InvalidInput
from migralex.jsonfile import read_json

FIELDS = tuple(DTYPES)
#: How a file of this module that is not JSON is reported (`read_json`).
NOT_JSON = "not JSON: {error.msg}"


def persons_from_records(records: Iterable[Mapping[str, Any]], where: str = "persons") -> pl.DataFrame:
    """A persons frame from JSON objects; unknown fields and wrong types are errors naming the record.

    A record may carry `case` (an applicant in the case format): then eligibility comes from the
    rules (AMMR Art. 67(2), 67(5): `migralex.rules.relocation.eligibility`, all cases at once) and
    `person_id`, `nationality`, `vulnerable` and `benefitting` default to the case's."""
    records = list(records)
    with_case = [i for i, r in enumerate(records) if isinstance(r, Mapping) and "case" in r]
    derived = _from_cases([records[i]["case"] for i in with_case], [f"{where}[{i}].case" for i in with_case])
    rows: list[dict[str, Any]] = []
    for i, record in enumerate(records):
        if not isinstance(record, Mapping):
            raise InvalidInput(f"{where}[{i}]", "expected a JSON object (one person)")
        if "case" in record:
            record = _with_case(record, derived[with_case.index(i)], f"{where}[{i}]")
        rows.append(_row(record, f"{where}[{i}]"))
    if not rows:
        return pl.DataFrame(schema=DTYPES)
    try:
        return pl.DataFrame(rows, schema=DTYPES, strict=False)
    except (pl.exceptions.PolarsError, TypeError) as error:
        raise InvalidInput(where, f"a field has the wrong type: {error}") from error


def _with_case(record: Mapping[str, Any], derived: dict[str, Any], path: str) -> dict[str, Any]:
    """A record carrying a case: eligibility comes from the case (AMMR Art. 67(2), (5)), and the
    case's person id, nationality, vulnerability and benefitting State unless the record gives them."""
    given = {"eligible", "ineligible_reason"} & set(record)
    if given:
        raise InvalidInput(f"{path}.{sorted(given)[0]}", "comes from the case (Art. 67(2), (5))")
    return {**derived, **{k: v for k, v in record.items() if k != "case"}}


def _row(record: Mapping[str, Any], path: str) -> dict[str, Any]:
    """One person's row: known fields only, `links` a list, the flags (AMMR Art. 67) true or false."""
    unknown = set(record) - set(FIELDS)
    if unknown:
        raise InvalidInput(f"{path}.{sorted(unknown)[0]}", f"unknown field; fields: {', '.join(FIELDS)}")
    links = record.get("links", [])
    if not isinstance(links, list):
        raise InvalidInput(f"{path}.links", "expected a list of Member State codes")
    for name in ("eligible", "consent", "vulnerable"):
        if name in record and not isinstance(record[name], bool):
            raise InvalidInput(f"{path}.{name}", f"expected true or false, got {record[name]!r}")
    return {**{name: None for name in FIELDS}, **record, "links": links}


def _from_cases(cases: list[Any], paths: list[str]) -> list[dict[str, Any]]:
    """Per case: person_id, eligible, ineligible_reason, nationality, vulnerable, benefitting."""
    if not cases:
        return []
    from migralex.cases.batch import CaseBatch
    from migralex.rules.relocation import eligibility

    for case, path in zip(cases, paths, strict=True):
        if not isinstance(case, Mapping):
            raise InvalidInput(path, "expected a case-format object")
    try:
        batch = CaseBatch.from_dicts(cases)
    except InvalidInput as error:  # its path starts with the case's index in `cases`
        index, _, rest = error.path.partition("]")
        raise InvalidInput(paths[int(index.lstrip("["))] + rest, error.reason) from None
    answers = eligibility(batch)
    applicants = batch.applicants.to_polars()
    return [
        {
            "person_id": row["id"],
            "eligible": row["eligible"],
            "ineligible_reason": None if row["eligible"] else row["reason"],
            "nationality": applicant["applicant.nationality"],
            "vulnerable": applicant["applicant.vulnerable"],
            "benefitting": row["benefitting"],
        }
        for row, applicant in zip(
            answers.iter_rows(named=True), applicants.iter_rows(named=True), strict=True
        )
    ]


def read_persons(path: Path | str) -> pl.DataFrame:
    """PERSONS.jsonl: one JSON object per line (blank lines ignored); errors name the line."""
    p = Path(path)
    try:
        lines = p.read_text("utf-8").splitlines()
    except FileNotFoundError:
        raise InvalidInput(str(p), "no such file") from None
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise InvalidInput(f"{p}:{number}", f"not JSON: {error.msg}") from None
    return persons_from_records(records, where=str(p))


def places_from_json(raw: Any) -> dict[str, int]:
    """Places per Member State: a mapping {"DE": 120, ...} or a PLEDGES.json (relocations pledged,
    minus those already implemented)."""
    if isinstance(raw, Mapping) and "pledges" in raw:
        pledges = parse_pledges(raw)
        return {
            ms: p.relocations - (p.implemented_relocations or 0)
            for ms, p in pledges.pledges.items()
            if p.relocations
        }
    if not isinstance(raw, Mapping):
        raise InvalidInput("places", "expected an object of Member State -> places")
    return dict(raw)


def read_places(path: Path | str) -> dict[str, int]:
    """PLACES.json (see `places_from_json`); errors name the file."""
    return places_from_json(read_json(path, NOT_JSON))


def read_params(path: Path | str) -> MatchParams:
    """Matching parameters from a JSON file (`MatchParams` fields); errors name the file or key."""
    raw = read_json(path, NOT_JSON)
    if not isinstance(raw, dict):
        raise InvalidInput(str(Path(path)), "expected an object of parameter -> value")
    return MatchParams.from_mapping(raw)
