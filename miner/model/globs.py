"""Path globs with path semantics: `*` stays within a segment, `**` crosses segments.

Every authority miner imitates matches paths this way (Cargo and uv through
Rust's `glob` crate, npm through minimatch, pnpm through picomatch), and so do
the user's own layer and compare rules.  `fnmatch` does not: its `*` crosses
`/`, so `core/*` would match `core/tests/common`.

Supported: `*` and `?` within one segment, `[abc]`, `[a-z]`, `[!x]`/`[^x]`,
`**` as a whole segment for zero or more segments, and `{a,b}` alternatives
(minimatch and picomatch expand them; Rust's glob does not, and a pattern from
Cargo has no braces).  With `dot=False`, as in minimatch and picomatch, a
wildcard does not match a segment that starts with a dot unless the pattern's
segment does.  Patterns are compiled once and memoised: rules are matched
against every package at every release.
"""
from __future__ import annotations

import functools
import re


def glob_match(pattern: str, path: str, *, dot: bool = True) -> bool:
    """Whether `path` (segments separated by `/`, no leading `./`) matches `pattern`."""
    return glob_regex(pattern, dot=dot).fullmatch(_clean(path)) is not None


@functools.lru_cache(maxsize=4096)
def glob_regex(pattern: str, *, dot: bool = True) -> re.Pattern:
    """The compiled regular expression of `pattern`; braces are expanded into alternatives."""
    alternatives = [_segments_regex(_clean(p).split("/"), dot) for p in _expand_braces(pattern)]
    return re.compile("|".join(f"(?:{a})" for a in alternatives) or "(?!)", re.DOTALL)


def is_glob(pattern: str) -> bool:
    """Whether `pattern` holds a wildcard (a literal path is matched by equality, and faster)."""
    return any(char in pattern for char in "*?[{")


def _clean(path: str) -> str:
    while path.startswith("./"):
        path = path[2:]
    return path.rstrip("/") if path != "/" else path


def _segments_regex(segments: list[str], dot: bool) -> str:
    """Segments joined by `/`; a `**` segment stands for zero or more segments, slashes included."""
    any_segment = r"[^/]*" if dot else r"(?!\.)[^/]*"
    segments = [s for i, s in enumerate(segments) if not (s == "**" and i and segments[i - 1] == "**")]
    if segments == ["**"]:
        return f"(?:{any_segment}(?:/{any_segment})*)?"
    out, glue = "", ""
    for index, segment in enumerate(segments):
        if segment != "**":
            out, glue = out + glue + _segment_regex(segment, dot), "/"
        elif index == 0:
            out, glue = f"(?:{any_segment}/)*", ""  # `**/x` matches `x` and `a/b/x`
        else:
            out += f"(?:/{any_segment})*"  # `a/**` matches `a`; `a/**/b` matches `a/b`
    return out


def _segment_regex(segment: str, dot: bool) -> str:
    out = [] if dot or segment.startswith(".") else [r"(?!\.)"]
    index = 0
    while index < len(segment):
        char = segment[index]
        if char == "*":
            while index + 1 < len(segment) and segment[index + 1] == "*":
                index += 1  # "a**b" inside a segment is just "*"
            out.append(r"[^/]*")
        elif char == "?":
            out.append(r"[^/]")
        elif char == "[" and (end := _class_end(segment, index)) is not None:
            body = segment[index + 1:end]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            out.append("[" + ("^/" if negate else "") + body.replace("\\", "\\\\") + "]")
            index = end
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


def _class_end(segment: str, start: int) -> int | None:
    """Index of the `]` closing the class opened at `start` (a `]` first in the class is literal)."""
    index = start + 1
    if index < len(segment) and segment[index] in "!^":
        index += 1
    if index < len(segment) and segment[index] == "]":
        index += 1
    end = segment.find("]", index)
    return end if end != -1 else None


def _expand_braces(pattern: str) -> list[str]:
    """`a/{b,c}/d` -> [`a/b/d`, `a/c/d`]; nested braces expand too; an unmatched brace is literal."""
    depth, start = 0, -1
    for index, char in enumerate(pattern):
        if char == "{":
            if depth == 0:
                start = index
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0:
                options = _split_top(pattern[start + 1:index])
                if len(options) < 2:
                    continue
                head, tail = pattern[:start], pattern[index + 1:]
                return [expanded for option in options for expanded in _expand_braces(head + option + tail)]
    return [pattern]


def _split_top(text: str) -> list[str]:
    """Split on the commas not nested in braces."""
    parts, depth, current = [], 0, []
    for char in text:
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        depth += (char == "{") - (char == "}")
        current.append(char)
    return parts + ["".join(current)]
