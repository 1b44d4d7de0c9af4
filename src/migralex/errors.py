"""Exceptions raised by migralex: each names what was wrong and where."""

from __future__ import annotations


class MigralexError(Exception):
    """Base class of every error migralex raises on purpose."""


class InvalidInput(MigralexError, ValueError):
    """A value given by the caller is wrong; `path` names the field (a JSON path where possible)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnknownReference(MigralexError, LookupError):
    """An act, article, parameter or dataset that does not exist; the message lists what does."""


class LawDataError(MigralexError):
    """A shipped law file (act list, parameter, text) is malformed; the message names file and key."""


class DataValidationError(MigralexError):
    """A shipped dataset failed validation; the message names the file and the row."""
