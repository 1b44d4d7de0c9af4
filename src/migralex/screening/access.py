"""Who may do what in a screening: two roles, purpose limitation by element (SR Art. 8(9)).

`border` is the screening authority's staff: identification, security check, vulnerability check,
form, referral; it sees the health check's findings that go into the form (Art. 17(1)(d)), not the
medical notes. `medical` is the qualified medical personnel of the health check (Art. 12(1)),
which may assist the vulnerability check (Art. 12(3)); it sees the health part only, never the
queries, hits or form. A caller sees only its own Member State's screenings.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from migralex.countries import normalise_member_state
from migralex.errors import InvalidInput
from migralex.registry.access import AccessDenied


class StaffRole(StrEnum):
    """Roles of the screening's staff."""

    border = "border"
    medical = "medical"


#: What each role may do, and the article that designates it.
PERMISSIONS: dict[StaffRole, frozenset[str]] = {
    StaffRole.border: frozenset(
        {"start", "identity", "vulnerability", "check", "verify", "complete", "form", "read", "list"}
    ),
    StaffRole.medical: frozenset({"health", "vulnerability", "read_health", "list"}),
}
ROLE_BASIS: dict[StaffRole, str] = {
    StaffRole.border: "SR Art. 8(9), third subparagraph (duly authorised staff of the screening authorities)",
    StaffRole.medical: "SR Art. 8(9), second subparagraph; Art. 12(1) (qualified medical personnel)",
}


def as_role(role: str) -> StaffRole:
    """A role by name, or InvalidInput listing the roles."""
    try:
        return StaffRole(role)
    except ValueError:
        raise InvalidInput("role", f"{role!r}; one of {', '.join(StaffRole)}") from None


@dataclass(frozen=True)
class Staff:
    """An authenticated member of the screening staff of one Member State."""

    token_id: str
    member_state: str
    role: StaffRole

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", as_role(self.role))
        object.__setattr__(self, "member_state", normalise_member_state(self.member_state))


def may(staff: Staff, operation: str) -> None:
    """Refuse an operation outside the role's purpose."""
    if operation not in PERMISSIONS[staff.role]:
        raise AccessDenied(f"role {staff.role} may not {operation} in a screening", ROLE_BASIS[staff.role])
