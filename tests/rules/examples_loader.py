"""The one loader of the legal examples (tests/rules/examples/, tests/rules/examples_timeline/).

Both test modules read their YAML files here: the documents and examples must carry their keys, a
file's `base` case merges into each example, and every quotation in an example's `source` is
checked against the article it cites. A `source` reads like "AMMR Art. 39(1), second
subparagraph: 'the request to take charge shall be sent within one month of receiving such hit'";
each passage in single quotes is looked up, whitespace- and case-insensitively, in the text of the
last article cited before it (an `Art. N` with no act keeps the act cited before; `recital N`
looks in that recital). Passages split on `...` are looked up piece by piece. Quotes of acts whose
text is not shipped (Dublin III, Regulation 1560/2003, the Schengen Borders Code...) are not
checked: no text to check against (`unchecked` says so, they are counted, not silently passed).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from migralex.errors import UnknownReference
from migralex.law.texts import TEXT_FILES, article, normalise_space, recital

#: A citation of an article (`AMMR Art. 39`, `Art. 40`, `CFMR Art. 12`) or of a recital.
_CITE = re.compile(
    r"(?:(?P<act>AMMR|APR|RBPR|URF|SR|Eurodac|EURODAC|CFMR|QR|RCD|Dublin III|Regulation \(E[CU]\)"
    r" (?:No )?[\d/]+|Directive [\d/]+(?:/E[CU])?)\s+)?(?:(?:Arts?\.\s*(?P<article>\d+))|(?:recitals?\s*"
    r"\(?(?P<recital>\d+)\)?))"
)
#: A passage in single quotes (a closing quote is followed by a space, punctuation or the end, so
#: that an apostrophe inside a word does not close it).
_QUOTE = re.compile(r"(?:(?<=^)|(?<=[\s(:\"\[]))'(?P<text>.+?)'(?=[\s;,.):\]]|$)")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\.\.\.\])\s*")


@dataclass(frozen=True)
class Quote:
    """One quoted passage of a source and where it must be found."""

    act: str | None
    article: int | None
    recital: int | None
    text: str


def _act_key(label: str | None) -> str | None:
    if label is None:
        return None
    key = label.upper().replace(" ", "_")
    return key if key in TEXT_FILES else "UNSHIPPED"


def quotes(source: str) -> list[Quote]:
    """The quoted passages of `source`, each with the article (or recital) cited before it."""
    cites = list(_CITE.finditer(source))
    out = []
    for q in _QUOTE.finditer(source):
        act: str | None = None
        art: int | None = None
        rec: int | None = None
        for c in cites:
            if c.start() > q.start():
                break
            key = _act_key(c.group("act"))
            act = key or act
            art = int(c.group("article")) if c.group("article") else None
            rec = int(c.group("recital")) if c.group("recital") else None
        out.append(Quote(act, art, rec, q.group("text")))
    return out


def _clean(text: str) -> str:
    return normalise_space(text.replace("’", "'").replace("‘", "'")).strip(" .;,:")


def check_quotes(source: str) -> int:
    """Assert every quote of `source` is in the text it cites; return how many were checked."""
    checked = 0
    for q in quotes(source):
        if q.act is None or q.act == "UNSHIPPED" or (q.article is None and q.recital is None):
            continue
        try:
            body = recital(q.act, q.recital) if q.recital is not None else article(q.act, q.article).text
        except UnknownReference as exc:
            raise AssertionError(f"source cites what does not exist: {exc}") from None
        where = f"{q.act} {'recital' if q.recital is not None else 'Art.'} {q.recital or q.article}"
        haystack = _clean(body)
        for piece in _ELLIPSIS.split(q.text):
            piece = _clean(piece)
            if piece:
                assert piece in haystack, f"quote not in {where}: {piece!r}"
        checked += 1
    return checked


def merge(base: Any, over: Any) -> Any:
    """`over` merged into `base` (mappings key by key, anything else replaced)."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = merge(base.get(k), v) if k in base else v
        return out
    return copy.deepcopy(over)


def load(directory: Path, doc_keys: set[str], example_keys: set[str], pattern: str = "*.yaml") -> list[Any]:
    """One `pytest.param(doc, example)` per example of every YAML file of `directory` matching
    `pattern`; the keys are checked and each example's `source` quotes are checked against the
    articles they cite."""
    out = []
    for path in sorted(directory.glob(pattern)):
        doc = yaml.safe_load(path.read_text("utf-8"))
        assert doc_keys <= set(doc), f"{path.name}: needs {sorted(doc_keys)}"
        for ex in doc["examples"]:
            missing = example_keys - set(ex)
            assert not missing, f"{path.name}: example {ex.get('name')!r} lacks {missing}"
            out.append(pytest.param(doc, ex, id=f"{path.stem}: {ex['name']}"))
    return out
