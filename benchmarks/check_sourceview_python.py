"""Check the Python subpackage graph against grimp's on the exported tree.

    python benchmarks/check_sourceview_python.py REPO_PATH [TAG ...] [--every N]

For each tag (default: every N-th stable release, N=10, and the latest),
the root `pyproject.toml` project's packages are read by the source view;
the same files are written from git blobs to a temporary directory and
grimp (import-linter's engine, in the test extra) builds its import graph of
each top-level package there.  grimp's module edges are collapsed to the
package's children (`vibe.cli.x` -> `vibe.cli`) as the source view's
subpackage graph is, and the two edge sets, with their importing-file
counts, are compared.  grimp leaves out modules in directories without an
`__init__.py` (namespace portions inside a regular package, which Python
imports and the source view reads), so the comparison is made on the files
grimp sees, and what the others add is printed beside it.  Exits 0 with a message when the repository or grimp
is absent.
"""
from __future__ import annotations

import argparse
import importlib.util
import posixpath
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import pygit2

from fixtures.sources import chosen_releases, export, grimp_edges, python_project, release_trees
from miner.analyses.sourceview import source_view
from miner.sources.code import read_sources
from miner.store.cache import MemoryCache


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("repo")
    parser.add_argument("tags", nargs="*")
    parser.add_argument("--every", type=int, default=10)
    args = parser.parse_args()
    if not Path(args.repo).exists():
        print(f"skipped: {args.repo} does not exist")
        return 0
    if importlib.util.find_spec("grimp") is None:
        print("skipped: grimp is not installed (pip install -e '.[test]')")
        return 0
    repo = pygit2.Repository(args.repo)
    releases = chosen_releases(repo, args.tags, args.every)
    cache = MemoryCache()
    differ = 0
    for sources in read_sources(repo, release_trees(repo, releases, cache, python_project), cache):
        differ += compare(repo, sources)
    print(f"{len(releases)} tags, {len(releases) - differ} with identical subpackage graphs")
    return 1 if differ else 0


def compare(repo: pygit2.Repository, sources) -> int:
    regular = replace(sources, files=tuple(file for file in sources.files if _in_regular_packages(file.path, sources)))
    whole, view = source_view(sources), source_view(regular)
    tree = repo.revparse_single(sources.release).peel(pygit2.Tree)
    differ = 0
    with tempfile.TemporaryDirectory() as folder:
        export(repo, tree, [file.path for file in sources.files], Path(folder))
        for graph, complete in zip(view.subpackages, whole.subpackages):
            unit = next(unit for unit in view.units if unit.key == graph.unit)
            ours = {(edge.source, edge.target): edge.files for edge in graph.edges}
            theirs, modules = grimp_edges(Path(folder) / unit.base, graph.package)
            same = ours == theirs and modules == len(regular.files)
            differ += not same
            added = {(e.source, e.target): e.files for e in complete.edges}
            extra = sorted(f"{a} -> {b} (+{n - ours.get((a, b), 0)})" for (a, b), n in added.items() if n != ours.get((a, b)))
            print(f"{sources.release} {graph.package}: {len(regular.files)} files in regular packages "
                  f"(grimp: {modules} modules), {len(ours)} subpackage edges, "
                  f"{'identical to grimp' if same else 'DIFFERENT from grimp'}; "
                  f"{len(sources.files) - len(regular.files)} files in namespace directories add "
                  f"{', '.join(extra) or 'nothing'}")
            for pair in sorted(set(ours) | set(theirs)):
                if ours.get(pair) != theirs.get(pair):
                    print(f"    {pair[0]} -> {pair[1]}: source view {ours.get(pair, 0)} files, grimp {theirs.get(pair, 0)}")
    return differ


def _in_regular_packages(path: str, sources) -> bool:
    """Whether every directory from the package down to the file holds an `__init__.py`."""
    unit = next(unit for unit in sources.units if path.startswith(unit.base))
    present = {file.path for file in sources.files}
    directory = posixpath.dirname(path)
    while directory and directory != unit.base:
        if f"{directory}/__init__.py" not in present:
            return False
        directory = posixpath.dirname(directory)
    return True


if __name__ == "__main__":
    sys.exit(main())
