"""Internal names in words: a reading's code name (`ammr.reading.offsets_cap = gap`) becomes what it
means and where the law says it (AMMR Art. 63(3)). A shell helper for messages shown to people."""

from __future__ import annotations

import re

from migralex.law.params import params

READING = re.compile(r"(?:reading )?\b(?P<name>[a-z]+\.reading\.[a-z_]+)\s*=\s*(?P<option>[A-Za-z0-9_]+)")


def reading_in_words(name: str, option: str) -> str:
    """`ammr.reading.offsets_cap`, `gap` → 'reading "offsets fill the gap ..." (AMMR Art. 63(3))'."""
    p = params()
    if name not in p:
        return f"{name} = {option}"
    parameter = p[name]
    meaning = parameter.options.get(option, option.replace("_", " "))
    return f"reading “{meaning}” ({parameter.values[-1].ref.cite()})"


def in_words(text: str) -> str:
    """`text` with every `x.reading.y = z` replaced by the reading in words and its article."""
    return READING.sub(lambda m: reading_in_words(m.group("name"), m.group("option")), text)


def plain_numbers(text: str) -> str:
    """Whole numbers written as floats in a message (`22,700.0 offsets`) without their `.0`."""
    return re.sub(r"(\d)\.0\b(?![.\d])", r"\1", text)


def in_plain_words(text: str) -> str:
    """Readings in words and plain whole numbers: what a note shown to a person goes through."""
    return plain_numbers(in_words(text))
