"""Opening the repository a command names: a path, or the name of a clone.

The user may point at any git directory (bare or with a work tree) or at a
repository cloned before with `mine clone`; either way miner reads objects
through pygit2 and runs `git log` against the git directory, never a checkout.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pygit2

from miner import clone
from miner.errors import MinerError


@dataclass(frozen=True)
class Repository:
    """An opened repository with the name reports use for it."""

    name: str
    git_dir: Path
    git: pygit2.Repository


def open_repository(spec: str) -> Repository:
    """Open `spec` as a path, else as the name of a clone; one-line errors otherwise."""
    path = Path(spec).expanduser()
    if not path.exists():
        found = None if _looks_like_path(spec) else clone.find_clone(spec)
        if found is None:
            hint = "" if _looks_like_path(spec) else f", and no clone of that name (run `mine clone {spec}` first)"
            raise MinerError(f"{spec}: no such path{hint}")
        path = found
    try:
        # No search upwards: a folder inside a repository is not that repository.
        git = pygit2.Repository(str(path), pygit2.enums.RepositoryOpenFlag.NO_SEARCH)
    except pygit2.GitError:
        raise MinerError(f"{spec}: not a git repository") from None
    if git.is_empty:
        raise MinerError(f"{spec}: empty repository (no commits)")
    return Repository(_name(path, git), Path(git.path).resolve(), git)


def _looks_like_path(spec: str) -> bool:
    return spec.startswith(("/", "./", "../", "~")) or spec.endswith(".git")


def _name(path: Path, git: pygit2.Repository) -> str:
    """The repository's short name: its directory without `.git`; a clone's `owner+name` gives `name`."""
    root = Path(git.workdir or git.path).resolve()
    name = root.parent.name if root.name == ".git" else root.name
    return name.removesuffix(".git").rpartition("+")[2]
