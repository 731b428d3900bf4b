"""Check the Rust source view on real workspaces: used edges between members are declared ones.

    python benchmarks/check_sourceview_rust.py REPO_PATH [REPO_PATH ...] [--line PREFIX] [--every N]

At every stable release of the repository's current line (every N-th with
`--every`), the Cargo workspaces come from `miner.ecosystems.cargo` (whose members and
path edges match `cargo metadata --no-deps`: see bench_workspaces.py
--check) and the source view from `miner.pipeline`.  The compiler refuses a
crate that imports a crate it does not declare, so every used edge between
members must be declared; a used edge that `cargo metadata` does not list
as a path edge is explained when the importer's manifest declares the
member by version (`[patch.crates-io]` or a published release of the
member), when every file importing it is one no `mod` of the crate
names and no target starts from (a stale file the compiler never reads), or
when every import of it, or the `mod` item that reaches its file, carries
`#[cfg(feature = "X")]` for a feature X the crate's manifest does not define
(code no build compiles: tokio 0.1.20 removed the `async-await-preview`
feature and its `tokio-futures` dependency but kept the gated code).  Only
the attributes right above a line are read: an import inside a gated
function's body (tokio 0.1.6's `futures2::` paths, under the undefined
`unstable-futures`) stays unexplained, to be read by eye.
Anything else is printed with its example line.  Per release it
prints the declared-but-never-used count, split into edges whose target is
named only inside macro bodies and the rest (doc tests, features, build
scripts' `cfg`s, or a dependency really left over).
A repository path that does not exist is skipped with a message.
"""
from __future__ import annotations

import argparse
import posixpath
import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pygit2

from fixtures.sources import cargo_workspaces, release_trees, stable_releases
from miner.analyses.sourceview import source_view
from miner.sources.code import read_sources
from miner.store.cache import MemoryCache


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("repos", nargs="+")
    parser.add_argument("--line", default=None)
    parser.add_argument("--every", type=int, default=1)
    args = parser.parse_args()
    failed = 0
    for path in args.repos:
        if not Path(path).exists():
            print(f"skipped: {path} does not exist")
            continue
        failed += check(Path(path), args.line, args.every)
    return 1 if failed else 0


def check(path: Path, line: str | None, every: int) -> int:
    repo = pygit2.Repository(str(path))
    cache = MemoryCache()
    releases = stable_releases(repo, line)[::-1][::every][::-1]
    name = path.parent.name if path.name == "repo" else path.name
    totals: Counter = Counter()
    last = None
    for sources in read_sources(repo, release_trees(repo, releases, cache, cargo_workspaces), cache):
        view = source_view(sources)
        counts = classify(sources, view, Gates(repo, sources.release))
        totals.update(counts)
        totals["releases"] += 1
        print(f"{name} {view.release}: {len(view.units)} crates, {len(view.edges)} used edges "
              f"({counts['declared by path']} path, {counts['declared by version']} by version, "
              f"{counts['in files no mod reaches']} in files no mod reaches, "
              f"{counts['under an undefined feature']} under an undefined feature, {counts['UNEXPLAINED']} unexplained), "
              f"declared never used {counts['unused']} ({counts['unused, only in macros']} only in macros), "
              f"macro-only files {view.macro_only_files}, {view.counts.files} files, "
              f"{view.counts.errors} with syntax errors")
        last = view
    for row in last.declared if last else ():
        if row.status == "declared, never used":
            units = {unit.key: unit.package.name for unit in last.units}
            print(f"    {last.release} never imported: {units[row.package]} -> {units[row.dependency]} "
                  f"({', '.join(row.declared)})")
    print(f"{name}: {totals['releases']} stable releases, used edges {totals['declared by path']} declared by path, "
          f"{totals['declared by version']} by version, {totals['in files no mod reaches']} only in files no mod "
          f"reaches, {totals['under an undefined feature']} under an undefined feature, {totals['UNEXPLAINED']} "
          f"unexplained; declared never used {totals['unused']} edge-releases "
          f"({totals['unused, only in macros']} only in macros)")
    return 1 if totals["UNEXPLAINED"] else 0


def classify(sources, view, gates: Gates) -> Counter:
    """Each used edge by how it is declared (or why it need not be), and the unused declared edges."""
    units = {unit.key: unit for unit in view.units}
    path_edges = {(unit.key, target.key) for unit in view.units for dep in unit.package.dependencies
                  for target in view.units if target.package.name == dep.name and target.workspace == unit.workspace}
    by_version = {(row.package, row.dependency) for row in view.declared if row.declared} - path_edges
    counts = Counter()
    for edge in view.edges:
        pair = (edge.source, edge.target)
        if pair in path_edges:
            counts["declared by path"] += 1
        elif pair in by_version:
            counts["declared by version"] += 1
        elif all(unreached(file, units[edge.source], sources) for file in importers(sources, edge, units)):
            counts["in files no mod reaches"] += 1
        elif all(gates.gated(file, units[edge.source], units[edge.target], sources)
                 for file in importers(sources, edge, units)):
            counts["under an undefined feature"] += 1
        else:
            counts["UNEXPLAINED"] += 1
            print(f"  {view.release}: {units[edge.source].package.name} -> {units[edge.target].package.name} "
                  f"not declared ({edge.files} files, e.g. {edge.example}, kinds {', '.join(edge.kinds)})")
    statuses = Counter(row.status for row in view.declared)
    counts["unused"] = statuses["declared, never used"] + statuses["declared, named only in macros"]
    counts["unused, only in macros"] = statuses["declared, named only in macros"]
    return counts


def importers(sources, edge, units) -> list:
    """The files of the edge's importer naming the imported crate."""
    names = set(units[edge.target].names)
    return [file for file in sources.files if file.unit == edge.source
            and any(i.target in names and i.kind != "macro" for i in file.imports.imports)]


def unreached(file, unit, sources) -> bool:
    """Whether no `mod` of the crate names the file and it is no target root: a file the compiler never reads."""
    relative = posixpath.relpath(file.path, unit.package.path or ".")
    if ROOTS.fullmatch(relative) or any(file.path == directory for directory in unit.dirs):
        return False
    stem = posixpath.basename(posixpath.dirname(relative)) if relative.endswith("/mod.rs") else \
        posixpath.basename(relative)[:-3]
    declared = {module for other in sources.files if other.unit == unit.key for module in other.imports.modules}
    return stem not in declared


class Gates:
    """Which imports only code under `#[cfg(feature = "X")]`, X a feature the crate does not define, holds.

    Read from the file texts at the release: the attributes just above an
    import line, and those above the `mod` item naming the file.  A check of
    this script, not of miner: the source view keeps no `cfg`s.
    """

    _ATTRIBUTE = re.compile(rb'\s*#\[cfg\(feature\s*=\s*"([^"]+)"\)\]')
    _OTHER_ATTRIBUTE = re.compile(rb"\s*(#\[|///|//!)")

    def __init__(self, repo: pygit2.Repository, release: str):
        self.tree = repo.revparse_single(release).peel(pygit2.Tree)

    def gated(self, file, importer, target, sources) -> bool:
        features = self._features(importer)
        lines = self._lines(file.path)
        names = set(target.names)
        imports = [i for i in file.imports.imports if i.target in names and i.kind != "macro"]
        if all(self._undefined(lines, i.line, features) for i in imports):
            return True
        return self._mod_gated(file, importer, features)

    def _mod_gated(self, file, importer, features) -> bool:
        """Whether the `mod` item reaching the file sits under an undefined feature."""
        stem = posixpath.basename(posixpath.dirname(file.path)) if file.path.endswith("/mod.rs") else \
            posixpath.basename(file.path)[:-3]
        item = re.compile(rb"\s*(pub(\([^)]*\))?\s+)?mod\s+" + re.escape(stem.encode()) + rb"\s*;")
        for other in sources_files(importer, self.tree):
            lines = self._lines(other)
            for number, text in enumerate(lines, 1):
                if item.match(text) and self._undefined(lines, number, features):
                    return True
        return False

    def _undefined(self, lines: list[bytes], number: int, features: set[str]) -> bool:
        """Whether the attributes just above line `number` (1-based) gate it on an undefined feature."""
        index = number - 2
        while index >= 0 and self._OTHER_ATTRIBUTE.match(lines[index]):
            gate = self._ATTRIBUTE.match(lines[index])
            if gate and gate.group(1).decode() not in features:
                return True
            index -= 1
        return False

    def _features(self, unit) -> set[str]:
        """The crate's features: `[features]` keys and its optional dependencies (Cargo's implicit features)."""
        manifest = tomllib.loads(self._blob(posixpath.join(unit.package.path or "", "Cargo.toml")).decode())
        optional = {name for table in ("dependencies", "dev-dependencies", "build-dependencies")
                    for name, spec in manifest.get(table, {}).items() if isinstance(spec, dict) and spec.get("optional")}
        return set(manifest.get("features", {})) | optional

    def _lines(self, path: str) -> list[bytes]:
        return self._blob(path).split(b"\n")

    def _blob(self, path: str) -> bytes:
        return self.tree[path.lstrip("/")].data if path.lstrip("/") else b""


def sources_files(unit, tree: pygit2.Tree) -> list[str]:
    """The `.rs` files under the crate's directory at the release."""
    base = unit.package.path or ""
    top = tree[base] if base else tree
    found = []

    def walk(node, prefix):
        for entry in node:
            path = posixpath.join(prefix, entry.name)
            if entry.type_str == "tree":
                walk(entry, path)
            elif entry.name.endswith(".rs"):
                found.append(path)
    walk(top, base)
    return found


# Files Cargo compiles as crate roots without any `mod` naming them.
ROOTS = re.compile(r"(src/(lib|main)\.rs|src/bin/.*|(tests|benches|examples)/[^/]+(\.rs|/main\.rs)|build\.rs"
                   r"|[^/]*\.rs)")

if __name__ == "__main__":
    sys.exit(main())
