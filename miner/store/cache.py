"""Caches of facts derived from git objects, keyed by object id.

A blob or tree id names its content exactly, so whatever is computed from it
(a parsed manifest, a workspace, a line count) never goes stale: a release that
shares a file with the previous one costs a dictionary look-up.  Extraction code
takes any object with this `get`/`put` interface; `MemoryCache` serves one run,
and the SQLite store provides a persistent one so that a second `mine analyze`
of an unchanged repository recomputes nothing.  Values must be JSON-serialisable.
"""
from __future__ import annotations

from typing import Any, Protocol


class Cache(Protocol):
    """Get and put JSON-serialisable values under (kind, object id)."""

    def get(self, kind: str, key: str) -> Any | None: ...

    def put(self, kind: str, key: str, value: Any) -> None: ...


class MemoryCache:
    """A cache that lives as long as the process."""

    def __init__(self) -> None:
        self._values: dict[tuple[str, str], Any] = {}

    def get(self, kind: str, key: str) -> Any | None:
        return self._values.get((kind, key))

    def put(self, kind: str, key: str, value: Any) -> None:
        self._values[(kind, key)] = value

    def items(self):
        """Every (kind, key, value), for the store to persist after a run."""
        return ((kind, key, value) for (kind, key), value in self._values.items())
