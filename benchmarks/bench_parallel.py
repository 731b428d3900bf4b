"""Would `mine analyze` gain from a second process?  The stages that could run apart, timed serial and parallel.

Usage: python benchmarks/bench_parallel.py [--repeat N] REPO_PATH [REPO_PATH ...]

The architecture stage (workspaces and sizes at every release) is most of a
cold run and needs nothing of the other stages; the release notes and their
evolution tables need only the timeline and the ranges.  Three ways to run
them are timed, the best of `--repeat` (default 3) wall-clock runs each, every
run with an empty cache (a cold run):

- serial: architecture, then notes, in this process;
- split: the architecture of the first and second half of the releases in two
  forked processes, their results sent back (pickled) and joined;
- beside: architecture in this process, notes in a forked one.

Each parallel way's results must equal the serial ones (checked), and the
figures say what a second core buys once the cost of starting a process and
sending its results back is paid.  On a shared machine, the best of several
runs is the one least disturbed.
"""
from __future__ import annotations

import argparse
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pygit2

from miner.analyses.contributors import resolver_for
from miner.analyses.releases import commit_ranges, settle_previous
from miner.ecosystems import cargo
from miner.pipeline import NoPrior, Options, _history, _timeline, head_as_of, read_architecture, resolve
from miner.sources import codesize
from miner.sources.mailmap import mailmap_of
from miner.sources.notes import read_notes
from miner.store.cache import RecordingCache

_STATE: dict = {}


def _architecture(part: tuple[int, int]) -> list:
    git = pygit2.Repository(_STATE["path"])
    start, stop = part
    return read_architecture(git, _STATE["releases"][start:stop], RecordingCache(None), None, _STATE["snapshot"], [])


def _notes(_: int = 0) -> list:
    git = pygit2.Repository(_STATE["path"])
    s = _STATE
    found, untagged = read_notes(git, s["head"], s["releases"], s["ranges"], s["commits"], lambda commit: False,
                                 RecordingCache(None), {}, (), True, [])
    return [found, untagged]


def prepare(path: Path) -> None:
    """The timeline, ranges and commits of the repository, as the stages before these ones leave them."""
    git = pygit2.Repository(str(path))
    inputs = resolve(Options())
    chosen = _timeline(path.name, git, inputs.options, None)
    head = head_as_of(git, None)
    history = _history(git, chosen, NoPrior(), head)
    chosen = settle_previous(chosen, history.parents)
    ranges = commit_ranges(chosen.releases, history.parents, set())
    resolver_for(mailmap_of(git, RecordingCache(None), head or "HEAD"), history.by_sha.values(), inputs.bots, True)
    stable = [release.tag for release in chosen.releases if release.stable]
    _STATE.update(path=str(path), releases=chosen.releases, head=head, ranges=ranges, commits=history.by_sha,
                  snapshot=stable[-1] if stable else None)


def best(repeat: int, action) -> tuple[float, object]:
    """The fastest of `repeat` runs, each from empty in-process memos too (a forked process inherits them)."""
    runs = []
    for _ in range(repeat):
        cargo._DRAFTS = cargo._Drafts()
        codesize._SIZES.clear()
        start = time.perf_counter()
        result = action()
        runs.append((time.perf_counter() - start, result))
    return min(runs, key=lambda run: run[0])


def bench(path: Path, repeat: int) -> None:
    prepare(path)
    count = len(_STATE["releases"])
    fork = multiprocessing.get_context("fork")

    def serial():
        return _architecture((0, count)), _notes()

    def split():
        with ProcessPoolExecutor(2, mp_context=fork) as pool:
            halves = list(pool.map(_architecture, [(0, count // 2), (count // 2, count)]))
        return halves[0] + halves[1], _notes()

    def beside():
        with ProcessPoolExecutor(1, mp_context=fork) as pool:
            notes = pool.submit(_notes)
            return _architecture((0, count)), notes.result()

    serial_time, expected = best(repeat, serial)
    figures = [f"serial {serial_time:.2f}s"]
    for name, action in (("split", split), ("beside", beside)):
        seconds, result = best(repeat, action)
        same = "identical" if result == expected else "DIFFERENT"
        figures.append(f"{name} {seconds:.2f}s ({serial_time / seconds:.2f}x, {same})")
    print(f"{path} ({count} releases): " + " | ".join(figures), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    for repo in arguments.repos:
        if not repo.exists():
            print(f"{repo}: skipped (no such repository)")
            continue
        bench(repo, arguments.repeat)
