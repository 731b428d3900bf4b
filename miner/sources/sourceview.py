"""The source view stage: read each release's sources, then resolve and tabulate their imports.

`source_views` is what the pipeline calls: `miner.sources.code.read_sources`
walks each release's package sources and parses every distinct blob once
(through the cache), and `miner.analyses.sourceview.source_view` turns what was
read into used edges, declared-versus-used rows, external packages and, for
Python packages, the subpackage graph.  Releases are read one at a time and
only their views are kept, so memory does not grow with the number of files.

Which releases: every stable release, prereleases only on request
(`releases_to_read`): a prerelease's tree is nearly always that of a stable
release before or after it, so it adds parse time and little information.
"""
from __future__ import annotations

from typing import Iterable, TypeVar

import pygit2

from miner.analyses.sourceview import SourceView, source_view
from miner.store.cache import Cache
from miner.sources.code import Limits, ReleaseTree, read_sources

R = TypeVar("R")


def source_views(repo: pygit2.Repository, releases: Iterable[ReleaseTree], cache: Cache,
                 limits: Limits = Limits(), repo_name: str = "") -> list[SourceView]:
    """The source view of each release, in the order given (see the module docstring)."""
    return [source_view(sources) for sources in read_sources(repo, releases, cache, limits, repo_name)]


def releases_to_read(releases: Iterable[R], prereleases: bool = False) -> list[R]:
    """The releases whose sources are read: the stable ones, and prereleases too when asked."""
    return [release for release in releases if prereleases or release.stable]
