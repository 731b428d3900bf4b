"""Tags, releases and the timeline of one release line, as values."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from miner.model.versions import Version


@dataclass(frozen=True)
class TagRef:
    """A tag as stored in git: what it points at and when it was made.

    `commit` is None when the tag cannot be a release, and `problem` says why;
    `kind` is "ignored" for a ref git itself ignores (or whose name is no
    text), which is no release whatever its name says.
    """

    name: str
    commit: str | None
    kind: str
    annotated: bool
    date: datetime | None
    message: str = ""
    problem: str = ""


@dataclass(frozen=True)
class Skipped:
    """A tag that is not analysed as a release, and why."""

    tag: str
    reason: str


@dataclass(frozen=True)
class Release:
    """One release of the analysed line."""

    tag: str
    line: str
    version: Version
    date: datetime
    commit: str
    annotated: bool
    previous: str = ""
    out_of_order: bool = False

    @property
    def stable(self) -> bool:
        return self.version.stable


@dataclass(frozen=True)
class Timeline:
    """The releases of the chosen line, ordered by date, and what was left out.

    `lines` counts the version tags of every release line; `firsts` names each
    line's earliest tag and its date, which say when a line (`rusty-v8-v`) began.
    """

    line: str
    releases: tuple[Release, ...]
    skipped: tuple[Skipped, ...]
    lines: dict[str, int]
    firsts: dict[str, tuple[str, datetime | None]] = field(default_factory=dict)


