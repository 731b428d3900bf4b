"""Compare miner's JavaScript workspaces with npm, pnpm, bun and yarn at the tags of real repositories; time it.

    python benchmarks/js_workspaces_check.py [--sample N | --all] [REPO ...]

For each repository (default: gemini-cli (npm), Roo-Code (pnpm), opencoder,
an OpenCode fork (bun)), the root workspace at each sampled tag is read by
miner from git objects, and by the manager miner says owns it from the tag's
manifests and lock written to a temporary folder (`package.json`,
`pnpm-workspace.yaml`, and the committed `package-lock.json`,
`pnpm-lock.yaml`, `bun.lock` or `yarn.lock`; blobs missing from a damaged
snapshot are left out, where `git archive` would stop).  The root
package.json's `engines` and `packageManager` are set aside (pnpm refuses to
run under an older node or pnpm, or fetches the pnpm it names).  The oracles
are those of fixtures/javascript.py, on the committed lock:
`npm query --package-lock-only`, `pnpm ls -r --depth 0 --lockfile-only`, the
`bun.lock` maps, and `yarn workspaces list` (berry; it needs no lock, and no
`.yarnrc.yml` is written, so no `yarnPath` runs).

Prints per repository "members and internal edges equal at N of M tags", the
same with members compared by name and folder only (a lock keeps the
versions members had when it was last written: bun's frozen-lockfile check
accepts a release that bumped them since), every difference with what the
manager itself finds wrong with the committed lock (`npm ls` invalid
dependencies, bun's frozen-lockfile check), and the time of miner's pass
over every tag, cold and warm.  A repository that is absent is skipped.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pygit2

from fixtures import javascript as fx
from miner.ecosystems import workspaces_at
from miner.sources.trees import TreeView
from miner.store.cache import MemoryCache

DEFAULT = ["/work/.mirror/google-gemini+gemini-cli/repo", "/work/.mirror/RooCodeInc+Roo-Code/repo",
           "/work/.mirror/AryaLabsHQ+opencoder/repo"]
EXPORTED = {"package.json", "pnpm-workspace.yaml"}
LOCKS = {"package-lock.json": "npm", "pnpm-lock.yaml": "pnpm", "bun.lock": "bun", "yarn.lock": "yarn"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("repos", nargs="*", default=DEFAULT)
    parser.add_argument("--sample", type=int, default=40, help="tags to check, spread over the history")
    parser.add_argument("--all", action="store_true", help="check every tag")
    args = parser.parse_args()
    for path in args.repos:
        if not Path(path).exists():
            print(f"skipped: {path} does not exist")
            continue
        repo = pygit2.Repository(path)
        trees = tag_trees(repo)
        time_pass(path, repo, trees)
        check(path, repo, trees, None if args.all else args.sample)
    return 0


def tag_trees(repo: pygit2.Repository) -> dict[str, pygit2.Tree]:
    """Tag name -> root tree, oldest commit first."""
    found = []
    for name in repo.references:
        if name.startswith("refs/tags/"):
            try:
                commit = repo.revparse_single(name).peel(pygit2.Commit)
            except (pygit2.GitError, ValueError, KeyError):
                continue
            found.append((commit.commit_time, name.removeprefix("refs/tags/"), commit.tree))
    return {name: tree for _, name, tree in sorted(found, key=lambda item: (item[0], item[1]))}


def time_pass(path: str, repo, trees) -> None:
    cache = MemoryCache()
    for label in ("cold", "warm"):
        started = time.perf_counter()
        counts = [len([p for w in workspaces_at(TreeView(repo, tree), cache) for p in w.packages])
                  for tree in trees.values()]
        elapsed = time.perf_counter() - started
        print(f"{_name(path)} {label}: {len(trees)} tags in {elapsed:.2f}s "
              f"({1000 * elapsed / max(len(trees), 1):.1f} ms/tag), {sum(counts)} package-releases")


def check(path: str, repo, trees, sample: int | None) -> None:
    names = list(trees)
    if sample is not None and len(names) > sample:
        names = [names[round(i * (len(names) - 1) / (sample - 1))] for i in range(sample)]
    agree, named, compared, skipped = 0, 0, 0, []
    for tag in names:
        tree = trees[tag]
        workspaces = workspaces_at(TreeView(repo, tree), MemoryCache())
        manager = next((workspace.ecosystem for workspace in workspaces if workspace.root == ""), None)
        lock = next((lock for lock, owner in LOCKS.items() if owner == manager), None)
        if lock is None or not _has(tree, lock) or not fx.available(manager):
            skipped.append(tag)
            continue
        found = fx.miner_view(workspaces, manager, peers=manager not in ("pnpm", "yarn"), collapse=manager == "npm",
                              kinds=manager != "yarn").get("", {"members": [], "edges": []})
        try:
            expected = oracle(repo, tree, manager)
        except (RuntimeError, ValueError) as error:
            print(f"  {tag}: oracle failed: {str(error)[:300]}")
            continue
        compared += 1
        same = expected == found
        agree += same
        named += _without_versions(expected) == _without_versions(found)
        if not same:
            stale = stale_lock(repo, tree, manager)
            print(f"  {tag} ({manager}): DIFFERENT ({len(found['members'])} members, {len(found['edges'])} edges)"
                  + (f"; {stale}" if stale else ""))
            report(expected, found, manager)
    print(f"{_name(path)}: members and internal edges equal at {agree} of {compared} tags; "
          f"with the versions a lock recorded set aside, at {named} of {compared}"
          + (f" ({len(skipped)} sampled tags without a root package, its manager's lock or the manager)"
             if skipped else ""))


def oracle(repo, tree, manager: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        export(repo, tree, Path(folder), manager)
        if manager == "yarn":
            return fx.yarn_view(Path(folder))[""]
        views = {"npm": fx.npm_view, "pnpm": fx.pnpm_view, "bun": fx.bun_view}
        return views[manager](Path(folder), make_lock=False)[""]


def stale_lock(repo, tree, manager: str) -> str | None:
    """What the manager itself says is wrong with the committed lock, if anything: the evidence that the
    lock, not miner, is out of date (npm: dependencies `npm ls` calls invalid; bun: its frozen-lockfile check)."""
    with tempfile.TemporaryDirectory() as folder:
        export(repo, tree, Path(folder), manager)
        if manager == "npm":
            result = subprocess.run([fx.tool("npm"), "ls", "--package-lock-only", "--all", "--json"], cwd=folder,
                                    capture_output=True, text=True, env={**os.environ, **fx.ENV}, timeout=fx.TIMEOUT)
            invalid = [p for p in json.loads(result.stdout or "{}").get("problems", []) if p.startswith("invalid")]
            return f"npm ls: {len(invalid)} invalid in the lock, e.g. {invalid[0]!r}" if invalid else None
        if manager == "bun":
            result = subprocess.run([fx.tool("bun"), "install", "--frozen-lockfile", "--lockfile-only", "--offline",
                                     "--ignore-scripts"], cwd=folder, capture_output=True, text=True,
                                    env={**os.environ, **fx.ENV}, timeout=fx.TIMEOUT)
            return "bun: lockfile had changes, but lockfile is frozen" if "lockfile had changes" in result.stderr else None
    return None


def export(repo, tree, folder: Path, manager: str) -> None:
    """The manifests and the manager's lock of `tree` under `folder`; blobs missing from the snapshot left out."""
    wanted = EXPORTED | {lock for lock, owner in LOCKS.items() if owner == manager}
    for path, blob in _files(repo, tree, ""):
        if path.rsplit("/", 1)[-1] not in wanted or "node_modules/" in path:
            continue
        try:
            data = blob.data
        except (KeyError, ValueError, pygit2.GitError):
            continue
        if path == "package.json":
            data = _without_engines(data)
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def report(expected: dict, found: dict, manager: str) -> None:
    for part in ("members", "edges"):
        want, got = set(map(tuple, expected[part])), set(map(tuple, found[part]))
        for item in sorted(want ^ got):
            print(f"    {part} {manager + ' only' if item in want else 'miner only'}: {item}")


def _files(repo, tree, prefix):
    for entry in tree:
        if entry.type_str == "tree":
            try:
                yield from _files(repo, repo[entry.id], f"{prefix}{entry.name}/")
            except (KeyError, ValueError, pygit2.GitError):
                continue
        elif entry.type_str == "blob" and entry.filemode != pygit2.GIT_FILEMODE_LINK:
            try:
                yield f"{prefix}{entry.name}", repo[entry.id]
            except (KeyError, ValueError, pygit2.GitError):
                continue


def _without_engines(data: bytes) -> bytes:
    try:
        document = json.loads(data)
    except ValueError:
        return data
    if isinstance(document, dict):
        document.pop("engines", None)
        document.pop("packageManager", None)
    return json.dumps(document, indent=2).encode()


def _without_versions(view: dict) -> dict:
    return {"members": sorted(member[:2] for member in view["members"]), "edges": view["edges"]}


def _has(tree, name: str) -> bool:
    try:
        return tree[name].type_str == "blob"
    except (KeyError, ValueError, pygit2.GitError):
        return False


def _name(path: str) -> str:
    return Path(path).parent.name


if __name__ == "__main__":
    sys.exit(main())
