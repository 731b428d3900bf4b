"""What the hosting site knows of a clone, fetched into the store: the releases half of `mine clone --releases`.

Each clone's releases are read from the GitHub API (`sources.github`),
asking every stored page whether it changed, and saved in the store against
the clone's git directory, the key its commits and analyses have too: that is
how `pipeline.analyze` finds them when it analyses that directory.  The
owner and name asked for come from the clone's source address
(`sources.clone.hosted_name`), and only a github.com source is asked of
api.github.com; with another `api_url` (GitHub Enterprise, a test server)
any source whose address ends in an owner and name is.

One repository failing (no such repository, a rate limit, a broken answer) is
reported and the others go on; a failure stores nothing, so the previous
fetch stays whole.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from miner.errors import MinerError, MinerWarning
from miner.model.notes import HostedReleases
from miner.paths import default_db
from miner.sources import clone, github
from miner.sources.repository import open_repository
from miner.store.sqlite import Store


@dataclass(frozen=True)
class ReleasesResult:
    """What fetching one clone's releases did: `message` says how many and at what cost, or why it failed."""

    source: clone.Source
    status: Literal["fetched", "unchanged", "failed"]
    message: str
    warnings: tuple[MinerWarning, ...] = ()


def fetch_hosted(clones: Iterable[tuple[clone.Source, Path]], db: str | Path | None = None, *,
                 api_url: str = github.API_URL, token: github.Token | None = None,
                 delays: Sequence[float] | None = None) -> Iterator[ReleasesResult]:
    """Fetch and store the releases of each (source, mirror path), yielding each result as it comes."""
    with Store(db or default_db()) as store:
        for source, mirror in clones:
            try:
                yield _fetch_one(store, source, mirror, api_url, token, delays)
            except MinerError as error:
                yield ReleasesResult(source, "failed", str(error))


def _fetch_one(store: Store, source: clone.Source, mirror: Path, api_url: str, token: github.Token | None,
               delays: Sequence[float] | None) -> ReleasesResult:
    repository = _repository(source, api_url)
    git_dir = open_repository(str(mirror)).git_dir
    stored = store.hosted(git_dir)
    known = stored.pages if stored is not None and stored.repository == repository else ()
    fetched = github.fetch_releases(repository, known, api_url=api_url, token=token, delays=delays)
    hosted = HostedReleases(repository, datetime.now(timezone.utc).isoformat(timespec="seconds"), fetched.pages)
    store.save_hosted(git_dir, hosted)
    count, cost = _count(len(hosted.releases), "release"), _count(fetched.requests, "request")
    if not fetched.changed:
        return ReleasesResult(source, "unchanged", f"{count}, unchanged since {fetched.pages[0].fetched_at} ({cost})")
    return ReleasesResult(source, "fetched", f"{count} on {_count(len(fetched.pages), 'page')} ({cost})",
                          fetched.warnings)


def _repository(source: clone.Source, api_url: str) -> str:
    """The `owner/name` to ask `api_url` for; a one-line error for a source the API cannot know."""
    where = clone.hosted_name(source)
    if where is None:
        raise MinerError(f"{source.display}: its address names no owner/name to fetch releases of")
    host, repository = where
    if api_url == github.API_URL and host != "github.com":
        raise MinerError(f"{source.display}: not on github.com, and releases are fetched from GitHub "
                         "(give --api-url for GitHub Enterprise)")
    return repository


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"
