"""`/v1/law/...`: the acts, their article texts and the dated legal parameters (over `migralex.law`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from migralex.api.errors import ERRORS_404, ERRORS_422
from migralex.api.types import IsoDate
from migralex.errors import UnknownReference
from migralex.law import acts, article, articles, params, resolve_act, search
from migralex.law.params import Parameter, ParamValue
from migralex.law.participation import table_rows
from migralex.law.texts import act_label, acts_with_text, recital

router = APIRouter(prefix="/v1/law", tags=["law"])


class ActOut(BaseModel):
    """One legal act with its identifiers and dates of application."""

    key: str = Field(examples=["AMMR"])
    label: str = Field(examples=["AMMR"])
    title: str
    kind: str
    celex: str = Field(examples=["32024R1351"])
    eli: str
    entry_into_force: dt.date
    applies_from: dt.date
    applies_until: dt.date | None = None
    aliases: list[str]
    has_text: bool = Field(description="True if the article texts (or an index) are shipped")


class ArticleSummary(BaseModel):
    """An article's number and title."""

    act: str
    number: int
    title: str
    citation: str = Field(examples=["AMMR Art. 33"])


class ArticleOut(ArticleSummary):
    """One article with its text and numbered paragraphs."""

    text: str
    paragraphs: dict[str, str] = Field(description="Numbered paragraphs, keyed by number ('1', '2', ...)")
    part: str | None = None
    chapter: str | None = None
    section: str | None = None
    official: bool = Field(description="False for Dublin III, where only an index in our words is shipped")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "act": "AMMR",
                    "number": 33,
                    "title": "Irregular entry",
                    "citation": "AMMR Art. 33",
                    "text": "Irregular entry\n1. Where it is established ...",
                    "paragraphs": {"1": "1. Where it is established ..."},
                    "part": "PART III",
                    "chapter": "CHAPTER II",
                    "section": None,
                    "official": True,
                }
            ]
        }
    }


class SearchHitOut(BaseModel):
    """An article whose text contains the query."""

    act: str
    number: int
    title: str
    citation: str
    matches: int
    snippet: str


class ValueOut(BaseModel):
    """One dated value of a parameter and where the law says it."""

    value: Any = Field(examples=[20])
    shown: str = Field(description="The value with its unit, e.g. '20 months'", examples=["20 months"])
    applies_from: dt.date
    reference: str = Field(examples=["APR Art. 51(2)"])
    act: str
    article: str
    paragraph: str | None = None
    point: str | None = None
    quote: str | None = None
    confidence: str


class ParameterOut(BaseModel):
    """A legal parameter with its dated values (only the one in force when `on` is given)."""

    name: str = Field(examples=["ammr.solidarity.pool_relocations_min"])
    kind: str = Field(description="'value', or 'reading' for a choice between readings of the law")
    description: str
    unit: str
    boundary: str = Field(description="more_than, at_least, less_than, at_most or exactly")
    options: dict[str, str] = Field(default_factory=dict)
    values: list[ValueOut]


def _act_out(a: Any) -> ActOut:
    return ActOut(
        key=a.key,
        label=act_label(a.key),
        title=a.title,
        kind=a.kind,
        celex=a.celex,
        eli=a.eli,
        entry_into_force=a.entry_into_force,
        applies_from=a.applies_from,
        applies_until=a.applies_until,
        aliases=list(a.aliases),
        has_text=a.key in acts_with_text(),
    )


def _value_out(p: Parameter, v: ParamValue) -> ValueOut:
    return ValueOut(
        value=v.value,
        shown=p.describe_value(v),
        applies_from=v.start,
        reference=v.ref.cite(),
        act=v.ref.act,
        article=v.ref.article,
        paragraph=v.ref.paragraph,
        point=v.ref.point,
        quote=v.quote,
        confidence=v.confidence,
    )


ActName = Annotated[
    str, Path(description="Act key or alias: AMMR, APR, SR, CFMR, RBPR, RCD, QR, URF, Eurodac")
]


@router.get("/acts", summary="The acts of the Pact", response_model=list[ActOut])
def list_acts() -> list[ActOut]:
    """Every act migralex knows (the nine Pact acts, Dublin III, Directive 2013/32/EU) with CELEX and ELI."""
    return [_act_out(a) for a in acts()]


@router.get(
    "/{act}/articles",
    summary="Articles of an act",
    response_model=list[ArticleSummary],
    responses={**ERRORS_404, **ERRORS_422},
)
def list_articles(act: ActName) -> list[ArticleSummary]:
    """Number, title and citation of every shipped article of one act."""
    key = resolve_act(act).key
    if key not in acts_with_text():
        raise UnknownReference(f"no article texts are shipped for {act_label(key)}")
    return [
        ArticleSummary(act=a.act, number=a.number, title=a.title, citation=a.citation) for a in articles(key)
    ]


@router.get(
    "/{act}/articles/{n}",
    summary="One article's text",
    response_model=ArticleOut,
    responses={**ERRORS_404, **ERRORS_422},
)
def get_article(act: ActName, n: Annotated[int, Path(ge=1, le=10_000, examples=[33])]) -> ArticleOut:
    """The official text of one article (for Dublin III, migralex's own summary), split in paragraphs."""
    a = article(act, n)
    return ArticleOut(
        act=a.act,
        number=a.number,
        title=a.title,
        citation=a.citation,
        text=a.text,
        paragraphs=a.paragraphs(),
        part=a.part,
        chapter=a.chapter,
        section=a.section,
        official=a.official,
    )


@router.get(
    "/search",
    summary="Find articles by their text",
    response_model=list[SearchHitOut],
    responses={**ERRORS_404, **ERRORS_422},
)
def search_articles(
    q: Annotated[str, Query(min_length=1, max_length=200, pattern=r"\S", examples=["20 months"])],
    act: Annotated[str | None, Query(max_length=40, description="Search one act only")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[SearchHitOut]:
    """Articles whose title or text contains `q` (case- and whitespace-insensitive), most matches first."""
    return [
        SearchHitOut(
            act=h.article.act,
            number=h.article.number,
            title=h.article.title,
            citation=h.article.citation,
            matches=h.matches,
            snippet=h.snippet,
        )
        for h in search(q, act, limit)
    ]


@router.get(
    "/params",
    summary="The dated legal parameters",
    response_model=list[ParameterOut],
    responses={**ERRORS_404, **ERRORS_422},
)
def list_params(
    act: Annotated[str | None, Query(max_length=40, description="Only this act's parameters")] = None,
    on: Annotated[IsoDate | None, Query(description="Only the value in force on this date")] = None,
    name: Annotated[
        str | None, Query(max_length=200, description="Only parameters whose name contains this")
    ] = None,
) -> list[ParameterOut]:
    """Every legal number of the Pact: value, unit, boundary, applies-from date, article, verbatim quote."""
    wanted = resolve_act(act).key if act else None
    out: list[ParameterOut] = []
    for p in params().values():
        if (wanted and p.ref.act != wanted) or (name and name not in p.name):
            continue
        values = [v for v in p.values if v.start <= on][-1:] if on else list(p.values)
        if not values:
            continue
        out.append(
            ParameterOut(
                name=p.name,
                kind=p.kind,
                description=p.description,
                unit=p.unit,
                boundary=p.boundary,
                options=dict(p.options),
                values=[_value_out(p, v) for v in values],
            )
        )
    return out


class RecitalOut(BaseModel):
    """One recital of an act (the preamble: the reasons the act gives, e.g. who is bound by it)."""

    act: str
    number: int
    citation: str = Field(examples=["AMMR recital 90"])
    text: str


@router.get(
    "/{act}/recitals/{n}",
    summary="One recital's text",
    response_model=RecitalOut,
    responses={**ERRORS_404, **ERRORS_422},
)
def get_recital(act: ActName, n: Annotated[int, Path(ge=1, le=10_000, examples=[90])]) -> RecitalOut:
    """The official text of one recital of a Pact act (e.g. AMMR recital 90 on Denmark's position)."""
    key = resolve_act(act).key
    return RecitalOut(act=key, number=n, citation=f"{act_label(key)} recital {n}", text=recital(key, n))


class ParticipationOut(BaseModel):
    """How one act binds one State that is not bound as an ordinary Member State."""

    state: str = Field(examples=["DK"])
    act: str = Field(examples=["APR"])
    binds: str = Field(description="all, none or parts", examples=["none"])
    parts: list[str] = Field(default_factory=list, examples=[["Part III", "Part V", "Part VII"]])
    via: str | None = Field(description="the agreement (or opt-in) and its OJ reference", default=None)
    citation: str = Field(examples=["APR recital 107"])
    quote: str | None = None
    why: str = Field(description="the sentence an answer's legal basis carries")
    reading: str | None = Field(default=None, description="the reading parameter the entry depends on")
    confidence: str


@router.get("/participation", summary="Who is bound by which act", response_model=list[ParticipationOut])
def list_participation(
    state: Annotated[str | None, Query(description="one State (ISO code), e.g. DK, CH")] = None,
) -> list[ParticipationOut]:
    """Denmark, Ireland and the States associated with the Dublin rules (CH, IS, LI, NO), per act, under
    the shipped readings (law/participation.yaml); every other Member State is bound by every act."""
    return [ParticipationOut(**row) for row in table_rows(state=state)]
