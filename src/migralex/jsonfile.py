"""Reading a JSON input file (PLEDGES.json, PLACES.json, matching parameters); errors name the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from migralex.errors import InvalidInput


def read_json(path: Path | str, invalid: str = "not valid JSON: {error}") -> Any:
    """The decoded JSON document of a UTF-8 file; a missing file or bad JSON is an `InvalidInput`
    naming the file (`invalid` formats the decoding error: `{error}`, `{error.msg}`)."""
    p = Path(path)
    try:
        return json.loads(p.read_text("utf-8"))
    except FileNotFoundError:
        raise InvalidInput(str(p), "no such file") from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(str(p), invalid.format(error=exc)) from None
