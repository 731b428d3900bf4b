"""How much code a package and a repository hold, measured from git objects.

Three sizes matter to the reports: bytes of each package's language (to say
which packages carry the weight, at every release), the repository's language
mix (to say "primary language: Rust"), and lines of code where the report
quotes them (the described release only).  Bytes come from object headers,
with no blob decompressed; lines need the blobs.  All are sums over a tree,
so all are cached by object id: a blob's line count by blob id, a
directory's total by tree id.  Between two releases
most directories are unchanged, and an unchanged directory costs one look-up.
Symbolic links count as nothing (their blob is a path, not code), and the
paths of files and directories that cannot be read are handed back, so that
a count short of them is reported rather than taken for the truth.
"""
from __future__ import annotations

import functools
import posixpath
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

import pygit2

from miner.sources.gitprocess import blobs
from miner.sources.trees import FILE, MISSING_OBJECT, MODE_KINDS, Listing, TreeView, text
from miner.store.cache import Cache

LINES_BLOB_KIND = "rust-lines-blob-v1"  # non-blank lines of a blob, whatever its language
LINES_TREE_KIND = "lines-tree-v1"
LANGUAGE_BYTES_KIND = "language-bytes-tree-v1"

# Programming and markup languages by extension, named as GitHub names them.
# Prose and data (Markdown, JSON, YAML, TOML, lock files) are left out, as
# GitHub's language bar leaves them out.
LANGUAGES = {
    ".rs": "Rust", ".py": "Python", ".pyi": "Python",
    ".ts": "TypeScript", ".tsx": "TypeScript", ".mts": "TypeScript", ".cts": "TypeScript",
    ".js": "JavaScript", ".jsx": "JavaScript", ".mjs": "JavaScript", ".cjs": "JavaScript",
    ".go": "Go", ".c": "C", ".h": "C", ".cc": "C++", ".cpp": "C++", ".cxx": "C++", ".hpp": "C++",
    ".java": "Java", ".kt": "Kotlin", ".kts": "Kotlin", ".swift": "Swift", ".m": "Objective-C",
    ".rb": "Ruby", ".php": "PHP", ".cs": "C#", ".lua": "Lua", ".zig": "Zig", ".nix": "Nix",
    ".sh": "Shell", ".bash": "Shell", ".zsh": "Shell", ".fish": "Shell", ".ps1": "PowerShell",
    ".html": "HTML", ".htm": "HTML", ".css": "CSS", ".scss": "SCSS", ".vue": "Vue", ".svelte": "Svelte",
    ".bzl": "Starlark", ".star": "Starlark", ".scm": "Scheme", ".el": "Emacs Lisp", ".vim": "Vim Script",
}
FILE_NAMES = {"Dockerfile": "Dockerfile", "Makefile": "Makefile", "BUILD.bazel": "Starlark"}

# Blanks inside a line: deleted, a line bytes.strip() would empty is empty, and bytes.splitlines cuts the rest.
_BLANKS = b" \t\f\v"
_SIZES: dict[bytes, int] = {}  # by raw blob id
_SIZES_KEPT = 1 << 18  # about 40 MB at most


def language_bytes(view: TreeView, cache: Cache, unreadable: set[str] | None = None) -> dict[str, int]:
    """Bytes of each language in the whole tree, largest first; what cannot be read is added to `unreadable`."""
    totals = _whole_total(view, view.tree.id, cache, _LANGUAGE_BYTES)
    if totals is None:
        totals = _tree_total(view, view.tree, "", cache, _LANGUAGE_BYTES, set() if unreadable is None else unreadable)
    return dict(sorted(totals.items(), key=lambda item: (-item[1], item[0])))


def package_bytes(view: TreeView, packages: Iterable[tuple[str, str]], cache: Cache,
                  unreadable: set[str] | None = None) -> list[int]:
    """Bytes of its language in each package directory (`packages` are (directory, language) pairs, the
    answer is in their order), the packages nested inside it left out; from object headers only."""
    return _per_package(view, list(packages), cache, unreadable, lambda language: _LANGUAGE_BYTES,
                        lambda total, language: total.get(language, 0))


def package_lines(view: TreeView, packages: Iterable[tuple[str, str]], cache: Cache,
                  unreadable: set[str] | None = None) -> list[int]:
    """Non-blank lines of its language in each package directory, the packages nested inside it left out."""
    packages = list(packages)
    _count_ahead(view, packages, cache)
    return _per_package(view, packages, cache, unreadable, _lines_of, lambda total, language: total)


def _per_package(view: TreeView, packages: list[tuple[str, str]], cache: Cache, unreadable: set[str] | None,
                 measure_of: Callable[[str], _Measure], part: Callable[[Any, str], int]) -> list[int]:
    """The `part` of each package's language in the total `measure_of` it gives over the package's directory,
    the packages nested inside it left out.

    Totals are sums, so a package's own share is its directory's whole total
    less those of the outermost packages nested in it: whole totals are cached
    by tree id, and a release costs its changed directories alone, whatever
    nests in what.  Where an object under a package is missing, its directory
    is walked by path, which names what could not be read.
    """
    nested = _Nested(path for path, _ in packages)
    sink = set() if unreadable is None else unreadable
    found = []
    for path, language in packages:
        measure, inner = measure_of(language), nested.under(path)
        parts = [_whole_part(view, directory, cache, measure, language, part) for directory in inner.outermost()]
        whole = _whole_part(view, _normal(path), cache, measure, language, part)
        if whole is None or None in parts:  # something under the package is missing, so its directory exists
            start = view.directory(_normal(path))
            found.append(part(_tree_total(view, start, _normal(path), cache, measure, sink, inner), language))
        else:
            found.append(whole - sum(parts))
    return found


def _whole_part(view: TreeView, directory: str, cache: Cache, measure: _Measure, language: str,
                part: Callable[[Any, str], int]) -> int | None:
    """`part` of the whole total under `directory` (0 where it is no directory), None when something is missing."""
    tree = view.directory(directory)
    if tree is None:
        return 0
    total = _whole_total(view, tree.id, cache, measure)
    return None if total is None else part(total, language)


@functools.lru_cache(maxsize=1 << 16)
def language_of(name: str) -> str | None:
    """The language of a file name, None for prose, data and the unknown (memoised: names recur at every release)."""
    if name in FILE_NAMES:
        return FILE_NAMES[name]
    return LANGUAGES.get(posixpath.splitext(name)[1].lower())


class _LanguageByName(dict):
    """`language_of` by a tree entry's name as bytes, "" for none: a dictionary look-up in the walks' inner
    loop, where even a memoised call costs more."""

    def __missing__(self, name: bytes) -> str:
        if len(self) >= 1 << 16:
            self.clear()
        found = self[name] = language_of(text(name)) or ""
        return found


_LANGUAGES_BY_NAME = _LanguageByName()


@dataclass(frozen=True)
class _Measure:
    """What a tree walk sums: the cache kind of directory totals, how to add a subdirectory's total to a
    directory's, and the total of a directory's own files with the names of those that cannot be read
    (symbolic links are no file's content and add nothing).  The files of a directory are summed in one
    call, a loop with no call per file: this is the inner loop of the architecture pass."""

    kind: str
    add: Callable[[Any, Any], Any]
    files: Callable[[pygit2.Repository, list[tuple[bytes, bytes, bytes]], Cache], tuple[Any, list[str]]]


def _whole_total(view: TreeView, oid: pygit2.Oid, cache: Cache, measure: _Measure) -> Any | None:
    """`measure` summed over every file under the directory `oid`, None when an object under it is missing.

    Every directory's total is cached by its tree id, so only the directories
    not seen before are listed; they are summed children first, iteratively (a
    tree may nest deeper than Python's recursion limit).  No paths are built:
    the walk by path (`_tree_total`) is what names a missing object.
    """
    kind = measure.kind
    cached = cache.get(kind, str(oid))
    if cached is not None:
        return cached
    totals: dict[pygit2.Oid, Any] = {}
    listings: dict[pygit2.Oid, Listing] = {}
    stack: list[tuple[pygit2.Oid, bool]] = [(oid, False)]
    while stack:
        current, children_done = stack.pop()
        if children_done:
            listing = listings[current]
            total, missing = measure.files(view.repo, listing.entries, cache)
            if missing:
                return None
            for _, child in listing.trees:
                total = measure.add(total, totals[child])
            totals[current] = total
            cache.put(kind, str(current), total)
            continue
        if current in totals or current in listings:
            continue
        listing = view.listing(current)
        if listing is None:
            return None
        listings[current] = listing
        stack.append((current, True))
        for _, child in listing.trees:
            if child not in totals:
                found = cache.get(kind, str(child))
                if found is not None:
                    totals[child] = found
                else:
                    stack.append((child, False))
    return totals[oid]


def _tree_total(view: TreeView, tree: pygit2.Tree, path: str, cache: Cache, measure: _Measure,
                unreadable: set[str], excluded: _Nested | None = None) -> Any:
    """`measure` summed over the files under `tree` (found at `path`), skipping the `excluded` directories.

    A directory's total is cached by tree id where it was read whole and
    nothing inside it is excluded.  Two passes, neither recursive (a tree may
    nest deeper than Python's recursion limit): the directories not cached are
    found parents first, then summed children first, each from its listing,
    which the view holds (the manifest walk of the release listed most of them
    already).  Most subdirectories are unchanged: their total is looked up by
    the id their parent lists, without loading the tree.
    """
    excluded = excluded if excluded is not None else _Nested(())
    known: dict[str, tuple[Any, bool] | None] = {}  # directory -> (total, read whole); None: unreadable
    order: list[tuple[pygit2.Oid, Listing, str, bool]] = []
    stack: list[tuple[pygit2.Oid, str]] = [(tree.id, path)]
    while stack:
        oid, where = stack.pop()
        cacheable = not excluded.holds_under(where)
        cached = cache.get(measure.kind, str(oid)) if cacheable else None
        listing = view.listing(oid) if cached is None else None
        if cached is not None:
            known[where] = (cached, True)
        elif listing is None:
            known[where] = None
        else:
            order.append((oid, listing, where, cacheable))
            stack += [(child, below) for name, child in listing.trees
                      if (below := f"{where}/{name}" if where else name) not in excluded]
    for oid, listing, where, cacheable in reversed(order):
        total, whole = _directory_total(view.repo, listing, where, cache, measure, unreadable, known)
        if cacheable and whole:
            cache.put(measure.kind, str(oid), total)
        known[where] = (total, whole)
    return known[path][0]


def _directory_total(repo: pygit2.Repository, listing: Listing, where: str, cache: Cache, measure: _Measure,
                     unreadable: set[str], known: dict[str, tuple[Any, bool] | None]) -> tuple[Any, bool]:
    """(the total of one directory's files and of its subdirectories `known`, whether it was read whole); the
    excluded subdirectories are not in `known`, the unreadable ones are None there."""
    total, missing = measure.files(repo, listing.entries, cache)
    whole = not missing
    for name, _ in listing.trees:
        found = known.get(f"{where}/{name}" if where else name, False)
        if found is None:
            missing.append(name)
            whole = False
        elif found is not False:
            total = measure.add(total, found[0])
            whole = whole and found[1]
    unreadable.update(f"{where}/{name}" if where else name for name in missing)
    return total, whole


@functools.cache
def _lines_of(language: str) -> _Measure:
    """Lines in the files of `language`, each directory's total cached under the language's own kind."""
    def files_lines(repo: pygit2.Repository, entries: list[tuple[bytes, bytes, bytes]],
                    cache: Cache) -> tuple[int, list[str]]:
        total, missing = 0, []
        for name, raw in _files_of(entries, language):
            lines = _blob_lines(repo, raw, cache)
            if lines is None:
                missing.append(text(name))
            else:
                total += lines
        return total, missing

    return _Measure(f"{LINES_TREE_KIND}:{language}", int.__add__, files_lines)


def _files_of(entries: list[tuple[bytes, bytes, bytes]], language: str) -> Iterator[tuple[bytes, bytes]]:
    """(name, raw id) of a directory's regular files of `language`: those whose lines are counted."""
    return ((name, raw) for mode, name, raw in entries
            if MODE_KINDS[mode] is FILE and _LANGUAGES_BY_NAME[name] == language)


def _files_bytes(repo: pygit2.Repository, entries: list[tuple[bytes, bytes, bytes]],
                 cache: Cache) -> tuple[dict[str, int], list[str]]:
    """Bytes of each language in a directory's regular files (no entry for an empty file), and the names of
    those not readable."""
    total: dict[str, int] = {}
    missing = []
    kinds, languages, known = MODE_KINDS, _LANGUAGES_BY_NAME, _SIZES.get  # inline: a call per file is a tenth
    for mode, name, raw in entries:
        if kinds[mode] is FILE and (language := languages[name]):
            size = known(raw)
            if size is None:
                size = _size(repo, raw)
            if size is None:
                missing.append(text(name))
            elif size:
                total[language] = total.get(language, 0) + size
    return total, missing


def _counted(total: dict[str, int], more: dict[str, int]) -> dict[str, int]:
    for language, size in more.items():  # Counter.update costs several times more
        total[language] = total.get(language, 0) + size
    return total


_LANGUAGE_BYTES = _Measure(LANGUAGE_BYTES_KIND, _counted, _files_bytes)


def _blob_lines(repo: pygit2.Repository, raw: bytes, cache: Cache) -> int | None:
    key = raw.hex()
    cached = cache.get(LINES_BLOB_KIND, key)
    if cached is not None:
        return cached
    try:
        data = repo.odb.read(pygit2.Oid(raw=raw))[1]  # the raw object: half the cost of `repo[oid].data`
    except MISSING_OBJECT:
        return None
    lines = _non_blank_lines(data)
    cache.put(LINES_BLOB_KIND, key, lines)
    return lines


def _count_ahead(view: TreeView, packages: list[tuple[str, str]], cache: Cache) -> None:
    """The lines of every blob `package_lines` will count and the cache lacks, read by one `git cat-file
    --batch`: git keeps the delta bases that libgit2 inflates again for each blob, and inflates them in a
    process of its own (the 2,077 Rust files, 46 MB, of a Codex-sized release: 0.19 s of git's CPU against
    0.44 s of libgit2's).  A blob git cannot give is left to `_blob_lines`, which reports it missing."""
    wanted: dict[str, None] = {}
    seen: set[tuple[pygit2.Oid, str]] = set()
    for path, language in packages:
        start = view.directory(_normal(path))
        stack = [start.id] if start is not None else []
        kind = _lines_of(language).kind
        while stack:
            oid = stack.pop()
            if (oid, language) in seen or cache.get(kind, str(oid)) is not None:
                continue
            seen.add((oid, language))
            listing = view.listing(oid)
            if listing is None:
                continue
            stack += [child for _, child in listing.trees]
            wanted.update((key, None) for _, raw in _files_of(listing.entries, language)
                          if cache.get(LINES_BLOB_KIND, key := raw.hex()) is None)
    if wanted:
        for oid, data in blobs(view.repo.path, wanted):
            if data is not None:
                cache.put(LINES_BLOB_KIND, oid, _non_blank_lines(data))


def _non_blank_lines(data: bytes) -> int:
    """Lines holding something bytes.strip() keeps; counted with bytes methods only, twice as fast as a
    regular expression's matches over the 20 MB a large release's sources hold."""
    lines = data.translate(None, _BLANKS).splitlines()
    return len(lines) - lines.count(b"")


def _size(repo: pygit2.Repository, raw: bytes) -> int | None:
    """The size of the blob `raw` (its id's bytes) from its header, memoised: a changed directory re-lists
    its unchanged files.

    Keyed by id alone, since a blob id names its content in every repository;
    a missing blob is not remembered.
    """
    size = _SIZES.get(raw)
    if size is None:
        try:
            size = repo.odb.read_header(pygit2.Oid(raw=raw))[1]
        except MISSING_OBJECT:
            return None
        if len(_SIZES) >= _SIZES_KEPT:
            _SIZES.clear()
        _SIZES[raw] = size
    return size


class _Nested:
    """Directories in name order, where those strictly under one directory are one slice.

    Every path that starts with `a/b/` sorts between `a/b/` and `a/b0`
    (`0` follows `/`), so finding them is two bisections, not a scan.
    """

    def __init__(self, paths: Iterable[str]):
        self._sorted = sorted(set(paths))
        self._set = set(self._sorted)

    def under(self, directory: str) -> _Nested:
        """The paths strictly under `directory` ("" holds every other path)."""
        low, high = self._slice(directory)
        return _Nested(self._sorted[low:high])

    def outermost(self) -> list[str]:
        """The paths not under another of them: the directories whose subtrees hold all the others."""
        found: set[str] = set()
        for path in self._sorted:  # a directory sorts before the paths under it
            parts = path.split("/")
            if "" not in found and not any("/".join(parts[:end]) in found for end in range(1, len(parts))):
                found.add(path)
        return sorted(found)

    def holds_under(self, directory: str) -> bool:
        low, high = self._slice(directory)
        return low < high

    def __contains__(self, path: str) -> bool:
        return path in self._set

    def _slice(self, directory: str) -> tuple[int, int]:
        directory = _normal(directory)
        if not directory:
            return int(self._sorted[:1] == [""]), len(self._sorted)
        return bisect_left(self._sorted, directory + "/"), bisect_left(self._sorted, directory + "0")


def _normal(directory: str) -> str:
    """A crate directory as the tree names it: "" for the root (also written "."), no trailing slash."""
    return "" if directory in ("", ".") else directory.rstrip("/")
