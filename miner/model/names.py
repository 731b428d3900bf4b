"""Names read from git: tag names and paths are bytes, and the outputs need text.

pygit2 hands over the bytes of a name that are not UTF-8 as lone surrogates,
so that the `str` still finds the object it names; such a `str` cannot be
written to a table, the store or a terminal.  Lookups keep the name as pygit2
gave it; whatever is written out goes through `as_text`, which replaces those
bytes as the history walk replaces them in the paths `git log` prints, so a
crate's path and the paths of its commits still agree.  Text read as JSON can
hold lone surrogates too; `as_text` replaces those as well.
"""
from __future__ import annotations

import re


def is_text(name: str) -> bool:
    """Whether `name` was UTF-8 in git (holds no surrogate standing for a raw byte)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def as_text(name: str) -> str:
    """`name` with each byte that is not UTF-8 replaced by U+FFFD."""
    if name.isascii() or is_text(name):
        return name
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that stands for no byte (JSON's "\ud800" escapes one)
        return _SURROGATE.sub("\ufffd", name)


_SURROGATE = re.compile("[\ud800-\udfff]")


def decode_lossy(data: bytes) -> tuple[str, bool]:
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), True
