"""Release notes as values: a changelog section, a hosted release, the notes chosen for a release.

The five places notes come from, named in `miner.model` (`DEFAULT_ORDER` is
the order of preference), are used here with the version syntax their headings
and tags share and the pull-request numbers they cite.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from miner.model import CHANGELOG as CHANGELOG
from miner.model import COMMITS as COMMITS
from miner.model import DEFAULT_ORDER as DEFAULT_ORDER
from miner.model import HOSTED as HOSTED
from miner.model import RELEASE_COMMIT as RELEASE_COMMIT
from miner.model import TAG_MESSAGE as TAG_MESSAGE
from miner.model.patterns import compile_pattern

VERSION = r"\d+(?:\.\d+)+(?:-[0-9A-Za-z][0-9A-Za-z.-]*)?(?:\+[0-9A-Za-z][0-9A-Za-z.-]*)?"
# A version after a tag's prefix, matched by RE2 in time linear in the name (see miner.model.patterns):
# under `re` the lazy prefix made 24 KB of `v1.2-` repeated take 1.2 s, growing with the square.
_TAGGED_VERSION = compile_pattern(rf"(?:.*?[-_/])?[vV]?({VERSION})")


@dataclass(frozen=True)
class Section:
    """One version's part of a changelog file; `version` is None for "Unreleased"."""

    version: str | None
    heading: str
    date: str | None
    body: str
    path: str

    @property
    def unreleased(self) -> bool:
        return self.version is None


@dataclass(frozen=True)
class HostedRelease:
    """One release of the hosting site's releases page, from an export or fetched from its API.

    A draft is kept as the site lists it (to those who may edit it), but it
    is not a release: notes are never read from one.
    """

    tag: str
    name: str
    body: str
    published_at: str | None
    prerelease: bool
    created_at: str | None = None
    draft: bool = False


@dataclass(frozen=True)
class HostedPage:
    """One page of the hosting site's list of releases, as fetched at `fetched_at` (ISO, UTC).

    `etag` is the validator the site sent with it, so the next fetch of `url`
    can ask whether it changed; `next_url` is the page its `Link` header named
    next (None on the last page).
    """

    number: int
    url: str
    etag: str
    next_url: str | None
    fetched_at: str
    releases: tuple[HostedRelease, ...]


@dataclass(frozen=True)
class HostedReleases:
    """A repository's list of releases on its hosting site as last fetched (`owner/name`), page by page, and
    when the site was last asked (`checked_at`, ISO, UTC: later than a page's `fetched_at` when it was unchanged)."""

    repository: str
    checked_at: str
    pages: tuple[HostedPage, ...]

    @property
    def releases(self) -> tuple[HostedRelease, ...]:
        """The releases, newest first, drafts left out, each tag once: pages fetched a moment apart overlap
        when a release is published in between, and the newer page is the one kept."""
        found: dict[str, HostedRelease] = {}
        for page in self.pages:
            for release in page.releases:
                if not release.draft:
                    found.setdefault(release.tag, release)
        return tuple(found.values())

    @property
    def origin(self) -> str:
        """Where the list was read, as warnings name it: its first page's address."""
        return self.pages[0].url if self.pages else self.repository


@dataclass(frozen=True)
class Notes:
    """The notes of one release, the source they came from and the PRs they cite."""

    source: str
    text: str
    prs: tuple[int, ...]


def normalise_version(name: str) -> str | None:
    """The version inside a tag or heading token: `rust-v0.44.0` and `v0.44.0` -> `0.44.0`.

    The shortest prefix ending in `-`, `_` or `/` is dropped, then a leading
    `v`, so sections match releases whatever prefix the tags carry.
    """
    match = _TAGGED_VERSION.fullmatch(name.strip())
    return match.group(1) if match else None


def pr_numbers(text: str) -> tuple[int, ...]:
    """Pull-request numbers cited in `text`, in order of first mention.

    Recognised: `(#4471)` (squash merges), `Merge pull request #123 from`,
    `[#28116](...)` and `.../pull/28116` (generated release notes).  A bare
    `#123` is left out: it is as often an issue as a PR.
    """
    found = _PR.findall(text)
    numbers = (int(next(group for group in groups if group)) for groups in found)
    return tuple(dict.fromkeys(numbers))


_PR = re.compile(
    r"\(#(\d+)\)|Merge pull request #(\d+)|\[#(\d+)\]|/pull/(\d+)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ReleaseNotes:
    """Every source's notes for one release (a source with none is absent), and the PRs its range cites;
    `whole_history` when that range holds every commit before the release (it has no previous release)."""

    tag: str
    version: str
    date: str
    stable: bool
    out_of_order: bool
    found: dict[str, Notes]
    range_prs: tuple[int, ...] = ()
    whole_history: bool = False


@dataclass(frozen=True)
class UntaggedVersion:
    """A changelog version no tag names: published, just not tagged in this repository; `date` is its
    heading's, else the day the heading was first written, else ""."""

    version: str
    date: str
    section: Section
