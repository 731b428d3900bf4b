"""Resolve every author of a real history and count people, bots and agents.

Usage: python benchmarks/bench_identities.py [REPO_PATH ...]
Per repository: the time to build the resolver (walk of all refs), the
throughput of `resolve` over the `git log --all` author list (cold: first call
per pair; warm: memoised), raw distinct e-mails against distinct identities,
and the agent share of the history.  A path that does not exist is skipped.
"""
from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pygit2

from miner.analyses.identities import IdentityResolver, agent_share

DEFAULT_REPOS = [
    "/work/.mirror/google-gemini+gemini-cli/repo",
    "/work/.mirror/anthropics+claude-code/repo",
    "/work/.mirror/BurntSushi+ripgrep/repo",
]


def bench(path: Path) -> None:
    records = git_log(path)
    start = time.perf_counter()
    resolver = IdentityResolver(pygit2.Repository(str(path)))
    built = time.perf_counter() - start
    cold, warm = timed_resolve(resolver, records), timed_resolve(resolver, records)
    authors = {resolver.resolve(name, email) for name, email, _ in records}
    kinds = Counter(identity.kind for identity in authors)
    share = agent_share(resolver.attribute(*record) for record in records)
    print(f"{path}: {len(records)} commits; resolver built in {built:.2f}s; resolve "
          f"{len(records) / cold:,.0f}/s cold, {len(records) / warm:,.0f}/s warm")
    print(f"  authors: {len({e for _, e, _ in records})} raw e-mails, "
          f"{len({e.lower() for _, e, _ in records})} case-folded, {len(set((n, e) for n, e, _ in records))} "
          f"raw pairs -> {kinds['person']} people, {kinds['bot']} bots, {kinds['agent']} agents")
    print(f"  commits by people {share.by_people}, bots {share.by_bots}, agents {share.by_agents}; "
          f"with an agent {share.with_agent} ({share.with_agent / share.commits:.1%})")
    print("  per agent: " + ", ".join(f"{name} {count}" for name, count in share.per_agent))
    busiest = Counter(resolver.resolve(n, e) for n, e, _ in records).most_common(8)
    print("  busiest: " + "; ".join(f"{i.name} [{i.kind}] {c}" for i, c in busiest))


def git_log(path: Path) -> list[tuple[str, str, str]]:
    """(author name, author e-mail, message) of every commit reachable from any ref."""
    out = subprocess.run(["git", "--git-dir", str(path), "log", "--all", "--format=%an%x00%ae%x00%B%x1e"],
                         check=True, capture_output=True).stdout.decode("utf-8", "replace")
    return [tuple(r.lstrip("\n").split("\x00", 2)) for r in out.split("\x1e")[:-1]]


def timed_resolve(resolver: IdentityResolver, records) -> float:
    start = time.perf_counter()
    for name, email, _ in records:
        resolver.resolve(name, email)
    return time.perf_counter() - start


if __name__ == "__main__":
    for arg in sys.argv[1:] or DEFAULT_REPOS:
        repo_path = Path(arg)
        if repo_path.exists():
            bench(repo_path)
        else:
            print(f"{repo_path}: skipped (no such repository)")
