"""Caches of facts derived from git objects, keyed by object id.

A blob or tree id names its content exactly, so whatever is computed from it
(a parsed manifest, a workspace, a line count) never goes stale: a release that
shares a file with the previous one costs a dictionary look-up.  Extraction code
takes any object with this `get`/`put` interface; `MemoryCache` serves one run
or a test, and `RecordingCache` a mining run over what the SQLite store already
holds, so that a second `mine analyze` of an unchanged repository recomputes
nothing.  Values must be JSON-serialisable.
"""
from __future__ import annotations

from typing import Any, Protocol

from miner.store import jsontext


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


class ReadCache(Protocol):
    """The reading half of a `Cache`: what a store offers a mining run."""

    def get(self, kind: str, key: str) -> Any | None: ...


class RecordingCache:
    """A cache that reads through to an earlier one and records what is put, for the one writer to save.

    Mining never writes to the store: the entries a run makes come back with
    its analysis (`entries`) and are saved with it, so a worker on another
    machine can mine with a read-only view of the store, or none.  A value put
    here reads back after a JSON round trip (lists for tuples, text keys), as
    it would from the store: a run gives the same results whether an entry
    was made now or by an earlier run.
    """

    def __init__(self, earlier: ReadCache | None = None):
        self.earlier = earlier
        self._new: dict[tuple[str, str], str] = {}
        self._decoded: dict[tuple[str, str], Any] = {}

    def get(self, kind: str, key: str) -> Any | None:
        entry = (kind, key)  # made once: the architecture pass asks 100,000 times
        found = self._decoded.get(entry)
        if found is None:
            text = self._new.get(entry)
            if text is not None:  # decoded when first read: most entries never are
                found = self._decoded[entry] = jsontext.loads(text)
            elif self.earlier is not None:
                found = self.earlier.get(kind, key)
        return found

    def put(self, kind: str, key: str, value: Any) -> None:
        self._new[(kind, key)] = jsontext.dumps(value)
        self._decoded.pop((kind, key), None)

    def entries(self) -> dict[tuple[str, str], str]:
        """The entries put during the run, as JSON text, in the order they were made."""
        return dict(self._new)
