"""Every release's notes from every place the project keeps them, before any is chosen.

Projects write their notes in different places, and one project changes its
habit over time (see `miner.model.notes`); this gathers, per release, what
each source holds: the hosting site's release (`hosted`, from an export the
inputs loaded), the changelog section of its version, the annotated tag's
message, the release commit's body and the commit subjects of its range
(bots' subjects left out: "Bump vite from 6.0.0 to 6.0.2" says nothing about
the project).  `miner.analyses.evolution` then chooses one per release.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pygit2

from miner.errors import MinerWarning
from miner.model.commits import Commit
from miner.model.notes import (
    CHANGELOG,
    COMMITS,
    HOSTED,
    RELEASE_COMMIT,
    TAG_MESSAGE,
    HostedRelease,
    Notes,
    ReleaseNotes,
    Section,
    UntaggedVersion,
    normalise_version,
    pr_numbers,
)
from miner.model.releases import Release
from miner.model.versions import parse_version
from miner.sources.changelogs import changelog_sections, first_written
from miner.sources.history import HistoryError
from miner.sources.messages import release_commit_message, subject_notes, tag_message
from miner.store.cache import Cache


def read_notes(git: pygit2.Repository, head: str | None, releases: Sequence[Release], ranges: Mapping[str, set[str]],
               commits: Mapping[str, Commit], is_bot: Callable[[Commit], bool], cache: Cache,
               hosted: Mapping[str, HostedRelease], changelogs: Sequence[str], untagged: bool,
               warnings: list[MinerWarning]) -> tuple[list[ReleaseNotes], list[UntaggedVersion]]:
    """The notes every source holds for each release, and (with `untagged`) the changelog versions no tag names;
    changelogs are read at commit `head` (HEAD, or HEAD as of `--as-of`)."""
    sections = changelog_sections(git, head, releases, cache, changelogs, warnings)
    found = [_release_notes(git, release, ranges, commits, sections, hosted, is_bot, warnings) for release in releases]
    tagged = {str(r.version) for r in releases}
    return found, _untagged(git, head, sections, tagged, warnings) if untagged and head else []


def _release_notes(git: pygit2.Repository, release: Release, ranges: Mapping[str, set[str]],
                   commits: Mapping[str, Commit], sections: Mapping[str, Section],
                   hosted: Mapping[str, HostedRelease], is_bot: Callable[[Commit], bool],
                   warnings: list[MinerWarning]) -> ReleaseNotes:
    # A range is a set, iterated in an order that changes with the hash seed: equal commit times
    # (a merge queue lands several in one second) are ordered by author time, then id.
    in_range = sorted((commits[s] for s in ranges.get(release.tag, ())),
                      key=lambda c: (c.commit_time, c.author_time, c.sha))
    authored = [c.subject for c in in_range if not c.is_merge and not is_bot(c)]
    found = candidates(release.tag, str(release.version), sections=sections, hosted=hosted, repo=git,
                       subjects=authored, warnings=warnings)
    return ReleaseNotes(release.tag, str(release.version), release.date.isoformat(), release.stable,
                        release.out_of_order, found, pr_numbers("\n".join(c.subject for c in in_range)),
                        whole_history=not release.previous)


def candidates(tag: str, version: str, *, sections: Mapping[str, Section] | None = None,
               hosted: Mapping[str, HostedRelease] | None = None, repo: pygit2.Repository | None = None,
               subjects: Sequence[str] = (), warnings: list[MinerWarning] | None = None) -> dict[str, Notes]:
    """Every source's notes for one release, keyed by source name; absent sources are left out.

    `sections` is `sections_by_version(...)`, `hosted` is hosted releases keyed
    by tag, `repo` enables the tag and release-commit messages, `subjects` are
    the commit subjects of the release's range.
    """
    texts = {
        HOSTED: _hosted_text(hosted or {}, tag),
        CHANGELOG: _section_text(sections or {}, version),
        TAG_MESSAGE: tag_message(repo, tag, warnings) if repo is not None else None,
        RELEASE_COMMIT: release_commit_message(repo, tag, warnings) if repo is not None else None,
    }
    found = {source: Notes(source, text, pr_numbers(text)) for source, text in texts.items() if text}
    from_subjects = subject_notes(subjects)
    if from_subjects is not None:
        found[COMMITS] = from_subjects
    return found


def _untagged(git: pygit2.Repository, head: str, sections: Mapping[str, Section], tagged: set[str],
              warnings: list[MinerWarning]) -> list[UntaggedVersion]:
    """Changelog versions without a tag; a section whose heading has no date is dated by the commit that first
    wrote its heading into the changelog: the nearest the history knows."""
    untagged = {v: s for v, s in sections.items() if parse_version(v) is not None and v not in tagged}
    written = {}
    for path in sorted({s.path for s in untagged.values() if not s.date}):
        try:
            written[path] = first_written(git, path, head)
        except HistoryError as error:
            warnings.append(MinerWarning("", f"the changelog's history cannot be read ({error}): its versions "
                                             "without a tag are left undated", tag="HEAD", path=path))
    return [UntaggedVersion(version, section.date or written.get(section.path, {}).get(version, ""), section)
            for version, section in untagged.items()]


def _hosted_text(hosted: Mapping[str, HostedRelease], tag: str) -> str | None:
    release = hosted.get(tag)
    return release.body.strip() if release is not None else None


def _section_text(sections: Mapping[str, Section], version: str) -> str | None:
    section = sections.get(normalise_version(version) or version)
    return section.body.strip() if section is not None else None
