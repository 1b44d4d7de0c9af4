"""Legal references: act, article, paragraph, point, subparagraph, cited the way lawyers cite them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from migralex.errors import InvalidInput

_CITE = re.compile(
    r"^\s*(?P<act>[A-Za-z_ ]+?)\s+Art\.?\s*(?P<article>\d+)"
    r"(?:\((?P<paragraph>\d+)\))?(?:\((?P<point>[a-z]{1,3})\))?\s*$"
)


@dataclass(frozen=True, order=True)
class LegalRef:
    """A pinpoint reference into an act (e.g. AMMR Art. 33(1), APR Art. 42(1)(j))."""

    act: str
    article: str
    paragraph: str | None = None
    point: str | None = None
    subparagraph: str | None = None

    def cite(self) -> str:
        """Citation string such as `AMMR Art. 33(1)` or `APR Art. 42(1)(j), second subparagraph`."""
        from migralex.law.texts import act_label

        text = f"{act_label(self.act)} Art. {self.article}"
        if self.paragraph:
            text += f"({self.paragraph})"
        if self.point:
            text += f"({self.point})"
        if self.subparagraph:
            text += f", {self.subparagraph} subparagraph"
        return text

    def __str__(self) -> str:
        return self.cite()

    @classmethod
    def parse(cls, citation: str) -> LegalRef:
        """Parse `AMMR Art. 33(1)` / `APR Art. 42(1)(j)` / `Dublin III Art. 13(1)`."""
        m = _CITE.match(citation)
        if not m:
            raise InvalidInput("citation", f"cannot parse {citation!r} (expected e.g. 'AMMR Art. 33(1)')")
        act = m.group("act").strip().upper().replace(" ", "_")
        return cls(act, m.group("article"), m.group("paragraph"), m.group("point"))
