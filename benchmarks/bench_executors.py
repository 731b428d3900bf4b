"""Time `mine analyze` of many repositories serial, in a process pool and on a Dask LocalCluster; measure
Dask's cost per task; estimate a run of 500 repositories on a cluster.

Usage: python benchmarks/bench_executors.py [--workers 2] [--small 200] [REPO_PATH ...]
(default: six mirrors under /work/.mirror; a path that does not exist is skipped with a message).

1. The real repositories, each executor from an empty store (every repository mined): wall time, and the
   ratio to serial.  The client's own share (preparing each job: its fingerprint; saving each analysis)
   is timed apart: it is the part no worker takes over.
2. `--small` generated repositories of two commits and two tags, serial and on Dask: what a task costs
   beyond its mining when mining costs next to nothing; and a no-op task through the same window.
3. From those figures, a run of 500 repositories on W workers:
   startup + max(mining / W, client) + 500 x overhead / W.
Needs the cluster extra (pip install -e '.[cluster]').
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from miner import runs
from miner._sample.builder import RepoBuilder
from miner.executors import Dask, Executor, Processes, Serial
from miner.runs import Target, analyze_many

MIRRORS = ["BurntSushi+ripgrep", "anthropics+claude-code", "mistralai+mistral-vibe", "tokio-rs+tokio",
           "helix-editor+helix", "google-gemini+gemini-cli"]


class Clock:
    """Seconds spent in the client's `prepare` and `save`, and each repository's mining as the events say."""

    def __init__(self) -> None:
        self.client = 0.0
        self.mined: dict[str, float] = {}
        self._begun: dict[str, float] = {}

    def timing(self, action: Callable) -> Callable:
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return action(*args, **kwargs)
            finally:
                self.client += time.perf_counter() - start
        return timed

    def event(self, event: runs.Event) -> None:
        if event.status == "started":
            self._begun[event.name] = time.perf_counter()
        elif event.status == "mined":
            self.mined[event.name] = time.perf_counter() - self._begun[event.name]


def run(targets: list[Target], make: Callable[[], Executor], folder: Path) -> tuple[float, float, Clock]:
    """Wall time of one run from an empty store (executor start included), the executor's start-up, clock."""
    clock = Clock()
    prepare, save = runs.prepare, runs.save
    runs.prepare, runs.save = clock.timing(prepare), clock.timing(save)
    try:
        start = time.perf_counter()
        executor = make()
        started = time.perf_counter() - start
        with closing(executor):
            outcomes = list(analyze_many(targets, executor, db=folder / f"{time.monotonic_ns()}.sqlite",
                                         progress=clock.event))
        wall = time.perf_counter() - start
    finally:
        runs.prepare, runs.save = prepare, save
    failed = [o for o in outcomes if not isinstance(o, runs.Done)]
    if failed:
        raise SystemExit(f"failed: {failed}")
    return wall, started, clock


def real(paths: list[Path], workers: int, folder: Path) -> dict[str, float]:
    targets = [Target(str(path), path.parent.name if path.name == "repo" else path.name) for path in paths]
    executors = {"serial": Serial, "processes": lambda: Processes(workers), "dask": lambda: Dask(workers=workers)}
    print(f"{len(targets)} repositories, {workers} workers, each executor from an empty store:")
    figures = {}
    for name, make in executors.items():
        wall, started, clock = run(targets, make, folder)
        figures[name] = wall
        if name == "serial":
            figures["mining"], figures["client"] = sum(clock.mined.values()), clock.client
            per = ", ".join(f"{repo.split('+')[-1]} {seconds:.1f}s" for repo, seconds in clock.mined.items())
            print(f"  mining per repository (serial): {per}")
        ratio = figures["serial"] / wall
        print(f"  {name:<9} {wall:6.1f}s wall  {ratio:4.2f}x serial  (start-up {started:.1f}s, client "
              f"prepare+save {clock.client:.1f}s)")
    return figures


def small(count: int, workers: int, folder: Path) -> dict[str, float]:
    """Per-task cost of tiny repositories serial and on Dask, and of a no-op task, all through the same window."""
    targets = []
    for n in range(count):
        builder = RepoBuilder(folder / f"tiny{n:03d}.git", bare=True)
        builder.tag("v0.1.0", builder.commit("one", {"README": f"{n}\n"}, when="2025-01-01T00:00:00+00:00"))
        builder.tag("v0.2.0", builder.commit("two", {"README": f"{n}!\n"}, when="2025-02-01T00:00:00+00:00"))
        targets.append(Target(str(folder / f"tiny{n:03d}.git"), f"tiny{n:03d}"))
    serial, _, clock = run(targets, Serial, folder)
    dask, started, _ = run(targets, lambda: Dask(workers=workers), folder)
    with closing(Dask(workers=workers)) as executor:
        noop = _noop_round_trip(executor, count)
    mining = statistics.mean(clock.mined.values())
    print(f"{count} tiny repositories: serial {serial:.1f}s ({serial / count * 1000:.0f} ms each, mining "
          f"{mining * 1000:.0f} ms, client {clock.client / count * 1000:.0f} ms); dask {dask:.1f}s "
          f"({(dask - started) / count * 1000:.0f} ms each after a {started:.1f}s start-up); "
          f"a no-op task round trip: {noop * 1000:.1f} ms")
    return {"client_each": clock.client / count, "noop": noop, "startup": started}


def estimate(figures: dict[str, float], overhead: dict[str, float], repositories: int, count: int) -> None:
    """A run of `repositories` like the real ones, on W workers."""
    mining = figures["mining"] / count * repositories
    client = figures["client"] / count * repositories
    print(f"{repositories} repositories like these: {mining / 60:.0f} min of mining, {client / 60:.1f} min of "
          f"client work (prepare + save, serial in the client)")
    for workers in (2, 16, 64, 256):
        wall = overhead["startup"] + max(mining / workers, client) + repositories * overhead["noop"] / workers
        bound = "client-bound" if client >= mining / workers else "worker-bound"
        print(f"  {workers:>3} workers: ~{wall / 60:.1f} min ({bound})")


def _noop(value):
    return value


def _noop_round_trip(executor: Dask, count: int) -> float:
    """Seconds per task that does nothing, `executor.slots` in flight as a run keeps them: Dask's own cost."""
    from distributed import as_completed

    client = executor.client
    client.submit(_noop, 0, pure=False).result()  # the workers are up
    start = time.perf_counter()
    window = as_completed([client.submit(_noop, n, pure=False) for n in range(executor.slots)])
    sent = executor.slots
    for future in window:
        future.result()
        if sent < count:
            window.add(client.submit(_noop, sent, pure=False))
            sent += 1
    return (time.perf_counter() - start) / count


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("repos", nargs="*")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--small", type=int, default=200)
    args = parser.parse_args()
    paths = [Path(p) for p in args.repos] or [Path("/work/.mirror") / m / "repo" for m in MIRRORS]
    present = [p for p in paths if p.exists()]
    for missing in sorted(set(paths) - set(present)):
        print(f"{missing}: skipped (no such repository)")
    with tempfile.TemporaryDirectory() as tmp:
        overhead = small(args.small, args.workers, Path(tmp))
        if present:
            figures = real(present, args.workers, Path(tmp))
            estimate(figures, overhead, 500, len(present))
