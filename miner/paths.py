"""Where miner keeps its files: cloned mirrors, the store, and the folders named after a repository.

Everything lives under one home directory, `MINER_HOME` when set, else the
platform's user cache directory, so that a user can wipe or move miner's state
in one place and tests can point it at a temporary directory.

A repository's name becomes a folder name (`reports/<name>/`, `graphs/<name>/`,
a mirror under `repos/`), so it must be one safe path component: no `/` or `\\`,
none of the other characters Windows refuses in a file name (`:*?"<>|`), no
white space or control character, not starting with `.` (so never `.`, `..` or
hidden), at most 100 characters; and no `+`, which joins owner and name in a
mirror's directory (`openai+codex`).  Names miner derives from a directory or a
URL are made so (`safe_name`); a name the user gives is refused otherwise
(`check_name`): a repository named `x+..` once sent the outputs into the
working directory, over the user's own `report.md`.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import platformdirs

from miner.errors import MinerError

NAME_LIMIT = 100
_UNSAFE = re.compile(r'[\s/\\:*?"<>|+\x00-\x1f\x7f]+')
_NAME = re.compile(rf'^(?!\.)[^\s/\\:*?"<>|+\x00-\x1f\x7f]{{1,{NAME_LIMIT}}}$')


def miner_home() -> Path:
    """The root of miner's state: `$MINER_HOME` or the user cache dir."""
    env = os.environ.get("MINER_HOME")
    return Path(env) if env else Path(platformdirs.user_cache_dir("miner"))


def repos_dir() -> Path:
    """Where `mine clone` puts its bare mirrors, one directory per repository."""
    return miner_home() / "repos"


def default_db() -> Path:
    """The SQLite store used when `--db` is not given."""
    return miner_home() / "miner.sqlite"


def make_folder(folder: Path, named: Path | None = None) -> Path:
    """Create `folder` with its parents, or fail with one line naming `named` (default: the folder itself).

    A file where a folder must be (`--out notes.txt/x`, a `MINER_HOME` under a
    file) is the usual cause; the message names that file.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        blocking = next((path for path in (folder, *folder.parents) if path.exists() and not path.is_dir()), None)
        reason = f"{blocking} is a file, not a folder" if blocking else f"cannot create {folder} ({error.strerror})"
        raise MinerError(f"{named or folder}: {reason}") from None
    return folder


def safe_name(text: str) -> str:
    """`text` made a repository name: other characters become `-`, leading dots go; "" if nothing is left."""
    name = _UNSAFE.sub("-", text).lstrip(".")[:NAME_LIMIT]
    return name if _NAME.match(name) else ""


def check_name(name: str, what: str) -> str:
    """`name` if it is a safe repository name, else a one-line error naming `what` gave it."""
    if not _NAME.match(name):
        raise MinerError(f"{what} {name!r}: a repository name is one folder name, without white space, control "
                         f"characters or any of / \\ : * ? \" < > | +, not starting with '.', at most {NAME_LIMIT} "
                         "characters")
    return name


def output_folder(parent: str, name: str) -> Path:
    """The default folder for a repository's outputs, `parent/<name>`, never outside `parent`."""
    if not _NAME.match(name):
        raise MinerError(f"repository name {name!r} cannot name a folder under {parent}/: give the folder "
                         "(--out, --graphs)")
    return Path(parent) / name
