"""One release's files, read straight from a git tree: no checkout, nothing executed.

Every ecosystem finds its manifests the same way, so the tree is walked here
once per release for all of them: `TreeView.find` lists the files with the
given names, caching each directory's answer by its tree id, so a release that
changes one directory re-walks only that directory and its ancestors.  The walk
is iterative (a tree nested thousands of levels deep is data, not a crash), and
a subtree missing from a damaged repository is reported by its full path, never
raised: the rest of the tree is still read.
"""
from __future__ import annotations

import functools
import hashlib
import posixpath
import re
from dataclasses import dataclass, field

import pygit2

from miner.store.cache import Cache

# What pygit2 raises for an object the repository does not have (or cannot read).
MISSING_OBJECT = (KeyError, ValueError, pygit2.GitError)
FOUND_KIND = "tree-files-v1"
_LINK = pygit2.GIT_FILEMODE_LINK
_TREE = int(pygit2.GIT_OBJECT_TREE)
# A tree object is a run of `<octal mode> <name>\0<20-byte id>` entries.
_ENTRY = re.compile(rb"([0-7]+) ([^\0]*)\0(.{20})", re.DOTALL)
DIRECTORY, FILE, LINK, SUBMODULE = "directory", "file", "link", "submodule"


class _ModeKinds(dict):
    """What an entry's mode makes it, by the mode's type bits, as git reads them (`canon_mode`: what is no
    file, link or directory is a submodule).  Old histories hold modes git no longer writes (`100664`,
    `040000`, `100600`), so modes are classed by their bits, each distinct one once."""

    def __missing__(self, mode: bytes) -> str:
        kind = self[mode] = {0o100000: FILE, 0o120000: LINK, 0o040000: DIRECTORY}.get(int(mode, 8) & 0o170000,
                                                                                       SUBMODULE)
        return kind


MODE_KINDS = _ModeKinds()


class MissingObject(Exception):
    """An object the tree names is missing from the repository; `path` says which."""

    def __init__(self, path: str):
        super().__init__(f"{path}: missing from the repository")
        self.path = path


@dataclass(frozen=True)
class Found:
    """Files found by name: `files` maps each path to whether it is a symbolic link; `missing` lists
    the directories that could not be read, from the root."""

    files: dict[str, bool] = field(default_factory=dict)
    missing: tuple[str, ...] = ()

    def paths(self, name: str) -> list[str]:
        """Sorted paths of the regular files called `name` (symbolic links left out)."""
        return [path for path, link in self._by_name.get(name, ()) if not link]

    def links(self, name: str) -> list[str]:
        """Sorted paths of the symbolic links called `name`: a manifest must be a file, never followed."""
        return [path for path, link in self._by_name.get(name, ()) if link]

    @functools.cached_property
    def _by_name(self) -> dict[str, list[tuple[str, bool]]]:
        """(path, is a link) of the files by name, in path order: every ecosystem asks for its own names."""
        found: dict[str, list[tuple[str, bool]]] = {}
        for path in sorted(self.files):
            found.setdefault(posixpath.basename(path), []).append((path, self.files[path]))
        return found


@dataclass(frozen=True)
class Listing:
    """One directory's entries, parsed from the tree object's bytes: subdirectories as (name, id), and every
    entry as git writes it, (mode, name, raw id) bytes, for the walks to pick the files they want.

    The byte totals and the manifest walk go over every entry of every
    changed directory (gemini-cli's 609 releases: 275,000), so an entry costs
    one tuple made by the regular expression, with no object per entry and no
    enum: pygit2 makes its `filemode` a `FileMode` flag, a third of a
    microsecond a file.  Walks pick entries by what their mode makes them
    (`MODE_KINDS`), and `text` gives a name as pygit2 does.
    """

    trees: list[tuple[str, pygit2.Oid]]
    entries: list[tuple[bytes, bytes, bytes]]
    data: bytes  # the tree object, for a search of a name over all entries at once

    def named(self, names: frozenset[bytes], wanted: re.Pattern[bytes]) -> dict[str, bool]:
        """The regular files and links whose name is in `names` (`wanted` finds any of them as an entry
        writes it, b" name\\0"), each with whether it is a link: most directories hold none, which one
        search of the object's bytes says without a look at each entry."""
        if wanted.search(self.data) is None:
            return {}
        return {text(name): MODE_KINDS[mode] is LINK for mode, name, _ in self.entries
                if name in names and MODE_KINDS[mode] in (FILE, LINK)}


def text(name: bytes) -> str:
    """An entry's name as pygit2 decodes it (undecodable bytes kept as surrogates, which it encodes back)."""
    return name.decode("utf-8", "surrogateescape")


class TreeView:
    """Read access to one tree: entries, blobs and directory listings by path."""

    def __init__(self, repo: pygit2.Repository, tree: pygit2.Tree):
        self.repo, self.tree = repo, tree
        self._trees: dict[str, pygit2.Tree | None] = {"": tree}
        self._entries: dict[str, pygit2.Object | None] = {"": tree, ".": tree}
        self._listings: dict[pygit2.Oid, Listing | None] = {}
        self.shared: dict[str, object] = {}  # what several readers derive from this tree, made once (by kind)

    def listing(self, oid: pygit2.Oid) -> Listing | None:
        """The entries of the directory `oid`, None when it is missing; listed once for the life of the view.

        The manifest walk and the byte totals of a release go over the same
        changed directories (the unchanged ones are cache look-ups for both):
        each is loaded and listed once for both.
        """
        if oid not in self._listings:
            try:
                kind, data = self.repo.odb.read(oid)
            except MISSING_OBJECT:
                kind, data = None, b""
            self._listings[oid] = _listing(data) if kind == _TREE else None
        return self._listings[oid]

    def entry(self, path: str) -> pygit2.Object | None:
        """The object at `path` ("" is the tree itself), None when there is none or it is missing.

        Directories are resolved one level at a time, and every answer is remembered for the life of the
        view: pygit2's `tree["a/b/c"]` parses every tree on the way again, which costs milliseconds a call in
        a directory of thousands of entries (a `packages/` of a large monorepo), and a manifest is asked
        for four times (is it a link, its id, its size, its bytes).
        """
        if path in self._entries:
            return self._entries[path]
        parent, _, name = path.rpartition("/")
        directory = self.directory(parent)
        found = None
        if directory is not None:
            try:
                found = directory[name]
            except MISSING_OBJECT:
                pass
        self._entries[path] = found
        return found

    def directory(self, path: str) -> pygit2.Tree | None:
        """The tree at directory `path`, None if it is no directory; iterative, so any depth is fine."""
        pending = []
        while path not in self._trees:
            pending.append(path)
            path = path.rpartition("/")[0]
        tree = self._trees[path]
        for directory in reversed(pending):
            if tree is not None:
                try:
                    found = tree[directory.rpartition("/")[2]]
                except MISSING_OBJECT:
                    found = None
                tree = found if isinstance(found, pygit2.Tree) else None
            self._trees[directory] = tree
        return tree

    def is_link(self, path: str) -> bool:
        """Whether `path` is a symbolic link (whose blob holds the target's name, not a file's text)."""
        found = self.entry(path) if path not in ("", ".") else None
        return found is not None and found.filemode == _LINK

    def blob_id(self, path: str) -> str | None:
        """The id of the blob at `path`, None when `path` is not a file."""
        found = self.entry(path)
        return str(found.id) if isinstance(found, pygit2.Blob) else None

    def size(self, path: str) -> int | None:
        """The size of the file at `path` from its object header (no decompression), None if it is no file."""
        found = self.entry(path)
        if not isinstance(found, pygit2.Blob):
            return None
        try:
            return self.repo.odb.read_header(found.id)[1]
        except MISSING_OBJECT:
            raise MissingObject(path) from None

    def read(self, path: str) -> bytes | None:
        """The bytes of the regular file at `path`; None when there is none; MissingObject if its blob is absent."""
        found = self.entry(path)
        if not isinstance(found, pygit2.Blob):
            return None
        try:
            return self.repo.odb.read(found.id)[1]  # the raw object: half the cost of `found.data`
        except MISSING_OBJECT:
            raise MissingObject(path) from None

    def subdirs(self, path: str) -> list[str] | None:
        """Names of the directories inside `path`, None if `path` is not a directory."""
        found = self.entry(path)
        if not isinstance(found, pygit2.Tree):
            return None
        return [entry.name for entry in found if entry.type_str == "tree"]

    def find(self, names: frozenset[str] | set[str], cache: Cache) -> Found:
        """Every file in the tree whose name is in `names`, each directory's answer cached by tree id."""
        return _find(self, _search(frozenset(names)), cache)


@dataclass(frozen=True)
class _Search:
    """What a search for some file names needs, made once per set of names, not at each release: the
    cache kind of its answers, the names as entries write them, and a pattern finding any of them."""

    kind: str
    names: frozenset[bytes]
    pattern: re.Pattern[bytes]


@functools.lru_cache(maxsize=64)
def _search(names: frozenset[str]) -> _Search:
    encoded = frozenset(name.encode("utf-8", "surrogateescape") for name in names)
    return _Search(f"{FOUND_KIND}:{hashlib.sha1(chr(0).join(sorted(names)).encode()).hexdigest()[:16]}", encoded,
                   re.compile(b"|".join(re.escape(b" " + name + b"\0") for name in sorted(encoded))))


def _find(view: TreeView, search: _Search, cache: Cache) -> Found:
    """Post-order over the directories, iteratively; complete answers are cached, partial ones recomputed.

    A directory not cached is listed through the view, which the byte totals of the same release then
    reuse.  A subdirectory is looked up in the cache by the id its parent lists before it is listed, since
    most subdirectories are unchanged.
    """
    done: dict[pygit2.Oid, tuple[dict[str, bool], list[str]]] = {}  # by id; cached answers are only read
    kind, encoded, wanted = search.kind, search.names, search.pattern
    stack: list[tuple[pygit2.Oid, Listing | None]] = []
    _visit(view, view.tree.id, kind, cache, done, stack)
    while stack:
        oid, listing = stack.pop()
        if listing is None:
            if oid in done:
                continue
            listing = view.listing(oid)
            stack.append((oid, listing))
            for _, child in listing.trees:
                _visit(view, child, kind, cache, done, stack)
            continue
        files = listing.named(encoded, wanted)
        missing: list[str] = []
        for name, child in listing.trees:
            if child not in done:
                missing.append(name)
                continue
            child_files, child_missing = done[child]
            if child_files:  # most subdirectories hold no manifest
                files.update((f"{name}/{path}", link) for path, link in child_files.items())
            if child_missing:
                missing += [f"{name}/{path}" for path in child_missing]
        if not missing:
            cache.put(kind, str(oid), files)
        done[oid] = (files, missing)
    files, missing = done[view.tree.id]
    return Found(dict(files), tuple(sorted(missing)))


def _visit(view: TreeView, oid: pygit2.Oid, kind: str, cache: Cache,
           done: dict[pygit2.Oid, tuple[dict[str, bool], list[str]]], stack: list) -> None:
    """The answer for the directory `oid` from the cache, else the directory put on `stack` to be listed; a
    tree missing from the repository is left out of `done`, so its parent reports it."""
    if oid in done:
        return
    cached = cache.get(kind, str(oid))
    if cached is not None:
        done[oid] = (cached, [])
    elif view.listing(oid) is not None:
        stack.append((oid, None))


def _listing(data: bytes) -> Listing:
    """A directory's listing from its tree object's bytes."""
    entries = _ENTRY.findall(data)
    return Listing([(text(name), pygit2.Oid(raw=raw)) for mode, name, raw in entries
                    if MODE_KINDS[mode] is DIRECTORY], entries, data)
