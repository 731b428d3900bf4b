"""Capabilities searched for in release notes, and when each first appeared.

An analyst's question "when did this agent get MCP, hooks, a sandbox?" is
answered by the first release whose notes mention it and by how many releases
mention it since.  What counts as a mention is data, not code: a catalog of
named regular expressions (`miner/data/capabilities.toml`, which a user copies
and changes), each with exclusions for the lines that use the same words for
something else ("memory leak", "JetBrains plugin").
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from miner.store.cache import Cache
from miner.catalogs.toml import read_toml
from miner.errors import MinerError
from miner.model.patterns import Pattern, compile_pattern, digest_key

MENTIONS_KIND = "capability-mentions-v1"
SUMMARY_COLUMNS = ["capability", "first_release", "first_date", "releases_mentioning", "source", "evidence"]


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
        return self.matches_readings(_readings(line))

    def matches_readings(self, readings: tuple[str, ...]) -> bool:
        """`matches` for a line already read both ways (the caller reads each line once)."""
        return any(p.search(r) for p in self.patterns for r in readings) and not any(
            p.search(r) for p in self.exclude for r in readings
        )


@dataclass(frozen=True)
class ReleaseText:
    """One release's notes as `evolution` reads them; plain 6-tuples in this order work too."""

    tag: str
    version: str
    date: str | None
    stable: bool
    notes_text: str | None
    source: str | None


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


def mentions(catalog: Sequence[Capability], text: str | None) -> dict[str, str]:
    """Each capability mentioned in `text`, with the first line that mentions it, in catalog order.

    Markdown list items wrapped over several lines are joined first, so a
    phrase split by wrapping still matches and the evidence is a whole item.
    """
    readings = [(line, _readings(line)) for line in _logical_lines(text or "")]
    found = {}
    for capability in catalog:
        line = next((line for line, pair in readings if capability.matches_readings(pair)), None)
        if line is not None:
            found[capability.name] = line
    return found


def cached_mentions(catalog: Sequence[Capability], texts: Iterable[str | None], cache: Cache) -> list[dict[str, str]]:
    """`mentions` of each text, cached under a digest of the catalog and the text.

    Matching a hundred patterns against long notes costs about a second on
    claude-code's 378 releases; a re-analysis after a new release then reads
    only the new release's notes.
    """
    catalog_key = _catalog_digest(catalog)
    found = []
    for text in texts:
        text = text if isinstance(text, str) else ""
        key = hashlib.sha256(f"{catalog_key}\0{text}".encode()).hexdigest()
        value = cache.get(MENTIONS_KIND, key)
        if value is None:
            value = mentions(catalog, text)
            cache.put(MENTIONS_KIND, key, value)
        found.append(value)
    return found


def _catalog_digest(catalog: Sequence[Capability]) -> str:
    parts = [[c.name, [digest_key(p) for p in c.patterns], [digest_key(p) for p in c.exclude]] for c in catalog]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def evolution(
    catalog: Sequence[Capability],
    releases_in_order: Iterable[ReleaseText | Sequence],
    count_all: bool = False,
    found: Sequence[dict[str, str]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """When each capability first appeared and how many releases mention it, plus the mention matrix.

    `releases_in_order` are (tag, version, date, stable, notes_text, source)
    from oldest to newest.  Only stable releases count unless `count_all`:
    alphas repeat the notes of the release they lead to.  The summary has one
    row per capability (never mentioned ones too, with a count of 0) and the
    columns of SUMMARY_COLUMNS; `first_release` is the tag, or the version
    for a changelog section without a tag.  The matrix is indexed by the same
    names, one boolean column per capability.  `found`, when given, is
    `mentions` of each counted release, computed by the caller already.
    """
    releases = [r if isinstance(r, ReleaseText) else ReleaseText(*r) for r in releases_in_order]
    counted = [r for r in releases if count_all or r.stable]
    if found is None:
        found = [mentions(catalog, release.notes_text) for release in counted]
    names = [capability.name for capability in catalog]
    labels = [release.tag or release.version for release in counted]
    matrix = pd.DataFrame(
        [[name in mentioned for name in names] for mentioned in found],
        index=pd.Index(labels, name="release"),
        columns=names,
        dtype=bool,
    )
    summary = pd.DataFrame([_summary_row(name, counted, found) for name in names], columns=SUMMARY_COLUMNS)
    text_columns = [c for c in SUMMARY_COLUMNS if c != "releases_mentioning"]
    summary[text_columns] = summary[text_columns].astype(object).where(summary[text_columns].notna(), None)
    return summary, matrix


# -- helpers ---------------------------------------------------------------

_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_BLOCK_START = re.compile(r"^\s*(?:#|\||>|```|~~~)")
_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _readings(line: str) -> tuple[str, ...]:
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


def _logical_lines(text: str) -> list[str]:
    """Lines of `text` with wrapped list items and paragraphs joined into one line each.

    The pieces of a line are gathered and joined once: appending to the joined
    text line by line would copy it each time, quadratic in a long item.
    """
    pieces: list[list[str]] = []
    open_item = False
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped:
            open_item = False
            continue
        starts_block = _LIST_ITEM.match(raw) or _BLOCK_START.match(raw)
        if open_item and not starts_block:
            pieces[-1].append(stripped)
            continue
        pieces.append([stripped])
        open_item = not _BLOCK_START.match(raw)
    return [" ".join(line) for line in pieces]


def _summary_row(name: str, releases: list[ReleaseText], found: list[dict[str, str]]) -> list:
    """One summary row: the first release mentioning `name`, its evidence, and the count."""
    hits = [(release, mentioned[name]) for release, mentioned in zip(releases, found) if name in mentioned]
    if not hits:
        return [name, None, None, 0, None, None]
    first, evidence = hits[0]
    return [name, first.tag or first.version, first.date, len(hits), first.source, evidence]
