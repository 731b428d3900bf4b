"""Paths inside a repository's tree: `/`-separated, relative to its root, "" for the root itself."""
from __future__ import annotations

import posixpath


def join(directory: str, path: str) -> str | None:
    """`path` relative to `directory`, normalised; "" for the root, None if it leaves the repository."""
    if path.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(directory, path))
    if joined == ".":
        return ""
    return None if joined == ".." or joined.startswith("../") else joined


def under(path: str, directory: str) -> bool:
    """Whether `path` is `directory` or inside it (everything is inside the root "")."""
    return directory == "" or path == directory or path.startswith(directory + "/")
