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

from miner.errors import MinerError

NAME_LIMIT = 100
_UNSAFE = re.compile(r'[\s/\\:*?"<>|+\x00-\x1f\x7f]+')
_NAME = re.compile(rf'^(?!\.)[^\s/\\:*?"<>|+\x00-\x1f\x7f]{{1,{NAME_LIMIT}}}$')


def miner_home() -> Path:
    """The root of miner's state: `$MINER_HOME` or the user cache dir (platformdirs, imported only then: it
    costs a re-run with nothing new a tenth of its time)."""
    env = os.environ.get("MINER_HOME")
    if env:
        return Path(env)
    import platformdirs
    return Path(platformdirs.user_cache_dir("miner"))


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


def find_clone(name_or_slug: str, base: Path | None = None) -> Path | None:
    """The mirror for `codex`, `openai/codex` or `openai+codex` under `base` (default `repos_dir()`), or None.

    A short name that matches mirrors from several owners is an error listing
    them.  Exact matches win over case-insensitive ones.  A mirror is either
    `base/<slug>` itself or a `base/<slug>/repo` bare repository.  (Here, not
    in `miner.sources.clone`: a re-run with nothing new finds the clone it
    names without importing pygit2.)
    """
    mirrors = _mirrors(Path(base or repos_dir()).absolute())
    wanted = name_or_slug.strip().replace("/", "+")
    for fold in (str, str.casefold):
        hits = sorted(slug for slug in mirrors if _matches(fold(slug), fold(wanted)))
        if len(hits) > 1:
            raise MinerError(f"{name_or_slug!r} is ambiguous: {', '.join(hits)}; give owner/name")
        if hits:
            return mirrors[hits[0]]
    return None


def _mirrors(base: Path) -> dict[str, Path]:
    """slug -> bare repository for each mirror under `base`."""
    if not base.is_dir():
        return {}
    found = {}
    for entry in sorted(base.iterdir()):
        if entry.name.startswith("."):
            continue
        for candidate in (entry, entry / "repo"):
            if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
                found[entry.name] = candidate
                break
    return found


def _matches(slug: str, wanted: str) -> bool:
    return slug == wanted or ("+" not in wanted and slug.rpartition("+")[2] == wanted)
