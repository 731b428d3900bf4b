"""Capabilities found in release notes: which lines mention each, when each first appeared, how often.

An analyst's question "when did this agent get MCP, hooks, a sandbox?" is
answered by the first release whose notes mention it and by how many releases
mention it since.  What counts as a mention is the catalog's business
(`miner.catalogs.capabilities`); this module reads the notes as the pieces a
reader quotes (a list item whole, however it is wrapped; a paragraph sentence
by sentence) and tabulates what matched.
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


SUMMARY_COLUMNS = ["capability", "first_release", "first_kind", "whole_history", "first_date", "releases_mentioning",
                   "source", "evidence"]
"""`first_kind` says what `first_release` names: a "tag", or an "untagged" changelog version; `whole_history` is
True when that release is the first one counted and its range holds the whole history before it (a first tag
made after months of work), so the capability may be older than it."""

TAG, UNTAGGED = "tag", "untagged"


@dataclass(frozen=True)
class ReleaseText:
    """One release's notes as `evolution` reads them; plain tuples in this order work too.

    `whole_history` is True for a release whose range holds every commit before it (the first of its line).
    """

    tag: str
    version: str
    date: str | None
    stable: bool
    notes_text: str | None
    source: str | None
    whole_history: bool = False


def mentions(catalog: Sequence[Capability], text: str | None) -> dict[str, str]:
    """Each capability mentioned in `text`, with the first line that mentions it, in catalog order.

    A line is what `quotable_lines` makes of the text: a list item wrapped over
    several lines is joined, so a phrase split by wrapping still matches, and a
    paragraph is split into sentences, so the evidence is the sentence that
    says it, not a whole release message.
    """
    lines = [(line, readings(line)) for line in quotable_lines(text or "")]
    whole = "\n".join(reading for _, pair in lines for reading in pair)
    found = {}
    for capability in catalog:
        if not capability.may_match(whole):
            continue
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

    `releases_in_order` are `ReleaseText`s (or tuples in its field order)
    from oldest to newest.  Only stable releases count unless `count_all`:
    alphas repeat the notes of the release they lead to.  The summary has one
    row per capability with the columns of SUMMARY_COLUMNS, ordered by first
    appearance (the order of the releases), the never mentioned ones last in
    catalog order with a count of 0; `first_release` is the tag, or the
    version for a changelog section without a tag.  The matrix is indexed by
    the same labels, one boolean column per capability.  `found`, when given,
    is `mentions` of each counted release, computed by the caller already.
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
    rows = sorted((_summary_row(name, counted, found) for name in names), key=lambda row: row[0])
    summary = pd.DataFrame([row for _, row in rows], columns=SUMMARY_COLUMNS)
    text_columns = [c for c in SUMMARY_COLUMNS if c not in ("releases_mentioning", "whole_history")]
    summary[text_columns] = summary[text_columns].astype(object).where(summary[text_columns].notna(), None)
    return summary, matrix


def quoted(line: str | None, width: int) -> str:
    """An evidence line as a table cell quotes it: without its list bullet and emphasis, cut to `width`."""
    text = re.sub(r"(\*\*|__|\*|`)(.+?)\1", r"\2", _LIST_ITEM.sub("", str(line or ""), count=1)).strip()
    return text if len(text) <= width else text[:width - 3] + "..."


def quotable_lines(text: str) -> list[str]:
    """The pieces of `text` a reader would quote: list items whole, paragraphs sentence by sentence.

    A list item wrapped over several lines is one piece, however many
    sentences it holds; a paragraph (lines up to a blank line, as a commit
    message body is written) is split at its sentence ends; a heading, a
    table row, a quote or a fence line stays a line of its own; a link
    reference definition, which the rendered notes do not show, is left out.
    """
    lines = []
    for paragraph, parts in _blocks(text):
        joined = " ".join(parts)
        lines += _sentences(joined) if paragraph else [joined]
    return lines


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


_BLOCK_START = re.compile(r"^\s*(?:#|\||>|```|~~~)")

# "[vscode]: https://..." defines a link's target: a reader never sees it, so it says nothing of a release
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S")


def _blocks(text: str) -> list[tuple[bool, list[str]]]:
    """(is a paragraph, its lines) for every list item, paragraph and one-line block of `text`.

    The pieces of a block are gathered and joined once: appending to the joined
    text line by line would copy it each time, quadratic in a long item.
    """
    blocks: list[tuple[bool, list[str]]] = []
    open_block = False
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped:
            open_block = False
            continue
        item, block = _LIST_ITEM.match(raw), _BLOCK_START.match(raw)
        if open_block and not item and not block:
            blocks[-1][1].append(stripped)
            continue
        if _LINK_DEFINITION.match(raw):  # as in CommonMark, one cannot interrupt a paragraph
            continue
        blocks.append((not item and not block, [stripped]))
        open_block = not block
    return blocks


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"'`(\[*_])")


_ABBREVIATIONS = {"e.g.", "i.e.", "etc.", "vs.", "cf.", "approx.", "incl.", "no."}


_LONGEST_ABBREVIATION = 12
"""How far back from a full stop a word is read: longer words are no abbreviation, and reading the whole
paragraph before each stop would be quadratic in a long one."""


def _sentences(paragraph: str) -> list[str]:
    """`paragraph` cut after each `.`, `!` or `?` that a capital, digit or quote follows, except after an
    abbreviation ("e.g. Foo") or an initial ("J. Doe")."""
    sentences, start = [], 0
    for end in _SENTENCE_END.finditer(paragraph):
        word = paragraph[max(end.start() - _LONGEST_ABBREVIATION, 0):end.start()].rsplit(None, 1)[-1]
        word = word.lower().lstrip("(\"'")
        if word in _ABBREVIATIONS or (len(word) == 2 and word[0].isalpha()):
            continue
        sentences.append(paragraph[start:end.start()].strip())
        start = end.end()
    sentences.append(paragraph[start:].strip())
    return [sentence for sentence in sentences if sentence]


def _summary_row(name: str, releases: list[ReleaseText], found: list[dict[str, str]]) -> tuple[int, list]:
    """One summary row (the first release mentioning `name`, what it is, its evidence, the count) and the
    position of that release, by which the rows are ordered."""
    hits = [(index, mentioned[name]) for index, mentioned in enumerate(found) if name in mentioned]
    if not hits:
        return len(releases), [name, None, None, False, None, 0, None, None]
    index, evidence = hits[0]
    first = releases[index]
    whole_history = index == 0 and first.whole_history
    return index, [name, first.tag or first.version, TAG if first.tag else UNTAGGED, whole_history, first.date,
                   len(hits), first.source, evidence]
