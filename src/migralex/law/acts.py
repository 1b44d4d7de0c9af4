"""The acts of the Pact as data, and which regime governs a case (AMMR Art. 84, APR Art. 79)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np
import yaml

from migralex.errors import LawDataError, UnknownReference
from migralex.law.dates import DateLike, as_date_array
from migralex.law.refs import LegalRef


@dataclass(frozen=True)
class Transitional:
    """A transitional rule: before `cutoff` (by `keyed_on` date) the replaced act governs."""

    rule: str
    keyed_on: str
    cutoff: dt.date
    ref: LegalRef
    quote: str


@dataclass(frozen=True)
class Act:
    """One legal act with its identifiers and dates of application."""

    key: str
    title: str
    kind: str
    celex: str
    eli: str
    entry_into_force: dt.date
    applies_from: dt.date
    applies_from_ref: LegalRef | None
    aliases: tuple[str, ...] = ()
    applies_until: dt.date | None = None
    early_from: dt.date | None = None
    early_articles: frozenset[str] = field(default_factory=frozenset)
    replaces: str | None = None
    transitional: Transitional | None = None
    text_note: str | None = None

    def applies_on(self, article: str, date: dt.date) -> bool:
        """True if `article` of this act applies on `date` (taking early application into account)."""
        if self.applies_until and date > self.applies_until:
            return False
        if date >= self.applies_from:
            return True
        return bool(self.early_from and article in self.early_articles and date >= self.early_from)

    def first_application(self, article: str) -> dt.date:
        """The first date on which `article` applies."""
        if self.early_from and article in self.early_articles:
            return self.early_from
        return self.applies_from


def _ref(act: str, raw: dict[str, str] | None) -> LegalRef | None:
    if not raw:
        return None
    return LegalRef(act, str(raw["article"]), raw.get("paragraph"))


@cache
def _acts() -> dict[str, Act]:
    raw = yaml.safe_load(resources.files("migralex.law").joinpath("acts.yaml").read_text("utf-8"))
    out: dict[str, Act] = {}
    for entry in raw["acts"]:
        try:
            key = entry["key"]
            early = entry.get("early_application") or {}
            trans = entry.get("transitional")
            act = Act(
                key=key,
                title=entry["title"],
                kind=entry["kind"],
                celex=str(entry["celex"]),
                eli=entry["eli"],
                entry_into_force=entry["entry_into_force"],
                applies_from=entry["applies_from"],
                applies_from_ref=_ref(key, entry.get("applies_from_ref")),
                aliases=tuple(str(a) for a in entry.get("aliases", [])),
                applies_until=entry.get("applies_until"),
                early_from=early.get("from"),
                early_articles=frozenset(str(a) for a in early.get("articles", [])),
                replaces=entry.get("replaces"),
                transitional=Transitional(
                    rule=trans["rule"],
                    keyed_on=trans["keyed_on"],
                    cutoff=trans["cutoff"],
                    ref=LegalRef(key, str(trans["ref"]["article"]), trans["ref"].get("paragraph")),
                    quote=trans["ref"].get("quote", ""),
                )
                if trans
                else None,
                text_note=entry.get("text_note"),
            )
        except (KeyError, TypeError) as exc:
            raise LawDataError(f"acts.yaml: act {entry.get('key', '?')!r}: missing or bad {exc}") from exc
        out[key] = act
    return out


def acts() -> list[Act]:
    """Every act migralex knows, Pact acts first."""
    return list(_acts().values())


def resolve_act(name: str) -> Act:
    """Find an act by key or alias, case-insensitively; unknown names list the acts that exist."""
    wanted = name.strip().upper().replace(" ", "_")
    for act in _acts().values():
        if wanted == act.key or wanted in {a.upper().replace(" ", "_") for a in act.aliases}:
            return act
    raise UnknownReference(f"unknown act {name!r}; known acts: {', '.join(a.key for a in _acts().values())}")


@dataclass(frozen=True)
class Regime:
    """Which acts govern a case: responsibility (AMMR or Dublin III) and procedure (APR or APD)."""

    responsibility: str
    responsibility_basis: str
    procedure: str
    procedure_basis: str


def responsibility_regime(registration_dates: DateLike) -> np.ndarray:
    """AMMR Art. 84(2): "AMMR" or "DUBLIN_III" per first-registration date, vectorised."""
    cutoff = np.datetime64(_transitional("AMMR").cutoff, "D")
    dates = as_date_array(registration_dates)
    return np.where(dates < cutoff, "DUBLIN_III", "AMMR")


def procedure_regime(lodging_dates: DateLike) -> np.ndarray:
    """APR Art. 79(3): "APR" or "APD_2013" per lodging date, vectorised."""
    cutoff = np.datetime64(_transitional("APR").cutoff, "D")
    dates = as_date_array(lodging_dates)
    return np.where(dates < cutoff, "APD_2013", "APR")


def _transitional(key: str) -> Transitional:
    trans = _acts()[key].transitional
    if trans is None:  # pragma: no cover - shipped data always has it
        raise LawDataError(f"acts.yaml: {key} has no transitional rule")
    return trans


def governing_regime(registration_date: dt.date, lodging_date: dt.date | None = None) -> Regime:
    """Which regime governs one case (AMMR Art. 84(2), Art. 85; APR Art. 79(3)).

    Reading: an application registered on 1 July 2026 itself falls under the AMMR (Art. 84(2) sends
    only applications registered *before* that date to Dublin III; Art. 85 applies the AMMR *from*
    that date). Without a lodging date, the registration date is used (lodging cannot precede it).
    """
    resp = str(responsibility_regime(registration_date)[0])
    lodged = lodging_date or registration_date
    proc = str(procedure_regime(lodged)[0])
    ammr, apr = _transitional("AMMR"), _transitional("APR")
    resp_basis = (
        f"{ammr.ref.cite()}: registered {registration_date} before {ammr.cutoff}"
        " → Regulation (EU) No 604/2013"
        if resp == "DUBLIN_III"
        else f"AMMR Art. 85: registered {registration_date}, on or after {ammr.cutoff} → AMMR"
    )
    assumed = "" if lodging_date else " (lodging date not given: registration date used)"
    proc_basis = (
        f"{apr.ref.cite()}: lodged {lodged} before {apr.cutoff} → Directive 2013/32/EU{assumed}"
        if proc == "APD_2013"
        else f"{apr.ref.cite()}: lodged {lodged}, on or after {apr.cutoff} → APR{assumed}"
    )
    return Regime(resp, resp_basis, proc, proc_basis)
