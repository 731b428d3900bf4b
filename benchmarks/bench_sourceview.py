"""Time the source view over every stable release of a repository, against `git log --name-only` on it.

    python benchmarks/bench_sourceview.py REPO_PATH [REPO_PATH ...] [--prereleases] [--workers N]

Per repository: the packages come from its root manifest (Cargo workspaces
through `miner.ecosystems.cargo`, else the root package.json's npm workspaces, else the
root pyproject.toml's project; see `fixtures.sources`), found for every stable
release first and timed apart, since the architecture stage reads them anyway.
Then `miner.pipeline.source_views` runs cold (empty `MemoryCache`) and warm
(same cache: nothing is parsed), and the distinct file versions it parsed are
parsed again on their own, for the parse rate in files/s and MB/s.  The
largest resident set is taken before that (the blobs read back for it would
count otherwise); it includes the MemoryCache of every parsed file.  The
reference is `git log --no-merges --no-renames --name-only HEAD` on the same
repository.  Also printed: stable releases, file-releases read, distinct
blobs parsed.  A path that does not exist is skipped.
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

import pygit2

from fixtures.sources import cargo_workspaces, npm_workspaces, python_project, release_trees
from miner.analyses.releases import select_releases
from miner.pipeline import releases_to_read, source_views
from miner.sources.code import Limits
from miner.sources.imports import parse
from miner.sources.tags import read_tags
from miner.sources.trees import TreeView
from miner.store.cache import MemoryCache


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("repos", nargs="+")
    parser.add_argument("--prereleases", action="store_true")
    parser.add_argument("--workers", type=int, default=1, help="processes parsing at once (Limits.workers)")
    args = parser.parse_args()
    for path in args.repos:
        if not Path(path).exists():
            print(f"skipped: {path} does not exist")
            continue
        bench(Path(path), args.prereleases, Limits(workers=args.workers))
    return 0


def bench(path: Path, prereleases: bool, limits: Limits) -> None:
    repo = pygit2.Repository(str(path))
    name = path.parent.name if path.name == "repo" else path.name
    git_log = timed(lambda: subprocess.run(
        ["git", "--git-dir", str(path), "log", "--no-merges", "--no-renames", "--name-only", "HEAD"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True))
    releases = releases_to_read(select_releases(read_tags(repo)).releases, prereleases)
    finder = packages_finder(repo, releases[-1].commit)
    cache = MemoryCache()
    started = time.perf_counter()
    trees = release_trees(repo, releases, cache, finder)
    discovery = time.perf_counter() - started
    cpu = time.process_time()
    cold_views, cold = timed_result(lambda: source_views(repo, trees, cache, limits))
    cpu = time.process_time() - cpu
    warm_views, warm = timed_result(lambda: source_views(repo, trees, cache, limits))
    assert [v.edges for v in warm_views] == [v.edges for v in cold_views] and not any(v.counts.parsed for v in warm_views)
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    blobs = distinct_blobs(repo, cache)
    parse_time = timed(lambda: [parse(grammar, data) for grammar, data in blobs])
    parsed = sum(view.counts.parsed for view in cold_views)
    parsed_mb = sum(view.counts.parsed_bytes for view in cold_views) / 1e6
    files = sum(view.counts.files for view in cold_views)
    print(f"{name}: {len(releases)} {'releases' if prereleases else 'stable releases'}, {limits.workers} parsing "
          f"process{'es' if limits.workers > 1 else ''}, {files} file-releases, "
          f"{parsed} distinct blobs parsed ({parsed_mb:.1f} MB)")
    print(f"  packages at every release {discovery:.2f}s; source view cold {cold:.2f}s ({cpu:.2f}s CPU, "
          f"{cold / git_log:.0f}x git log {git_log:.2f}s), warm {warm:.2f}s")
    print(f"  parse alone: {len(blobs) / parse_time:.0f} files/s, {parsed_mb / parse_time:.1f} MB/s; "
          f"cold view overall {parsed / cold:.0f} files/s, {parsed_mb / cold:.1f} MB/s; max RSS {memory:.0f} MB")


def packages_finder(repo: pygit2.Repository, commit: str):
    """The package reader for the repository's root manifest at its newest release."""
    view = TreeView(repo, repo[commit].peel(pygit2.Tree))
    if view.entry("Cargo.toml") is not None:
        return cargo_workspaces
    if view.entry("package.json") is not None:
        return npm_workspaces
    return python_project


def distinct_blobs(repo: pygit2.Repository, cache: MemoryCache) -> list[tuple[str, bytes]]:
    """(grammar, bytes) of every blob the cold run parsed, read back from the repository."""
    found = []
    for kind, key, _ in cache.items():
        if kind.startswith("imports-v"):
            found.append((kind.split(":")[1], repo[key].data))
    return found


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def timed_result(action):
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
