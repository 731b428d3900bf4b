"""The history walk and the contributor attribution against `git log` and PyDriller, side by side.

Usage: python benchmarks/bench_history.py [--pydriller N] [--memory] [REPO_PATH ...]

Per repository, over the same tips (the analysed release tags and HEAD, as
`miner.pipeline` walks them), in one run:
  git log    `git log --no-merges --no-renames --name-only` streamed through a pipe and discarded
  walk       `miner.sources.history.walk` read whole, then saved into a fresh store, as a cold `mine analyze` does
  attribute  `miner.pipeline.attribute` over those commits (identities, ranges, the contributor tables)
  pydriller  the same attribution written with PyDriller (`modified_files` per commit, HEAD only), on the
             first N non-merge commits (default 2500: the whole of most histories), extrapolated per
             commit to the whole history when it is longer; skipped when pydriller is not installed
             (`pip install 'miner[bench]'`)
git log, walk and attribute each run at least five times, interleaved (more on
small repositories, for about four seconds), and the best time of each is kept
(as `timeit` does): the ratios then compare the two programs, not the noise of
a shared machine.
`--memory` also runs the walk and attribution in child processes over the
first quarter, half and all of the releases, and prints each child's peak RSS
against the commits it walked: flat memory means the peak does not grow with
the commits.  Release and crate tables come from one untimed
`miner.pipeline.analyze` into a scratch store.  Missing paths are skipped.
"""
from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pygit2

from miner.analyses.contributors import PackageMap, resolver_for
from miner.analyses.identities import IdentityResolver
from miner.analyses.releases import commit_ranges, select_releases
from miner.pipeline import Options, analyze, attribute, read_architecture, resolve
from miner.sources.history import log_arguments, walk
from miner.sources.mailmap import mailmap_of
from miner.sources.tags import read_tags
from miner.store.cache import MemoryCache
from miner.store.sqlite import Saved, Store

DEFAULT_REPOS = [
    "/work/.mirror/BurntSushi+ripgrep/repo",
    "/work/.mirror/google-gemini+gemini-cli/repo",
    "/work/.mirror/anthropics+claude-code/repo",
]
GIT_LOG_ARGS = ["log", "--stdin", "--no-merges", "--no-renames", "--name-only", "--format=%x1e%H"]
# The command `miner.sources.history.walk` runs: merges too, and its format with the message bodies (Co-authored-by lines).
# Each measurement is repeated at least MIN_REPEATS times, and on small repositories until BUDGET_SECONDS are
# spent (at most MAX_REPEATS): on a shared virtual machine a run now and then takes 50% longer.
MIN_REPEATS, MAX_REPEATS, BUDGET_SECONDS = 5, 30, 4.0
WALK_ARGS = log_arguments()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="*", default=DEFAULT_REPOS)
    parser.add_argument("--pydriller", type=int, default=2500, metavar="N", help="commits PyDriller walks (0: skip)")
    parser.add_argument("--memory", action="store_true", help="peak RSS over growing histories")
    parser.add_argument("--child", nargs=3, metavar=("REPO", "FRACTION", "SCRATCH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    for path in map(Path, args.repos):
        if not path.exists():
            print(f"{path}: absent, skipped")
            continue
        with tempfile.TemporaryDirectory() as scratch:
            bench(path, Path(scratch), args.pydriller, args.memory)


def bench(path: Path, scratch: Path, pydriller_commits: int, memory: bool) -> None:
    analysis = analyze(str(path), db=scratch / "tables.sqlite")
    setting = Setting.of(path)
    # The set-up's objects are frozen out of the garbage collector's sight: in `mine analyze` the walk runs
    # first, on a small heap, and should be timed so.
    gc.collect()
    gc.freeze()
    best: dict[str, float] = {}
    started, attempt = time.perf_counter(), 0
    while attempt < MIN_REPEATS or (attempt < MAX_REPEATS and time.perf_counter() - started < BUDGET_SECONDS):
        attempt += 1
        git_seconds, git_commits = timed_git_log(path, setting.tips)
        walk_git_seconds, _ = timed_git_log(path, setting.tips, WALK_ARGS)
        walk_seconds, attribute_seconds, walked, tables = timed_miner(path, scratch / f"walk-{attempt}.sqlite",
                                                                      setting)
        for name, seconds in (("git", git_seconds), ("walk_git", walk_git_seconds), ("walk", walk_seconds),
                              ("attribute", attribute_seconds)):
            best[name] = min(best.get(name, seconds), seconds)
    git_seconds, walk_git_seconds = best["git"], best["walk_git"]
    walk_seconds, attribute_seconds = best["walk"], best["attribute"]
    print(f"{path.parent.name}: {git_commits} non-merge commits ({walked} with merges), {len(setting.tips)} tips")
    print(f"  git log    {git_seconds:7.3f}s")
    print(f"  walk       {walk_seconds:7.3f}s  {walk_seconds / git_seconds:5.2f}x git log "
          f"(its git command alone, discarded: {walk_git_seconds:.3f}s = {walk_git_seconds / git_seconds:.2f}x)")
    print(f"  attribute  {attribute_seconds:7.3f}s  {attribute_seconds / git_seconds:5.2f}x git log "
          f"({len(tables['contributors'])} author-package rows)")
    miner_seconds = walk_seconds + attribute_seconds
    print(f"  miner      {miner_seconds:7.3f}s  {miner_seconds / git_seconds:5.2f}x git log (walk + attribute)")
    if pydriller_commits:
        pydriller_line(path, scratch, analysis.tables, pydriller_commits, git_commits, miner_seconds)
    if memory:
        memory_lines(path, scratch)
    gc.unfreeze()


class Setting:
    """What the timed stages take as given, read once: the releases, their tips, each release's packages."""

    def __init__(self, path: Path, releases, inputs, per_release):
        self.path, self.releases, self.inputs, self.per_release = path, releases, inputs, per_release
        head = pygit2.Repository(str(path)).head
        self.tips = list(dict.fromkeys([r.commit for r in releases] + [str(head.target)]))

    @classmethod
    def of(cls, path: Path, fraction: float = 1.0) -> Setting:
        """The analysed line's releases (the first `fraction` of them by date, each with its previous one)."""
        repo = pygit2.Repository(str(path))
        releases = select_releases(read_tags(repo)).releases
        kept = releases[: max(1, int(len(releases) * fraction))]
        tags = {r.tag for r in kept}
        kept = tuple(r for r in kept if not r.previous or r.previous in tags)
        inputs = resolve(Options())
        return cls(path, kept, inputs, read_architecture(repo, kept, MemoryCache(), None, None, []))


def timed_miner(path: Path, db: Path, setting: Setting) -> tuple[float, float, int, dict]:
    """Seconds of the walk saved into a fresh store and of the attribution, the commits walked, the tables."""
    start = time.perf_counter()
    commits = list(walk(path, setting.tips))
    with Store(db) as store:
        store.save(Saved(path.parent.name, str(path), "", {}, {}, commits, setting.tips))
    walk_seconds = time.perf_counter() - start
    start = time.perf_counter()
    tables = attributed(path, commits, setting)
    attribute_seconds = time.perf_counter() - start
    return walk_seconds, attribute_seconds, len(commits), tables


def attributed(path: Path, commits: list, setting: Setting) -> dict:
    """The contributor tables of `commits`, as `miner.pipeline.mine` makes them."""
    parents = {c.sha: c.parents for c in commits}
    ranges = commit_ranges(setting.releases, parents)
    resolver = resolver_for(mailmap_of(pygit2.Repository(str(path))), commits, setting.inputs.bots)
    return attribute(commits, setting.releases, parents, ranges, setting.per_release, resolver, setting.inputs)


def timed_git_log(path: Path, tips: list[str], args: list[str] = GIT_LOG_ARGS) -> tuple[float, int]:
    """Seconds for git to stream the log of `tips` through a pipe, and its count of records."""
    command = ["git", "--git-dir", str(path), *args]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    process.stdin.write(("\n".join(tips) + "\n").encode())
    process.stdin.close()
    records = 0
    while chunk := process.stdout.read(1 << 20):
        records += chunk.count(b"\x1e")
    process.wait()
    return time.perf_counter() - start, records


def pydriller_line(path: Path, scratch: Path, tables, limit: int, total: int, miner_seconds: float) -> None:
    """The attribution done the PyDriller way, timed on `limit` commits and extrapolated per commit.

    GitPython cannot run git in a bare repository, so PyDriller reads a
    shared, unchecked-out clone (no objects copied, nothing checked out).
    """
    try:
        from pydriller import Repository
    except ImportError:
        print("  pydriller  not installed (pip install 'miner[bench]'), skipped")
        return
    packages = tables["packages"]
    places = PackageMap(zip(packages["release"], packages["package"], packages["path"], packages["layer"],
                            packages["workspace"]))
    latest = str(tables["releases"]["tag"].iloc[-1])
    resolver = IdentityResolver(mailmap_of(pygit2.Repository(str(path))), [])
    counts: dict = {}
    clone = scratch / "pydriller"
    subprocess.run(["git", "clone", "-q", "--shared", "--no-checkout", str(path), str(clone)], check=True)
    start = time.perf_counter()
    done = failed = 0
    for commit in Repository(str(clone), only_no_merge=True).traverse_commits():
        who = resolver.resolve(commit.author.name, commit.author.email).key
        try:
            changed_files = commit.modified_files
        except Exception:  # GitPython fails on a missing blob: PyDriller diffs contents, miner reads trees only
            failed += 1
            changed_files = []
        for changed in changed_files:
            place = places.place(latest, changed.new_path or changed.old_path)
            counts[(who, place)] = counts.get((who, place), 0) + 1
        done += 1
        if done >= limit:
            break
    seconds = time.perf_counter() - start
    whole = seconds / max(done, 1) * total
    span = (f"all {done} commits of HEAD" if done < limit
            else f"{done} commits -> {whole:7.1f}s extrapolated to {total}")
    print(f"  pydriller  {seconds:7.2f}s for {span}: {whole / miner_seconds:5.0f}x miner"
          + (f"; {failed} commits failed (missing objects)" if failed else ""))


def memory_lines(path: Path, scratch: Path) -> None:
    for fraction in ("0.25", "0.5", "1"):
        out = subprocess.run([sys.executable, __file__, "--child", str(path), fraction, str(scratch)],
                             check=True, capture_output=True, text=True).stdout
        found = json.loads(out.strip().splitlines()[-1])
        print(f"  memory     {found['commits']:6d} commits: peak RSS {found['rss_mb']:6.1f} MB "
              f"(tables loaded: {found['base_mb']:.1f} MB; git log {found['git_mb']:.1f} MB); "
              f"peak Python allocations of walk + attribute {found['traced_mb']:.1f} MB")


def child(repo_path: str, fraction: str, scratch: str) -> dict:
    """Walk and attribute the releases in the first `fraction` of dates; report peak RSS."""
    path = Path(repo_path)
    setting = Setting.of(path, float(fraction))
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    _, _, walked, _ = timed_miner(path, Path(scratch) / f"memory-{fraction}.sqlite", setting)
    traced = tracemalloc.get_traced_memory()[1]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    git_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"commits": walked, "rss_mb": peak / 1024, "base_mb": base / 1024, "git_mb": git_peak / 1024,
            "traced_mb": traced / 2**20}


if __name__ == "__main__":
    main()
