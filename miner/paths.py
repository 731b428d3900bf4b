"""Where miner keeps its files: cloned mirrors and the store.

Everything lives under one home directory, `MINER_HOME` when set, else the
platform's user cache directory, so that a user can wipe or move miner's state
in one place and tests can point it at a temporary directory.
"""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs


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
