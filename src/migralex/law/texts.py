"""The shipped article texts of the Pact acts (EUR-Lex, OJ L of 22.5.2024) and the Dublin III index."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from migralex.errors import UnknownReference

#: Text file of each act with shipped article texts (`texts/<file>.json`).
TEXT_FILES: dict[str, str] = {
    "AMMR": "ammr",
    "APR": "apr",
    "RBPR": "rbpr",
    "URF": "urfa",
    "SR": "sr",
    "EURODAC": "eurodac",
    "CFMR": "cfmr",
    "QR": "qr",
    "RCD": "rcd",
}

#: Acts for which only an article index (number, title, summary in our words) is shipped.
INDEX_FILES: dict[str, str] = {
    "DUBLIN_III": "dublin3_index.yaml",
    "RETURN_DIRECTIVE": "return_directive_index.yaml",
    "SIS_RETURN": "sis_return_index.yaml",
    "VISA_LIST": "visa_list_index.yaml",  # Reg. 2018/1806 (visa list, suspension mechanism)
    "TP_UA_2025": "tp_ua_2025_index.yaml",
    "SIS_BORDER": "sis_border_index.yaml",  # Reg. 2018/1861 (review period of alerts, Art. 39)
    "MUTUAL_RECOGNITION": "mutual_recognition_index.yaml",  # Dir. 2001/40/EC
}

_PARAGRAPH = re.compile(r"^(\d+)\.\s", re.MULTILINE)
_POINT = re.compile(r"^\(([a-z]{1,3})\)\s", re.MULTILINE)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Article:
    """One article: its act, number, title and text (`official` False for our own summaries)."""

    act: str
    number: int
    title: str
    text: str
    part: str | None = None
    chapter: str | None = None
    section: str | None = None
    official: bool = True

    @property
    def citation(self) -> str:
        """The article as it is cited, e.g. `AMMR Art. 33`."""
        return f"{act_label(self.act)} Art. {self.number}"

    def paragraphs(self) -> dict[str, str]:
        """Numbered paragraphs of the article (`{"1": text, ...}`); empty when it has none."""
        body = self.text
        starts = [(m.group(1), m.start()) for m in _PARAGRAPH.finditer(body)]
        out: dict[str, str] = {}
        for i, (number, start) in enumerate(starts):
            end = starts[i + 1][1] if i + 1 < len(starts) else len(body)
            out.setdefault(number, body[start:end].strip())
        return out

    def has_paragraph(self, paragraph: str) -> bool:
        """True if the article has that numbered paragraph (or has no numbered paragraphs and
        `paragraph` is empty)."""
        return paragraph in self.paragraphs()

    def points(self, paragraph: str | None = None) -> set[str]:
        """Lettered points `(a)`, `(b)`... in the article or in one of its paragraphs."""
        scope = self.paragraphs().get(paragraph, "") if paragraph else self.text
        return {m.group(1) for m in _POINT.finditer(scope)}

    def contains(self, quote: str) -> bool:
        """True if `quote` occurs in the article text, whitespace-insensitively."""
        return normalise_space(quote) in normalise_space(self.text)


def collapse_space(text: str) -> str:
    """Collapse every run of whitespace (incl. no-break spaces) into one space."""
    return _SPACES.sub(" ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


def normalise_space(text: str) -> str:
    """`collapse_space`, lower-cased: the form in which quotes and searches are compared."""
    return collapse_space(text).lower()


def act_label(act: str) -> str:
    """Display label of an act key (`DUBLIN_III` → `Dublin III`, `EURODAC` → `Eurodac`)."""
    labels = {"DUBLIN_III": "Dublin III", "EURODAC": "Eurodac", "RETURN_DIRECTIVE": "Return Directive"}
    more = {
        "SIS_RETURN": "SIS Return Reg.",
        "SIS_BORDER": "SIS Border Reg.",
        "MUTUAL_RECOGNITION": "Dir. 2001/40/EC",
    }
    return (labels | more).get(act, act)


def _article_title(raw: dict[str, object]) -> str:
    subject = raw.get("subject")
    return str(subject) if subject else str(raw.get("title", ""))


@cache
def _load(act: str) -> dict[int, Article]:
    base = resources.files("migralex.law").joinpath("texts")
    if act in TEXT_FILES:
        data = json.loads(base.joinpath(f"{TEXT_FILES[act]}.json").read_text("utf-8"))
        return {
            int(a["number"]): Article(
                act=act,
                number=int(a["number"]),
                title=_article_title(a),
                text=str(a["content"]),
                part=a.get("part"),
                chapter=a.get("chapter"),
                section=a.get("section"),
            )
            for a in data["articles"]
        }
    if act in INDEX_FILES:
        data = yaml.safe_load(base.joinpath(INDEX_FILES[act]).read_text("utf-8"))
        return {
            int(a["number"]): Article(
                act=act,
                number=int(a["number"]),
                title=str(a["title"]),
                text=f"{a['title']}\n{a.get('summary', '')}".strip(),
                official=False,
            )
            for a in data["articles"]
        }
    raise UnknownReference(
        f"no article texts for act {act!r}; acts with texts: "
        f"{', '.join(act_label(a) for a in [*TEXT_FILES, *INDEX_FILES])}"
    )


@cache
def _recitals(act: str) -> dict[int, str]:
    base = resources.files("migralex.law").joinpath("texts")
    data = json.loads(base.joinpath(f"{TEXT_FILES[act]}.json").read_text("utf-8"))
    return {int(r["number"]): str(r["text"]) for r in data.get("recitals", [])}


def recital(act: str, number: int | str) -> str:
    """The text of one recital of an act with shipped text; unknown ones raise `UnknownReference`."""
    from migralex.law.acts import resolve_act

    key = resolve_act(act).key
    if key not in TEXT_FILES:
        raise UnknownReference(f"no recitals shipped for {act_label(key)}")
    table = _recitals(key)
    n = int(str(number).strip())
    if n not in table:
        raise UnknownReference(f"{act_label(key)} has no recital ({n}); it has ({min(table)})–({max(table)})")
    return table[n]


def acts_with_text() -> list[str]:
    """Acts whose articles are shipped (as official text or as an index)."""
    return [*TEXT_FILES, *INDEX_FILES]


def articles(act: str) -> list[Article]:
    """All articles of an act, in order."""
    from migralex.law.acts import resolve_act

    key = resolve_act(act).key
    return [v for _, v in sorted(_load(key).items())]


def article(act: str, number: int | str) -> Article:
    """One article; an unknown act or article number raises `UnknownReference` listing what exists."""
    from migralex.law.acts import resolve_act

    key = resolve_act(act).key
    table = _load(key)
    try:
        n = int(str(number).strip())
    except ValueError:
        raise UnknownReference(f"article number must be an integer, got {number!r}") from None
    if n not in table:
        raise UnknownReference(
            f"{act_label(key)} has no Article {n}; it has Articles {min(table)}–{max(table)}"
        )
    return table[n]


@dataclass(frozen=True)
class SearchHit:
    """An article matching a text search, with a snippet around the first match."""

    article: Article
    snippet: str
    matches: int


def search(query: str, act: str | None = None, limit: int = 50) -> list[SearchHit]:
    """Articles whose title or text contains `query` (case- and whitespace-insensitive)."""
    needle = normalise_space(query)
    if not needle:
        raise ValueError("search query is empty")
    from migralex.law.acts import resolve_act

    keys = [resolve_act(act).key] if act else acts_with_text()
    hits: list[SearchHit] = []
    for key in keys:
        for art in _load(key).values():
            text = collapse_space(art.text)
            hay = text.lower()
            count = hay.count(needle)
            if not count:
                continue
            pos = hay.find(needle)
            start, end = max(0, pos - 80), min(len(hay), pos + len(needle) + 80)
            snippet = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
            hits.append(SearchHit(art, snippet, count))
    hits.sort(key=lambda h: (-h.matches, h.article.act, h.article.number))
    return hits[:limit]
