"""Time `mine analyze` (analysis and published files) against `git log --no-merges --name-only` on the same repository.

Usage: python benchmarks/bench_analyze.py REPO_PATH [REPO_PATH ...]
(`--no-renames`: rename detection reads blobs, which neither miner nor the
question needs, and which damaged snapshots lack.)
Prints, per repository, the cold run (empty store, empty output folders), the
warm one (same store and folders, nothing new: the stored tables are the answer
and the files are left as they are) and the reference `git log` over the same
tips, with the ratios.  Each run is what `mine analyze` does after start-up:
`miner.pipeline.analyze`, then `miner.outputs.publish.publish` of tables, report,
plots and graphs.  A path that does not exist is skipped with a message.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from miner.outputs.publish import publish
from miner.pipeline import analyze


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bench(repo: Path) -> None:
    reference = ["git", "--git-dir", str(repo), "log", "--no-merges", "--no-renames", "--name-only", "HEAD", "--tags"]
    git_log = timed(lambda: subprocess.run(reference, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)

        def run() -> None:
            result = analyze(str(repo), db=folder / "bench.sqlite")
            publish(result, folder / "out", folder / "graphs")

        cold = timed(run)
        warm = timed(run)
    print(f"{repo}: git log {git_log:.2f}s | mine analyze cold {cold:.2f}s ({cold / git_log:.1f}x), "
          f"warm {warm:.2f}s ({warm / git_log:.1f}x)")


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["/work/.mirror/google-gemini+gemini-cli/repo"]:
        path = Path(arg)
        if not path.exists():
            print(f"{path}: skipped (no such repository)")
            continue
        bench(path)
