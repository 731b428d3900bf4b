"""Time `clone_all` (first clone, then a no-op update) against `git clone --bare` of local mirrors.

Usage: python benchmarks/bench_clone.py [REPO_PATH ...]
Per repository: the first mirror, the update that finds nothing new, the
reference clone from the same file:// URL, and whether both hold the same
heads and tags.  A path that does not exist is skipped with a message; a
damaged source (missing objects) shows git's one-line reason.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from miner.sources.clone import clone_all, parse_source

DEFAULT_REPOS = [
    "/work/.mirror/BurntSushi+ripgrep/repo",
    "/work/.mirror/anthropics+claude-code/repo",
    "/work/.mirror/google-gemini+gemini-cli/repo",
]


def refs(repo: Path) -> str:
    listing = ["git", "-C", str(repo), "for-each-ref", "--format=%(objectname) %(refname)", "refs/heads", "refs/tags"]
    return subprocess.run(listing, capture_output=True, text=True, check=True).stdout


def bench(repo: Path, scratch: Path) -> None:
    source = parse_source(f"file://{repo}")
    start = time.perf_counter()
    [first] = clone_all([source], scratch / "mine", quiet=True)
    cloned = time.perf_counter() - start
    [again] = clone_all([source], scratch / "mine", quiet=True)
    updated = time.perf_counter() - start - cloned
    start = time.perf_counter()
    reference = scratch / "git" / source.slug
    git = subprocess.run(["git", "clone", "-q", "--bare", f"file://{repo}", str(reference)], capture_output=True)
    git_time = time.perf_counter() - start
    same = first.path is not None and git.returncode == 0 and refs(first.path) == refs(reference)
    print(f"{source.slug}: {first.status} {cloned:.2f}s, {again.status} {updated:.2f}s; "
          f"git clone --bare {git_time:.2f}s; same refs: {same} {first.message}")


def main(paths: list[str]) -> None:
    for path in paths or DEFAULT_REPOS:
        repo = Path(path)
        if not repo.is_dir():
            print(f"{path}: absent, skipped")
            continue
        with tempfile.TemporaryDirectory() as scratch:
            bench(repo, Path(scratch))


if __name__ == "__main__":
    main(sys.argv[1:])
