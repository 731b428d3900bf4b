"""Check miner's Python and Go workspaces against uv and go at the tags of real repositories; time the pass.

    python benchmarks/py_go_workspaces_check.py [REPO ...] [--sample N]

For each repository (default: the Python and Go shapes listed in DEFAULT_REPOS,
under /work/.mirror; an absent one is skipped), miner reads every tag's tree with the
Python and Go ecosystems (one walk of the tree for both), cold cache then warm,
and the time is printed.  Then every tag (or N spread evenly with --sample) is
written to disk as its manifests plus a placeholder file in every other
directory (uv and go look at which directories exist, never at what the other
files hold), and asked as the oracle tests ask (fixtures/python_projects.py,
fixtures/go_modules.py): `uv workspace dir/list` everywhere, `uv lock` against
stub wheels for workspaces of two or more members (and for all of them at tags
with at most three), `go list -m` and `go mod/work edit -json`.  A workspace
the tool refuses must carry a miner warning instead.  Prints, per repository,
"members and internal edges equal at N of M tags" and every disagreement.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pygit2
from bench_workspaces import tag_trees

from fixtures import go_modules as go_fx
from fixtures import python_projects as py_fx
from miner.ecosystems import workspaces_at
from miner.ecosystems.go import GO
from miner.ecosystems.python import PYTHON
from miner.model.repopaths import under
from miner.sources.trees import MISSING_OBJECT, TreeView
from miner.store.cache import MemoryCache

MIRRORS = Path("/work/.mirror")
DEFAULT_REPOS = [
    "mistralai+mistral-vibe",  # one uv project
    "astral-sh+uv",  # about a hundred pyproject.toml: test workspaces, standalone projects, a 38-member workspace
    "OpenHands+software-agent-sdk",  # a uv workspace with a virtual root
    "pydantic+pydantic-ai",  # a uv workspace whose root is a project
    "kagent-dev+kagent",  # a uv workspace in python/, Go modules, a go.work for a week
    "charmbracelet+crush",  # one Go module
    "charmbracelet+x",  # a go.work of about thirty modules, later removed
    "gofiber+contrib",  # a go.work of twenty modules, per-module tags
]
MANIFESTS = frozenset({"pyproject.toml", "go.mod", "go.work"})
PLACEHOLDER = ".placeholder"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("repos", nargs="*", default=[str(MIRRORS / name / "repo") for name in DEFAULT_REPOS])
    parser.add_argument("--sample", type=int, default=0, help="check N tags spread evenly (default: all)")
    args = parser.parse_args()
    if py_fx.uv_binary() is None or go_fx.go_binary() is None:
        print("note: uv or go is missing; the oracle side of the check is skipped for that ecosystem")
    failures = 0
    for path in args.repos:
        if not Path(path).exists():
            print(f"skipped: {path} does not exist")
            continue
        failures += check_repository(Path(path), args.sample)
    return 1 if failures else 0


def check_repository(path: Path, sample: int) -> int:
    """Time miner over every tag, compare it with the oracles at the chosen tags; returns how many disagree."""
    repo = pygit2.Repository(str(path))
    trees = dict(sorted(tag_trees(repo).items(), key=lambda item: _commit_time(repo, item[0])))
    name = path.parent.name
    found = time_pass(name, repo, trees)
    tags = _spread(list(trees), sample)
    agree = partial = 0
    started = time.perf_counter()
    for tag in tags:
        differences, notes = compare(repo, trees[tag], found[tag])
        agree += not differences
        partial += bool(notes)
        for line in differences + notes:
            print(f"  {tag}: {line}")
    members_only = f"; at {partial} of them some workspace's edges could not be asked of uv" if partial else ""
    print(f"{name}: members and internal edges equal at {agree} of {len(tags)} tags{members_only} "
          f"(oracles took {time.perf_counter() - started:.1f}s)")
    return len(tags) - agree


def time_pass(name: str, repo: pygit2.Repository, trees: dict[str, pygit2.Tree]) -> dict[str, list]:
    """Miner's Python and Go workspaces at every tag, timed cold then warm."""
    cache, found = MemoryCache(), {}
    for label in ("cold", "warm"):
        started = time.perf_counter()
        found = {tag: workspaces_at(TreeView(repo, tree), cache, (PYTHON, GO)) for tag, tree in trees.items()}
        elapsed = time.perf_counter() - started
        packages = sum(len(w.packages) for workspaces in found.values() for w in workspaces)
        print(f"{name} {label}: {len(trees)} tags in {elapsed:.2f}s ({1000 * elapsed / max(len(trees), 1):.1f} ms/tag),"
              f" {packages} package-releases")
    return found


def compare(repo: pygit2.Repository, tree: pygit2.Tree, workspaces: list) -> tuple[list[str], list[str]]:
    """Disagreements between miner and the oracles at one tree (empty when they agree), and notes on what
    could not be asked."""
    python = [w for w in workspaces if w.ecosystem == "python"]
    go = [w for w in workspaces if w.ecosystem == "go"]
    with tempfile.TemporaryDirectory() as folder:
        export_skeleton(repo, tree, Path(folder))
        lines, notes = [], []
        if py_fx.uv_binary() is not None:
            python_lines, notes = _compare_python(Path(folder), python)
            lines += [f"python {line}" for line in python_lines]
        if go_fx.go_binary() is not None:
            expected, refused = go_fx.go_view(Path(folder))
            lines += [f"go {line}" for line in _differences(expected, refused, go_fx.parser_view(go), go)]
    return lines, notes


def _compare_python(folder: Path, workspaces: list) -> tuple[list[str], list[str]]:
    """uv's view at most tags; workspaces not locked (one member among many, or no Python here for them)
    are compared by members' names and manifests only."""
    found = py_fx.uv_workspaces(folder)
    expected, refused, unlocked, notes = {}, {}, {}, []
    for root, members in found.items():
        if len(members) > 1 or len(found) <= 3:
            try:
                expected[root] = py_fx.uv_locked(folder, root, members)
            except py_fx.UvRefused as error:
                refused[root] = str(error)
            except py_fx.CannotLock as error:
                notes.append(f"note: python {root or '.'}: members only, edges not asked ({error})")
                unlocked[root] = members
        else:
            unlocked[root] = members
    mine = py_fx.parser_view(workspaces)
    for root, members in unlocked.items():
        expected[root] = {"members": sorted(members)}
        if root in mine:
            mine[root] = {"members": sorted((name, manifest) for name, manifest, _ in mine[root]["members"])}
    return _differences(expected, refused, mine, workspaces), notes


def _differences(expected: dict, refused: dict, mine: dict, workspaces: list) -> list[str]:
    """What the oracle and miner disagree on; a root the oracle refused must be one miner warns about."""
    lines = [f"{root or '.'}: oracle refused ({why}) and miner gave no warning"
             for root, why in refused.items()
             if not any(under(x.path, root) for w in workspaces for x in w.warnings)]
    for root in sorted((set(expected) | set(mine)) - set(refused)):
        want, got = expected.get(root, {}), mine.get(root, {})
        for part in ("members", "edges"):
            for item in sorted(set(want.get(part, [])) ^ set(got.get(part, [])), key=str):
                side = "oracle only" if item in want.get(part, []) else "miner only"
                lines.append(f"{root or '.'} {part} {side}: {item}")
    return lines


def export_skeleton(repo: pygit2.Repository, tree: pygit2.Tree, folder: Path) -> None:
    """Every directory of `tree` under `folder`, with its manifests and a placeholder file for the rest."""
    stack = [(tree, folder)]
    while stack:
        current, target = stack.pop()
        target.mkdir(parents=True, exist_ok=True)
        (target / PLACEHOLDER).write_bytes(b"")
        for entry in current:
            try:
                if entry.type_str == "tree":
                    stack.append((repo[entry.id], target / entry.name))
                elif entry.name in MANIFESTS and entry.filemode != pygit2.GIT_FILEMODE_LINK:
                    (target / entry.name).write_bytes(repo[entry.id].data)
            except MISSING_OBJECT:
                continue


def _commit_time(repo: pygit2.Repository, tag: str) -> int:
    try:
        return repo.revparse_single(f"refs/tags/{tag}").peel(pygit2.Commit).commit_time
    except MISSING_OBJECT:
        return 0


def _spread(items: list[str], count: int) -> list[str]:
    """`count` items spread evenly from first to last (all of them when count is 0 or too large)."""
    if count <= 0 or count >= len(items):
        return items
    step = (len(items) - 1) / (count - 1) if count > 1 else 0
    return [items[round(index * step)] for index in range(count)]


if __name__ == "__main__":
    sys.exit(main())
