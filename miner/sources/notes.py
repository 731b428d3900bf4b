"""Release notes from every place a project keeps them, and which one to trust.

Projects write their notes in different places, and one project changes its
habit over time: Claude Code keeps a `## 2.1.240` section per version in
`CHANGELOG.md`, Gemini CLI keeps `docs/changelogs/latest.md` and the hosting
site's releases, Codex puts them in the message of the tagged "Release 0.80.0"
commit from about 0.79 on and before that only the commit subjects of a
release's range say what changed.  This module reads each source from plain
inputs (trees, blobs, a JSON export, a tag name, a list of subjects) and turns
it into `Notes`; `choose` then picks one per release in a configurable order and
records which source served, so a report can say how its evidence was found.

Nothing here knows how releases are found: callers pass a tag name and a
version string, which `normalise_version` makes comparable with headings.
"""
from __future__ import annotations

import fnmatch
import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pygit2

from miner.store.cache import Cache
from miner.errors import MinerError, Warning
from miner.model.names import as_text

HOSTED = "hosted"
CHANGELOG = "changelog"
TAG_MESSAGE = "tag-message"
RELEASE_COMMIT = "release-commit"
COMMITS = "commits"
DEFAULT_ORDER = (HOSTED, CHANGELOG, TAG_MESSAGE, RELEASE_COMMIT, COMMITS)

# Bump the version when the parse changes: v2 reads headings with a CommonMark parser.
SECTIONS_KIND = "changelog-sections-v2"
CHANGELOG_NAMES = ("CHANGELOG.md", "CHANGES.md", "CHANGELOG", "HISTORY.md", "RELEASES.md")
CHANGELOG_GLOBS = ("docs/changelogs/*.md",)

VERSION = r"\d+(?:\.\d+)+(?:-[0-9A-Za-z][0-9A-Za-z.-]*)?(?:\+[0-9A-Za-z][0-9A-Za-z.-]*)?"


@dataclass(frozen=True)
class Section:
    """One version's part of a changelog file; `version` is None for "Unreleased"."""

    version: str | None
    heading: str
    date: str | None
    body: str
    path: str

    @property
    def unreleased(self) -> bool:
        return self.version is None


@dataclass(frozen=True)
class HostedRelease:
    """One release from an export of the hosting site's releases page."""

    tag: str
    name: str
    body: str
    published_at: str | None
    prerelease: bool


@dataclass(frozen=True)
class Notes:
    """The notes of one release, the source they came from and the PRs they cite."""

    source: str
    text: str
    prs: tuple[int, ...]


def normalise_version(name: str) -> str | None:
    """The version inside a tag or heading token: `rust-v0.44.0` and `v0.44.0` -> `0.44.0`.

    The shortest prefix ending in `-`, `_` or `/` is dropped, then a leading
    `v`, so sections match releases whatever prefix the tags carry.
    """
    match = re.fullmatch(rf"(?:.*?[-_/])?[vV]?({VERSION})", name.strip())
    return match.group(1) if match else None


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
    warnings: list[Warning] | None = None,
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


def load_hosted_releases(path: str | Path, warnings: list[Warning] | None = None) -> list[HostedRelease]:
    """Releases from a stored export (`gh release list/view --json ...` or the REST API).

    A file that cannot be read is a `MinerError`: the user named a file that
    is not there.  One that reads but is not an export (bad JSON, no release
    objects) gives no releases and a warning, since the changelog, messages
    and subjects can still serve; see `parse_hosted_releases`.
    """
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise MinerError(f"{path}: cannot read releases export: {error.strerror}") from None
    return parse_hosted_releases(text, str(path), warnings)


def parse_hosted_releases(text: str, origin: str = "", warnings: list[Warning] | None = None) -> list[HostedRelease]:
    """Releases from the text of an export; see `load_hosted_releases`.

    Accepts a list, a single object, and the concatenated pages that
    `gh api --paginate` writes.  Draft releases are not releases and are left
    out.  Text that is not JSON gives no releases and a warning with the
    error's line; an empty export and entries that are not objects (or have
    no tag) are warned about, and the entries are skipped.
    """
    sink = warnings if warnings is not None else []
    try:
        entries = _json_entries(text)
    except json.JSONDecodeError as error:
        sink.append(Warning("", f"releases export is not valid JSON (line {error.lineno}, column {error.colno}: "
                                f"{error.msg}); hosted release notes not used", path=origin))
        return []
    except RecursionError:  # raised inside the json module, which reads nesting by recursion
        sink.append(Warning("", "releases export nests arrays or objects deeper than Python's JSON reader "
                                "follows; hosted release notes not used", path=origin))
        return []
    if not entries:
        sink.append(Warning("", "releases export holds no releases", path=origin))
    releases = []
    for position, entry in enumerate(entries):
        if not isinstance(entry, dict):
            sink.append(Warning("", f"releases export entry {position} is {type(entry).__name__} {json.dumps(entry)[:40]}, "
                                    "not a release object; skipped", path=origin))
            continue
        release = _hosted_release(entry)
        if release is None:
            sink.append(Warning("", f"releases export entry {position} has no tag; skipped", path=origin))
            continue
        wrong = [key for key in _TEXT_FIELDS if entry.get(key) is not None and not isinstance(entry[key], str)]
        if wrong:
            kinds = ", ".join(f"{key} is {type(entry[key]).__name__}" for key in wrong)
            sink.append(Warning("", f"releases export entry {position}: {kinds}, not text; left out",
                                tag=release.tag, path=origin))
        if not entry.get("draft", entry.get("isDraft", False)):
            releases.append(release)
    return releases


def unknown_tags(hosted: Iterable[HostedRelease], tag_names: Iterable[str], origin: str = "") -> list[Warning]:
    """A warning for each exported release whose tag the repository lacks.

    Such an entry is usually an export of another repository or a release
    whose tag was deleted; its notes cannot be attached to any release.
    """
    known = set(tag_names)
    return [
        Warning("", f"releases export names tag {release.tag!r}, which the repository lacks", tag=release.tag, path=origin)
        for release in hosted
        if release.tag not in known
    ]


def tag_message(repo: pygit2.Repository, tag: str, warnings: list[Warning] | None = None) -> str | None:
    """The notes in an annotated tag's message, or None for a lightweight tag or a bare title.

    A message that is only "Release 0.44.0", "chore(release): v0.1.9-rc.1" or
    the tag name says nothing; signatures are dropped.
    """
    target = _tag_object(repo, tag)
    if not isinstance(target, pygit2.Tag) or target.raw_message is None:
        return None
    message = _decode(target.raw_message, warnings, repo, tag, "tag message")
    lines = _SIGNATURE.sub("", message).strip().splitlines()
    if not lines:
        return None
    return _after_title(lines) if _is_title(lines[0], tag) else "\n".join(lines).strip()


def release_commit_message(repo: pygit2.Repository, tag: str, warnings: list[Warning] | None = None) -> str | None:
    """The notes in the body of the tagged commit when it is a release commit ("Release 0.80.0").

    A tag on an ordinary commit ("chore: Update CHANGELOG.md") says nothing
    about the release in that commit's body, so only a release title counts.
    """
    target = _tag_object(repo, tag)
    commit = target.peel(pygit2.Commit) if target is not None else None
    if commit is None:
        return None
    message = _decode(commit.raw_message, warnings, repo, tag, "release commit message")
    lines = message.strip().splitlines()
    return _after_title(lines) if lines and _is_title(lines[0], tag) else None


def subject_notes(subjects: Iterable[str]) -> Notes | None:
    """Notes made of the commit subjects in a release's range, with the PRs they cite.

    Release titles ("Release 0.44.0") are left out; merge subjects stay, since
    their branch names and PR numbers are all a merge-only history says.
    """
    kept = [s.strip() for s in subjects if s.strip() and not _is_title(s.strip(), "")]
    if not kept:
        return None
    text = "\n".join(f"- {subject}" for subject in kept)
    return Notes(COMMITS, text, pr_numbers(text))


def pr_numbers(text: str) -> tuple[int, ...]:
    """Pull-request numbers cited in `text`, in order of first mention.

    Recognised: `(#4471)` (squash merges), `Merge pull request #123 from`,
    `[#28116](...)` and `.../pull/28116` (generated release notes).  A bare
    `#123` is left out: it is as often an issue as a PR.
    """
    found = _PR.findall(text)
    numbers = (int(next(group for group in groups if group)) for groups in found)
    return tuple(dict.fromkeys(numbers))


def candidates(
    tag: str,
    version: str,
    *,
    sections: Mapping[str, Section] | None = None,
    hosted: Mapping[str, HostedRelease] | None = None,
    repo: pygit2.Repository | None = None,
    subjects: Sequence[str] = (),
    warnings: list[Warning] | None = None,
) -> dict[str, Notes]:
    """Every source's notes for one release, keyed by source name; absent sources are left out.

    `sections` is `sections_by_version(...)`, `hosted` is hosted releases keyed
    by tag, `repo` enables the tag and release-commit messages, `subjects` are
    the commit subjects of the release's range.
    """
    texts = {
        HOSTED: _hosted_text(hosted, tag),
        CHANGELOG: _section_text(sections, version),
        TAG_MESSAGE: tag_message(repo, tag, warnings) if repo is not None else None,
        RELEASE_COMMIT: release_commit_message(repo, tag, warnings) if repo is not None else None,
    }
    found = {source: Notes(source, text, pr_numbers(text)) for source, text in texts.items() if text}
    from_subjects = subject_notes(subjects)
    if from_subjects is not None:
        found[COMMITS] = from_subjects
    return found


def choose(found: Mapping[str, Notes], order: Sequence[str] = DEFAULT_ORDER) -> Notes | None:
    """The notes of the first source in `order` that has any text."""
    return next((found[source] for source in order if source in found and found[source].text.strip()), None)


def coverage(chosen: Iterable[Notes | None], order: Sequence[str] = DEFAULT_ORDER) -> dict[str, int]:
    """How many releases got their notes from each source, and how many got none."""
    counts = dict.fromkeys((*order, "none"), 0)
    for notes in chosen:
        key = notes.source if notes is not None else "none"
        counts[key] = counts.get(key, 0) + 1
    return counts


# -- helpers ---------------------------------------------------------------

_PR = re.compile(
    r"\(#(\d+)\)|Merge pull request #(\d+)|\[#(\d+)\]|/pull/(\d+)\b",
    re.IGNORECASE,
)
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
_TITLE = re.compile(
    r"^(?:chore\(release\):\s*|release[d:]?\s*|version\s*|bump(?:\s+version)?(?:\s+to)?\s*|tag\s*)*"
    rf"(?:[A-Za-z][\w.-]*?-)?[vV]?{VERSION}\.?$",
    re.IGNORECASE,
)
_TRAILER = re.compile(r"^[A-Za-z][\w-]*: .+$")
_SIGNATURE = re.compile(r"-----BEGIN (?:PGP|SSH) SIGNATURE-----.*?-----END (?:PGP|SSH) SIGNATURE-----\s*", re.DOTALL)


def _headings(text: str) -> list[tuple[int, int, str, int]]:
    """(line number, level, title, first body line) of each top-level heading, as CommonMark reads `text`.

    A setext title spanning lines is read as one line, as it renders.
    """
    tokens = _markdown().parse(text)
    return [(token.map[0], int(token.tag[1:]), tokens[index + 1].content.replace("\n", " ").strip(), token.map[1])
            for index, token in enumerate(tokens) if token.type == "heading_open" and token.level == 0]


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
                   sink: list[Warning]) -> list[Section]:
    """The sections of one changelog blob, parsed once per blob id; `tag` names the tree it was found in."""
    cached = cache.get(SECTIONS_KIND, blob_id)
    if cached is None:
        cached = _parse_blob(repo, blob_id)
        cache.put(SECTIONS_KIND, blob_id, cached)
    label = _repo_label(repo)
    if cached["missing"]:
        sink.append(Warning(label, f"changelog blob {blob_id} is missing from the repository", tag=tag, path=path))
    if cached["lossy"]:
        sink.append(Warning(label, "changelog is not valid UTF-8; undecodable bytes replaced", tag=tag, path=path))
    if not cached["sections"] and not cached["missing"]:
        sink.append(Warning(label, "changelog has no version sections", tag=tag, path=path))
    return [Section(version, heading, date, body, path) for version, heading, date, body in cached["sections"]]


def _parse_blob(repo: pygit2.Repository, blob_id: str) -> dict:
    """The JSON-serialisable parse of a changelog blob, for the cache."""
    try:
        data = repo[blob_id].data
    except KeyError:
        return {"sections": [], "lossy": False, "missing": True}
    text, lossy = _decode_lossy(data)
    sections = [[s.version, s.heading, s.date, s.body] for s in split_sections(text)]
    return {"sections": sections, "lossy": lossy, "missing": False}


def _json_entries(text: str) -> list:
    """The entries of an export: one document or several concatenated pages (JSONDecodeError if not JSON).

    The text is not stripped, so an error's line number is the file's.
    """
    decoder = json.JSONDecoder()
    entries: list = []
    position = _skip_space(text, 0)
    while position < len(text):
        document, position = decoder.raw_decode(text, position)
        entries.extend(document if isinstance(document, list) else [document])
        position = _skip_space(text, position)
    return entries


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


# The fields of an export entry that must be text; one that is not (a number, an object) is left out.
_TEXT_FIELDS = ("name", "body", "publishedAt", "published_at")


def _hosted_release(entry: dict) -> HostedRelease | None:
    """A release from either export shape, or None when it names no tag."""
    tag = entry.get("tagName") or entry.get("tag_name")
    if not isinstance(tag, str) or not tag.strip():
        return None
    text = {key: as_text(value) for key, value in entry.items() if key in _TEXT_FIELDS and isinstance(value, str)}
    return HostedRelease(
        tag=as_text(tag),
        name=text.get("name") or "",
        body=text.get("body") or "",
        published_at=text.get("publishedAt") or text.get("published_at") or None,
        prerelease=bool(entry.get("isPrerelease", entry.get("prerelease", False))),
    )


def _hosted_text(hosted: Mapping[str, HostedRelease] | None, tag: str) -> str | None:
    release = hosted.get(tag) if hosted else None
    return release.body.strip() if release is not None else None


def _section_text(sections: Mapping[str, Section] | None, version: str) -> str | None:
    key = normalise_version(version) or version
    section = sections.get(key) if sections else None
    return section.body.strip() if section is not None else None


def _tag_object(repo: pygit2.Repository, tag: str) -> pygit2.Object | None:
    """The object a tag reference points at (a Tag for annotated tags), or None."""
    name = tag if tag.startswith("refs/") else f"refs/tags/{tag}"
    reference = repo.references.get(name)
    if reference is None:
        return None
    try:
        return repo[reference.resolve().target]  # through a symbolic tag ref, as git does
    except (KeyError, ValueError, pygit2.GitError):
        return None


def _is_title(line: str, tag: str) -> bool:
    """Whether a first line only names the release: the tag, or "Release 0.44.0" and the like."""
    plain = line.strip().strip("#*` ").strip()
    short_tag = tag.removeprefix("refs/tags/")
    return plain == short_tag or bool(_TITLE.match(plain))


def _after_title(lines: list[str]) -> str | None:
    """The message without its title line and trailing trailers, or None if nothing is left."""
    body = list(lines[1:])
    while body and (not body[-1].strip() or _TRAILER.match(body[-1])):
        body.pop()
    text = "\n".join(body).strip()
    return text or None


def _decode(data: bytes, warnings: list[Warning] | None, repo: pygit2.Repository, tag: str, what: str) -> str:
    """UTF-8 text of a message; undecodable bytes are replaced and reported, never raised."""
    text, lossy = _decode_lossy(data)
    if lossy and warnings is not None:
        short_tag = tag.removeprefix("refs/tags/")
        warnings.append(Warning(_repo_label(repo), f"{what} is not valid UTF-8; undecodable bytes replaced", tag=short_tag))
    return text


def _decode_lossy(data: bytes) -> tuple[str, bool]:
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), True


def _repo_label(repo: pygit2.Repository) -> str:
    """The repository's path as warnings name it (a work tree's, not its `.git`)."""
    return repo.path.rstrip("/").removesuffix("/.git")
