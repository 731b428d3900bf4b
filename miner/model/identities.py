"""Who wrote a commit: canonical identities, and the co-authors a commit message credits.

Co-authors are read in two steps, so that the history walk keeps only the
`Co-authored-by:` values of each message (`co_author_values`) and attribution
turns them into (name, e-mail) pairs later (`co_author_pairs`, memoised: the
same lines recur in thousands of commits); `co_authors` does both for a whole
message.  Not only the final trailer block counts: GitHub squash merges list
the trailers of each squashed commit in the middle of the message (helix
4dcf1fe66b credits a co-author only there).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

PERSON, BOT, AGENT = "person", "bot", "agent"

# The value of each `Co-authored-by:` line of a message, wherever it stands.
_CO_AUTHOR_LINE = re.compile(r"^[ \t]*co-authored-by[ \t]*:(.*)$", re.IGNORECASE | re.MULTILINE)
# A second trailer run into the same line ("Co-authored-by: A <a@x> Co-authored-by: B <b@x>").
_CO_AUTHOR_KEY = re.compile(r"\s+co-authored-by\s*:", re.IGNORECASE)
_NAME_AND_EMAIL = re.compile(r"^(.*?)\s*<([^>]*)>?")
_NOREPLY = re.compile(r"^\s*(?:(\d+)\+)?([^@\s]+)@users\.noreply\.github\.com\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Identity:
    """A canonical contributor; equal identities are the same contributor."""

    key: str
    name: str
    email: str
    kind: str
    login: str = ""


def co_author_values(message: str) -> tuple[str, ...]:
    """The text after every `Co-authored-by:` of a message, stripped, empty ones left out."""
    return tuple(value for value in map(str.strip, _CO_AUTHOR_LINE.findall(message)) if value)


@functools.lru_cache(maxsize=1 << 12)
def co_author_pairs(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The (name, e-mail) of each co-author the `values` of one message name.

    A value without angle brackets gives an empty e-mail (or an empty name when
    it looks like an e-mail).
    """
    pairs = (_name_and_email(part.strip()) for value in values for part in _CO_AUTHOR_KEY.split(value))
    return tuple(pair for pair in pairs if pair != ("", ""))


def co_authors(message: str) -> tuple[tuple[str, str], ...]:
    """The (name, e-mail) pairs of every `Co-authored-by:` line of a message."""
    return co_author_pairs(co_author_values(message))


def github_login(email: str) -> str:
    """The GitHub login of a no-reply e-mail (`123+login@` or `login@users.noreply.github.com`)."""
    match = _NOREPLY.match(email)
    return match.group(2) if match else ""


def github_account(email: str) -> str:
    """The numeric GitHub account of a no-reply e-mail of the `123+login@` form, else ""."""
    match = _NOREPLY.match(email)
    return (match.group(1) or "") if match else ""


@functools.lru_cache(maxsize=1 << 14)
def normal_name(name: str) -> str:
    """A name as compared for joining: accents dropped, case-folded, whitespace (even U+3000) collapsed:
    one person signs "Clément Sirieix" on one machine and "Clement Sirieix" on another."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def _name_and_email(value: str) -> tuple[str, str]:
    match = _NAME_AND_EMAIL.match(value)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    if "@" in value and " " not in value:
        return "", value
    return value, ""
