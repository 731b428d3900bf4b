"""Changelog files read from git trees: their version sections, and when each heading was first written.

Projects keep a `CHANGELOG.md` whole (Claude Code: a `## 2.1.240` section
per version) or rewrite files per release (Gemini CLI's
`docs/changelogs/latest.md`).  Sections are found by a CommonMark parser, so a
heading inside a code fence, an HTML comment or a list item invents no
version; each blob is split once and cached by its id.
"""
from __future__ import annotations

import fnmatch
import functools
import re
from collections import deque
from collections.abc import Iterable, Sequence
from datetime import datetime

import pygit2

from miner.errors import MinerWarning
from miner.model.names import decode_lossy
from miner.model.notes import VERSION, Section
from miner.model.releases import Release
from miner.sources import gitprocess
from miner.sources.history import RECORD, RECORD_FORMAT, HistoryError
from miner.store.cache import Cache

# Bump the version when the parse changes: v2 reads headings with a CommonMark parser.
SECTIONS_KIND = "changelog-sections-v2"


CHANGELOG_NAMES = ("CHANGELOG.md", "CHANGES.md", "CHANGELOG", "HISTORY.md", "RELEASES.md")


CHANGELOG_GLOBS = ("docs/changelogs/*.md",)


def line_changelogs(line: str) -> tuple[str, ...]:
    """The changelogs of the package a release line is named after, in its folder: tokio tags `tokio-1.53.1`
    and keeps 1.x's notes in `tokio/CHANGELOG.md` (the root one stops at 0.1.x).  Only a line ending in a
    separator names a package (`tokio-`, not `v` or `rust-v`)."""
    stem = line.rstrip("-_@")
    if stem == line or not _FOLDER.fullmatch(stem):
        return ()
    return tuple(f"{stem}/{name}" for name in CHANGELOG_NAMES)


_FOLDER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def find_changelogs(tree: pygit2.Tree, extra_paths: Sequence[str] = ()) -> list[str]:
    """Paths of the changelog files in `tree`: the usual names, then `extra_paths` (globs allowed)."""
    wanted = {name.lower() for name in CHANGELOG_NAMES}
    found = [entry.name for entry in tree if entry.type_str == "blob" and entry.name.lower() in wanted]
    for pattern in (*CHANGELOG_GLOBS, *extra_paths):
        found.extend(path for path in _glob(tree, pattern) if path not in found)
    return found


def split_sections(text: str, path: str = "") -> list[Section]:
    """Split a Markdown changelog into its version sections, in file order.

    A section is a heading that names a version (or "Unreleased"), in ATX
    (`## [1.2.3] - 2025-07-10`) or setext (`1.2.3` over `=====`) style, and its
    body runs to the next heading of the same or a higher level, so
    `### Added` subsections and `## Highlights` under `# Latest stable release:
    v0.55.1` stay inside.  Headings are what a CommonMark parser finds at the
    top level of the document: none inside code fences of any length, HTML
    blocks and comments, block quotes or list items.  The work is linear in
    the text, whatever its shape.
    """
    lines = _LINE_END.split(text)
    headings = _headings(text)
    sections = []
    for (_, level, title, body_start), stop in zip(headings, _section_ends(headings, len(lines))):
        parsed = _parse_heading(title)
        if parsed is None:
            continue
        body_lines = lines[body_start:stop]
        version, date = parsed
        body = "\n".join(body_lines).strip("\n")
        sections.append(Section(version, title, date or _released_date(body_lines), body, path))
    return sections


def read_changelogs(
    repo: pygit2.Repository,
    trees: Iterable[pygit2.Tree],
    cache: Cache,
    extra_paths: Sequence[str] = (),
    warnings: list[MinerWarning] | None = None,
    tags: Sequence[str] | None = None,
) -> list[Section]:
    """Every section of every changelog file found in `trees`, each blob read once.

    Pass the head tree for a file kept whole (Claude Code's CHANGELOG.md), or
    every release's tree for files rewritten per release (Gemini CLI's
    `latest.md`); blobs shared between trees cost nothing, and the parse is
    cached by blob id.  `tags`, parallel to `trees`, names each tree ("HEAD"
    or a release's tag) so a warning about a file says where it was read; a
    blob held by several trees is reported once, under the first.
    """
    sink = warnings if warnings is not None else []
    trees = list(trees)
    labels = [""] * len(trees) if tags is None else list(tags)
    if len(labels) != len(trees):
        raise ValueError(f"read_changelogs: {len(trees)} trees but {len(labels)} tags")
    seen: set[tuple[str, str]] = set()
    sections: list[Section] = []
    for tree, tag in zip(trees, labels):
        for path in find_changelogs(tree, extra_paths):
            blob_id = str(tree[path].id)
            if (blob_id, path) in seen:
                continue
            seen.add((blob_id, path))
            sections.extend(_blob_sections(repo, blob_id, path, tag, cache, sink))
    return sections


def sections_by_version(sections: Iterable[Section]) -> dict[str, Section]:
    """Sections keyed by normalised version; of several for one version the longest body wins.

    One version can appear in several files (an announcement in `index.md`,
    the full notes in `latest.md`) or several revisions of one file; the
    longest is the one that says most.
    """
    chosen: dict[str, Section] = {}
    for section in sections:
        if section.version is None:
            continue
        current = chosen.get(section.version)
        if current is None or len(section.body) > len(current.body):
            chosen[section.version] = section
    return chosen


# Where CommonMark ends a line (markdown-it numbers its lines so); str.splitlines also splits at \x1e, \u2028 ...
_LINE_END = re.compile(r"\r\n?|\n")


_VERSION_HEADING = re.compile(
    r"^(?:[^:\[\]()]{1,40}:\s*)?"          # a label: "Announcements:", "Latest stable release:"
    r"(?:(?:version|release)\s+)?"          # "Version 1.2.3", "Release 1.2.3"
    r"\[?(?:[A-Za-z][\w.-]*?-)?[vV]?"       # "[", a tag prefix such as "rust-", a "v"
    rf"(?P<version>{VERSION})\]?"
    r"(?:\([^)]*\))?"                       # the link of "[1.2.3](https://...)"
    r"(?P<rest>(?:[\s:,(–—-].*)?)$",
    re.IGNORECASE,
)


_UNRELEASED_HEADING = re.compile(r"^\[?(?:unreleased|tbd)\]?(?:[\s:(–—-].*)?$", re.IGNORECASE)


_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


_WORD_DATE = re.compile(r"\b([A-Z][a-z]+\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+\.? \d{4})\b")


_RELEASED = re.compile(r"^\s*(?:released|release date)\s*:?\s*(.+)$", re.IGNORECASE)


def _headings(text: str) -> list[tuple[int, int, str, int]]:
    """(line number, level, title, first body line) of each top-level heading, as CommonMark reads `text`.

    A setext title spanning lines is read as one line, as it renders.
    """
    return _EARLIER.headings(_LINE_END.split(text.replace("\0", "\ufffd")))  # the parser's own normalisation


def _parsed_headings(text: str) -> list[tuple[int, int, str, int]]:
    tokens = _markdown().parse(text)
    return [(token.map[0], int(token.tag[1:]), tokens[index + 1].content.replace("\n", " ").strip(), token.map[1])
            for index, token in enumerate(tokens) if token.type == "heading_open" and token.level == 0]


class _Earlier:
    """The headings of the last few changelog texts, so that a new version of one is parsed only where it is new.

    A changelog grows at the top: each release's blob is new sections over
    the previous text, which is tens of thousands of lines after a few
    hundred releases.  When the new text ends with the lines of a kept one
    from one of its top-level ATX headings on (a `#` line at the margin), only
    the new lines up to that heading line are parsed.  If the parser finds
    that line as a top-level heading, no fence, HTML block, list or quote
    swallows it and every block above it is closed there; CommonMark's blocks
    depend only on the lines before them, so what follows parses as it did
    in the kept text, and its headings are the kept ones, moved.  Otherwise
    the whole text is parsed.
    """

    def __init__(self, kept: int = 4):
        self._kept: deque[tuple[list[str], list[tuple[int, int, str, int]]]] = deque(maxlen=kept)

    def headings(self, lines: list[str]) -> list[tuple[int, int, str, int]]:
        found = next((reused for earlier, headings in self._kept
                      if (reused := _reused(lines, earlier, headings)) is not None), None)
        if found is None:
            found = _parsed_headings("\n".join(lines))
        self._kept.appendleft((lines, found))
        return found


def _reused(lines: list[str], earlier: list[str], headings: list[tuple[int, int, str, int]]
            ) -> list[tuple[int, int, str, int]] | None:
    """The headings of `lines` from those of the `earlier` text they end with, or None (see `_Earlier`)."""
    shared, limit = 0, min(len(lines), len(earlier))
    while shared < limit and lines[-1 - shared] == earlier[-1 - shared]:
        shared += 1
    first = len(earlier) - shared
    start = next((index for index, heading in enumerate(headings)
                  if heading[0] >= first and earlier[heading[0]].startswith("#")), None)
    if start is None:
        return None
    moved = len(lines) - len(earlier)
    line = headings[start][0] + moved
    above = _parsed_headings("\n".join(lines[:line + 1]))
    if not above or above[-1][0] != line:
        return None
    return above[:-1] + [(at + moved, level, title, body + moved) for at, level, title, body in headings[start:]]


_EARLIER = _Earlier()


@functools.cache
def _markdown():
    """The block parser behind `_headings`: CommonMark with GitHub's tables, inline parsing off.

    Only the block structure says where headings are, and inline parsing
    would be most of the cost.  Imported on first use: it adds 60 ms to the
    start of every `mine` command that reads no changelog.
    """
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").disable("inline")


def _section_ends(headings: list[tuple[int, int, str, int]], end: int) -> list[int]:
    """The line each heading's section stops at: the next heading of the same or a higher level, else `end`.

    One pass with a stack of the sections still open, so a file of many
    headings costs as much as its headings, not their square.
    """
    stops = [end] * len(headings)
    still_open: list[int] = []
    for index, (line, level, _, _) in enumerate(headings):
        while still_open and headings[still_open[-1]][1] >= level:
            stops[still_open.pop()] = line
        still_open.append(index)
    return stops


def _parse_heading(title: str) -> tuple[str | None, str | None] | None:
    """(version, date) of a version heading, (None, date) for "Unreleased", None otherwise."""
    plain = title.replace("*", "").replace("`", "").strip()
    if _UNRELEASED_HEADING.match(plain):
        return None, _date_in(plain)
    match = _VERSION_HEADING.match(plain)
    if match is None:
        return None
    return match.group("version"), _date_in(match.group("rest"))


def _released_date(body_lines: list[str]) -> str | None:
    """The date of a "Released: August 11, 2026" line opening the body (Gemini CLI's latest.md)."""
    first = next((line for line in body_lines if line.strip()), "")
    match = _RELEASED.match(first)
    return _date_in(match.group(1)) if match else None


def _date_in(text: str) -> str | None:
    """An ISO date found in `text`, from `2025-07-10` or `August 11, 2026` forms."""
    iso = _ISO_DATE.search(text)
    if iso:
        return iso.group(1)
    words = _WORD_DATE.search(text)
    if words is None:
        return None
    for form in ("%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(words.group(1), form).date().isoformat()
        except ValueError:
            continue
    return None


def _glob(tree: pygit2.Tree, pattern: str) -> list[str]:
    """Blob paths in `tree` matching `pattern`, whose wildcards may only be in the last part."""
    folder, _, name = pattern.rpartition("/")
    try:
        directory = tree[folder] if folder else tree
    except KeyError:
        return []
    if not isinstance(directory, pygit2.Tree):
        return []
    prefix = f"{folder}/" if folder else ""
    return sorted(
        prefix + entry.name
        for entry in directory
        if entry.type_str == "blob" and fnmatch.fnmatchcase(entry.name, name)
    )


def _blob_sections(repo: pygit2.Repository, blob_id: str, path: str, tag: str, cache: Cache,
                   sink: list[MinerWarning]) -> list[Section]:
    """The sections of one changelog blob, parsed once per blob id; `tag` names the tree it was found in."""
    cached = cache.get(SECTIONS_KIND, blob_id)
    if cached is None:
        cached = _parse_blob(repo, blob_id)
        cache.put(SECTIONS_KIND, blob_id, cached)
    if cached["missing"]:
        sink.append(MinerWarning("", f"changelog blob {blob_id} is missing from the repository", tag=tag, path=path))
    if cached["lossy"]:
        sink.append(MinerWarning("", "changelog is not valid UTF-8; undecodable bytes replaced", tag=tag, path=path))
    if not cached["sections"] and not cached["missing"]:
        sink.append(MinerWarning("", "changelog has no version sections", tag=tag, path=path))
    return [Section(version, heading, date, body, path) for version, heading, date, body in cached["sections"]]


def _parse_blob(repo: pygit2.Repository, blob_id: str) -> dict:
    """The JSON-serialisable parse of a changelog blob, for the cache."""
    try:
        data = repo[blob_id].data
    except KeyError:
        return {"sections": [], "lossy": False, "missing": True}
    text, lossy = decode_lossy(data)
    sections = [[s.version, s.heading, s.date, s.body] for s in split_sections(text)]
    return {"sections": sections, "lossy": lossy, "missing": False}


_HEADING_VERSION = re.compile(rf"^#{{1,6}}\s*\[?(?:[^\s\d\[]*?[-_/ ])?[vV]?({VERSION})\b", re.MULTILINE)


_HEADING_LINE = re.compile(rb"\n(#[^\r\n]*)")  # after a newline: searched for as a literal, several times faster than ^


def changelog_sections(git: pygit2.Repository, head: str | None, releases: Iterable[Release], cache: Cache,
                       extra_paths: Sequence[str], warnings: list[MinerWarning]) -> dict[str, Section]:
    """Changelog sections at commit `head` (HEAD, or HEAD as of `--as-of`), then from the trees of releases
    its files do not cover.

    A changelog kept whole (Claude Code's) is read once, at the head; files
    rewritten per release (Gemini CLI's `latest.md`) are read at the releases
    whose versions they alone describe.
    """
    head = _head_tree(git, head, warnings)
    found = sections_by_version(
        read_changelogs(git, head, cache, extra_paths, warnings, tags=["HEAD"] * len(head)))
    uncovered = [r for r in releases if str(r.version) not in found and _readable(git, r.commit)]
    older = sections_by_version(read_changelogs(
        git, [git[r.commit].tree for r in uncovered], cache, extra_paths, warnings,
        tags=[r.tag for r in uncovered]))
    return older | found


def _head_tree(git: pygit2.Repository, head: str | None, warnings: list[MinerWarning]) -> list[pygit2.Tree]:
    """The head commit's tree, or none when there is no head or it cannot be read (the releases' trees serve)."""
    if head is None:
        return []
    try:
        return [git[head].tree]
    except (KeyError, ValueError, pygit2.GitError) as error:
        warnings.append(MinerWarning("", f"HEAD cannot be read ({error}): changelogs read at the releases only", tag="HEAD"))
        return []


def first_written(git: pygit2.Repository, path: str, head: str = "HEAD") -> dict[str, str]:
    """Version -> committer date (ISO) of the first commit up to `head` that added a heading for it to `path`.

    One `git log --raw` of the file, oldest first, names the blob each
    revision wrote and the one it replaced (`--diff-merges=separate`, against
    each parent: a merge that resolved the changelog by hand adds headings
    too); a heading line the new blob holds and the old one does not is one
    that revision added, so the first to add it is the first revision holding
    it.  The blobs come from one `git cat-file --batch`.  Nothing diffs
    content: git's and libgit2's diffs read the repository's attributes
    (`info/attributes`, where a FIFO holds either forever) and the diff drivers
    they name.  Measured on claude-code's changelog (414 revisions), 0.2 s, as
    fast as reading git's patches was, against 1.5 s for scanning every
    revision's whole text with pygit2.  The path is read from the top of the
    tree and literally (`:(top,literal)`), wherever the repository puts its
    work tree.  A log git cannot finish (a commit missing from a damaged
    snapshot) is a HistoryError: dates read from part of the history would
    read as facts.
    """
    log = gitprocess.run(["log", *gitprocess.LOG_OPTIONS, "--reverse", "--raw", "--no-abbrev", "--diff-merges=separate",
                          f"--format={RECORD_FORMAT}%cI", head, "--", f":(top,literal){path}"],
                         git.path, capture_output=True)
    if log.returncode != 0:
        reason = log.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise HistoryError(reason[0] if reason else f"git log of {path} failed")
    changes = []  # (date, old blob, new blob); ":100644 100644 <old> <new> M\t<path>" lines follow each date
    for record in log.stdout.decode("utf-8", errors="replace").split(RECORD)[1:]:
        date, _, raw = record.partition("\n")
        changes += [(date, *line.split()[2:4]) for line in raw.splitlines() if line.startswith(":")]
    headings = _heading_lines(git, dict.fromkeys(oid for _, old, new in changes for oid in (old, new) if oid.strip("0")))
    first: dict[str, str] = {}
    for date, old, new in changes:
        added = "\n".join(sorted(headings.get(new, frozenset()) - headings.get(old, frozenset())))
        for match in _HEADING_VERSION.finditer(added):
            first.setdefault(match.group(1), date)
    return first


def _heading_lines(git: pygit2.Repository, oids: Iterable[str]) -> dict[str, frozenset[str]]:
    """Blob id -> its lines that start with `#` (a blob missing from a damaged snapshot has none).

    The blobs are asked for in the order the revisions wrote them, which is how git's cache of delta
    bases serves them best.
    """
    shared: dict[bytes, str] = {}  # one string per distinct line: hundreds of revisions repeat the same headings

    def text(line: bytes) -> str:
        if line not in shared:
            shared[line] = line.decode("utf-8", errors="replace")
        return shared[line]

    return {oid: frozenset(map(text, _HEADING_LINE.findall(b"\n" + data)))
            for oid, data in gitprocess.blobs(git.path, oids) if data is not None}


def _readable(git: pygit2.Repository, sha: str) -> bool:
    try:
        git[sha].tree
        return True
    except (KeyError, ValueError, pygit2.GitError):
        return False
