"""Paths inside a repository's tree: `/`-separated, relative to its root, "" for the root itself."""
from __future__ import annotations

import functools
import posixpath


@functools.lru_cache(maxsize=1 << 16)
def join(directory: str, path: str) -> str | None:
    """`path` relative to `directory`, normalised; "" for the root, None if it leaves the repository
    (memoised: the same member and dependency paths are joined again at every release)."""
    if path.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(directory, path))
    if joined == ".":
        return ""
    return None if joined == ".." or joined.startswith("../") else joined


def under(path: str, directory: str) -> bool:
    """Whether `path` is `directory` or inside it (everything is inside the root "")."""
    return directory == "" or path == directory or path.startswith(directory + "/")


def parent(path: str) -> str:
    """The directory holding `path` ("" for a file at the root)."""
    return posixpath.dirname(path)


def ancestors(directory: str) -> list[str]:
    """The directories above `directory`, nearest first, ending with the root ""."""
    found = []
    while directory:
        directory = posixpath.dirname(directory)
        found.append(directory)
    return found


def relative(path: str, start: str) -> str:
    """`path` as seen from the directory `start` ("." for itself, `..` to climb), as `posixpath.relpath` says
    of two paths of the tree, without its two calls to `os.getcwd` (a fifth of pnpm's member matching)."""
    parts = path.split("/") if path not in ("", ".") else []
    base = start.split("/") if start not in ("", ".") else []
    shared = 0
    while shared < min(len(parts), len(base)) and parts[shared] == base[shared]:
        shared += 1
    return "/".join([".."] * (len(base) - shared) + parts[shared:]) or "."
