"""Check the package-level TypeScript/JavaScript import graph against dependency-cruiser's.

    python benchmarks/check_sourceview_typescript.py REPO_PATH [TAG ...] [--every N]

For each tag (default: every N-th stable release, N=30, and the latest), the
npm workspace of the root package.json is read by the source view; the same
source files, with each package's package.json and tsconfig.json, are written
from git blobs to a temporary directory and dependency-cruiser runs on them
(`--no-config`, so nothing of the repository is loaded, and
`--ts-pre-compilation-deps`, so type-only imports count as they do here;
TypeScript must be installed beside depcruise or .ts files are skipped).
depcruise's module-level dependencies are reduced to packages
(`fixtures.sources.depcruise_edges`).  The edge sets and their
importing-file counts are compared and each difference printed.
depcruise is looked up on PATH (DEPCRUISE overrides); without it, or
without the repository, the script exits 0 with a message.
"""
from __future__ import annotations

import argparse
import posixpath
import sys
import tempfile
from pathlib import Path

import pygit2

from fixtures.sources import chosen_releases, depcruise_edges, depcruise_path, export, npm_workspaces, release_trees
from miner.analyses.sourceview import source_view
from miner.sources.code import read_sources
from miner.store.cache import MemoryCache


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("repo")
    parser.add_argument("tags", nargs="*")
    parser.add_argument("--every", type=int, default=30)
    args = parser.parse_args()
    depcruise = depcruise_path()
    if not Path(args.repo).exists() or depcruise is None:
        print(f"skipped: {args.repo if depcruise else 'depcruise'} not found")
        return 0
    repo = pygit2.Repository(args.repo)
    releases = chosen_releases(repo, args.tags, args.every)
    cache = MemoryCache()
    differ = 0
    for sources in read_sources(repo, release_trees(repo, releases, cache, npm_workspaces), cache):
        differ += compare(repo, sources, depcruise)
    print(f"{len(releases)} tags, {len(releases) - differ} with identical package graphs")
    return 1 if differ else 0


def compare(repo: pygit2.Repository, sources, depcruise: str) -> int:
    view = source_view(sources)
    tree = repo.revparse_single(sources.release).peel(pygit2.Tree)
    ours = {(edge.source, edge.target): edge.files for edge in view.edges}
    with tempfile.TemporaryDirectory() as folder:
        manifests = [posixpath.join(unit.package.path, name) for unit in sources.units for name, _ in unit.texts]
        export(repo, tree, [file.path for file in sources.files] + manifests, Path(folder))
        theirs, modules = depcruise_edges(depcruise, Path(folder), sources.units)
    same = ours == theirs
    print(f"{sources.release}: {len(sources.files)} files (depcruise: {modules} modules), {len(ours)} package edges, "
          f"{'identical to dependency-cruiser' if same else 'DIFFERENT from dependency-cruiser'}")
    names = {unit.key: unit.package.path or "(root)" for unit in sources.units}
    for pair in sorted(set(ours) | set(theirs)):
        if ours.get(pair) != theirs.get(pair):
            print(f"    {names[pair[0]]} -> {names[pair[1]]}: source view {ours.get(pair, 0)} files, "
                  f"depcruise {theirs.get(pair, 0)}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
