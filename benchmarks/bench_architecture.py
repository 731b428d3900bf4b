"""The architecture pass against `git log --no-merges --no-renames --name-only`, side by side in one run.

Usage: python benchmarks/bench_architecture.py [--repeats N] [REPO_PATH ...]

Per repository, over the releases `mine analyze` reads (the chosen line's
tags, prereleases too), in one run and interleaved:
  git log  `git log --no-merges --no-renames --name-only` of those tags and HEAD, streamed and discarded
  cold     `miner.pipeline.remembered_architecture`, as `mine analyze` calls it (the workspaces of every
           ecosystem, each package's bytes, the tree's language bytes, lines at the described release, and
           each release's result kept whole) with an empty cache (a `RecordingCache`, as `mine` mines with,
           which encodes every entry it is given for the store), then `architecture_tables` (layers,
           lineage, changes, the tables)
  reread   the releases read again through the directory, manifest and blob entries the cold pass made,
           without the kept releases (what a run pays for releases it has not kept, such as new tags)
  warm     the whole pass through every entry the cold pass made (a second `mine analyze`)
Each is run N times (default 3) and the best kept, in wall seconds and in CPU
seconds (git's own, as its child process's rusage says; miner's, as
`time.process_time` says, with the git processes it starts): on a shared 2-core machine CPU seconds are the
steadier figure.  The passes run with the cycle collector set as `mine`
sets it (`miner.collector`).  The goal is at most 3x git log cold on gemini-cli's 600 tags.
Missing paths are skipped.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import pygit2

from benchmarks.bench_history import timed_git_log
from miner.analyses import timeline
from miner.analyses.architecture import architecture_tables
from miner.analyses.releases import select_releases
from miner.catalogs.layers import load_layers
from miner.collector import fewer_collections
from miner.pipeline import _ECOSYSTEM_LANGUAGES, RELEASE_ARCHITECTURE, remembered_architecture
from miner.sources import codesize
from miner.sources.tags import read_tags
from miner.store.cache import MemoryCache, RecordingCache

DEFAULT_REPOS = ["/work/.mirror/google-gemini+gemini-cli/repo", "/work/.mirror/RooCodeInc+Roo-Code/repo",
                 "/work/.mirror/mistralai+mistral-vibe/repo"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="*", default=DEFAULT_REPOS)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    for path in map(Path, args.repos):
        if not path.exists():
            print(f"{path}: absent, skipped")
            continue
        bench(path, args.repeats)
    return 0


def bench(path: Path, repeats: int) -> None:
    repo = pygit2.Repository(str(path))
    releases = select_releases(read_tags(repo)).releases
    snapshot = timeline_snapshot(releases)
    tips = list(dict.fromkeys([r.commit for r in releases] + [str(repo.head.target)]))
    layers = tuple(load_layers())
    best: dict[str, float] = {}
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        git_seconds, commits = timed_git_log(path, tips)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        git_cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        codesize._SIZES.clear()  # the object-size memo lives for the process: cold means without it too
        cache = RecordingCache()
        cold, cold_cpu = timed_pass(repo, releases, cache, snapshot, layers)
        reread, reread_cpu = timed_pass(repo, releases, RecordingCache(stored(cache, but=RELEASE_ARCHITECTURE)),
                                        snapshot, layers)
        warm, warm_cpu = timed_pass(repo, releases, RecordingCache(stored(cache)), snapshot, layers)
        for name, seconds in (("git", git_seconds), ("cold", cold), ("reread", reread), ("warm", warm),
                              ("git cpu", git_cpu), ("cold cpu", cold_cpu), ("reread cpu", reread_cpu),
                              ("warm cpu", warm_cpu)):
            best[name] = min(best.get(name, seconds), seconds)
    print(f"{path.parent.name}: {len(releases)} releases, {commits} non-merge commits")
    print(f"  git log  {best['git']:7.3f}s wall {best['git cpu']:7.3f}s CPU")
    for name in ("cold", "reread", "warm"):
        print(f"  {name:8} {best[name]:7.3f}s wall {best[f'{name} cpu']:7.3f}s CPU  "
              f"{best[name] / best['git']:5.2f}x git log wall, {best[f'{name} cpu'] / best['git cpu']:5.2f}x CPU")


@fewer_collections
def timed_pass(repo, releases, cache, snapshot, layers) -> tuple[float, float]:
    """Wall and CPU seconds of the architecture pass of `mine analyze` over `releases`, with the cycle
    collector's threshold `miner.pipeline.mine` runs it with."""
    start, cpu = time.perf_counter(), time.process_time() + _children_cpu()
    per_release = remembered_architecture(repo, releases, cache, None, snapshot, [])
    architecture_tables(per_release, releases, layers, _ECOSYSTEM_LANGUAGES)
    return time.perf_counter() - start, time.process_time() + _children_cpu() - cpu


def _children_cpu() -> float:
    """CPU seconds of the git processes the pass started (the blobs whose lines it counts)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def stored(cache: RecordingCache, but: str | None = None) -> MemoryCache:
    """What the store holds after a run that made `cache`'s entries, as the next run reads it; without
    the entries of the kind `but`."""
    earlier = MemoryCache()
    for (kind, key), value in cache.entries().items():
        if kind != but:
            earlier.put(kind, key, json.loads(value))
    return earlier


def timeline_snapshot(releases) -> str | None:
    """The latest stable release, which `mine analyze` describes (and counts lines at)."""
    import pandas as pd
    table = pd.DataFrame({"tag": [r.tag for r in releases], "stable": [r.stable for r in releases],
                          "version": [r.tag.removeprefix(r.line) for r in releases]})
    return timeline.latest_stable(table)


if __name__ == "__main__":
    sys.exit(main())
