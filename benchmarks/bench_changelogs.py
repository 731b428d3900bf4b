"""Split every distinct changelog blob of every tag's tree; print sections, a digest of them and the time.

    python benchmarks/bench_changelogs.py [REPO_PATH ...]

Run it twice, under two versions of miner (`PYTHONPATH=OTHER_TREE python ...`),
and compare the lines: the same digest means the same sections (version,
heading, date, body), and the last line totals the parse time.  Without
paths it reads the mirrors of Claude Code, ripgrep and Gemini CLI; a path
that does not exist is skipped with a message.
"""
from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

import pygit2

from miner.sources.changelogs import find_changelogs, split_sections

MIRRORS = ["/work/.mirror/anthropics+claude-code/repo", "/work/.mirror/BurntSushi+ripgrep/repo",
           "/work/.mirror/google-gemini+gemini-cli/repo"]


def main(paths: list[str]) -> None:
    total = 0.0
    for arg in paths or MIRRORS:
        if not Path(arg).exists():
            print(f"{arg}: skipped (no such repository)")
            continue
        repo = pygit2.Repository(arg)
        for blob_id, path in sorted(_changelog_blobs(repo).items()):
            text = repo[blob_id].data.decode("utf-8", "replace")
            started = time.perf_counter()
            sections = split_sections(text)
            total += time.perf_counter() - started
            digest = hashlib.sha256(repr([(s.version, s.heading, s.date, s.body) for s in sections]).encode())
            print(f"{arg} {path} {blob_id[:10]} {len(text)} bytes {len(sections)} sections {digest.hexdigest()[:12]}")
    print(f"total parse time {total:.2f} s")


def _changelog_blobs(repo: pygit2.Repository) -> dict[str, str]:
    """Blob id -> path of every changelog file in HEAD's and every tag's tree."""
    blobs = {}
    for ref in ["HEAD", *(name for name in repo.references if name.startswith("refs/tags/"))]:
        try:
            tree = repo.revparse_single(ref).peel(pygit2.Commit).tree
        except (KeyError, ValueError, pygit2.GitError):
            continue
        for path in find_changelogs(tree):
            blobs[str(tree[path].id)] = path
    return blobs


if __name__ == "__main__":
    main(sys.argv[1:])
