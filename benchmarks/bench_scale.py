"""`mine analyze` at scale, side by side with `git log --no-merges --no-renames --name-only HEAD` in one run.

Usage: python benchmarks/bench_scale.py [--repeat N] [--memory] [--no-source] [--unchanged] [REPO_PATH ...]
(default: the generated Codex-shaped repository of benchmarks/codex_shape.py,
built under /tmp on first use, and the largest Rust workspaces under
/work/.mirror; a path that does not exist is skipped with a message).

Every figure is a whole `mine analyze` process, start-up included, as a user
runs it (all stages, report, tables, plots and graphs written), the best of
`--repeat` runs (default 3: the machine is shared, and the best run is the
one least disturbed), in wall-clock seconds and in CPU seconds (user and
system), which other work on a shared machine disturbs less:

- cold: an empty store and empty output folders;
- unchanged: the same command again, nothing new (`--unchanged` measures
  this alone, after one cold run);
- update: the repository as it was 10 release tags and 100 commits earlier
  is analysed first (a bare clone sharing the objects, with the newest 10
  tags deleted and HEAD's branch moved back 100 first-parent commits), then
  the refs are restored and the command runs again: the work of a week.

`--memory` adds the peak resident memory of a cold run as of the days when
a quarter, half and all of the release tags existed (`--as-of`), to show it
stays flat in the size of the history.  `--no-source` runs every `mine
analyze` without the source view (the README's table of this benchmark).
Each figure is printed with its ratio to the `git log` measured in the same run,
and beside them the start-up: a process that only imports what a run with
anything new to mine and draw loads (miner's pipeline and publisher, with
pandas, networkx, pygit2 and matplotlib's pyplot), the part of an update no
change to miner's own work takes away.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import codex_shape  # noqa: E402

MIRRORS = Path("/work/.mirror")
REAL = ["tokio-rs+tokio", "helix-editor+helix", "nushell+nushell", "astral-sh+uv", "aws+amazon-q-developer-cli"]
MINE = [sys.executable, "-c", "import sys; from miner.launch import main; sys.argv[0] = 'mine'; main()"]
START_UP = [sys.executable, "-c", "import miner.cli, miner.pipeline, miner.outputs.publish, matplotlib.pyplot"]


def run(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user and system) and peak resident kilobytes of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    error = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed: {error.strip()}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


OPTIONS: list[str] = []  # given to every `mine analyze` (`--no-source`)


def analyze(repo: Path, folder: Path, *extra: str) -> list[str]:
    return MINE + ["analyze", str(repo), "--db", str(folder / "miner.sqlite"), "--out", str(folder / "out"),
                   "--graphs", str(folder / "graphs"), "-q", *OPTIONS, *extra]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout


def best(repeat: int, prepare, command) -> tuple[float, float, int]:
    """The fastest of `repeat` runs, each after `prepare()`, with its CPU time and peak memory."""
    runs = []
    for _ in range(repeat):
        prepare()
        runs.append(run(command()))
    return min(runs)


def bench(repo: Path, repeat: int, memory: bool, only_unchanged: bool = False) -> None:
    reference = ["git", "--git-dir", str(repo), "log", "--no-merges", "--no-renames", "--name-only", "HEAD"]
    git_log = min(run(reference) for _ in range(max(repeat, 3)))
    start_up = min(run(START_UP) for _ in range(max(repeat, 3)))
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)

        def empty() -> None:
            shutil.rmtree(folder / "cold", ignore_errors=True)
            (folder / "cold").mkdir()

        cold = best(1 if only_unchanged else repeat, empty, lambda: analyze(repo, folder / "cold"))
        unchanged = best(repeat, lambda: None, lambda: analyze(repo, folder / "cold"))
        figures = [("start-up", start_up), ("cold", cold), ("unchanged", unchanged)]
        if not only_unchanged:
            figures.append(("update", best(repeat, lambda: _earlier(repo, folder),
                                           lambda: analyze(folder / "copy.git", folder / "copy"))))
        print(f"{repo}: git log {git_log[0]:.2f}s ({git_log[1]:.2f}s CPU) | " + " | ".join(
            f"{what} {wall:.2f}s ({wall / git_log[0]:.1f}x), {cpu:.2f}s CPU ({cpu / git_log[1]:.1f}x)"
            for what, (wall, cpu, _) in figures) + f" | cold peak RSS {cold[2] / 1024:.0f} MB", flush=True)
        if memory:
            print(f"  peak RSS of a cold run: {_memory(repo, folder)}", flush=True)


def _earlier(repo: Path, folder: Path, tags: int = 10, commits: int = 100) -> None:
    """A copy of `repo` as it stood `tags` tags and `commits` commits ago, analysed; then its refs restored."""
    copy, store = folder / "copy.git", folder / "copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.rmtree(store, ignore_errors=True)
    store.mkdir()
    subprocess.run(["git", "clone", "-q", "--mirror", "--shared", str(repo), str(copy)], check=True)
    newest = git(copy, "for-each-ref", "--sort=-creatordate", f"--count={tags}", "--format=%(refname)", "refs/tags")
    for ref in newest.split() if tags else []:
        git(copy, "update-ref", "-d", ref)
    branch = git(copy, "symbolic-ref", "HEAD").strip()
    earlier = git(copy, "rev-list", "--first-parent", f"--skip={commits}", "-1", "HEAD").strip()
    git(copy, "update-ref", branch, earlier)
    run(analyze(copy, store))
    git(copy, "fetch", "-q", "--tags", str(repo), f"+{branch}:{branch}")


def _memory(repo: Path, folder: Path) -> str:
    """Peak RSS of cold runs as of the days a quarter, half and all of the tags were made."""
    days = git(repo, "for-each-ref", "--sort=creatordate", "--format=%(creatordate:short)", "refs/tags").split()
    found = []
    for share, label in ((4, "1/4"), (2, "1/2"), (1, "all")):
        store = folder / f"memory-{share}"
        store.mkdir()
        rss = run(analyze(repo, store, "--as-of", days[len(days) // share - 1]))[2]
        found.append(f"{label} {rss / 1024:.0f} MB")
    return ", ".join(found)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--no-source", action="store_true")
    parser.add_argument("--unchanged", action="store_true", help="Measure only the run with nothing new.")
    arguments = parser.parse_args()
    OPTIONS += ["--no-source"] if arguments.no_source else []
    for path in arguments.repos or [codex_shape.build()] + [MIRRORS / name / "repo" for name in REAL]:
        if not path.exists():
            print(f"{path}: skipped (no such repository)")
            continue
        bench(path, arguments.repeat, arguments.memory, arguments.unchanged)
