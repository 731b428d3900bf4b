"""Regular expressions that users write, matched in time linear in the text whatever the pattern.

miner's own patterns that read text of unbounded length from a repository
(tag names, commit subjects) are compiled here too.

Capability patterns and `--tags` are written by users and matched against
text from repositories nobody vetted.  Python's `re` backtracks: `(a+)+$`
runs for minutes on a 28-character subject.  RE2 (google-re2) never
backtracks, so a search costs time linear in the text for every pattern it
accepts.  Measured on the shipped catalog: all 88 patterns of
`capabilities.toml` compile under RE2 and match exactly the same of 7,814
real lines (Claude Code's, Gemini CLI's and ripgrep's changelogs, 5,000 Gemini
CLI subjects, both readings of each line), in half the time `re` takes.

RE2 refuses what needs backtracking (lookarounds, backreferences) and a few
spellings (`\\Z`, `(?x)`); such a pattern is a one-line error naming it.
Its `\\b`, `\\w` and `\\d` are ASCII-only, where `re` knows Unicode letters.
The alternative, the `regex` module with a timeout per search, keeps
Python's syntax but stops a search after so many seconds: which lines match
would then depend on the machine's speed, and outputs must be the same on
every run.
"""
from __future__ import annotations

import re2

Pattern = re2._Regexp  # google-re2 names its compiled pattern class privately


def compile_pattern(pattern: str, ignore_case: bool = False) -> Pattern:
    """`pattern` compiled by RE2; a ValueError saying why when RE2 cannot take it."""
    options = re2.Options()
    options.case_sensitive = not ignore_case
    options.log_errors = False  # the error is raised; RE2 would also print it on stderr
    try:
        return re2.compile(pattern, options)
    except re2.error as error:
        reason = error.args[0].decode("utf-8", "replace") if error.args and isinstance(error.args[0], bytes) else str(error)
        raise ValueError(f"{reason} (RE2 syntax: no lookarounds or backreferences)") from None


def digest_key(pattern: Pattern) -> list:
    """What a compiled pattern matches, as JSON-ready data for cache keys."""
    return [pattern.pattern, pattern.options.case_sensitive]
