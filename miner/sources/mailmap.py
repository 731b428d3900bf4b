"""The repository's `.mailmap`, read from git and applied with git's own rules."""
from __future__ import annotations

from typing import Iterable

import pygit2

from miner.store.cache import Cache


class Mailmap:
    """A `.mailmap`, applied the way git applies it.

    pygit2's `Mailmap` (libgit2) matches commit e-mails case-sensitively, while
    git matches both the e-mail and the old name case-insensitively; reports
    must agree with `git log --format=%aN`, so the rules are git's (mailmap.c):
    the last line wins, a line with an old name only applies to that name, and a
    simple line fills in whatever the name-specific lines leave unset.
    """

    def __init__(self, lines: Iterable[tuple[str | None, str, str | None, str | None]] = ()):
        self.lines = tuple(lines)
        self._simple: dict[str, list[str | None]] = {}
        self._named: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        for proper_name, proper_email, old_name, old_email in self.lines:
            self._add(proper_name, proper_email, old_name, old_email)

    @classmethod
    def parse(cls, text: str) -> Mailmap:
        """Every mapping line of a .mailmap, as (proper name, proper e-mail, old name, old e-mail).

        An absent part is None; an old e-mail may be empty (`<>`), a proper one may not.
        """
        return cls(filter(None, map(_mailmap_line, text.splitlines())))

    def map(self, name: str, email: str) -> tuple[str, str]:
        """The (name, e-mail) git shows for a commit signed (`name`, `email`)."""
        key = email.lower()
        proper = self._named.get((key, name.lower()))
        if proper is None:
            proper = self._simple.get(key)
        if proper is None:
            return name, email
        proper_name, proper_email = proper
        return proper_name or name, proper_email or email

    def _add(self, proper_name, proper_email, old_name, old_email) -> None:
        if old_email is None:
            old_email, proper_email = proper_email, None
        key = old_email.lower()
        if old_name is not None:
            self._named[(key, old_name.lower())] = (proper_name, proper_email)
            return
        simple = self._simple.setdefault(key, [None, None])
        simple[0] = proper_name or simple[0]
        simple[1] = proper_email or simple[1]


def mailmap_of(repo: pygit2.Repository, cache: Cache | None = None) -> Mailmap:
    """The repository's mailmap: the blob git reads by default in a bare repository.

    That is `mailmap.blob` from the repository's configuration, else
    `HEAD:.mailmap`.  A missing blob is an empty mailmap, as for git.
    """
    spec = _config_value(repo, "mailmap.blob") or "HEAD:.mailmap"
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


def _mailmap_line(line: str) -> tuple[str | None, str, str | None, str | None] | None:
    """One .mailmap line as git reads it; None for comments and lines without an e-mail."""
    if line.startswith("#"):
        return None
    first = _bracketed(line, allow_empty=False)
    if first is None:
        return None
    name1, email1, rest = first
    name2, email2, _ = _bracketed(rest, allow_empty=True) or (None, None, "")
    return name1 or None, email1, name2 or None, email2


def _bracketed(text: str, allow_empty: bool) -> tuple[str, str, str] | None:
    """(name before '<', e-mail inside '<>', text after '>') like git's parse_name_and_email."""
    left = text.find("<")
    right = text.find(">", left + 1) if left >= 0 else -1
    if right < 0 or (right == left + 1 and not allow_empty):
        return None
    return text[:left].strip(), text[left + 1:right], text[right + 1:]


def _config_value(repo: pygit2.Repository, key: str) -> str:
    try:
        return repo.config[key]
    except KeyError:
        return ""
