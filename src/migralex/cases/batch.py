"""`CaseBatch`: many cases as columns (struct of arrays), the shape every rule works on.

One row per case in the applicant columns; the lists of the case format (family, documents,
diplomas, entries) are edge tables whose `case` column is the row of the case they belong to.
Dates are `datetime64[D]` (NaT for null), Member States and enumerations small integer codes
(`migralex.cases.codes`), nationalities an int16 code. A batch is built from validated cases
(`from_cases`), from case-format dicts (`from_dicts`, validating each), or from polars/Arrow
columns (`from_frames`, validated column-wise); `to_frames` gives the columns back and
`case_dict(i)` one case in the case format again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from functools import cache
from typing import Any, ClassVar

import numpy as np
import polars as pl

from migralex.cases import codes as C
from migralex.cases.format import Case, parse_case
from migralex.countries import normalise, not_a_third_country_national
from migralex.errors import InvalidInput

NAT = np.datetime64("NaT", "D")


def _dates(values: Sequence[dt.date | None]) -> np.ndarray:
    return np.array(values, dtype="datetime64[D]").reshape(-1)  # None → NaT


#: Per table class, the name of its first column (its length is the table's), looked up once.
_FIRST_FIELD: dict[type, str] = {}


@dataclass(frozen=True)
class Table:
    """A set of equally long numpy columns; subclasses name them (and their JSON field names)."""

    #: column → (case-format field, vocabulary name or kind) for conversions; set by subclasses.
    SPEC: ClassVar[dict[str, tuple[str, str]]] = {}

    def __len__(self) -> int:
        name = _FIRST_FIELD.get(type(self))
        if name is None:
            name = _FIRST_FIELD[type(self)] = fields(self)[0].name
        return len(getattr(self, name))

    def columns(self) -> dict[str, np.ndarray]:
        """Columns by name."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def take(self, index: np.ndarray) -> Any:
        """Rows selected by an integer index or boolean mask."""
        return replace(self, **{k: v[index] for k, v in self.columns().items()})

    def to_polars(self) -> pl.DataFrame:
        """The columns as a polars DataFrame (codes decoded to the case format's strings)."""
        out: dict[str, Any] = {}
        for name, arr in self.columns().items():
            field, kind = self.SPEC.get(name, (name, "raw"))
            out[field] = _decode(arr, kind)
        return pl.DataFrame(out)

    @classmethod
    def from_polars(cls, frame: pl.DataFrame, where: str, n_cases: int | None = None) -> Any:
        """Columns from a polars DataFrame with the case-format field names (validated)."""
        wanted = {field: (name, kind) for name, (field, kind) in cls.SPEC.items()}
        unknown = [c for c in frame.columns if c not in wanted]
        if unknown:
            raise InvalidInput(f"{where}.{unknown[0]}", f"unknown column (known: {', '.join(wanted)})")
        cols: dict[str, np.ndarray] = {}
        for field, (name, kind) in wanted.items():
            default = cls.DEFAULTS.get(name, _REQUIRED) if hasattr(cls, "DEFAULTS") else _REQUIRED
            if field not in frame.columns:
                if default is _REQUIRED:
                    raise InvalidInput(f"{where}.{field}", "required column is missing")
                cols[name] = _encode(pl.Series([default] * frame.height), kind, f"{where}.{field}")
            else:
                cols[name] = _encode(frame[field], kind, f"{where}.{field}")
        table = cls(**cols)
        if n_cases is not None and "case" in cols and len(table):
            bad = (cols["case"] < 0) | (cols["case"] >= n_cases)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise InvalidInput(
                    f"{where}[{i}].case", f"no case {int(cols['case'][i])} in a batch of {n_cases}"
                )
        return table


class _Required:
    pass


_REQUIRED: Any = _Required()

_VOCAB = {
    "place": C.PLACES,
    "relation": C.RELATIONS,
    "status": C.STATUSES,
    "document_kind": C.DOCUMENT_KINDS,
    "visa_type": C.VISA_TYPES,
    "entry_kind": C.ENTRY_KINDS,
    "ms": C.MEMBER_STATES,
    "nationality": C.NATIONALITIES,
}
_NULLABLE = {"ms?": "ms", "visa_type?": "visa_type", "date?": "date", "nationality?": "nationality"}


def _decode(arr: np.ndarray, kind: str) -> Any:
    base = _NULLABLE.get(kind, kind)
    if base in _VOCAB:
        vocab = pl.Series([*_VOCAB[base], None], dtype=pl.Utf8)
        return vocab.gather(np.where(arr < 0, len(vocab) - 1, arr))
    if base == "date":
        return pl.Series(arr.astype("datetime64[D]"), dtype=pl.Date)
    if arr.dtype == object:
        return pl.Series(arr.tolist(), dtype=pl.Utf8)
    return arr


def _encode(series: pl.Series, kind: str, where: str) -> np.ndarray:
    nullable = kind.endswith("?")
    base = _NULLABLE.get(kind, kind)
    if not nullable and series.null_count() and base != "raw":
        i = int(series.is_null().arg_max() or 0)
        raise InvalidInput(f"{where}[{i}]", "must not be null")
    if base in _VOCAB:
        return _encode_vocab(series, base, where)
    if base == "date":
        s = (
            series.cast(pl.Date, strict=False)
            if series.dtype != pl.Utf8
            else series.str.to_date(strict=False)
        )
        bad = s.is_null() & series.is_not_null()
        if bad.any():
            i = int(bad.arg_max() or 0)
            raise InvalidInput(f"{where}[{i}]", f"not an ISO 8601 date: {series[i]!r}")
        return s.to_numpy().astype("datetime64[D]")
    if base == "bool":
        if series.dtype != pl.Boolean:
            raise InvalidInput(where, f"expected booleans, got {series.dtype}")
        return series.to_numpy().astype(bool)
    if base in ("int32", "int16"):
        if not series.dtype.is_integer():
            raise InvalidInput(where, f"expected integers, got {series.dtype}")
        arr = series.to_numpy()
        if base == "int16" and len(arr) and (arr.min() < 0 or arr.max() > 1200):
            i = int(np.flatnonzero((arr < 0) | (arr > 1200))[0])
            raise InvalidInput(f"{where}[{i}]", f"{arr[i]} months is out of range (0–1200)")
        return arr.astype(np.int32 if base == "int32" else np.int16)
    return series.to_numpy().astype(object)


def _encode_vocab(series: pl.Series, base: str, where: str) -> np.ndarray:
    vocab = _VOCAB[base]
    if series.dtype.is_integer():
        arr = series.fill_null(-1).to_numpy()
        bad = (arr < -1) | (arr >= len(vocab))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InvalidInput(f"{where}[{i}]", f"code {arr[i]} is not in 0–{len(vocab) - 1}")
        if base == "nationality":
            _third_country_nationals(series, {int(c): int(c) for c in np.unique(arr)}, where)
        return arr.astype(np.int16 if base == "nationality" else np.int8)
    uniq = series.unique().to_list()
    table: dict[Any, int] = {None: -1}
    for u in uniq:
        if u is None:
            continue
        key = u
        try:
            key = u if base not in ("ms", "nationality") else _normalise_country(u, base)
            table[u] = vocab.index(key)
        except (ValueError, InvalidInput):
            i = int((series == u).arg_max() or 0)
            why = not_a_third_country_national(str(key)) if base == "nationality" else None
            message = why or f"{u!r} is not one of {', '.join(vocab[:30])}"
            raise InvalidInput(f"{where}[{i}]", message) from None
    if base == "nationality":
        _third_country_nationals(series, table, where)
    mapped = series.replace_strict(table, return_dtype=pl.Int16, default=-1)
    return mapped.to_numpy().astype(np.int16 if base == "nationality" else np.int8)


def _third_country_nationals(series: pl.Series, table: dict[Any, int], where: str) -> None:
    """AMMR Art. 2(1): no Union citizen and no national of a free-movement State is an applicant."""
    for value, code in table.items():
        why = not_a_third_country_national(C.NATIONALITIES[code]) if code >= 0 else None
        if why is not None:
            i = int((series == value).arg_max() or 0)
            raise InvalidInput(f"{where}[{i}]", why)


def _ids(series: pl.Series | None) -> np.ndarray:
    """The `id` column: strings (object array) or integers (int64), not null, unique in the batch."""
    if series is None:
        raise InvalidInput("applicants.id", "required column is missing")
    if series.null_count():
        raise InvalidInput(f"applicants.id[{int(series.is_null().arg_max() or 0)}]", "must not be null")
    if series.dtype.is_integer():
        ids = series.to_numpy().astype(np.int64)
    elif series.dtype == pl.Utf8 or isinstance(series.dtype, (pl.Categorical, pl.Enum)):
        ids = series.cast(pl.Utf8).to_numpy().astype(object)
    else:
        raise InvalidInput("applicants.id", f"expected strings or integers, got {series.dtype}")
    if series.n_unique() != len(series):
        i = int(series.is_duplicated().arg_max() or 0)
        raise InvalidInput(f"applicants.id[{i}]", f"{ids[i]!r}: ids must be unique within a batch")
    return ids


def ids_column(ids: np.ndarray) -> pl.Series:
    """Case ids as a string column (integer ids written in decimal, as in the JSON answers)."""
    if ids.dtype.kind in "iu":
        return pl.Series("id", ids).cast(pl.Utf8)
    values = ids.tolist()
    try:
        return pl.Series("id", values, dtype=pl.Utf8)
    except TypeError:  # an object array holding integers (a batch built by hand)
        return pl.Series("id", [str(v) for v in values], dtype=pl.Utf8)


def _normalise_country(value: str, base: str) -> str:
    if base == "nationality" and value.strip().lower() == "stateless":
        return "stateless"
    return normalise(value)


@dataclass(frozen=True)
class Family(Table):
    """family[]: one row per related person."""

    case: np.ndarray
    relation: np.ndarray
    ms: np.ndarray
    status: np.ndarray
    existed_before_arrival: np.ndarray
    consent_in_writing: np.ndarray
    first_decision_taken: np.ndarray
    can_take_care: np.ndarray
    dob: np.ndarray
    #: AMMR Art. 34(1): the dependency with this person is established; None = no row has it.
    dependency: np.ndarray = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        """An absent `dependency_established` column is false (not established)."""
        if self.dependency is None:
            object.__setattr__(self, "dependency", np.zeros(len(self.case), dtype=bool))

    SPEC: ClassVar[dict[str, tuple[str, str]]] = {
        "case": ("case", "int32"),
        "relation": ("relation", "relation"),
        "ms": ("member_state", "ms"),
        "status": ("status", "status"),
        "existed_before_arrival": ("existed_before_arrival", "bool"),
        "consent_in_writing": ("consent_in_writing", "bool"),
        "first_decision_taken": ("first_substantive_decision_taken", "bool"),
        "can_take_care": ("can_take_care", "bool"),
        "dob": ("date_of_birth", "date?"),
        "dependency": ("dependency_established", "bool"),
    }
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "existed_before_arrival": True,
        "consent_in_writing": False,
        "first_decision_taken": False,
        "can_take_care": True,
        "dob": None,
        "dependency": False,
    }


@dataclass(frozen=True)
class Documents(Table):
    """documents[]: residence documents and visas."""

    case: np.ndarray
    kind: np.ndarray
    ms: np.ndarray
    visa_type: np.ndarray
    on_behalf_of: np.ndarray
    valid_from: np.ndarray
    valid_until: np.ndarray
    ended_early_on: np.ndarray
    fraud_after_issuance: np.ndarray

    SPEC: ClassVar[dict[str, tuple[str, str]]] = {
        "case": ("case", "int32"),
        "kind": ("kind", "document_kind"),
        "ms": ("member_state", "ms"),
        "visa_type": ("visa_type", "visa_type?"),
        "on_behalf_of": ("issued_on_behalf_of", "ms?"),
        "valid_from": ("valid_from", "date"),
        "valid_until": ("valid_until", "date"),
        "ended_early_on": ("ended_early_on", "date?"),
        "fraud_after_issuance": ("fraud_after_issuance", "bool"),
    }
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "visa_type": None,
        "on_behalf_of": None,
        "ended_early_on": None,
        "fraud_after_issuance": False,
    }


@dataclass(frozen=True)
class Diplomas(Table):
    """diplomas[]: diplomas or qualifications obtained in a Member State."""

    case: np.ndarray
    ms: np.ndarray
    issued_on: np.ndarray
    study_months: np.ndarray

    SPEC: ClassVar[dict[str, tuple[str, str]]] = {
        "case": ("case", "int32"),
        "ms": ("member_state", "ms"),
        "issued_on": ("issued_on", "date"),
        "study_months": ("study_months", "int16"),
    }


@dataclass(frozen=True)
class Entries(Table):
    """entries[]: entries into the territory of the Member States."""

    case: np.ndarray
    kind: np.ndarray
    ms: np.ndarray
    date: np.ndarray

    SPEC: ClassVar[dict[str, tuple[str, str]]] = {
        "case": ("case", "int32"),
        "kind": ("kind", "entry_kind"),
        "ms": ("member_state", "ms"),
        "date": ("date", "date"),
    }


@dataclass(frozen=True)
class Applicants(Table):
    """One row per case: id, registration and the applicant's own facts."""

    id: np.ndarray
    reg_ms: np.ndarray
    reg_date: np.ndarray
    place: np.ndarray
    dob: np.ndarray
    age_uncertain: np.ndarray
    unaccompanied: np.ndarray
    nationality: np.ndarray
    former_residence: np.ndarray
    security_threat: np.ndarray
    misled_authorities: np.ndarray
    vulnerable: np.ndarray
    subsequent_application: np.ndarray
    relocated_to: np.ndarray
    #: AMMR Art. 67-68 (the case format's `relocation` object); None = no case has one.
    relocation_given: np.ndarray = None  # type: ignore[assignment]
    relocation_benefitting: np.ndarray = None  # type: ignore[assignment]
    relocation_determined: np.ndarray = None  # type: ignore[assignment]
    #: AMMR Art. 34(2): the applicant's health prevents travel for a significant period; None = no case.
    health_prevents_travel: np.ndarray = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        """Absent relocation and health columns are filled with their defaults (false, no relocation)."""
        n = len(self.id)
        for name, value in (("relocation_given", False), ("relocation_benefitting", -1),
                            ("relocation_determined", False), ("health_prevents_travel", False)):  # fmt: skip
            if getattr(self, name) is None:
                dtype = bool if isinstance(value, bool) else np.int8
                object.__setattr__(self, name, np.full(n, value, dtype=dtype))

    SPEC: ClassVar[dict[str, tuple[str, str]]] = {
        "id": ("id", "raw"),
        "reg_ms": ("registration.member_state", "ms"),
        "reg_date": ("registration.date", "date"),
        "place": ("registration.place", "place"),
        "dob": ("applicant.date_of_birth", "date?"),
        "age_uncertain": ("applicant.age_uncertain", "bool"),
        "unaccompanied": ("applicant.unaccompanied", "bool"),
        "nationality": ("applicant.nationality", "nationality"),
        "former_residence": ("applicant.former_habitual_residence", "nationality?"),
        "security_threat": ("applicant.security_threat", "bool"),
        "misled_authorities": ("applicant.misled_authorities", "bool"),
        "vulnerable": ("applicant.vulnerable", "bool"),
        "subsequent_application": ("applicant.subsequent_application", "bool"),
        "relocated_to": ("relocated_to", "ms?"),
        "relocation_given": ("relocation", "bool"),
        "relocation_benefitting": ("relocation.benefitting", "ms?"),
        "relocation_determined": ("relocation.responsibility_determined", "bool"),
        "health_prevents_travel": ("applicant.health_prevents_travel", "bool"),
    }
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "place": "territory",
        "dob": None,
        "age_uncertain": False,
        "unaccompanied": False,
        "former_residence": None,
        "security_threat": False,
        "misled_authorities": False,
        "vulnerable": False,
        "subsequent_application": False,
        "relocated_to": None,
        "relocation_given": False,
        "relocation_benefitting": None,
        "relocation_determined": False,
        "health_prevents_travel": False,
    }


_EMPTY_DTYPES = {
    "int32": np.int32,
    "int16": np.int16,
    "bool": bool,
    "date": "datetime64[D]",
    "date?": "datetime64[D]",
}


def _empty(cls: type[Table]) -> Any:
    return cls(
        **{name: np.zeros(0, dtype=_EMPTY_DTYPES.get(kind, np.int8)) for name, (_, kind) in cls.SPEC.items()}
    )


def _opt_ms(code: str | None) -> int:
    return -1 if code is None else C.MS_INDEX[code]


def _applicant_row(c: Case) -> tuple[Any, ...]:
    """One case's applicant columns, in the order of `_APPLICANT_DTYPES`."""
    r, p, reloc = c.registration, c.applicant, c.relocation
    return (
        c.id, C.MS_INDEX[r.member_state], r.date, C.PLACES.index(r.place), p.date_of_birth,
        p.age_uncertain, p.unaccompanied, C.NATIONALITY_INDEX[p.nationality],
        C.NATIONALITY_INDEX.get(p.former_habitual_residence or "", -1), p.security_threat,
        p.misled_authorities, p.vulnerable, p.subsequent_application, _opt_ms(c.relocated_to),
        reloc is not None, _opt_ms(reloc.benefitting if reloc else None),
        bool(reloc and reloc.responsibility_determined), p.health_prevents_travel,
    )  # fmt: skip


_D = "datetime64[D]"
#: The applicant columns (fields of `Applicants`, in order) and their dtypes.
_APPLICANT_DTYPES: tuple[Any, ...] = (
    object, np.int8, _D, np.int8, _D, bool, bool, np.int16, np.int16, bool, bool, bool, bool, np.int8,
    bool, np.int8, bool, bool,
)  # fmt: skip


def _columns(rows: list[tuple[Any, ...]], dtypes: tuple[Any, ...]) -> list[np.ndarray]:
    """Row tuples as columns of the given dtypes (dates: `datetime64[D]`, None → NaT): the columns of
    one dtype are the rows of one array (one conversion per dtype, each column contiguous)."""
    cols = list(zip(*rows, strict=True)) if rows else [()] * len(dtypes)
    out: list[np.ndarray] = [np.empty(0)] * len(dtypes)
    for dtype, ks in _by_dtype(dtypes):
        block = np.array([cols[k] for k in ks], dtype=dtype).reshape(len(ks), len(rows))
        for j, k in enumerate(ks):
            out[k] = block[j]
    return out


@cache
def _by_dtype(dtypes: tuple[Any, ...]) -> tuple[tuple[Any, tuple[int, ...]], ...]:
    """The positions of each dtype in `dtypes`."""
    return tuple((d, tuple(k for k, e in enumerate(dtypes) if e == d)) for d in dict.fromkeys(dtypes))


def _applicants(cases: Sequence[Case]) -> Applicants:
    """The applicant table of validated cases (one row each)."""
    return Applicants(*_columns([_applicant_row(c) for c in cases], _APPLICANT_DTYPES))


def _family(fam: list[tuple[int, Any]]) -> Family:
    """family[] rows: (case row, member)."""
    rows = [
        (i, C.RELATIONS.index(f.relation), C.MS_INDEX[f.member_state], C.STATUSES.index(f.status),
         f.existed_before_arrival, f.consent_in_writing, f.first_substantive_decision_taken,
         f.can_take_care, f.date_of_birth, f.dependency_established)
        for i, f in fam
    ]  # fmt: skip
    return Family(*_columns(rows, (np.int32, np.int8, np.int8, np.int8, bool, bool, bool, bool, _D, bool)))


def _documents(docs: list[tuple[int, Any]]) -> Documents:
    """documents[] rows: (case row, document)."""
    rows = [
        (i, C.DOCUMENT_KINDS.index(d.kind), C.MS_INDEX[d.member_state],
         -1 if d.visa_type is None else C.VISA_TYPES.index(d.visa_type), _opt_ms(d.issued_on_behalf_of),
         d.valid_from, d.valid_until, d.ended_early_on, d.fraud_after_issuance)
        for i, d in docs
    ]  # fmt: skip
    return Documents(*_columns(rows, (np.int32, np.int8, np.int8, np.int8, np.int8, _D, _D, _D, bool)))


def _diplomas(dips: list[tuple[int, Any]]) -> Diplomas:
    """diplomas[] rows: (case row, diploma)."""
    rows = [(i, C.MS_INDEX[d.member_state], d.issued_on, d.study_months) for i, d in dips]
    return Diplomas(*_columns(rows, (np.int32, np.int8, _D, np.int16)))


def _entries(ents: list[tuple[int, Any]]) -> Entries:
    """entries[] rows: (case row, entry)."""
    rows = [(i, C.ENTRY_KINDS.index(e.kind), C.MS_INDEX[e.member_state], e.date) for i, e in ents]
    return Entries(*_columns(rows, (np.int32, np.int8, np.int8, _D)))


#: The edge tables of a batch none of whose cases has a row in them (zero-length columns, shared).
_EMPTY: dict[type, Any] = {klass: _empty(klass) for klass in (Family, Documents, Diplomas, Entries)}


@dataclass(frozen=True)
class CaseBatch:
    """Many cases as columns: `applicants` (one row per case) and four edge tables."""

    applicants: Applicants
    family: Family
    documents: Documents
    diplomas: Diplomas
    entries: Entries

    def __len__(self) -> int:
        return len(self.applicants)

    @property
    def n(self) -> int:
        """Number of cases."""
        return len(self.applicants)

    # --- builders ---------------------------------------------------------------------------
    @classmethod
    def from_cases(cls, cases: Sequence[Case]) -> CaseBatch:
        """A batch from validated `Case` objects (row i is cases[i])."""
        fam = [(i, f) for i, c in enumerate(cases) for f in c.family]
        docs = [(i, d) for i, c in enumerate(cases) for d in c.documents]
        dips = [(i, d) for i, c in enumerate(cases) for d in c.diplomas]
        ents = [(i, e) for i, c in enumerate(cases) for e in c.entries]
        return cls(
            _applicants(cases),
            _family(fam) if fam else _EMPTY[Family],
            _documents(docs) if docs else _EMPTY[Documents],
            _diplomas(dips) if dips else _EMPTY[Diplomas],
            _entries(ents) if ents else _EMPTY[Entries],
        )

    @classmethod
    def from_dicts(cls, cases: Iterable[Mapping[str, Any] | Case]) -> CaseBatch:
        """A batch from case-format dicts; the first invalid one raises `InvalidInput` with
        its index in the path (`[3].family[0].relation`)."""
        parsed: list[Case] = []
        for i, c in enumerate(cases):
            if isinstance(c, Case):
                parsed.append(c)
                continue
            try:
                parsed.append(parse_case(c if type(c) is dict else dict(c)))
            except InvalidInput as exc:
                raise InvalidInput(f"[{i}].{exc.path}".replace(".$", ""), exc.reason) from None
        return cls.from_cases(parsed)

    @classmethod
    def from_frames(
        cls,
        applicants: pl.DataFrame,
        family: pl.DataFrame | None = None,
        documents: pl.DataFrame | None = None,
        diplomas: pl.DataFrame | None = None,
        entries: pl.DataFrame | None = None,
    ) -> CaseBatch:
        """A batch from polars (or Arrow, via `pl.from_arrow`) columns named as in the case format:
        `applicants` has `id`, `registration.member_state`, `registration.date`, ... and
        `applicant.nationality`, ...; each edge table has `case` (the applicant row) and the
        fields of its list. Validated column-wise; errors name the column and the row."""
        raw = {"family": family, "documents": documents, "diplomas": diplomas, "entries": entries}
        frames = {
            k: v if v is None or isinstance(v, pl.DataFrame) else pl.DataFrame(pl.from_arrow(v))
            for k, v in raw.items()
        }
        if not isinstance(applicants, pl.DataFrame):
            applicants = pl.DataFrame(pl.from_arrow(applicants))
        apps = Applicants.from_polars(applicants, "applicants")
        apps = replace(apps, id=_ids(applicants["id"] if "id" in applicants.columns else None))
        n = len(apps)
        tables = {}
        for name, klass in (
            ("family", Family),
            ("documents", Documents),
            ("diplomas", Diplomas),
            ("entries", Entries),
        ):
            frame = frames[name]
            table = _empty(klass) if frame is None else klass.from_polars(frame, name, n)
            tables[name] = table.take(np.argsort(table.case, kind="stable"))
        batch = cls(apps, **tables)
        batch.check()
        return batch

    def check(self) -> None:
        """Column-wise checks of what the pydantic models check case by case."""
        a, d = self.applicants, self.documents
        late = a.dob > a.reg_date
        if late.any():
            i = int(np.flatnonzero(late)[0])
            raise InvalidInput(f"applicants[{i}].applicant.date_of_birth", "after the registration date")
        visa = d.kind == C.DOCUMENT_KINDS.index("visa")
        checks = [
            (visa & (d.visa_type < 0), "visa_type", "a visa needs visa_type"),
            (~visa & (d.visa_type >= 0), "visa_type", "visa_type is only for visas"),
            (~visa & (d.on_behalf_of >= 0), "issued_on_behalf_of", "only for visas"),
            (d.valid_until < d.valid_from, "valid_until", "before valid_from"),
            (d.ended_early_on < d.valid_from, "ended_early_on", "before valid_from"),
        ]
        for bad, field, reason in checks:
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise InvalidInput(f"documents[{i}].{field}", reason)
        stateless = a.nationality == C.STATELESS_CODE
        if ((a.former_residence >= 0) & ~stateless).any():
            i = int(np.flatnonzero((a.former_residence >= 0) & ~stateless)[0])
            raise InvalidInput(
                f"applicants[{i}].applicant.former_habitual_residence", "only for stateless persons"
            )

    # --- views ------------------------------------------------------------------------------
    def to_frames(self) -> dict[str, pl.DataFrame]:
        """All tables as polars DataFrames with the case-format field names."""
        return {
            "applicants": self.applicants.to_polars(),
            "family": self.family.to_polars(),
            "documents": self.documents.to_polars(),
            "diplomas": self.diplomas.to_polars(),
            "entries": self.entries.to_polars(),
        }

    def take(self, rows: Sequence[int] | np.ndarray) -> CaseBatch:
        """The cases at `rows`, renumbered 0..k-1 in that order (edge tables follow)."""
        rows = np.asarray(rows, dtype=np.int64)
        new_index = np.full(self.n, -1, dtype=np.int64)
        new_index[rows] = np.arange(len(rows))

        def sub(t: Any) -> Any:
            keep = new_index[t.case] >= 0 if len(t) else np.zeros(0, bool)
            out = t.take(keep)
            out = replace(out, case=new_index[out.case].astype(np.int32))
            order = np.argsort(out.case, kind="stable")
            return out.take(order)

        return CaseBatch(
            self.applicants.take(rows),
            sub(self.family),
            sub(self.documents),
            sub(self.diplomas),
            sub(self.entries),
        )

    def case_dict(self, i: int) -> dict[str, Any]:
        """Case `i` in the case format (defaults filled in), e.g. to show or re-validate it."""
        a = self.applicants
        out: dict[str, Any] = {
            "id": str(a.id[i]),
            "registration": {
                "member_state": C.ms_name(int(a.reg_ms[i])),
                "date": _iso(a.reg_date[i]),
                "place": C.PLACES[int(a.place[i])],
            },
            "applicant": _applicant_dict(a, i),
            "family": [_family_dict(self.family, j) for j in _rows(self.family.case, i)],
            "documents": [_document_dict(self.documents, j) for j in _rows(self.documents.case, i)],
            "diplomas": [_diploma_dict(self.diplomas, j) for j in _rows(self.diplomas.case, i)],
            "entries": [_entry_dict(self.entries, j) for j in _rows(self.entries.case, i)],
            "relocated_to": C.ms_name(int(a.relocated_to[i])),
        }
        if a.relocation_given[i]:
            out["relocation"] = {
                "benefitting": C.ms_name(int(a.relocation_benefitting[i])),
                "responsibility_determined": bool(a.relocation_determined[i]),
            }
        return out


def _rows(case: np.ndarray, i: int) -> list[int]:
    """The rows of a side table that belong to case `i`."""
    return [int(j) for j in np.flatnonzero(case == i)]


def _iso(x: np.datetime64) -> str | None:
    """A day as ISO text (None for NaT)."""
    return None if np.isnat(x) else str(x)


def _applicant_dict(a: Applicants, i: int) -> dict[str, Any]:
    """The `applicant` object of case `i` (row `i` of the applicants' table)."""
    return {
        "date_of_birth": _iso(a.dob[i]),
        "age_uncertain": bool(a.age_uncertain[i]),
        "unaccompanied": bool(a.unaccompanied[i]),
        "nationality": C.NATIONALITIES[int(a.nationality[i])],
        "former_habitual_residence": (
            None if a.former_residence[i] < 0 else C.NATIONALITIES[int(a.former_residence[i])]
        ),
        "security_threat": bool(a.security_threat[i]),
        "misled_authorities": bool(a.misled_authorities[i]),
        "vulnerable": bool(a.vulnerable[i]),
        "subsequent_application": bool(a.subsequent_application[i]),
        "health_prevents_travel": bool(a.health_prevents_travel[i]),
    }


def _family_dict(f: Family, j: int) -> dict[str, Any]:
    """One family member (row `j` of the family table) in the case format."""
    return {
        "relation": C.RELATIONS[int(f.relation[j])],
        "member_state": C.ms_name(int(f.ms[j])),
        "status": C.STATUSES[int(f.status[j])],
        "existed_before_arrival": bool(f.existed_before_arrival[j]),
        "consent_in_writing": bool(f.consent_in_writing[j]),
        "first_substantive_decision_taken": bool(f.first_decision_taken[j]),
        "can_take_care": bool(f.can_take_care[j]),
        "date_of_birth": _iso(f.dob[j]),
        "dependency_established": bool(f.dependency[j]),
    }


def _document_dict(d: Documents, j: int) -> dict[str, Any]:
    """One residence document or visa (row `j` of the documents table) in the case format."""
    return {
        "kind": C.DOCUMENT_KINDS[int(d.kind[j])],
        "member_state": C.ms_name(int(d.ms[j])),
        "visa_type": None if d.visa_type[j] < 0 else C.VISA_TYPES[int(d.visa_type[j])],
        "issued_on_behalf_of": C.ms_name(int(d.on_behalf_of[j])),
        "valid_from": _iso(d.valid_from[j]),
        "valid_until": _iso(d.valid_until[j]),
        "ended_early_on": _iso(d.ended_early_on[j]),
        "fraud_after_issuance": bool(d.fraud_after_issuance[j]),
    }


def _diploma_dict(g: Diplomas, j: int) -> dict[str, Any]:
    """One diploma (row `j` of the diplomas table) in the case format."""
    return {
        "member_state": C.ms_name(int(g.ms[j])),
        "issued_on": _iso(g.issued_on[j]),
        "study_months": int(g.study_months[j]),
    }


def _entry_dict(e: Entries, j: int) -> dict[str, Any]:
    """One entry (row `j` of the entries table) in the case format."""
    return {
        "kind": C.ENTRY_KINDS[int(e.kind[j])],
        "member_state": C.ms_name(int(e.ms[j])),
        "date": _iso(e.date[j]),
    }


def as_batch(cases: CaseBatch | Case | Mapping[str, Any] | Sequence[Case | Mapping[str, Any]]) -> CaseBatch:
    """Accept a batch, one case (model or dict) or a list of them."""
    if isinstance(cases, CaseBatch):
        return cases
    if isinstance(cases, (Case, Mapping)):
        return CaseBatch.from_dicts([cases])
    return CaseBatch.from_dicts(cases)
