"""A `.mailmap`, applied the way git applies it: the names and e-mails `git log --format=%aN %aE` shows."""
from __future__ import annotations

from typing import Iterable


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
