"""The cost of the source view inside `mine analyze`: cold, warm, against the rest of the analysis and `git log`.

    python benchmarks/bench_analyze_source.py [--workers N] REPO_PATH [REPO_PATH ...]

Per repository, `miner.pipeline.mine` runs cold (empty store) with the
source view, and the source stage is timed from the progress messages that
bracket it ("reading sources at", then "reading release notes"), so the
rest of the same run is the other stages together.  The analysis is saved
into a scratch store and mined again with what the store now holds: the
source stage must parse nothing (the new cache entries of imports are
counted; a non-zero count is a defect).  The parse rate is the parsed files and bytes of the
cold run over the cold source stage, which also walks the trees and
resolves the imports.  The reference is `git log --no-merges --no-renames
--name-only HEAD` on the same repository.  Wall-clock seconds on a shared
2-core machine, and CPU seconds of this process and its parsing processes beside them (steadier when
other work shares the cores).  A path that does
not exist is skipped.  `--workers N` parses in N processes (`--source-workers`); without it the
processes are as many as `mine analyze` starts by default (`miner.sources.code.auto_workers`).

`--floor` adds what the libraries alone cost for the same file versions, the
part no change to miner's own code can take away: libgit2 inflating each
blob, tree-sitter parsing each path's first version whole and running the
import query over it once (the query visits every node, whatever it
matches), and tree-sitter re-parsing each later version from the tree of the
one before (its incremental parse; the edits, which are Python, are made
untimed).  CPU seconds in this process, against the rest of the cold run,
and that figure shared out over the machine's cores as the best the parsing
processes could do in wall time.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pygit2

from miner.pipeline import NoPrior, Options, mine, resolve, save
from miner.sources import code, imports
from miner.sources.grammars import grammar
from miner.store.sqlite import Store


class Clock:
    """Progress messages with the wall and CPU time (this process's) each arrived at."""

    def __init__(self) -> None:
        self.marks: list[tuple[float, float, str]] = []

    def __call__(self, message: str) -> None:
        self.marks.append((time.perf_counter(), cpu(), message))

    def between(self, first: str, then: str) -> tuple[float, float]:
        """(wall, CPU) seconds from the first message holding `first` to the next holding `then`."""
        start = next(n for n, (_, _, message) in enumerate(self.marks) if first in message)
        end = next(n for n, (_, _, message) in enumerate(self.marks) if then in message and n > start)
        return self.marks[end][0] - self.marks[start][0], self.marks[end][1] - self.marks[start][1]


def cpu() -> float:
    """CPU seconds of this process and of the parsing processes it has waited for (the stage joins them)."""
    return sum(usage.ru_utime + usage.ru_stime
               for usage in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))


def run(path: str, name: str, inputs, prior) -> tuple:
    clock = Clock()
    start, cpu_start = time.perf_counter(), cpu()
    analysis = mine(path, name, inputs, prior, clock)
    return analysis, time.perf_counter() - start, cpu() - cpu_start, clock.between("reading sources", "release notes")


def parses(analysis) -> tuple[int, int]:
    """Files and bytes the run parsed: each parse is one new cache entry of an imports kind."""
    sizes = [json.loads(value)["size"] for (kind, _), value in analysis.cache.items() if kind.startswith("imports-v")]
    return len(sizes), sum(sizes)


class Chains:
    """The chains of versions the cold run parsed (path, grammar -> blob ids in order), as `_Reader.parse`
    hands them to `_Reader._pieces` in this process."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, str], list[str]] = {}
        self._pieces = code._Reader._pieces

    def __enter__(self) -> Chains:
        def recorded(reader, chains, total, workers):
            self.found.update(chains)
            return self._pieces(reader, chains, total, workers)
        code._Reader._pieces = recorded
        return self

    def __exit__(self, *_) -> None:
        code._Reader._pieces = self._pieces


def floor(repo: Path, chains: dict[tuple[str, str], list[str]]) -> dict[str, float]:
    """CPU seconds of the library calls alone over `chains`: blobs inflated, first versions parsed whole and
    queried, later versions re-parsed incrementally (`imports._edits` and `Tree.edit` untimed)."""
    from tree_sitter import QueryCursor

    odb = pygit2.Repository(str(repo)).odb
    spent = dict.fromkeys(("read", "first parse", "first query", "later parse"), 0.0)
    for (_, grammar_name), chain in chains.items():
        parser, query, previous = grammar(grammar_name).parser, imports._query(grammar_name), None
        for blob_id in chain:
            start = time.process_time()
            data = odb.read(blob_id)[1]
            spent["read"] += time.process_time() - start
            edits = imports._edits(previous[0], data) if previous is not None else None
            if edits is None:
                start = time.process_time()
                tree = parser.parse(data)
                middle = time.process_time()
                QueryCursor(query).captures(tree.root_node)
                spent["first parse"] += middle - start
                spent["first query"] += time.process_time() - middle
            else:
                old = previous[1].copy()
                for edit in reversed(edits):
                    old.edit(*edit)
                start = time.process_time()
                tree = parser.parse(data, old)
                spent["later parse"] += time.process_time() - start
            previous = (data, tree)
    return spent


def bench(repo: Path, workers: int | None, with_floor: bool = False) -> None:
    name = repo.parent.name if repo.name == "repo" else repo.name
    start = time.perf_counter()
    subprocess.run(["git", "--git-dir", str(repo), "log", "--no-merges", "--no-renames", "--name-only", "HEAD"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    git_log = time.perf_counter() - start
    inputs = resolve(Options(source_workers=workers))
    with Chains() as chains:
        cold, total, cold_cpu, (source, source_cpu) = run(str(repo), name, inputs, NoPrior())
    counts = cold.tables["source_counts"]
    parsed, parsed_bytes = parses(cold)
    with tempfile.TemporaryDirectory() as folder:
        with Store(Path(folder) / "bench.sqlite") as store:
            cold.inputs = "bench"
            save(store, cold)
            warm, warm_total, warm_cpu, (warm_source, warm_source_cpu) = run(str(repo), name, inputs,
                                                                            store.prior(str(repo)))
    again = parses(warm)[0]
    rest = total - source
    print(f"{name}: {len(counts)} stable releases read, {int(counts['files'].sum()):,} file-releases, "
          f"{parsed:,} distinct file versions parsed ({parsed_bytes / 1e6:.0f} MB)")
    rest_cpu = cold_cpu - source_cpu
    print(f"  cold mine: {total:.1f} s wall ({cold_cpu:.1f} s CPU); source stage {source:.1f} s "
          f"({source_cpu:.1f} s CPU), rest {rest:.1f} s ({rest_cpu:.1f} s CPU): source/rest {source / rest:.2f}x "
          f"wall, {source_cpu / rest_cpu:.2f}x CPU; git log {git_log:.2f} s: source/git log {source / git_log:.1f}x")
    print(f"  parse rate over the cold source stage: {parsed / source:,.0f} files/s, "
          f"{parsed_bytes / 1e6 / source:.1f} MB/s wall; {parsed / source_cpu:,.0f} files/s, "
          f"{parsed_bytes / 1e6 / source_cpu:.1f} MB/s CPU (this process's and its parsing processes')")
    print(f"  warm mine (store holds the parses): {warm_total:.1f} s ({warm_cpu:.1f} s CPU), source stage "
          f"{warm_source:.1f} s ({warm_source_cpu:.1f} s CPU), files parsed again: {again}")
    if with_floor:
        spent, cores = floor(repo, chains.found), len(os.sched_getaffinity(0))
        total_floor = sum(spent.values())
        print(f"  libraries alone: {total_floor:.1f} s CPU ("
              + ", ".join(f"{part} {seconds:.1f} s" for part, seconds in spent.items())
              + f"), {total_floor / rest_cpu:.2f}x the rest's CPU; over {cores} cores at best "
              f"{total_floor / cores:.1f} s, {total_floor / cores / rest:.2f}x the rest's wall")


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("repos", nargs="+")
    parser.add_argument("--workers", type=int, default=None, help="processes parsing at once (default: as mine)")
    parser.add_argument("--floor", action="store_true", help="also time the library calls alone (see above)")
    args = parser.parse_args(arguments)
    for path in args.repos:
        if not Path(path).exists():
            print(f"skipped: {path} does not exist")
            continue
        bench(Path(path), args.workers, args.floor)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
