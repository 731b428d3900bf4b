"""Opening the repository a command names: a path, or the name of a clone.

The user may point at any git directory (bare or with a work tree) or at a
repository cloned before with `mine clone`; either way miner reads objects
through pygit2 and runs `git log` against the git directory, never a checkout.
The repository's name, which names its output folders, comes from where its
git directory is, made a safe folder name (`miner.paths.safe_name`): never
from its config, whose `core.worktree` may point anywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pygit2

from miner.errors import MinerError
from miner.paths import find_clone, safe_name
from miner.sources import clone


@dataclass(frozen=True)
class Repository:
    """An opened repository with the name reports use for it ("" when its directory gives none)."""

    name: str
    git_dir: Path
    git: pygit2.Repository


def open_repository(spec: str) -> Repository:
    """Open `spec` as a path, else as the name of a clone; one-line errors otherwise.

    An empty `spec` is refused: as a path it would be the working directory.
    Messages show `spec` with any credentials hidden (a URL given by mistake).
    """
    if not spec.strip():
        raise MinerError("an empty repository name: give a path or the name of a clone")
    shown = clone.redact(spec)
    path = Path(spec).expanduser()
    if not path.exists():
        found = None if _looks_like_path(spec) else find_clone(spec)
        if found is None:
            hint = "" if _looks_like_path(spec) else f", and no clone of that name (run `mine clone {shown}` first)"
            raise MinerError(f"{shown}: no such path{hint}")
        path = found
    try:
        # No search upwards: a folder inside a repository is not that repository.
        git = pygit2.Repository(str(path), pygit2.enums.RepositoryOpenFlag.NO_SEARCH)
    except pygit2.GitError:
        raise MinerError(f"{shown}: not a git repository") from None
    if git.is_empty:
        raise MinerError(f"{shown}: empty repository (no commits)")
    return Repository(_name(git), Path(git.path).resolve(), git)


def _looks_like_path(spec: str) -> bool:
    return spec.startswith(("/", "./", "../", "~")) or spec.endswith(".git")


def _name(git: pygit2.Repository) -> str:
    """The repository's short name: its directory without `.git`; a clone's `owner+name` gives `name`.

    The directory is the git directory's parent when that is `.git` or the
    work tree libgit2 sees right above it (a mirror's `owner+name/repo`), else
    the git directory itself.  When the part after `+` leaves no safe name
    (`x+..`), the whole directory name is made one.
    """
    git_dir = Path(git.path).resolve()
    above = git.workdir is not None and Path(git.workdir).resolve() == git_dir.parent
    directory = (git_dir.parent if git_dir.name == ".git" or above else git_dir).name.removesuffix(".git")
    return safe_name(directory.rpartition("+")[2]) or safe_name(directory)
