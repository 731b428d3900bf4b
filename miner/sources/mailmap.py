"""The repository's `.mailmap`, read from the blob git itself would read (see `miner.model.mailmap` for its rules)."""
from __future__ import annotations

import pygit2

from miner.model.mailmap import Mailmap
from miner.store.cache import Cache


def mailmap_of(repo: pygit2.Repository, cache: Cache | None = None, head: str = "HEAD") -> Mailmap:
    """The repository's mailmap: the blob git reads by default in a bare repository.

    That is `mailmap.blob` from the repository's configuration, else
    `.mailmap` at `head` (HEAD, or HEAD as of `--as-of`).  A missing blob is
    an empty mailmap, as for git.
    """
    spec = _config_value(repo, "mailmap.blob") or f"{head}:.mailmap"
    try:
        blob = repo.revparse_single(spec)
    except (KeyError, ValueError, pygit2.GitError):
        return Mailmap()
    if not isinstance(blob, pygit2.Blob):
        return Mailmap()
    key = str(blob.id)
    lines = cache.get("mailmap", key) if cache is not None else None
    if lines is None:
        lines = [list(line) for line in Mailmap.parse(blob.data.decode("utf-8", "replace")).lines]
        if cache is not None:
            cache.put("mailmap", key, lines)
    return Mailmap(tuple(line) for line in lines)


def _config_value(repo: pygit2.Repository, key: str) -> str:
    try:
        return repo.config[key]
    except KeyError:
        return ""
