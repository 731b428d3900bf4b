"""The capability catalog: what counts as a release note mentioning MCP, hooks, a sandbox.

What counts as a mention is data, not code: a catalog of
named regular expressions (`miner/data/capabilities.toml`, which a user copies
and changes), each with exclusions for the lines that use the same words for
something else ("memory leak", "JetBrains plugin").
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from miner.catalogs.toml import read_toml
from miner.errors import MinerError
from miner.model.patterns import Pattern, compile_pattern, digest_key


@dataclass(frozen=True)
class Capability:
    """A named capability: a line mentions it when a pattern matches and no exclusion does.

    Each line is read twice, as written and with identifiers split at
    camelCase humps and underscores, because notes name features by their
    settings (`disableAllHooks`, `subagent_type`): a pattern or an exclusion
    matching either reading applies.
    """

    name: str
    patterns: tuple[Pattern, ...]
    exclude: tuple[Pattern, ...] = ()

    def matches(self, line: str) -> bool:
        return self.matches_readings(readings(line))

    def matches_readings(self, readings: tuple[str, ...]) -> bool:
        """`matches` for a line already read both ways (the caller reads each line once)."""
        return any(p.search(r) for p in self.patterns for r in readings) and not any(
            p.search(r) for p in self.exclude for r in readings
        )

    def may_match(self, text: str) -> bool:
        """False only when no line of `text` (lines joined by newlines) can match: one search of the whole
        text per pattern, so a release's notes are read line by line only for the capabilities they may name.

        Each pattern is searched with `^` and `$` matching at line ends as well: whatever it matches in a
        line alone, it matches where that line stands in the text.  A pattern anchored to the whole text
        (`\\A`, `\\z`) or turning that mode off cannot be screened so, and always may match.
        """
        return any(screen is None or screen.search(text) for screen in self._screens)

    @cached_property
    def _screens(self) -> tuple[Pattern | None, ...]:
        return tuple(None if _WHOLE_TEXT.search(p.pattern) else
                     compile_pattern(f"(?m){p.pattern}", ignore_case=not p.options.case_sensitive)
                     for p in self.patterns)


def load_catalog(path: str | Path | None = None) -> list[Capability]:
    """The capability catalog at `path`, or the default one shipped with miner.

    Every problem (unreadable file, TOML syntax, a bad regex, a missing name)
    is a one-line `MinerError` naming the file and the capability.
    """
    origin, _, document = read_toml(path, "capabilities.toml", "capabilities catalog")
    entries = document.get("capability")
    if not isinstance(entries, list) or not entries:
        raise MinerError(f"{origin}: no [[capability]] entries")
    catalog = [_capability(entry, origin) for entry in entries]
    _check_unique(catalog, origin)
    return catalog


def catalog_digest(catalog: Sequence[Capability]) -> str:
    parts = [[c.name, [digest_key(p) for p in c.patterns], [digest_key(p) for p in c.exclude]] for c in catalog]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


# -- helpers ---------------------------------------------------------------

_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# What makes a pattern match differently inside a longer text: anchors to its ends, or a flag group that may
# turn multi-line mode off.
_WHOLE_TEXT = re.compile(r"\\[Az]|\(\?[a-zA-Z]*-")


def readings(line: str) -> tuple[str, ...]:
    """The line as written and with identifiers split, once when splitting changes nothing."""
    split = _split_identifiers(line)
    return (line,) if split == line else (line, split)


def _capability(entry: object, origin: str) -> Capability:
    """A Capability from one TOML table, or a MinerError saying what is wrong with it."""
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
        raise MinerError(f"{origin}: a [[capability]] entry has no name")
    name = entry["name"]
    patterns = _compile(entry.get("patterns"), name, "patterns", origin)
    if not patterns:
        raise MinerError(f"{origin}: capability {name!r} has no patterns")
    return Capability(name, patterns, _compile(entry.get("exclude", []), name, "exclude", origin))


def _compile(values: object, name: str, field: str, origin: str) -> tuple[Pattern, ...]:
    """The patterns compiled for RE2 (see `miner.model.patterns`: matching never backtracks)."""
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise MinerError(f"{origin}: capability {name!r}: {field} must be a list of strings")
    compiled = []
    for value in values:
        try:
            compiled.append(compile_pattern(value, ignore_case=True))
        except ValueError as error:
            raise MinerError(f"{origin}: capability {name!r}: bad regular expression {value!r}: {error}") from None
    return tuple(compiled)


def _check_unique(catalog: list[Capability], origin: str) -> None:
    seen: set[str] = set()
    for capability in catalog:
        if capability.name in seen:
            raise MinerError(f"{origin}: capability {capability.name!r} is defined twice")
        seen.add(capability.name)


def _split_identifiers(line: str) -> str:
    """`disableAllHooks` -> `disable All Hooks`, `CLAUDE_CODE_SUBAGENT_MODEL` -> `CLAUDE CODE SUBAGENT MODEL`."""
    return _HUMP.sub(" ", line).replace("_", " ")


