"""Which procedure: border (mandatory or optional), accelerated or regular (APR, SR, CFMR).

For each case, batch-wise:
- regime (APR Art. 79(3)): the APR governs applications lodged from 12 June 2026; the case format
  has no lodging date, so the registration date stands in (lodging follows registration); earlier
  applications fall under Directive 2013/32/EU, which is not modelled (procedure null, flag). A
  caller may force the regime (`regime="AMMR"`: the Pact, APR and CFMR, on any date;
  `"DUBLIN_III"`: the rules before it, not modelled), and the answer says so;
- the accelerated grounds of Art. 42 the case shows: (1)(c) misled the authorities, (e) safe
  country of origin (only when the context lists the safe countries), (f) danger to national
  security or public order, (g) subsequent application, (j) nationality (or former habitual
  residence of a stateless person) with a Union-wide recognition rate of 20 % or lower; for
  unaccompanied minors only the points of Art. 42(3). Grounds (a), (b), (d), (h), (i) need an
  assessment of the claim that the case format does not carry;
- the border procedure: only where Art. 43(1) places the application (border crossing point or
  transit zone - the airport transit area included -, apprehension, disembarkation, relocation);
  mandatory under Art. 45(1) on grounds (c), (f), (j); for unaccompanied minors only on the
  security ground (Art. 53(1), 42(3)(b)); never where the needs cannot be met at the border
  (Art. 53(2)(b)–(c): `applicant.vulnerable`); optional (Art. 44(1)(b): "border_optional") on the
  other grounds;
- crisis (`crisis_derogation`, CFMR from 1 July 2026): the mandatory threshold on ground (j) falls
  to 5 % (CFMR Art. 11(3)), merits may be decided at the border up to 50 % (Art. 11(4)), and
  Art. 11(2) lets the Member State leave ground (j) aside (an advisory flag).
A nationality missing from the recognition-rate table is treated as above the threshold, and the
answer says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

import numpy as np
import polars as pl

from migralex.cases import codes as C
from migralex.cases.batch import Applicants, CaseBatch, as_batch, ids_column
from migralex.cases.format import Case
from migralex.countries import normalise, normalise_member_state
from migralex.errors import InvalidInput
from migralex.law.acts import resolve_act
from migralex.law.params import ParameterSet, compare, per_params
from migralex.law.params import params as shipped_params
from migralex.law.participation import bound_table, participation, why
from migralex.rules.participation import acts_not_binding, not_binding_flag
from migralex.rules.periods import values_at
from migralex.rules.regime import FORCED, forced_regime
from migralex.rules.responsibility.common import PLACE, REL, Facts, age_in_years, per_case_any

PROCEDURES = ("border", "accelerated", "regular", "border_optional")
BORDER, ACCELERATED, REGULAR, BORDER_OPTIONAL, NOT_MODELLED = 0, 1, 2, 3, -1

#: Grounds the case format can show: (bit, citation). Adults: Art. 42(1); unaccompanied minors: 42(3).
ADULT_GROUNDS = {"c": 0, "e": 1, "f": 2, "g": 3, "j": 4}
UAM_GROUNDS = {"a": 5, "b": 6, "c": 7, "d": 8, "e": 9}
GROUND_CITES = tuple(
    [f"APR Art. 42(1)({k})" for k in ADULT_GROUNDS] + [f"APR Art. 42(3)({k})" for k in UAM_GROUNDS]
)
#: Exemptions from the border procedure: (bit, citation).
EXEMPTION_CITES = ("APR Art. 53(1)", "APR Art. 53(2)(b)", "APR Art. 53(2)(c)")
SCOPE_POINT = {
    PLACE["border_crossing_point"]: "a",
    PLACE["airport_transit_area"]: "a",
    PLACE["apprehension_after_irregular_crossing"]: "b",
    PLACE["sar_disembarkation"]: "c",
    PLACE["relocation"]: "d",
}
#: Per place code (and a last entry, -1: none): within APR Art. 43(1) (a lookup table for `place`).
_SCOPE = np.zeros(len(C.PLACES) + 1, dtype=bool)
_SCOPE[list(SCOPE_POINT)] = True
_SCOPE.flags.writeable = False


INSTRUMENTALISATION_OPTIONS = ("exclude", "cease")


def _member_states(values: Any, where: str) -> tuple[str, ...]:
    """A list of Member-State codes, normalised (EL → GR); anything else names `where`."""
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise InvalidInput(where, f"expected a list of Member State codes, got {values!r}")
    return tuple(normalise_member_state(str(c), field=f"{where}[{i}]") for i, c in enumerate(values))


@dataclass(frozen=True)
class Instrumentalisation:
    """CFMR Art. 11(6)-(8): the Member States authorised to decide in the border procedure on all
    applications of instrumentalised persons, and the option the Council decision specifies:
    `exclude` (Art. 11(7)(a)) or `cease` (Art. 11(7)(b))."""

    member_states: tuple[str, ...]
    option: str

    def __post_init__(self) -> None:
        where = "context.instrumentalisation"
        states = _member_states(self.member_states, f"{where}.member_states")
        object.__setattr__(self, "member_states", states)
        if self.option not in INSTRUMENTALISATION_OPTIONS:
            raise InvalidInput(
                f"{where}.option",
                f"{self.option!r} is not one of exclude (CFMR Art. 11(7)(a)), cease (Art. 11(7)(b))",
            )

    @classmethod
    def from_dict(cls, raw: Any) -> Instrumentalisation:
        """Validate `{"member_states": [...], "option": "exclude" | "cease"}`."""
        where = "context.instrumentalisation"
        if not isinstance(raw, Mapping):
            raise InvalidInput(where, 'expected an object {"member_states": [...], "option": ...}')
        for key in raw:
            if key not in ("member_states", "option"):
                raise InvalidInput(f"{where}.{key}", "unknown field (known: member_states, option)")
        for key in ("member_states", "option"):
            if key not in raw:
                raise InvalidInput(f"{where}.{key}", "required")
        return cls(raw["member_states"], raw["option"])


@dataclass(frozen=True)
class Context:
    """Facts that are not about the applicant (docs/case-format.md, "Context"), including the
    border-procedure state of each Member State: adequate capacity reached and notified (APR
    Arts 47(2), 48), annual maximum reached and authorised (Arts 47(3), 50), the instrumentalisation
    derogation authorised (CFMR Art. 11(6)-(8))."""

    recognition_rates: Mapping[str, float] | None = None
    crisis_derogation: bool = False
    safe_countries_of_origin: tuple[str, ...] = ()
    rates_source: str = "the recognition-rate table of the context"
    border_capacity_reached: tuple[str, ...] = ()
    annual_maximum_reached: tuple[str, ...] = ()
    instrumentalisation: Instrumentalisation | None = None

    def __post_init__(self) -> None:
        for name in ("border_capacity_reached", "annual_maximum_reached"):
            object.__setattr__(self, name, _member_states(getattr(self, name), f"context.{name}"))

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], rates_source: str | None = None) -> Context:
        """Validate a context object; unknown keys and out-of-range rates are errors."""
        allowed = {
            "recognition_rates",
            "crisis_derogation",
            "safe_countries_of_origin",
            "border_capacity_reached",
            "annual_maximum_reached",
            "instrumentalisation",
        }
        unknown = set(raw) - allowed
        if unknown:
            raise InvalidInput(
                f"context.{sorted(unknown)[0]}", f"unknown field (known: {', '.join(sorted(allowed))})"
            )
        rates = raw.get("recognition_rates")
        table: dict[str, float] | None = None
        if rates is not None:
            if not isinstance(rates, Mapping):
                raise InvalidInput("context.recognition_rates", "expected an object {nationality: rate}")
            table = {}
            for key, value in rates.items():
                where = f"context.recognition_rates.{key}"
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                    raise InvalidInput(where, f"a rate is a number between 0 and 1, got {value!r}")
                code = "stateless" if str(key).lower() == "stateless" else normalise(str(key), field=where)
                table[code] = float(value)
        crisis = raw.get("crisis_derogation", False)
        if not isinstance(crisis, bool):
            raise InvalidInput("context.crisis_derogation", f"expected true or false, got {crisis!r}")
        safe = raw.get("safe_countries_of_origin", [])
        if not isinstance(safe, list):
            raise InvalidInput("context.safe_countries_of_origin", "expected a list of country codes")
        codes = tuple(
            normalise(str(c), field=f"context.safe_countries_of_origin[{i}]") for i, c in enumerate(safe)
        )
        instrumentalisation = raw.get("instrumentalisation")
        return cls(
            table,
            crisis,
            codes,
            rates_source or cls.rates_source,
            border_capacity_reached=raw.get("border_capacity_reached", ()),
            annual_maximum_reached=raw.get("annual_maximum_reached", ()),
            instrumentalisation=None
            if instrumentalisation is None
            else Instrumentalisation.from_dict(instrumentalisation),
        )

    def rate_array(self) -> np.ndarray:
        """Rate per nationality code (NaN where the table has none); read-only, built once."""
        if self.recognition_rates is None:
            raise InvalidInput(
                "context.recognition_rates", "no table: resolve the context first (migralex.context)"
            )
        return self._rates

    def safe_array(self) -> np.ndarray:
        """Per nationality code: on the list of safe countries of origin (APR Art. 42(1)(e)); read-only."""
        return self._safe

    @cached_property
    def _safe(self) -> np.ndarray:
        out = np.zeros(len(C.NATIONALITIES), dtype=bool)
        out[[C.NATIONALITY_INDEX[c] for c in self.safe_countries_of_origin if c in C.NATIONALITY_INDEX]] = (
            True
        )
        out.flags.writeable = False
        return out

    @cached_property
    def _rates(self) -> np.ndarray:
        out = np.full(len(C.NATIONALITIES), np.nan)
        for code, rate in (self.recognition_rates or {}).items():
            i = C.NATIONALITY_INDEX.get(code)
            if i is not None:
                out[i] = rate
        out.flags.writeable = False
        return out


@dataclass
class ProcedureResult:
    """Channelling of a batch: columns (`to_polars`) and per-case JSON answers (`answer`)."""

    ids: np.ndarray
    procedure: np.ndarray
    grounds: np.ndarray
    mandatory: np.ndarray
    exemptions: np.ndarray
    scope: np.ndarray
    uam: np.ndarray
    rate: np.ndarray
    thresholds: dict[str, np.ndarray]
    crisis: np.ndarray
    place: np.ndarray
    reg_date: np.ndarray
    context: Context
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    #: the regime the caller forced ("AMMR", "DUBLIN_III"), None where the date decides
    forced: str | None = None
    #: the parameters (and readings) the channelling was computed with
    params: ParameterSet | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def _list(self, bits: int, cites: Sequence[str]) -> list[str]:
        return [c for k, c in enumerate(cites) if bits >> k & 1]

    def legal_basis(self, i: int) -> str:
        """The provision that sends case `i` to its procedure."""
        proc, uam, crisis = int(self.procedure[i]), bool(self.uam[i]), bool(self.crisis[i])
        point = SCOPE_POINT.get(int(self.place[i]), "?")
        if proc == NOT_MODELLED and self.extra["not_bound"][i]:
            suffix = f" ({FORCED}; APR Art. 79(3) set aside)" if self.forced else ""
            return f"no APR procedure: {self._why_not_bound(i, 'APR')}{suffix}"
        if proc == NOT_MODELLED:
            if self.forced:
                return f"Directive 2013/32/EU ({FORCED}; APR Art. 79(3) set aside): not modelled"
            return "APR Art. 79(3): lodged before 12 June 2026, Directive 2013/32/EU applies (not modelled)"
        basis = self._basis(i, proc, uam, crisis, point)
        return basis + (f" ({FORCED}; APR Art. 79(3) set aside)" if self.forced else "")

    def _why_not_bound(self, i: int, act: str) -> str:
        """Why `act` does not bind the State of registration of case `i` (law/participation.yaml)."""
        return str(why(C.MEMBER_STATES[int(self.extra["reg_ms"][i])], act, self.params))

    def _basis(self, i: int, proc: int, uam: bool, crisis: bool, point: str) -> str:
        if proc == BORDER:
            basis = f"APR Art. 45(1) with Art. 43(1)({point})"
            if uam:
                basis += " and Art. 53(1)"
            rate_ground = bool(self.mandatory[i] >> ADULT_GROUNDS["j"] & 1)
            return basis + ("; CFMR Art. 11(3)" if crisis and rate_ground else "")
        if proc == BORDER_OPTIONAL:
            if self.extra["instr_by_derogation"][i]:
                return f"CFMR Art. 11(6) with APR Art. 43(1)({point})"
            if self.extra["crisis_merits"][i] and not self.grounds[i]:
                return f"CFMR Art. 11(4) with APR Art. 43(1)({point})"
            return f"APR Art. 44(1)(b) with Art. 43(1)({point})" + self._relief(i, "; not mandatory under ")
        if proc == ACCELERATED:
            return "APR Art. 42(3)" if uam else "APR Art. 42(1)"
        return "APR Art. 35(4)"

    def _relief(self, i: int, prefix: str) -> str:
        """The provision that relieves case `i` of its mandatory grounds (capacity, maximum), if any."""
        if not self.extra["relieved"][i]:
            return ""
        if self.extra["maximum_reached"][i]:
            return prefix + "APR Art. 47(3) and Art. 50 (annual maximum reached)"
        return prefix + "APR Art. 48(2) (adequate capacity reached, Art. 47(2))"

    def flags(self, i: int) -> list[dict[str, Any]]:
        """Advisory flags of case `i` (rate missing, discretion, assessments the law reserves)."""
        if self.procedure[i] == NOT_MODELLED:
            return self._not_modelled_flags(i)
        out = self._rate_flags(i)
        if self.grounds[i] & (1 << ADULT_GROUNDS["g"] | 1 << UAM_GROUNDS["c"]):
            out.append(
                _flag(
                    "subsequent_admissibility",
                    "APR Art. 55",
                    "a subsequent application is an accelerated ground only if it is not inadmissible (new"
                    " elements, APR Art. 55)",
                )
            )
        out += self._instrumentalisation_flags(i)
        if self.uam[i] and self.extra["age_uncertain"][i]:
            out.append(
                _flag(
                    "age_assessment",
                    "APR Art. 53(1)",
                    "doubt as to the applicant's age: a prompt age assessment (APR Art. 25) may change"
                    " the procedure",
                )
            )
        return out

    def _not_modelled_flags(self, i: int) -> list[dict[str, Any]]:
        """APR Art. 79(3) and participation: why the procedure of case `i` is not modelled."""
        if self.extra["not_bound"][i]:
            state = int(self.extra["reg_ms"][i])
            unbound = acts_not_binding(np.array([state]), self.params)
            name = C.MEMBER_STATES[state]
            return [not_binding_flag(name, act, self.params) for act, m in unbound.items() if m[0]]
        why = f" ({FORCED})" if self.forced else ""
        return [
            _flag("not_modelled", "APR Art. 79(3)", f"the application falls under Directive 2013/32/EU{why}")
        ]

    def _rate_flags(self, i: int) -> list[dict[str, Any]]:
        """APR Art. 42(1)(j), 42(3)(e), CFMR Art. 11(2): the recognition rate missing, its exceptions."""
        out: list[dict[str, Any]] = []
        if np.isnan(self.rate[i]):
            out.append(
                _flag(
                    "recognition_rate_missing",
                    "APR Art. 42(1)(j)",
                    "the nationality is not in the recognition-rate table"
                    f" ({self.context.rates_source}): treated as above the threshold",
                )
            )
        if self.grounds[i] & (1 << ADULT_GROUNDS["j"] | 1 << UAM_GROUNDS["e"]):
            out.append(
                _flag(
                    "recognition_rate_exceptions",
                    "APR Art. 42(3)(e)" if self.uam[i] else "APR Art. 42(1)(j)",
                    "the determining authority may find a significant change in the country, or a category"
                    " for which the rate is not representative",
                )
            )
            if self.crisis[i] and self.scope[i] and not self.uam[i]:  # 11(2) concerns the border procedure
                out.append(
                    _flag(
                        "crisis_rate_ground",
                        "CFMR Art. 11(2)",
                        "in a mass-arrival crisis the Member State may not be required to apply the border"
                        " procedure on the recognition-rate ground",
                    )
                )
        return out

    def _instrumentalisation_flags(self, i: int) -> list[dict[str, Any]]:
        """CFMR Art. 11(6), 11(7)(b): who is taken as instrumentalised, and when the procedure ceases."""
        if not self.extra["instr_by_derogation"][i]:
            return []
        out = [
            _flag(
                "instrumentalised_person",
                "CFMR Art. 11(6)",
                "the derogation covers applications of persons subject to instrumentalisation (CFMR"
                " Art. 1(4)(b)); the case format does not say who is: every application at the border"
                " of a Member State the context names is taken as one - confirm",
            )
        ]
        if self.extra["instr_young"][i]:
            out.append(
                _flag(
                    "likely_well_founded",
                    "CFMR Art. 11(7)(b)",
                    "a minor under 12 or a family member of one: the border procedure ceases if an"
                    " individual assessment finds the application likely to be well-founded",
                )
            )
        return out

    def trace(self, i: int) -> list[dict[str, str]]:
        """The provisions examined for case `i`, in order."""
        return _trace(self, i)

    def answer(self, i: int, trace: bool = False) -> dict[str, Any]:
        """Answer: id, procedure, mandatory/accelerated grounds, exemptions, legal_basis, flags (, trace)."""
        proc = int(self.procedure[i])
        out: dict[str, Any] = {
            "id": str(self.ids[i]),
            "procedure": None if proc == NOT_MODELLED else PROCEDURES[proc],
            "mandatory_grounds": self._list(int(self.mandatory[i]), GROUND_CITES),
            "accelerated_grounds": self._list(int(self.grounds[i]), GROUND_CITES),
            "exemptions": self._list(int(self.exemptions[i]), EXEMPTION_CITES),
            "legal_basis": self.legal_basis(i),
            "recognition_rate": None if np.isnan(self.rate[i]) else round(float(self.rate[i]), 6),
            "flags": self.flags(i),
        }
        if trace:
            out["trace"] = self.trace(i)
        return out

    def answers(self, trace: bool = False) -> Iterator[dict[str, Any]]:
        """Answers of every case, in batch order."""
        for i in range(len(self.ids)):
            yield self.answer(i, trace)

    def to_polars(self) -> pl.DataFrame:
        """One row per case: id, procedure, grounds as lists of citations, recognition rate."""
        table = [*PROCEDURES, None]
        proc = pl.Series(table, dtype=pl.Utf8).gather(
            np.where(self.procedure < 0, len(PROCEDURES), self.procedure)
        )
        frame = pl.DataFrame(
            {
                "id": ids_column(self.ids),
                "procedure": proc,
                "mandatory_bits": self.mandatory.astype(np.int64),
                "grounds_bits": self.grounds.astype(np.int64),
                "exemption_bits": self.exemptions.astype(np.int64),
                "recognition_rate": self.rate,
            }
        )
        for bits, name, cites in (
            ("mandatory_bits", "mandatory_grounds", GROUND_CITES),
            ("grounds_bits", "accelerated_grounds", GROUND_CITES),
            ("exemption_bits", "exemptions", EXEMPTION_CITES),
        ):
            masks = frame[bits].unique().to_list()
            lookup = pl.DataFrame(
                {bits: masks, name: [self._list(m, cites) for m in masks]},
                schema={bits: pl.Int64, name: pl.List(pl.Utf8)},
            )
            frame = frame.join(lookup, on=bits, how="left", maintain_order="left")
        return frame.drop("mandatory_bits", "grounds_bits", "exemption_bits").with_columns(
            pl.col("recognition_rate").fill_nan(None)
        )


def _flag(kind: str, rule: str, reason: str) -> dict[str, Any]:
    return {"flag": kind, "rule": rule, "blocking": False, "candidates": [], "reason": reason}


def _line(rule: str, applies: bool, reason: str) -> dict[str, str]:
    return {"rule": rule, "outcome": "applies" if applies else "not_applicable", "reason": reason}


def _trace(r: ProcedureResult, i: int) -> list[dict[str, str]]:
    """The provisions examined for case `i`: APR Arts 79(3), 42, 43(1), 53, 47-48, 45(1), 44; CFMR Art. 11."""
    out = _regime_lines(r, i)
    if int(r.procedure[i]) == NOT_MODELLED:
        return out
    in_scope = bool(r.scope[i])
    return [
        *out,
        *_ground_lines(r, i),
        _scope_line(r, i),
        *_exemption_lines(r, i),
        *_relief_lines(r, i, in_scope),
        _mandatory_line(r, i),
        *_not_mandatory_lines(r, i, in_scope),
    ]


def _regime_lines(r: ProcedureResult, i: int) -> list[dict[str, str]]:
    """APR Art. 79(3) (or the regime the caller forces) and, where the APR does not bind, why."""
    date = str(r.reg_date[i])
    proc = int(r.procedure[i])
    if r.forced:
        act = "the APR applies" if proc != NOT_MODELLED else "Directive 2013/32/EU applies (not modelled)"
        first = {
            "rule": "APR Art. 79(3)",
            "outcome": "excluded",
            "reason": f"set aside: {FORCED}; {act} whatever the date (registered on {date})",
        }
        return [first, *_not_bound_lines(r, i)] if proc == NOT_MODELLED else [first]
    if proc == NOT_MODELLED and r.extra["not_bound"][i]:
        first = _line("APR Art. 79(3)", False, f"registered on {date}: the APR applies from 12 June 2026")
        return [first, *_not_bound_lines(r, i)]
    if proc == NOT_MODELLED:
        return [
            _line(
                "APR Art. 79(3)", True, f"registered on {date}, before 12 June 2026 (lodging date not given)"
            )
        ]
    return [_line("APR Art. 79(3)", False, f"registered on {date}: the APR applies (lodging date not given)")]


def _ground_lines(r: ProcedureResult, i: int) -> list[dict[str, str]]:
    """CFMR Art. 11 (crisis) and each accelerated ground of APR Art. 42(1) (adults) or 42(3) (UAM)."""
    out = []
    if r.crisis[i]:
        out.append(
            _line(
                "CFMR Art. 11", True, "mass-arrival crisis: the border-procedure derogations are authorised"
            )
        )
    uam = bool(r.uam[i])
    rate = r.rate[i]
    rate_txt = "not in the table (treated as above the threshold)" if np.isnan(rate) else f"{rate:.1%}"
    grounds = int(r.grounds[i])
    letters = UAM_GROUNDS if uam else ADULT_GROUNDS
    para = "3" if uam else "1"
    why = {
        "c": "misled the authorities or destroyed documents in bad faith",
        "d": "misled the authorities or destroyed documents in bad faith",
        "f": "reasonable grounds to consider a danger to national security or public order",
        "b": "reasonable grounds to consider a danger to national security or public order",
        "g": "a subsequent application",
        "e": "nationality on the context's list of safe countries of origin",
        "a": "nationality on the context's list of safe countries of origin",
        "j": f"Union-wide recognition rate {rate_txt}, threshold {r.thresholds['accelerated'][i]:.0%}",
    }
    if uam:
        why["c"], why["e"] = "a subsequent application", why["j"]
    for letter, bit in letters.items():
        found = bool(grounds >> bit & 1)
        out.append(
            _line(f"APR Art. 42({para})({letter})", found, why[letter] if found else "not shown by the case")
        )
    return out


def _scope_line(r: ProcedureResult, i: int) -> dict[str, str]:
    """APR Art. 43(1): whether the place of the application opens the border procedure."""
    point = SCOPE_POINT.get(int(r.place[i]))
    in_scope = bool(r.scope[i])
    place = C.PLACES[int(r.place[i])].replace("_", " ")
    return _line(
        f"APR Art. 43(1)({point})" if point else "APR Art. 43(1)",
        in_scope,
        f"application made after {place}"
        if in_scope
        else f"application made on the {place}: no border procedure",
    )


def _exemption_lines(r: ProcedureResult, i: int) -> list[dict[str, str]]:
    """APR Art. 53(1), 53(2)(b)-(c): the exemptions from the border procedure that case `i` has."""
    exemptions = int(r.exemptions[i])
    out = []
    for k, cite in enumerate(EXEMPTION_CITES):
        if exemptions >> k & 1:
            reason = (
                "unaccompanied minor: the border procedure only on the security ground"
                if k == 0
                else "special needs that cannot be met at the border locations"
            )
            out.append({"rule": cite, "outcome": "excluded", "reason": reason})
    return out


def _mandatory_line(r: ProcedureResult, i: int) -> dict[str, str]:
    """APR Art. 45(1): whether a ground makes the border procedure mandatory (or the State is relieved)."""
    mandatory = int(r.procedure[i]) == BORDER
    threshold = r.thresholds["mandatory"][i]
    ground = "a ground of Art. 42(1)(c), (f) or (j)" + (
        f" (rate threshold {threshold:.0%})" if not bool(r.uam[i]) else ""
    )
    if r.extra["relieved"][i] and not mandatory:
        return {
            "rule": "APR Art. 45(1)",
            "outcome": "excluded",
            "reason": f"{ground} applies, but the Member State is relieved of the obligation (above)",
        }
    return _line(
        "APR Art. 45(1)",
        mandatory,
        ground
        + (
            " applies: the border procedure is mandatory"
            if mandatory
            else " for the border procedure is not met"
        ),
    )


def _not_mandatory_lines(r: ProcedureResult, i: int, in_scope: bool) -> list[dict[str, str]]:
    """APR Art. 44(1)(b), CFMR Art. 11(6)-(9), then APR Art. 42 or 35(4): the procedure of case `i`."""
    proc = int(r.procedure[i])
    if proc == BORDER:
        return []
    para = "3" if bool(r.uam[i]) else "1"
    by_derogation = bool(r.extra["instr_by_derogation"][i])
    optional = proc == BORDER_OPTIONAL and not by_derogation
    out = [
        _line(
            "APR Art. 44(1)(b)",
            optional,
            "the Member State may examine the merits in the border procedure"
            if optional
            else "no ground for an optional border procedure",
        ),
        *_instrumentalisation_lines(r, i, in_scope),
    ]
    if proc in (ACCELERATED, REGULAR):
        out.append(
            _line(
                f"APR Art. 42({para})" if proc == ACCELERATED else "APR Art. 35(4)",
                True,
                "accelerated examination procedure"
                if proc == ACCELERATED
                else "regular examination procedure",
            )
        )
    return out


def _relief_lines(r: ProcedureResult, i: int, in_scope: bool) -> list[dict[str, str]]:
    """APR Arts 47(2), 48(2) and 47(3), 50 in the trace, where the context names the Member State."""
    if not in_scope:
        return []
    state = C.MEMBER_STATES[int(r.extra["reg_ms"][i])]
    relieved = int(r.extra["relieved"][i])
    out = []
    if r.extra["capacity_reached"][i]:
        j = bool(relieved >> ADULT_GROUNDS["j"] & 1)
        out.append(
            _line(
                "APR Art. 48(2)",
                j,
                f"adequate capacity of {state} (Art. 47(1)) reached and notified (context): ground"
                + (
                    " 42(1)(j) no longer makes the border procedure mandatory (inflow-outflow, Art. 48(3);"
                    " for the rest of the calendar year, Art. 48(4); Art. 47(2))"
                    if j
                    else " 42(1)(j) relieved, but it does not make this application's border procedure"
                    " mandatory"
                ),
            )
        )
    if r.extra["maximum_reached"][i]:
        out.append(
            _line(
                "APR Art. 47(3)",
                bool(relieved),
                f"annual maximum of {state} reached and the Commission's authorisation given (Art. 50,"
                " context): grounds 42(1)(c) and (j) no longer make the border procedure mandatory;"
                " (f) and 42(3)(b) still do"
                + ("" if relieved else " - neither (c) nor (j) makes this one mandatory"),
            )
        )
    return out


def _instrumentalisation_lines(r: ProcedureResult, i: int, in_scope: bool) -> list[dict[str, str]]:
    """CFMR Art. 11(6)-(9) in the trace, where the context names the Member State."""
    if not r.extra["instr_state"][i]:
        return []
    state = C.MEMBER_STATES[int(r.extra["reg_ms"][i])]
    derogation = r.context.instrumentalisation
    option = derogation.option if derogation else "exclude"
    young = bool(r.extra["instr_young"][i])
    rule = "CFMR Art. 11(6)"
    if not in_scope:
        return [_line(rule, False, "application made on the territory: the derogation concerns the border")]
    if r.uam[i]:
        reason = "unaccompanied minor: APR Art. 53(1) still allows the border procedure only on 42(3)(b)"
        return [_line(rule, False, reason)]
    if r.extra["vulnerable"][i]:
        reason = "special needs that cannot be met at the border locations: the derogation does not apply"
        return [{"rule": "CFMR Art. 11(9)", "outcome": "excluded", "reason": reason}]
    if young and option == "exclude":
        reason = "a minor under 12 or a family member of one: excluded from the border procedure"
        return [{"rule": "CFMR Art. 11(7)(a)", "outcome": "excluded", "reason": reason}]
    if not r.extra["instr_by_derogation"][i]:
        return [_line(rule, False, "the border procedure is open to the Member State without the derogation")]
    out = [
        _line(
            rule,
            True,
            f"instrumentalisation derogation authorised for {state} (context): the merits of all"
            " applications of instrumentalised persons may be decided in the border procedure",
        )
    ]
    if young:
        out.append(
            _line(
                "CFMR Art. 11(7)(b)",
                True,
                "a minor under 12 or a family member of one: the border procedure ceases if an"
                " individual assessment finds the application likely to be well-founded",
            )
        )
    return out


def _not_bound_lines(r: ProcedureResult, i: int) -> list[dict[str, str]]:
    """The trace line of an APR that does not bind the State of registration (none otherwise)."""
    if not r.extra["not_bound"][i]:
        return []
    entry = participation().entry(C.MEMBER_STATES[int(r.extra["reg_ms"][i])], "APR", r.params)
    rule = entry.citation() if entry is not None and entry.recital is not None else "APR (participation)"
    return [{"rule": rule, "outcome": "applies", "reason": r._why_not_bound(i, "APR")}]


def _bits(mask: np.ndarray, bit: int) -> np.ndarray:
    return np.where(mask, np.uint32(1 << bit), np.uint32(0))


def _state_mask(codes: Sequence[str]) -> np.ndarray:
    """Per Member-State code (EU-27 order): listed or not (a lookup table for `reg_ms`)."""
    out = np.zeros(len(C.MEMBER_STATES), dtype=bool)
    out[[C.MEMBER_STATES.index(c) for c in codes]] = True
    return out


def _listed(codes: Sequence[str], reg_ms: np.ndarray) -> np.ndarray:
    """Per case: is the Member State of registration among `codes` (none listed: no lookup)?"""
    return _state_mask(codes)[reg_ms] if codes else np.zeros(len(reg_ms), dtype=bool)


def _instrumentalisation(
    f: Facts, context: Context, p: ParameterSet
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CFMR Art. 11(6)-(7): who the instrumentalisation derogation may put in the border procedure.

    Every application registered in a Member State the context names is taken as one of an
    instrumentalised person (the case format does not say; the answer flags it). Art. 11(7)(a)
    (`exclude`) keeps minors under the age of `cfmr.instrumentalisation.minor_age` and their family
    members out; under (b) (`cease`) they stay in, flagged: the procedure ceases if an individual
    assessment finds the application likely to be well-founded. A listed child with no date of
    birth counts as under that age. Special needs the border cannot meet exclude the derogation
    under both options (Art. 11(9)); the caller masks the scope, unaccompanied minors (APR
    Art. 53(1) is not derogated from) and those needs. Per case: registered in such a Member
    State; a minor under that age or a family member of one; the derogation may apply."""
    n, a = f.n, f.batch.applicants
    derogation = context.instrumentalisation
    if derogation is None or not derogation.member_states:
        none = np.zeros(n, dtype=bool)
        return none, none, none
    state = _state_mask(derogation.member_states)[a.reg_ms]
    par = p["cfmr.instrumentalisation.minor_age"]
    limit = values_at(par, f.reg_date)
    fam = f.batch.family
    child = f.family_member & (fam.relation == REL["child"])
    child_age = age_in_years(fam.dob, f.reg_date[fam.case])
    young_child = child & ((child_age < 0) | compare(child_age, par.boundary, limit[fam.case]))
    young = ((f.age >= 0) & compare(f.age, par.boundary, limit)) | per_case_any(young_child, fam.case, n)
    applies = state & ~young if derogation.option == "exclude" else state
    return state, state & young, applies


@dataclass(frozen=True)
class _Law:
    """What the channelling reads of one parameter set, looked up once (never of a case): the APR
    and CFMR dates of application, the States the APR binds, the rate thresholds by date."""

    apr_from: np.datetime64
    cfmr_from: np.datetime64
    apr_binds: np.ndarray
    thresholds: Mapping[str, tuple[np.ndarray, np.ndarray, str]]

    def threshold(self, name: str, reg: np.ndarray) -> np.ndarray:
        """A rate threshold in force on each registration date (its first value before it applies)."""
        starts, values, _ = self.thresholds[name]
        if len(values) == 1:
            return np.full(len(reg), values[0])
        return values[np.clip(np.searchsorted(starts, reg, side="right") - 1, 0, None)]

    def boundary(self, name: str) -> str:
        """The boundary of a threshold (`at_most`: 20 % or lower)."""
        return self.thresholds[name][2]


THRESHOLDS = (
    "apr.border.recognition_rate_threshold",
    "cfmr.border.recognition_rate_threshold",
    "cfmr.border.optional_merits_threshold",
)


def _law(p: ParameterSet) -> _Law:
    """APR Art. 79(3), CFMR Art. 1 in time, participation and the thresholds of `p`, built once."""
    return per_params(p, "procedure.law", _build_law)


def _build_law(p: ParameterSet) -> _Law:
    """`_law`, built."""
    thresholds = {}
    for name in THRESHOLDS:
        par = p[name]
        starts = np.array([v.start for v in par.values], dtype="datetime64[D]")
        thresholds[name] = (starts, np.array([v.value for v in par.values]).astype(float), par.boundary)
    transitional = resolve_act("APR").transitional
    assert transitional is not None  # APR Art. 79(3), in law/acts.yaml
    law = _Law(
        np.datetime64(transitional.cutoff, "D"),
        np.datetime64(resolve_act("CFMR").applies_from, "D"),
        bound_table("APR", p),
        thresholds,
    )
    return law


def _regime(a: Applicants, law: _Law, forced: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """APR Art. 79(3) and CFMR Art. 1 in time, participation: per case, APR applies; CFMR; APR not binding."""
    reg = a.reg_date
    if forced is None:
        apr = ~(reg < law.apr_from)  # a date missing counts as under the APR, as `procedure_regime`
        cfmr = reg >= law.cfmr_from
    else:
        apr = cfmr = np.full(len(reg), forced == "AMMR")
    not_bound = apr & ~law.apr_binds[a.reg_ms]  # law/participation.yaml (-1, none: the last entry)
    return apr & ~not_bound, cfmr, not_bound


@dataclass(frozen=True)
class _Rates:
    """Per case: the recognition rate and what it triggers (APR Arts 42(1)(e), (j), 45(1); CFMR Art. 11)."""

    rate: np.ndarray
    accelerated: np.ndarray
    mandatory: np.ndarray
    low: np.ndarray
    mandatory_low: np.ndarray
    crisis_merits: np.ndarray
    safe: np.ndarray


def _nationality(a: Applicants, context: Context) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """APR Art. 42(1)(j), (e): per case the nationality (a stateless person's former habitual
    residence), its rate (NaN: none, or stateless with no residence) and the safe-country ground."""
    stateless = a.nationality == C.STATELESS_CODE
    if not stateless.any():
        rate = context.rate_array()[a.nationality]
        return a.nationality, rate, context.safe_array()[a.nationality]
    nationality = np.where(stateless & (a.former_residence >= 0), a.former_residence, a.nationality)
    known = ~(stateless & (a.former_residence < 0))
    rate = np.where(known, context.rate_array()[nationality], np.nan)
    return nationality, rate, context.safe_array()[nationality] & known


def _rates(a: Applicants, context: Context, law: _Law, crisis: np.ndarray) -> _Rates:
    """APR Art. 42(1)(j) (20 %), CFMR Art. 11(3) (5 %) and 11(4) (50 %), Art. 42(1)(e) safe countries."""
    reg = a.reg_date
    _, rate, safe = _nationality(a, context)
    missing_high = np.where(np.isnan(rate), np.inf, rate)  # a rate missing counts as above any threshold
    accel, mand, merits = THRESHOLDS
    t_accel = law.threshold(accel, reg)
    low_rate = compare(missing_high, law.boundary(accel), t_accel)
    if not crisis.any():  # no case in a crisis: the thresholds of CFMR Art. 11(3)-(4) play no part
        none = np.zeros(len(reg), dtype=bool)
        return _Rates(rate, t_accel, t_accel.copy(), low_rate, low_rate, none, safe)
    t_mand = np.where(crisis, law.threshold(mand, reg), t_accel)
    mand_rate = compare(missing_high, law.boundary(accel), t_mand)
    crisis_merits = crisis & compare(missing_high, law.boundary(merits), law.threshold(merits, reg))
    return _Rates(rate, t_accel, t_mand, low_rate, mand_rate, crisis_merits, safe)


#: The facts the outcome of a case depends on once its rate is compared, as bits of a code.
FACT_BITS = (
    "uam", "misled", "safe", "security", "subsequent", "low", "mandatory_low", "crisis_merits",
    "scope", "capacity", "maximum", "needs", "instrumentalisation", "apr",
)  # fmt: skip


def outcome(x: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """APR Arts 42(1), 42(3), 43(1), 44(1)(b), 45(1), 47(2)-(3), 48(2), 53, 79(3); CFMR Art. 11(6)-(9):
    per case the grounds, mandatory grounds, relief, exemptions, procedure and the derogation's use,
    from the facts `FACT_BITS` (run once over every combination of them: `outcome_table`)."""
    uam, adult, scope, needs, apr = x["uam"], ~x["uam"], x["scope"], x["needs"], x["apr"]
    misled, security, subsequent, safe, low = (
        x[k] for k in ("misled", "security", "subsequent", "safe", "low")
    )
    grounds = (
        _bits(adult & misled, ADULT_GROUNDS["c"]) | _bits(adult & safe, ADULT_GROUNDS["e"])
        | _bits(adult & security, ADULT_GROUNDS["f"]) | _bits(adult & subsequent, ADULT_GROUNDS["g"])
        | _bits(adult & low, ADULT_GROUNDS["j"]) | _bits(uam & safe, UAM_GROUNDS["a"])
        | _bits(uam & security, UAM_GROUNDS["b"]) | _bits(uam & subsequent, UAM_GROUNDS["c"])
        | _bits(uam & misled, UAM_GROUNDS["d"]) | _bits(uam & low, UAM_GROUNDS["e"])
    )  # fmt: skip
    mandatory_bits = (
        _bits(adult & misled, ADULT_GROUNDS["c"]) | _bits(adult & security, ADULT_GROUNDS["f"])
        | _bits(adult & x["mandatory_low"], ADULT_GROUNDS["j"]) | _bits(uam & security, UAM_GROUNDS["b"])
    )  # fmt: skip
    capacity, maximum, crisis_merits = x["capacity"], x["maximum"], x["crisis_merits"]
    relieved = mandatory_bits & (
        _bits(capacity | maximum, ADULT_GROUNDS["j"]) | _bits(maximum, ADULT_GROUNDS["c"])
    )
    instr = x["instrumentalisation"] & scope & ~uam & ~needs
    would_border = scope & ((mandatory_bits > 0) | (adult & ((grounds > 0) | crisis_merits)))
    uam_limited = scope & uam & ~security & (grounds > 0)
    exemptions = _bits(uam_limited, 0) | _bits(would_border & needs, 1) | _bits(would_border & needs, 2)
    border = scope & ((mandatory_bits & ~relieved) > 0) & ~needs
    optional = scope & ~border & ~needs & adult & ((grounds > 0) | crisis_merits)
    by_derogation = instr & ~border & ~optional
    optional |= by_derogation
    accelerated = ~border & ~optional & (grounds > 0)
    procedure = np.select([border, optional, accelerated], [BORDER, BORDER_OPTIONAL, ACCELERATED], REGULAR)
    procedure = np.where(apr, procedure, NOT_MODELLED).astype(np.int8)
    relieved = np.where(apr & scope & ~needs, relieved, 0).astype(np.uint32)
    return {
        "procedure": procedure,
        "grounds": np.where(apr, grounds, 0).astype(np.uint32),
        "mandatory": np.where(procedure == BORDER, mandatory_bits & ~relieved, 0).astype(np.uint32),
        "exemptions": np.where(apr, exemptions, 0).astype(np.uint32),
        "relieved": relieved,
        "by_derogation": by_derogation & apr,
    }


@cache
def outcome_table() -> dict[str, np.ndarray]:
    """`outcome` of every combination of `FACT_BITS` (2^14 rows, by the code `fact_codes` gives)."""
    codes = np.arange(1 << len(FACT_BITS), dtype=np.int64)
    table = outcome({k: (codes >> i & 1).astype(bool) for i, k in enumerate(FACT_BITS)})
    for column in table.values():
        column.flags.writeable = False
    return table


def fact_codes(x: Mapping[str, np.ndarray]) -> np.ndarray:
    """Per case, the facts `FACT_BITS` packed into one code (bit i: fact i), rows of `outcome_table`."""
    stacked = np.stack([x[k] for k in FACT_BITS], axis=1)
    return np.packbits(stacked, axis=1, bitorder="little").view("<u2")[:, 0]


def channel(
    cases: CaseBatch | Case | Mapping[str, Any] | Sequence[Case | Mapping[str, Any]],
    context: Context,
    params: ParameterSet | None = None,
    regime: str | None = None,
) -> ProcedureResult:
    """The procedure for each case (APR Arts 42–45, 53; CFMR Art. 11), with grounds and basis;
    `regime` ("AMMR", "DUBLIN_III") forces the regime instead of APR Art. 79(3)."""
    batch = as_batch(cases)
    p = params or shipped_params()
    forced = forced_regime(regime)
    f, a, n = Facts(batch, p), batch.applicants, batch.n
    law = _law(p)
    apr, cfmr, not_bound = _regime(a, law, forced)
    crisis = cfmr.copy() if context.crisis_derogation else np.zeros(n, dtype=bool)
    rates = _rates(a, context, law, crisis)
    uam = f.uam if a.unaccompanied.any() else np.zeros(n, dtype=bool)  # AMMR Art. 2(11)
    capacity = _listed(context.border_capacity_reached, a.reg_ms)
    maximum = _listed(context.annual_maximum_reached, a.reg_ms)
    instr_state, instr_young, instr = _instrumentalisation(f, context, p)
    facts = {
        "uam": uam, "misled": a.misled_authorities, "safe": rates.safe, "security": a.security_threat,
        "subsequent": a.subsequent_application, "low": rates.low, "mandatory_low": rates.mandatory_low,
        "crisis_merits": rates.crisis_merits, "scope": _SCOPE[a.place], "capacity": capacity,
        "maximum": maximum, "needs": a.vulnerable, "instrumentalisation": instr & cfmr, "apr": apr,
    }  # fmt: skip
    code = fact_codes(facts)
    out = {name: column[code] for name, column in outcome_table().items()}
    return ProcedureResult(
        ids=a.id,
        procedure=out["procedure"],
        grounds=out["grounds"],
        mandatory=out["mandatory"],
        exemptions=out["exemptions"],
        scope=facts["scope"],
        uam=uam,
        rate=rates.rate,
        thresholds={"accelerated": rates.accelerated, "mandatory": rates.mandatory},
        crisis=crisis,
        place=a.place,
        reg_date=a.reg_date,
        context=context,
        extra={
            "crisis_merits": rates.crisis_merits,
            "age_uncertain": a.age_uncertain,
            "reg_ms": a.reg_ms,
            "capacity_reached": capacity & apr,
            "maximum_reached": maximum & apr,
            "relieved": out["relieved"],
            "vulnerable": a.vulnerable,
            "instr_state": instr_state & cfmr & apr,
            "instr_young": instr_young,
            "instr_by_derogation": out["by_derogation"],
            "not_bound": not_bound,
        },
        forced=forced,
        params=p,
    )


decide_procedure = channel
