"""Where miner keeps its files: cloned mirrors and the store.

Everything lives under one home directory, `MINER_HOME` when set, else the
platform's user cache directory, so that a user can wipe or move miner's state
in one place and tests can point it at a temporary directory.
"""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from miner.errors import MinerError


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
