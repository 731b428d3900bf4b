"""Incremental parsing gives what a fresh parse gives, on every distinct source file version of real repositories.

    python benchmarks/check_incremental.py REPO_PATH [REPO_PATH ...]

Per repository, every stable release's source files are listed as the
source view lists them (packages from the root manifest, as in
`bench_sourceview.py`), and each distinct blob is parsed twice, in release
order: fresh (`parse(grammar, data)`), and from the version its path held
before (`parse_from` with that version's `Parsed`, itself parsed that way,
as `miner.sources.code` does).  Both `FileImports` must be equal: the cache
is keyed by blob id alone.  Printed: the agreement (N of N blobs
identical, and each mismatch), how many were parsed from a previous version
(the rest had none, or a tree with errors, and were parsed afresh), and the
CPU seconds of reading the blobs, of the fresh parse (of which tree-sitter's
parse and its import query) and of the incremental one.  Blobs over the
default size limit are left out, as the source view leaves them.  A path
that does not exist is skipped.  Exit status 1 on any mismatch.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pygit2
from bench_sourceview import packages_finder
from tree_sitter import QueryCursor

from fixtures.sources import release_trees
from miner.analyses.releases import select_releases
from miner.pipeline import releases_to_read
from miner.sources.code import Limits, _Reader
from miner.sources.grammars import grammar
from miner.sources.imports import _query, parse, parse_from
from miner.sources.tags import read_tags
from miner.store.cache import MemoryCache


def versions(repo: pygit2.Repository, name: str) -> list[tuple[str, str, str]]:
    """(path, blob id, grammar) of each distinct blob of the stable releases, where it is first met."""
    releases = releases_to_read(select_releases(read_tags(repo)).releases)
    cache = MemoryCache()
    trees = release_trees(repo, releases, cache, packages_finder(repo, releases[-1].commit))
    reader = _Reader(repo, cache, Limits(), name)
    seen, found = set(), []
    for tree in trees:
        for _, path, blob_id, grammar_name in reader.listed(tree)[1]:
            if (blob_id, grammar_name) not in seen and repo.odb.read_header(blob_id)[1] <= Limits().max_bytes:
                seen.add((blob_id, grammar_name))
                found.append((path, blob_id, grammar_name))
    return found


def check(path: Path) -> bool:
    repo = pygit2.Repository(str(path))
    name = path.parent.name if path.name == "repo" else path.name
    found = versions(repo, name)
    clock = time.process_time
    started = clock()
    blobs = [repo[blob_id].data for _, blob_id, _ in found]
    reading = clock() - started
    started = clock()
    trees = 0.0
    for (_, _, grammar_name), data in zip(found, blobs):
        tree = grammar(grammar_name).parser.parse(data)
        trees -= clock()
        QueryCursor(_query(grammar_name)).captures(tree.root_node)
        trees += clock()
    queries, trees = trees, clock() - started - trees
    started = clock()
    fresh = [parse(grammar_name, data) for (_, _, grammar_name), data in zip(found, blobs)]
    fresh_time = clock() - started
    previous, incremental, reused = {}, [], 0
    started = clock()
    for (path_, _, grammar_name), data in zip(found, blobs):
        before = previous.get((path_, grammar_name))
        result, previous[(path_, grammar_name)] = parse_from(grammar_name, data, before)
        incremental.append(result)
        reused += before is not None
    incremental_time = clock() - started
    differ = [(path_, blob_id) for (path_, blob_id, _), a, b in zip(found, fresh, incremental) if a != b]
    size = sum(map(len, blobs)) / 1e6
    print(f"{name}: {len(found) - len(differ):,} of {len(found):,} blobs identical ({size:.0f} MB); "
          f"{reused:,} had a previous version of their path")
    print(f"  CPU s: reading {reading:.1f}; fresh parse {fresh_time:.1f} (tree-sitter parse {trees:.1f}, "
          f"import query {queries:.1f}, the rest in Python); incremental {incremental_time:.1f}")
    for path_, blob_id in differ:
        print(f"  differs: {path_} {blob_id}")
    return not differ


def main(arguments: list[str]) -> int:
    ok = True
    for path in arguments:
        if not Path(path).exists():
            print(f"skipped: {path} does not exist")
            continue
        ok = check(Path(path)) and ok
        sys.stdout.flush()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
