"""A release's source code: each package's source files and what they import, every blob parsed once.

`read_sources(repo, releases, cache)` walks, at each release, only the
directories that hold a package's sources and yields one `ReleaseSources`
per release.  Which directories those are follows each ecosystem's own rules,
so that what is parsed is what the build reads:

- Cargo: `src/`, `tests/`, `benches/`, `examples/` and the build script
  (`build.rs`, or `package.build`), plus the directory of every target whose
  `path` the manifest sets (ripgrep's `[[bin]] path = "crates/core/main.rs"`);
- npm, pnpm, yarn, bun: the package directory, without `node_modules/`,
  `dist/` and hidden directories;
- Python: the project's top-level packages, found in `src/` when the project
  has one (every directory there) and otherwise beside `pyproject.toml` (the
  directories holding an `__init__.py`, other than tests, docs, examples and
  scripts);
- Go: the module directory, without `vendor/`, `testdata/`, directories
  whose name starts with `_` or `.`, and nested modules (the go command's rules).

In every ecosystem a directory holding another package of the same language
is that package's, not its parent's.

Each file's imports come from `miner.sources.imports`, cached by blob id and
grammar version: a re-run parses nothing, a new release parses its changed
files only, each new version of a path is parsed from the one before it, and
what the releases need parsed can be shared out over processes
(`Limits.workers`), each taking whole runs of one path's versions.  A file over `Limits.max_bytes` (generated code,
vendored bundles) is skipped and counted, whether or not the cache holds it,
so the counts do not depend on what an earlier run saw.  Directory listings
are kept per tree id for the run, so a package whose sources did not change
since the previous release costs one look-up.
"""
from __future__ import annotations

import bisect
import multiprocessing
import os
import posixpath
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Sequence

import pygit2
import tomli

from miner.errors import MinerError, MinerWarning
from miner.model.imports import FAMILIES, FileImports, ParseCounts, ReleaseSources, SourceFile, Unit
from miner.model.packages import Package, Workspace, package_key
from miner.model.repopaths import join, under
from miner.sources.grammars import grammar_of
from miner.sources.imports import cache_kind, cached_imports, parse_from
from miner.sources.trees import MISSING_OBJECT, MissingObject, TreeView
from miner.store.cache import Cache

# Language family -> the grammars its files are parsed with.
_GRAMMARS = {"rust": {"rust"}, "javascript": {"typescript", "tsx", "javascript"}, "python": {"python"}, "go": {"go"}}
# Bump when the cached value's shape or meaning changes.
CARGO_TARGETS_KIND = "cargo-targets-v1"

_CARGO_DIRS = ("src", "tests", "benches", "examples")
_CARGO_KINDS = (("normal", ("dependencies",)), ("dev", ("dev-dependencies", "dev_dependencies")),
                ("build", ("build-dependencies", "build_dependencies")))
_JS_SKIPPED = frozenset({"node_modules", "dist"})
_GO_SKIPPED = frozenset({"vendor", "testdata"})
_PYTHON_NOT_PACKAGES = frozenset({"tests", "test", "testing", "docs", "doc", "examples", "example",
                                  "scripts", "benchmarks", "bench", "build", "dist"})
_LINK = pygit2.GIT_FILEMODE_LINK


@dataclass(frozen=True)
class Limits:
    """What a run may read and use: files larger than `max_bytes` are skipped and counted, and at most
    `workers` processes parse (1: this process alone; None: as `auto_workers` says).

    Parsing is most of a cold source view's cost, and the versions of
    different paths are independent of each other, so it shares out over
    cores; a warm run parses nothing and starts no process.
    """

    max_bytes: int = 1_000_000
    workers: int | None = None


# Below this many bytes to parse, other processes cost a run more than they save, so `auto_workers` parses
# here.  Measured on two cores: mistral-vibe's 21 MB took 1.8 s of wall either way and 1.8 -> 3.2 s of CPU;
# tokio's 88 MB 5.4 -> 4.0 s of wall (5.4 -> 7.0 s of CPU), the generated Codex-sized one's 243 MB 12.8 -> 8.8 s.
AUTO_MIN_BYTES = 64_000_000
AUTO_MAX_WORKERS = 4  # each process holds a repository and a syntax tree: more cores, little more speed


def auto_workers(parse_bytes: int) -> int:
    """The parsing processes for `parse_bytes` when the user did not say: one per core this process may use
    (at most AUTO_MAX_WORKERS) once there is enough to parse, else this process alone.  A run inside a
    worker of a local pool or of Dask parses alone too: its executor already gives each core a repository
    (and a daemonic process may not start others)."""
    if parse_bytes < AUTO_MIN_BYTES or multiprocessing.parent_process() is not None \
            or multiprocessing.current_process().daemon:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, AUTO_MAX_WORKERS))


@dataclass(frozen=True)
class ReleaseTree:
    """One release to read: its name, its tree and the workspaces found in that tree."""

    release: str
    tree: pygit2.Tree
    workspaces: Sequence[Workspace]


def read_sources(repo: pygit2.Repository, releases: Iterable[ReleaseTree], cache: Cache,
                 limits: Limits = Limits(), repo_name: str = "") -> Iterator[ReleaseSources]:
    """The units, source files and parse counts of each release, in the order given.

    A generator: each release's files can be analysed and dropped before the
    next is built.  Every release is listed first, so that what they need
    parsed is parsed path by path, each version from the one before it
    (`miner.sources.imports.parse_from`), with one syntax tree held at a time
    per process.  `repo_name` only labels the warnings.
    """
    reader = _Reader(repo, cache, limits, repo_name)
    releases = list(releases)
    try:
        listed = [reader.listed(release) for release in releases]
        reader.parse([(path, blob_id, grammar) for _, files, _ in listed for _, path, blob_id, grammar in files])
        for release, (units, files, tally) in zip(releases, listed):
            yield reader.release(release, units, files, tally)
    finally:
        reader.close()


def units_at(view: TreeView, workspaces: Sequence[Workspace], cache: Cache) -> list[Unit]:
    """The units of a release's packages (packages of ecosystems without a grammar left out)."""
    packages = [(workspace.root, package) for workspace in workspaces for package in workspace.packages
                if package.ecosystem in FAMILIES]
    return [_unit(view, root, package, cache) for root, package in packages]


class _Reader:
    """Reads releases one after another, remembering parsed blobs and directory listings."""

    def __init__(self, repo: pygit2.Repository, cache: Cache, limits: Limits, repo_name: str):
        self.repo, self.cache, self.limits, self.repo_name = repo, cache, limits, repo_name
        self.parsed: dict[tuple[str, str], FileImports] = {}
        self.fresh: set[tuple[str, str]] = set()
        self.sizes: dict[str, int | None] = {}
        self.listings: dict[tuple, tuple[tuple[str, str, str], ...]] = {}
        self.pool: Any = None

    def release(self, release: ReleaseTree, units: list[Unit], listed: list[tuple[Unit, str, str, str]],
                tally: _Tally) -> ReleaseSources:
        """The release's sources from its listing (`listed`), once `parse` has parsed what it needs."""
        needed = {(blob_id, grammar) for _, _, blob_id, grammar in listed}
        for key in needed & self.fresh:
            tally.parsed(self.parsed[key].size)
        self.fresh -= needed
        files = []
        for unit, path, blob_id, grammar in listed:
            found = self._counted(path, blob_id, grammar, tally)
            if found is not None:
                files.append(SourceFile(path, unit.key, grammar, found))
        warnings = tuple(MinerWarning(self.repo_name, message, release.release, path) for path, message in tally.warnings)
        return ReleaseSources(release.release, tuple(units), tuple(files), tally.counts(), warnings)

    def listed(self, release: ReleaseTree) -> tuple[list[Unit], list[tuple[Unit, str, str, str]], _Tally]:
        """The release's units, (unit, path, blob id, grammar) of each of their source files, and the
        tally of what could not be listed."""
        tally = _Tally()
        view = TreeView(self.repo, release.tree)
        units = units_at(view, release.workspaces, self.cache)
        nested = _nested(units)
        files = [(unit, *found) for unit in units for found in self._files(view, unit, nested[unit.key], tally)]
        return units, files, tally

    def close(self) -> None:
        """The parsing processes ended; work not started is dropped (an interrupted run exits at once)."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def _files(self, view: TreeView, unit: Unit, nested: frozenset[str], tally: _Tally) -> list[tuple[str, str, str]]:
        """(path, blob id, grammar) of the unit's source files, each once."""
        family = FAMILIES[unit.package.ecosystem]
        found: dict[str, tuple[str, str, str]] = {}
        for directory in unit.dirs:
            entry = view.entry(directory)
            if isinstance(entry, pygit2.Tree):
                inside = frozenset(path for path in nested if under(path, directory))
                found.update((listed[0], listed) for listed in self._listing(entry, directory, family, inside, tally))
            elif isinstance(entry, pygit2.Blob) and not view.is_link(directory):
                grammar = grammar_of(directory)
                if grammar in _GRAMMARS[family]:
                    found[directory] = (directory, str(entry.id), grammar)
        return list(found.values())

    def _listing(self, tree: pygit2.Tree, start: str, family: str, nested: frozenset[str],
                 tally: _Tally) -> tuple[tuple[str, str, str], ...]:
        """The source files under `tree` (at path `start`), kept per tree id and path for the run when complete
        (a directory unchanged since the previous release costs one look-up, its paths joined once)."""
        key = (str(tree.id), start, family, nested)
        if key in self.listings:
            return self.listings[key]
        relative, complete = _walk(self.repo, tree, start, family, nested, tally)
        listing = tuple((join(start, path), blob, grammar) for path, blob, grammar in relative)
        if complete:
            self.listings[key] = listing
        return listing

    def parse(self, files: list[tuple[str, str, str]]) -> None:
        """Parse the blobs of `files` ((path, blob id, grammar), in release order) neither this run nor the
        cache has seen, within the size limit; cache the results.

        Each path's new versions are parsed in the order met, each from the one
        before it; what is parsed is `fresh` until a release counts it as parsed.
        """
        chains: dict[tuple[str, str], list[str]] = {}
        queued = set()
        for path, blob_id, grammar in files:
            key = (blob_id, grammar)
            if key in self.parsed or key in queued:
                continue
            found, size = cached_imports(grammar, blob_id, self.cache), self._size(blob_id)
            if found is not None:
                self.parsed[key] = found
            elif size is not None and size <= self.limits.max_bytes:
                chains.setdefault((path, grammar), []).append(blob_id)
                queued.add(key)
        total = sum(self._size(blob_id) or 0 for chain in chains.values() for blob_id in chain)
        workers = auto_workers(total) if self.limits.workers is None else self.limits.workers
        for grammar, blob_id, found in self._parsed_all(self._pieces(chains, total, workers), workers):
            self.cache.put(cache_kind(grammar), blob_id, found.to_json())
            self.parsed[(blob_id, grammar)] = found
            self.fresh.add((blob_id, grammar))

    def _pieces(self, chains: dict[tuple[str, str], list[str]], total: int,
                workers: int) -> list[tuple[str, list[str]]]:
        """(grammar, blob ids) to parse one after another: each path's chain of versions, cut where it
        holds more than its share of the `total` bytes, so that a file changed in hundreds of releases does
        not keep one of the `workers` processes busy while the others wait."""
        share = max(total // (4 * workers), 1) if workers > 1 else total + 1
        pieces = []
        for (_, grammar), chain in chains.items():
            piece, size = [], 0
            for blob_id in chain:
                if piece and size >= share:
                    pieces.append((grammar, piece))
                    piece, size = [], 0
                piece.append(blob_id)
                size += self._size(blob_id) or 0
            pieces.append((grammar, piece))
        return pieces

    def _parsed_all(self, pieces: list[tuple[str, list[str]]],
                    workers: int) -> Iterator[tuple[str, str, FileImports]]:
        """(grammar, blob id, imports) of each blob of the pieces: here, or shared out over `workers` processes."""
        if workers <= 1 or len(pieces) < 2 * workers:
            for grammar, chain in pieces:
                for blob_id, found in zip(chain, _parsed_chain(self.repo, grammar, chain)):
                    yield grammar, blob_id, found
            return
        if self.pool is None:  # an executor, not multiprocessing.Pool: a Pool waits forever for a killed worker
            self.pool = ProcessPoolExecutor(workers, multiprocessing.get_context("spawn"), _start_worker,
                                            (self.repo.path,))
        try:
            for (grammar, chain), values in zip(pieces, self.pool.map(_parse_in_worker, pieces, chunksize=4)):
                for blob_id, value in zip(chain, values):
                    yield grammar, blob_id, FileImports.from_json(value)
        except BrokenProcessPool:
            raise MinerError(f"{self.repo_name}: a process parsing source files ended abruptly (killed, out of "
                             "memory or crashed), so the source view is incomplete and nothing was saved; "
                             "`--source-workers 1` parses in this process") from None

    def _size(self, blob_id: str) -> int | None:
        """The blob's size from its object header, None when the repository does not have it."""
        if blob_id not in self.sizes:
            try:
                self.sizes[blob_id] = self.repo.odb.read_header(blob_id)[1]
            except MISSING_OBJECT:
                self.sizes[blob_id] = None
        return self.sizes[blob_id]

    def _counted(self, path: str, blob_id: str, grammar: str, tally: _Tally) -> FileImports | None:
        """The file's imports, None when it is skipped (too large, missing); counted either way."""
        found = self.parsed.get((blob_id, grammar))
        size = found.size if found is not None else self._size(blob_id)
        if size is None:
            tally.missing(path)
            return None
        if size > self.limits.max_bytes:
            tally.skip_large(size)
            return None
        tally.seen(found)
        return found


_WORKER_REPO: list[pygit2.Repository] = []


def _start_worker(path: str) -> None:
    """A parsing process opens the repository once."""
    _WORKER_REPO.append(pygit2.Repository(path))


def _parse_in_worker(piece: tuple[str, list[str]]) -> list[dict[str, Any]]:
    grammar, chain = piece
    return [found.to_json() for found in _parsed_chain(_WORKER_REPO[0], grammar, chain)]


def _parsed_chain(repo: pygit2.Repository, grammar: str, chain: list[str]) -> Iterator[FileImports]:
    """The imports of each blob of `chain` (versions of one path, in order), each parsed from the one before
    (the bytes read from the object database: no Blob object is made for them)."""
    previous = None
    for blob_id in chain:
        found, previous = parse_from(grammar, repo.odb.read(blob_id)[1], previous)
        yield found


@dataclass
class _Tally:
    """One release's counts, in the making."""

    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ParseCounts.__dataclass_fields__, 0))
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def seen(self, found: FileImports) -> None:
        self.values["files"] += 1
        self.values["bytes"] += found.size
        self.values["binary"] += found.binary
        self.values["errors"] += found.errors
        self.values["not_utf8"] += found.not_utf8

    def parsed(self, size: int) -> None:
        self.values["parsed"] += 1
        self.values["parsed_bytes"] += size

    def skip_large(self, size: int) -> None:
        self.values["files"] += 1
        self.values["bytes"] += size
        self.values["too_large"] += 1

    def missing(self, path: str) -> None:
        self.values["files"] += 1
        self.values["missing"] += 1
        self.warnings.append((path, "source file missing from the repository; its imports are not read"))

    def counts(self) -> ParseCounts:
        return ParseCounts(**self.values)


# Units -----------------------------------------------------------------------


def _unit(view: TreeView, workspace: str, package: Package, cache: Cache) -> Unit:
    family = FAMILIES[package.ecosystem]
    key = package_key(package, workspace)
    if family == "rust":
        targets = _cargo_targets(view, package, cache)
        return Unit(key, package, workspace, targets["names"], package.path, targets["dirs"],
                    declared=targets["declared"])
    if family == "javascript":
        texts = tuple((name, text) for name in ("package.json", "tsconfig.json")
                      if (text := _text(view, join(package.path, name))) is not None)
        return Unit(key, package, workspace, (package.name,), package.path, (package.path,), texts)
    if family == "python":
        base, names, dirs = _python_packages(view, package.path)
        return Unit(key, package, workspace, names, base, dirs)
    return Unit(key, package, workspace, (package.name,), package.path, (package.path,))


def _cargo_targets(view: TreeView, package: Package, cache: Cache) -> dict[str, Any]:
    """The crate name code uses for the package's library, its directories (and build script) to read,
    and every dependency its manifest declares."""
    facts = {"lib": None, "paths": [], "build": None, "dependencies": []}
    blob_id = view.blob_id(package.manifest)
    if blob_id is not None:
        facts = cache.get(CARGO_TARGETS_KIND, blob_id)
        if facts is None:
            facts = _cargo_facts(view.read(package.manifest) or b"")
            cache.put(CARGO_TARGETS_KIND, blob_id, facts)
    dirs = [join(package.path, directory) for directory in _CARGO_DIRS]
    dirs += [join(package.path, posixpath.dirname(path) or ".") for path in facts["paths"]]
    if facts["build"] is not False:
        dirs.append(join(package.path, facts["build"] or "build.rs"))
    return {
        "names": (facts["lib"] or package.name.replace("-", "_"),),
        "dirs": tuple(dict.fromkeys(directory for directory in dirs if directory is not None)),
        "declared": tuple(tuple(dependency) for dependency in facts["dependencies"]),
    }


def _cargo_facts(data: bytes) -> dict[str, Any]:
    """`[lib] name`, the `path` of every target, `package.build` and the dependencies of a manifest
    (nothing if it does not parse).  The parser is the compiled tomli the ecosystems read manifests with
    (tomllib's own code, several times faster); the architecture stage has already checked these bytes'
    shape, since it found the package in them."""
    try:
        document = tomli.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomli.TOMLDecodeError):
        return {"lib": None, "paths": [], "build": None, "dependencies": []}
    lib = _table(document.get("lib"))
    targets = [lib] + [target for kind in ("bin", "test", "bench", "example")
                       for target in (document.get(kind) if isinstance(document.get(kind), list) else [])
                       if isinstance(target, dict)]
    build = _table(document.get("package")).get("build")
    return {
        "lib": lib.get("name") if isinstance(lib.get("name"), str) else None,
        "paths": [target["path"] for target in targets if isinstance(target.get("path"), str)],
        "build": build if isinstance(build, str) or build is False else None,
        "dependencies": _cargo_dependencies(document),
    }


def _cargo_dependencies(document: dict) -> list[list[str]]:
    """[key, package name, kind] of every dependency, of every kind and target."""
    scopes = [document] + [_table(scope) for scope in _table(document.get("target")).values()]
    found = []
    for scope in scopes:
        for kind, tables in _CARGO_KINDS:
            for key, value in next((_table(scope[t]) for t in tables if t in scope), {}).items():
                renamed = _table(value).get("package")
                found.append([key, renamed if isinstance(renamed, str) else key, kind])
    return sorted(map(list, {tuple(entry) for entry in found}))


def _table(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _python_packages(view: TreeView, directory: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(base, top-level names, their paths) of a Python project: its `src/` layout, else its flat one."""
    src = join(directory, "src")
    tree = view.entry(src)
    if isinstance(tree, pygit2.Tree):
        names = [e.name for e in tree if e.type_str == "tree" and _python_name(e.name)]
        modules = [e.name for e in tree if e.type_str == "blob" and e.name.endswith(".py") and _python_name(e.name[:-3])]
        if names or modules:
            return src, tuple(sorted(names + [m[:-3] for m in modules])), tuple(
                sorted(join(src, name) for name in names + modules))
    tree = view.entry(directory)
    names = sorted(e.name for e in tree if e.type_str == "tree" and _python_name(e.name)
                   and e.name not in _PYTHON_NOT_PACKAGES and view.blob_id(join(directory, f"{e.name}/__init__.py"))) \
        if isinstance(tree, pygit2.Tree) else []
    return directory, tuple(names), tuple(join(directory, name) for name in names)


def _python_name(name: str) -> bool:
    return name.isidentifier() and not name.startswith("_")


def _nested(units: list[Unit]) -> dict[str, frozenset[str]]:
    """Unit key -> the directories of other units of the same language inside its directory.

    Found by bisection in the sorted directories of each language, so that
    thousands of crates cost n log n, not a scan of every other unit each.
    """
    paths: dict[str, list[str]] = {}
    for unit in units:
        paths.setdefault(FAMILIES[unit.package.ecosystem], []).append(unit.package.path)
    for family in paths:
        paths[family] = sorted(set(paths[family]))
    found = {}
    for unit in units:
        family, path = FAMILIES[unit.package.ecosystem], unit.package.path
        inside = paths[family]
        if not path:
            found[unit.key] = frozenset(other for other in inside if other)
            continue
        start = bisect.bisect_left(inside, path + "/")
        end = bisect.bisect_left(inside, path + "0")  # "0" follows "/": every path under `path/` sorts before it
        found[unit.key] = frozenset(inside[start:end])
    return found


# Walking ---------------------------------------------------------------------


def _walk(repo: pygit2.Repository, tree: pygit2.Tree, start: str, family: str, nested: frozenset[str],
          tally: _Tally) -> tuple[tuple[tuple[str, str, str], ...], bool]:
    """Source files below `tree` as (path relative to it, blob id, grammar), and whether every subtree was read."""
    grammars = _GRAMMARS[family]
    found, complete = [], True
    stack = [(tree, "")]
    while stack:
        current, prefix = stack.pop()
        for entry in current:
            relative = f"{prefix}{entry.name}"
            if entry.type_str == "tree":
                if _skipped(entry.name, family) or join(start, relative) in nested:
                    continue
                try:
                    subtree = repo[entry.id]
                except MISSING_OBJECT:
                    tally.warnings.append((join(start, relative), "directory missing from the repository; "
                                                                   "its sources are not read"))
                    complete = False
                    continue
                if family == "go" and "go.mod" in subtree:
                    continue
                stack.append((subtree, relative + "/"))
            elif entry.type_str == "blob" and entry.filemode != _LINK:
                grammar = grammar_of(entry.name)
                if grammar in grammars:
                    found.append((relative, str(entry.id), grammar))
    return tuple(sorted(found)), complete


def _skipped(name: str, family: str) -> bool:
    """Directories an ecosystem's build never reads sources from."""
    if family == "javascript":
        return name in _JS_SKIPPED or name.startswith(".")
    if family == "go":
        return name in _GO_SKIPPED or name.startswith((".", "_"))
    return name.startswith(".") or name == "__pycache__"


def _text(view: TreeView, path: str) -> str | None:
    try:
        data = view.read(path)
    except MissingObject:
        return None
    return data.decode("utf-8", "replace") if data is not None and not view.is_link(path) else None
