"""Version numbers as projects write them in tags.

A tag is split into a line prefix (`rust-v`, `v`, `grep-cli-`, ``) and a
version.  Versions follow SemVer loosely: two to four numeric fields, an
optional prerelease part whose first word names the channel (alpha, beta, rc,
preview, nightly, dev ...), and build metadata.  Codex's early date-stamped
versions (`0.0.2504291921`, YYMMDDhhmm) are recognised so that a report can
tell them apart from ordinary patch numbers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from miner.model.patterns import compile_pattern

# Matched by RE2, in time linear in the name (see miner.model.patterns): a tag name has no length limit
# in packed-refs, and under `re` the lazy prefix made a 32 KB name of `1.2.3-a.` repeated take 3.7 s, a
# time that grows with the square of the name's length.
_VERSION = compile_pattern(
    r"(?P<numbers>\d+\.\d+(?:\.\d+){0,2})"
    r"(?:-?(?P<pre>(?:[0-9A-Za-z]+)(?:[.-][0-9A-Za-z]+)*))?"
    r"(?:\+(?P<build>[0-9A-Za-z.-]+))?$"
)
_TAG = compile_pattern(r"^(?P<prefix>.*?)" + _VERSION.pattern)
COMMIT_ID = re.compile(r"[0-9a-f]{40}")
_CHANNEL_ALIASES = {"a": "alpha", "b": "beta", "c": "rc", "pre": "rc", "canary": "nightly", "snapshot": "nightly"}
_DATE_STAMP = re.compile(r"^\d{10}$")
_CHANNEL_WORD = re.compile(r"(?i)(alpha|beta|rc|pre|preview|nightly|dev|canary|snapshot)\b")


@dataclass(frozen=True, order=False)
class Version:
    """A parsed version; compare with `sort_key`."""

    numbers: tuple[int, ...]
    prerelease: str = ""
    build: str = ""

    @property
    def stable(self) -> bool:
        """True when there is no prerelease part."""
        return not self.prerelease

    @property
    def channel(self) -> str:
        """`stable`, or the prerelease's first word normalised (alpha, beta, rc, preview, nightly, dev)."""
        if self.stable:
            return "stable"
        word = re.match(r"[A-Za-z]*", self.prerelease).group(0).lower()
        return _CHANNEL_ALIASES.get(word, word or "pre")

    @property
    def base(self) -> str:
        """The version without prerelease and build: the release a prerelease leads to."""
        return ".".join(str(n) for n in self.numbers)

    @property
    def date_stamp(self) -> datetime | None:
        """The moment encoded in a YYMMDDhhmm field (Codex's early tags), else None."""
        for number in self.numbers[1:]:
            text = str(number)
            if _DATE_STAMP.match(text):
                try:
                    return datetime.strptime(text, "%y%m%d%H%M").replace(tzinfo=timezone.utc)
                except ValueError:
                    return None
        return None

    @property
    def sort_key(self) -> tuple:
        """SemVer precedence: numbers, then a release above its prereleases, then prerelease fields."""
        numbers = self.numbers + (0,) * (4 - len(self.numbers))
        return numbers, self.stable, tuple(_pre_field_key(f) for f in re.split(r"[.-]", self.prerelease) if f)

    def __str__(self) -> str:
        text = self.base + (f"-{self.prerelease}" if self.prerelease else "")
        return text + (f"+{self.build}" if self.build else "")


@dataclass(frozen=True)
class TagVersion:
    """A tag read as a release line prefix plus a version."""

    tag: str
    prefix: str
    version: Version


def parse_version(text: str) -> Version | None:
    """Parse a bare version string (`1.2.3`, `0.9.0-preview.1`); None when it is not one."""
    match = _VERSION.match(text)
    return _version_from(match) if match else None


def parse_tag(tag: str) -> TagVersion | None:
    """Split a tag into line prefix and version; None when it carries no version.

    Tags whose prefix embeds a commit id (`codex-rs-<sha>-1-rust-v0.2.0`) are
    build artefacts rather than releases and are rejected too.
    """
    match = _TAG.match(tag)
    if not match or COMMIT_ID.search(match.group("prefix")):
        return None
    return TagVersion(tag, match.group("prefix"), _version_from(match))


def _version_from(match) -> Version:
    """A Version; build metadata that names a channel (`+nightly.040725`) is read as a prerelease."""
    numbers = tuple(int(n) for n in match.group("numbers").split("."))
    pre, build = match.group("pre") or "", match.group("build") or ""
    if not pre and _CHANNEL_WORD.match(build):
        pre, build = build, ""
    return Version(numbers, pre, build)


def _pre_field_key(field: str) -> tuple:
    """SemVer: numeric identifiers sort numerically and below alphanumeric ones."""
    return (0, int(field), "") if field.isdigit() else (1, 0, field.lower())
