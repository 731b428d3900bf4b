"""Capabilities found in release notes: which lines mention each, when each first appeared, how often.

An analyst's question "when did this agent get MCP, hooks, a sandbox?" is
answered by the first release whose notes mention it and by how many releases
mention it since.  What counts as a mention is the catalog's business
(`miner.catalogs.capabilities`); this module reads the notes line by line
(wrapped list items joined, so a phrase split by wrapping still matches and
the evidence is a whole item) and tabulates what matched.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from miner.catalogs.capabilities import Capability, catalog_digest, readings
from miner.store.cache import Cache

MENTIONS_KIND = "capability-mentions-v1"


SUMMARY_COLUMNS = ["capability", "first_release", "first_date", "releases_mentioning", "source", "evidence"]


@dataclass(frozen=True)
class ReleaseText:
    """One release's notes as `evolution` reads them; plain 6-tuples in this order work too."""

    tag: str
    version: str
    date: str | None
    stable: bool
    notes_text: str | None
    source: str | None


def mentions(catalog: Sequence[Capability], text: str | None) -> dict[str, str]:
    """Each capability mentioned in `text`, with the first line that mentions it, in catalog order.

    Markdown list items wrapped over several lines are joined first, so a
    phrase split by wrapping still matches and the evidence is a whole item.
    """
    lines = [(line, readings(line)) for line in _logical_lines(text or "")]
    found = {}
    for capability in catalog:
        line = next((line for line, pair in lines if capability.matches_readings(pair)), None)
        if line is not None:
            found[capability.name] = line
    return found


def cached_mentions(catalog: Sequence[Capability], texts: Iterable[str | None], cache: Cache) -> list[dict[str, str]]:
    """`mentions` of each text, cached under a digest of the catalog and the text.

    Matching a hundred patterns against long notes costs about a second on
    claude-code's 378 releases; a re-analysis after a new release then reads
    only the new release's notes.
    """
    catalog_key = catalog_digest(catalog)
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


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


_BLOCK_START = re.compile(r"^\s*(?:#|\||>|```|~~~)")


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
