"""Errors and warnings that reach the user as one line, never as a traceback.

Every failure the CLI can meet on bad input is a `MinerError`; its message names
the repository, tag and file involved.  Problems confined to one release or one
manifest are `MinerWarning` values collected beside the results instead of raised, so
one broken tag never stops the analysis of the others.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

from miner.model.names import as_text


class MinerError(Exception):
    """A problem with the user's input that ends the command with a one-line message."""


@dataclass(frozen=True)
class MinerWarning:
    """A non-fatal problem, located as precisely as the source allows."""

    repo: str
    message: str
    tag: str = ""
    path: str = ""

    def __post_init__(self) -> None:
        # A path or tag name from git may hold bytes that are not UTF-8: a warning is written and printed as text.
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, str):
                object.__setattr__(self, field.name, as_text(value))

    def __str__(self) -> str:
        where = ":".join(part for part in (self.repo, self.tag, self.path) if part)
        return f"{where}: {self.message}" if where else self.message
