"""Errors and warnings that reach the user as one line, never as a traceback.

Every failure the CLI can meet on bad input is a `MinerError`; its message names
the repository, tag and file involved.  Problems confined to one release or one
manifest are `Warning` values collected beside the results instead of raised, so
one broken tag never stops the analysis of the others.
"""
from __future__ import annotations

from dataclasses import dataclass


class MinerError(Exception):
    """A problem with the user's input that ends the command with a one-line message."""


@dataclass(frozen=True)
class Warning:
    """A non-fatal problem, located as precisely as the source allows."""

    repo: str
    message: str
    tag: str = ""
    path: str = ""

    def __str__(self) -> str:
        where = ":".join(part for part in (self.repo, self.tag, self.path) if part)
        return f"{where}: {self.message}"
