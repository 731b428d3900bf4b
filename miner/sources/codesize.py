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
from typing import Any, Callable, Iterable

import pygit2

from miner.sources.trees import MISSING_OBJECT, TreeView
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

_LINK = pygit2.GIT_FILEMODE_LINK
# Blanks inside a line: deleted, a line bytes.strip() would empty is empty, and bytes.splitlines cuts the rest.
_BLANKS = b" \t\f\v"
_TREE, _BLOB = int(pygit2.GIT_OBJECT_TREE), int(pygit2.GIT_OBJECT_BLOB)
_SIZES: dict[pygit2.Oid, int] = {}
_SIZES_KEPT = 1 << 18  # about 40 MB at most


def language_bytes(view: TreeView, cache: Cache, unreadable: set[str] | None = None) -> dict[str, int]:
    """Bytes of each language in the whole tree, largest first; what cannot be read is added to `unreadable`."""
    totals = _tree_total(view.repo, view.tree, "", cache, _LANGUAGE_BYTES, set() if unreadable is None else unreadable)
    return dict(sorted(totals.items(), key=lambda item: (-item[1], item[0])))


def package_bytes(view: TreeView, packages: Iterable[tuple[str, str]], cache: Cache,
                  unreadable: set[str] | None = None) -> list[int]:
    """Bytes of its language in each package directory (`packages` are (directory, language) pairs, the
    answer is in their order), the packages nested inside it left out; from object headers only."""
    return _per_package(view, list(packages), cache, unreadable,
                        lambda directory, language, nested, sink: _tree_total(
                            view.repo, directory[0], directory[1], cache, _LANGUAGE_BYTES, sink, nested).get(language, 0))


def package_lines(view: TreeView, packages: Iterable[tuple[str, str]], cache: Cache,
                  unreadable: set[str] | None = None) -> list[int]:
    """Non-blank lines of its language in each package directory, the packages nested inside it left out."""
    return _per_package(view, list(packages), cache, unreadable,
                        lambda directory, language, nested, sink: _tree_total(
                            view.repo, directory[0], directory[1], cache, _lines_of(language), sink, nested))


def _per_package(view: TreeView, packages: list[tuple[str, str]], cache: Cache, unreadable: set[str] | None,
                 measure: Callable) -> list[int]:
    """`measure` of each package's directory tree, linear in the packages however many share a directory:
    the nested ones are found by bisection in name order, and directory trees are held by the view."""
    nested = _Nested(path for path, _ in packages)
    sink = set() if unreadable is None else unreadable
    found = []
    for path, language in packages:
        start = view.directory(_normal(path))
        found.append(measure((start, _normal(path)), language, nested.under(path), sink) if start is not None else 0)
    return found


@functools.lru_cache(maxsize=1 << 16)
def language_of(name: str) -> str | None:
    """The language of a file name, None for prose, data and the unknown (memoised: names recur at every release)."""
    if name in FILE_NAMES:
        return FILE_NAMES[name]
    return LANGUAGES.get(posixpath.splitext(name)[1].lower())


@dataclass(frozen=True)
class _Measure:
    """What a tree walk sums: the cache kind of directory totals, an empty total, how to add a directory's
    total to one, a file's value (falsy when it adds nothing, None when it cannot be read; symbolic links
    are no file's content and add nothing) and how to add that."""

    kind: str
    zero: Callable[[], Any]
    add: Callable[[Any, Any], Any]
    file: Callable[[pygit2.Repository, pygit2.Object, Cache], Any]
    add_file: Callable[[Any, Any], Any]


def _tree_total(repo: pygit2.Repository, tree: pygit2.Tree, path: str, cache: Cache, measure: _Measure,
                unreadable: set[str], excluded: _Nested | None = None) -> Any:
    """`measure` summed over the files under `tree` (found at `path`), skipping the `excluded` directories.

    A directory's total is cached by tree id where it was read whole and
    nothing inside it is excluded.  Two passes, neither recursive (a tree may
    nest deeper than Python's recursion limit): the directories not cached are
    listed parents first, then summed children first, each in one loop over its
    entries with its subdirectories' totals known.  This is the inner loop of
    the architecture pass (every changed directory of every release), so it
    does as little per entry as it can.
    """
    excluded = excluded if excluded is not None else _Nested(())
    kind, file, add, add_file = measure.kind, measure.file, measure.add, measure.add_file
    known: dict[str, tuple[Any, bool] | None] = {}  # directory -> (total, read whole); None: unreadable
    order: list[tuple[pygit2.Tree, str, bool]] = []
    stack: list[tuple[pygit2.Tree, str]] = [(tree, path)]
    while stack:
        directory, where = stack.pop()
        cacheable = not excluded.holds_under(where)
        cached = cache.get(kind, str(directory.id)) if cacheable else None
        if cached is not None:
            known[where] = (cached, True)
            continue
        order.append((directory, where, cacheable))
        for entry in directory:
            if entry.type == _TREE:
                child = f"{where}/{entry.name}" if where else entry.name
                if child in excluded:
                    continue
                # Most subdirectories are unchanged: their total is looked up by the id the parent lists,
                # without loading the tree (which costs several times more).
                cached = cache.get(kind, str(entry.id)) if not excluded.holds_under(child) else None
                if cached is not None:
                    known[child] = (cached, True)
                    continue
                subtree = _load(repo, entry.id)
                if subtree is None:
                    known[child] = None
                else:
                    stack.append((subtree, child))
    for directory, where, cacheable in reversed(order):
        total, whole = measure.zero(), True
        for entry in directory:
            if entry.type == _TREE:  # `type` is an int; `type_str` and `filemode` (an enum) cost 10x more
                child = f"{where}/{entry.name}" if where else entry.name
                if child in excluded:
                    continue
                found = known[child]
                if found is None:
                    unreadable.add(child)
                    whole = False
                else:
                    total = add(total, found[0])
                    whole = whole and found[1]
            elif entry.type == _BLOB:
                value = file(repo, entry, cache)
                if value is None:
                    unreadable.add(f"{where}/{entry.name}" if where else entry.name)
                    whole = False
                elif value:
                    total = add_file(total, value)
        if cacheable and whole:
            cache.put(kind, str(directory.id), total)
        known[where] = (total, whole)
    return known[path][0]


@functools.cache
def _lines_of(language: str) -> _Measure:
    """Lines in the files of `language`, each directory's total cached under the language's own kind."""
    def file_lines(repo: pygit2.Repository, entry: pygit2.Object, cache: Cache) -> int | None:
        if language_of(entry.name) != language or entry.filemode == _LINK:
            return 0
        return _blob_lines(repo, entry.id, cache)

    return _Measure(f"{LINES_TREE_KIND}:{language}", int, int.__add__, file_lines, int.__add__)


def _file_bytes(repo: pygit2.Repository, entry: pygit2.Object, cache: Cache) -> tuple[str, int] | None:
    """(language, bytes) of a file, () when it has no language, is empty or is a symbolic link."""
    language = language_of(entry.name)
    if not language or entry.filemode == _LINK:
        return ()
    size = _size(repo, entry.id)
    return None if size is None else (language, size) if size else ()


def _counted(total: dict[str, int], more: dict[str, int]) -> dict[str, int]:
    for language, size in more.items():  # Counter.update costs several times more
        total[language] = total.get(language, 0) + size
    return total


def _count_file(total: dict[str, int], file: tuple[str, int]) -> dict[str, int]:
    total[file[0]] = total.get(file[0], 0) + file[1]
    return total


_LANGUAGE_BYTES = _Measure(LANGUAGE_BYTES_KIND, dict, _counted, _file_bytes, _count_file)


def _blob_lines(repo: pygit2.Repository, oid: pygit2.Oid, cache: Cache) -> int | None:
    cached = cache.get(LINES_BLOB_KIND, str(oid))
    if cached is not None:
        return cached
    blob = _load(repo, oid)
    if blob is None:
        return None
    lines = _non_blank_lines(blob.data)
    cache.put(LINES_BLOB_KIND, str(oid), lines)
    return lines


def _non_blank_lines(data: bytes) -> int:
    """Lines holding something bytes.strip() keeps; counted with bytes methods only, twice as fast as a
    regular expression's matches over the 20 MB a large release's sources hold."""
    lines = data.translate(None, _BLANKS).splitlines()
    return len(lines) - lines.count(b"")


def _size(repo: pygit2.Repository, oid: pygit2.Oid) -> int | None:
    """A blob's size from its header, memoised: a changed directory re-lists its unchanged files.

    Keyed by id alone, since a blob id names its content in every repository;
    a missing blob is not remembered.
    """
    size = _SIZES.get(oid)
    if size is None:
        try:
            size = repo.odb.read_header(oid)[1]
        except MISSING_OBJECT:
            return None
        if len(_SIZES) >= _SIZES_KEPT:
            _SIZES.clear()
        _SIZES[oid] = size
    return size


def _load(repo: pygit2.Repository, oid: pygit2.Oid) -> pygit2.Object | None:
    try:
        return repo[oid]
    except MISSING_OBJECT:
        return None


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
