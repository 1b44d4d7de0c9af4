"""The `details` of an action on a dataset, validated per action type (pydantic, strict, bounded).

Only two actions carry details, both kept in the encrypted personal-data store: a visa's
application number (Eurodac Art. 17(2)(h)) and the grounds of a security flag (Art. 17(2)(i)).
Every other action takes none. Any other shape (a nested list, a number, an unknown key) is a
422 naming the field, never an exception escaping to the server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from migralex.errors import InvalidInput
from migralex.registry.demographics import SECURITY_GROUNDS


class _Details(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class VisaDetails(_Details):
    """Art. 17(2)(h): the visa application number."""

    visa_application_number: Annotated[str, Field(min_length=1, max_length=64)]


Ground = Literal["armed", "violent", "terrorist_offence", "serious_criminal_offence"]
assert set(get_args(Ground)) == set(SECURITY_GROUNDS), "keep Ground in step with SECURITY_GROUNDS"


class SecurityFlagDetails(_Details):
    """Art. 17(2)(i)(i)–(iv): why the person may be a threat to internal security."""

    grounds: Annotated[list[Ground], Field(min_length=1, max_length=len(SECURITY_GROUNDS))]


#: Action → the model of its details (actions not listed take none).
DETAILS: dict[str, type[_Details]] = {"visa": VisaDetails, "security_flag": SecurityFlagDetails}

_CITED = {"visa": "Eurodac Art. 17(2)(h)", "security_flag": "Eurodac Art. 17(2)(i)"}


def parse_details(action: str, raw: Any) -> dict[str, Any]:
    """The stored details of an action (Art. 17(2)(h), (i)); `InvalidInput` names the bad field."""
    model = DETAILS.get(action)
    if model is None:
        if raw:
            raise InvalidInput("details", f"action {action!r} takes no details")
        return {}
    if not isinstance(raw, Mapping):
        raise InvalidInput("details", f"action {action!r} needs details ({_CITED[action]})")
    try:
        parsed = model.model_validate(dict(raw))
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(
            f"details.{where}" if where else "details", f"{first['msg']} ({_CITED[action]})"
        ) from None
    if isinstance(parsed, VisaDetails):
        return {"visa_application_number": parsed.visa_application_number}
    assert isinstance(parsed, SecurityFlagDetails)
    return {"security_grounds": sorted(set(parsed.grounds))}
