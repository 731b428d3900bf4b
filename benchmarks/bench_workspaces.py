"""Time the Cargo workspace pass over every tag of a repository; optionally check it against Cargo.

    python benchmarks/bench_workspaces.py REPO_PATH [--check TAG ...] [--pin DIR]

Prints the cold-cache time (empty `MemoryCache`), the warm-cache time (same
cache again) and the number of workspaces and crates seen.  With `--check`,
each named tag's tree is written to disk (blobs missing from a damaged
snapshot are left out, where `git archive` would stop), `cargo metadata` is run on
every manifest in it, and the answers are compared with `miner.ecosystems.cargo`'s.
Exits 0 with a "skipped" message when REPO_PATH does not exist.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pygit2

from fixtures.workspaces import cargo_available, cargo_view, cargo_workspaces, parser_view
from miner.store.cache import MemoryCache


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("repo")
    parser.add_argument("--check", nargs="*", default=[], metavar="TAG")
    parser.add_argument("--pin", default=None)
    args = parser.parse_args()
    if not Path(args.repo).exists():
        print(f"skipped: {args.repo} does not exist")
        return 0
    repo = pygit2.Repository(args.repo)
    trees = tag_trees(repo)
    cache = MemoryCache()
    for label in ("cold", "warm"):
        started = time.perf_counter()
        counts = [workspace_pass(repo, tree, cache, args.pin) for tree in trees.values()]
        elapsed = time.perf_counter() - started
        crates = sum(count[1] for count in counts)
        print(f"{label}: {len(trees)} tags in {elapsed:.2f}s ({1000 * elapsed / max(len(trees), 1):.1f} ms/tag), "
              f"{sum(count[0] for count in counts)} workspaces, {crates} crate-releases, "
              f"{len(set(tree.id for tree in trees.values()))} distinct trees")
    if args.check:
        return check(args.repo, repo, trees, args.check, args.pin)
    return 0


def tag_trees(repo: pygit2.Repository) -> dict[str, pygit2.Tree]:
    """Tag name -> root tree, for tags that reach a commit."""
    trees = {}
    for name in repo.references:
        if name.startswith("refs/tags/"):
            try:
                trees[name.removeprefix("refs/tags/")] = repo.revparse_single(name).peel(pygit2.Tree)
            except (pygit2.GitError, ValueError, KeyError):
                continue
    return trees


def workspace_pass(repo, tree, cache, pin) -> tuple[int, int]:
    workspaces = cargo_workspaces(repo, tree, cache, pin=pin)
    return len(workspaces), sum(len(workspace.packages) for workspace in workspaces)


def check(path: str, repo, trees, tags: list[str], pin: str | None) -> int:
    """Compare with `cargo metadata` on exported tags; returns 1 if any disagree."""
    if not cargo_available():
        print("check skipped: cargo not on PATH")
        return 0
    agree = 0
    for tag in tags:
        with tempfile.TemporaryDirectory() as directory:
            lost = export_tree(repo, trees[tag], Path(directory))
            expected = cargo_view(Path(directory))
        if lost:
            print(f"  {tag}: {lost} blobs missing from the snapshot, left out of the export")
        found = parser_view(cargo_workspaces(repo, trees[tag], MemoryCache(), pin=pin))
        if pin is not None:
            expected = {root: view for root, view in expected.items() if root in found}
        same = expected == found
        agree += same
        crates = sum(len(view["members"]) for view in found.values())
        edges = sum(len(view["edges"]) for view in found.values())
        print(f"  {tag}: {'identical' if same else 'DIFFERENT'} ({len(found)} workspaces, {crates} crates, {edges} edges)")
        if not same:
            report_difference(expected, found)
    print(f"{Path(path).parent.name}: {agree}/{len(tags)} tags identical members and edges")
    return 0 if agree == len(tags) else 1


def report_difference(expected: dict, found: dict) -> None:
    for root in sorted(set(expected) | set(found)):
        want, got = expected.get(root, {}), found.get(root, {})
        for part in ("members", "edges"):
            for item in sorted(set(map(tuple, want.get(part, []))) ^ set(map(tuple, got.get(part, [])))):
                side = "cargo only" if item in set(map(tuple, want.get(part, []))) else "miner only"
                print(f"    {root or '.'} {part} {side}: {item}")




def export_tree(repo: pygit2.Repository, tree: pygit2.Tree, folder: Path) -> int:
    """Write every readable blob of `tree` under `folder`; return how many were missing."""
    lost = 0
    for entry, prefix in _entries(repo, tree, ""):
        target = folder / prefix / entry.name
        try:
            data = repo[entry.id].data
        except (KeyError, ValueError, pygit2.GitError):
            lost += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return lost


def _entries(repo: pygit2.Repository, tree: pygit2.Tree, prefix: str):
    for entry in tree:
        if entry.type_str == "tree":
            try:
                yield from _entries(repo, repo[entry.id], f"{prefix}{entry.name}/")
            except (KeyError, ValueError, pygit2.GitError):
                continue
        elif entry.type_str == "blob":
            yield entry, prefix


if __name__ == "__main__":
    sys.exit(main())
