"""What is new in a repository between two states of its analysis: the comparison behind `mine news`.

A state (`Facts`) is what one analysis's tables say at a moment: the
releases and release lines, the packages of each ecosystem, the capabilities
the notes mention, the people and their last work, the language mix and the
notable external dependencies.  `facts_of` reads it from the tables, whole
or cut at a date (what was known then: releases dated by it, the packages
and languages of the highest version released by it); `mine news` stores
the state of each run, so the next run compares against the previous one as
it was, even once the analysis behind it has been replaced.  `compare` is
the difference, with the triggers an analyst looks for ("10 alphas for
v0.117.0 in 4 days") judged by the `Thresholds` of `miner/data/news.toml`.

Everything here is a pure function of tables and values: no store, no git,
no clock (the moment a state describes is given).
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone

import pandas as pd

from miner.analyses.dates import with_iso_text
from miner.analyses.timeline import PRERELEASE, highest, latest_stable

# What a burst of prereleases of each channel is called, as the sample report says it ("10 alphas").
_PLURALS = {"alpha": "alphas", "beta": "betas", "rc": "release candidates", "preview": "previews",
            "nightly": "nightlies", "dev": "dev builds"}


@dataclass(frozen=True)
class Thresholds:
    """When a change is news: see `miner/data/news.toml`, which holds the defaults and says why."""

    burst: int = 3
    stopped_after_days: int = 90
    stopped_min_commits: int = 3
    language_points: float = 3.0


@dataclass(frozen=True)
class ReleaseFact:
    tag: str
    line: str
    version: str
    channel: str
    stable: bool
    date: str


@dataclass(frozen=True)
class LineFact:
    line: str
    first_tag: str
    first_date: str


@dataclass(frozen=True)
class PackageFact:
    """A package known by its lineage (ecosystem, workspace and first path), which a rename or move keeps."""

    ecosystem: str
    lineage: str
    package: str
    path: str


@dataclass(frozen=True)
class CapabilityFact:
    capability: str
    release: str
    evidence: str


@dataclass(frozen=True)
class PersonFact:
    """A person's work in the releases: the first release holding a commit of theirs, their last, commits."""

    author: str
    name: str
    first_release: str
    last_release: str
    last_date: str
    commits: int


@dataclass(frozen=True)
class NotableFact:
    registry: str
    dependency: str
    packages: str
    signals: str


@dataclass(frozen=True)
class Facts:
    """One state of a repository's analysis, as `mine news` compares and stores it.

    `moment` is when the state holds (ISO 8601); `release` is the release
    whose packages and languages it holds; `notable` is None when the
    analysis has no source view table, so nothing can be said of it.
    """

    repo: str
    moment: str
    release: str
    releases: tuple[ReleaseFact, ...]
    lines: tuple[LineFact, ...]
    packages: tuple[PackageFact, ...]
    capabilities: tuple[CapabilityFact, ...]
    people: tuple[PersonFact, ...]
    languages: tuple[tuple[str, float], ...]
    notable: tuple[NotableFact, ...] | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> Facts:
        kinds = {"releases": ReleaseFact, "lines": LineFact, "packages": PackageFact,
                 "capabilities": CapabilityFact, "people": PersonFact, "notable": NotableFact}
        values = dict(data)
        for key, kind in kinds.items():
            if values.get(key) is not None:
                values[key] = tuple(kind(**row) for row in values[key])
        values["languages"] = tuple((language, share) for language, share in values["languages"])
        return cls(**values)


@dataclass(frozen=True)
class Burst:
    """Prereleases of one version and channel among the new ones: "10 alphas for v0.117.0 in 4 days"."""

    line: str
    version: str
    channel: str
    count: int
    days: int
    first: str
    last: str

    @property
    def words(self) -> str:
        noun = _PLURALS.get(self.channel, f"{self.channel} prereleases")
        return f"{self.count} {noun} for v{self.version} in {self.days} day{'s' * (self.days != 1)}"


@dataclass(frozen=True)
class PackageChange:
    ecosystem: str
    change: str  # added, removed, renamed
    package: str
    path: str
    old_package: str = ""
    old_path: str = ""


@dataclass(frozen=True)
class LanguageShift:
    language: str
    before: float  # percent of the tree's bytes
    after: float


@dataclass(frozen=True)
class News:
    """What is new in `after` against `before` (`since` says against what, in words)."""

    repo: str
    since: str
    before: str
    after: str
    releases: tuple[ReleaseFact, ...] = ()
    bursts: tuple[Burst, ...] = ()
    lines: tuple[LineFact, ...] = ()
    packages: tuple[PackageChange, ...] = ()
    capabilities: tuple[CapabilityFact, ...] = ()
    newcomers: tuple[PersonFact, ...] = ()
    stopped: tuple[PersonFact, ...] = ()
    languages: tuple[LanguageShift, ...] = ()
    notable: tuple[NotableFact, ...] = ()

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self) if f.name not in ("repo", "since", "before", "after"))

    def to_dict(self) -> dict:
        found = asdict(self)
        found["bursts"] = [asdict(b) | {"words": b.words} for b in self.bursts]
        return found

    @classmethod
    def from_dict(cls, data: Mapping) -> News:
        kinds = {"releases": ReleaseFact, "bursts": Burst, "lines": LineFact, "packages": PackageChange,
                 "capabilities": CapabilityFact, "newcomers": PersonFact, "stopped": PersonFact,
                 "languages": LanguageShift, "notable": NotableFact}
        values = dict(data)
        for key, kind in kinds.items():
            names = {f.name for f in fields(kind)}
            values[key] = tuple(kind(**{k: v for k, v in row.items() if k in names}) for row in values.get(key, ()))
        return cls(**values)


def facts_of(repo: str, tables: Mapping[str, pd.DataFrame], moment: str, cut: str | None = None) -> Facts:
    """The state the tables describe at `moment`, or as it was at the date `cut` (ISO 8601; then `moment`
    should be `cut`): releases dated by then, and what the highest version released by then held.
    `moment` only says when the state holds; nothing is judged against it."""
    tables = {name: with_iso_text(tables[name]) for name in _READ if name in tables}
    releases = _dated(tables["releases"], cut)
    release = highest(releases)
    people = _people(tables["release_specialization"], releases)
    return Facts(
        repo, moment, release or "",
        tuple(ReleaseFact(r.tag, r.line, r.version, r.channel, bool(r.stable), r.date)
              for r in releases.itertuples()),
        _lines(tables["lines"], cut),
        _packages(tables["packages"], release),
        _capabilities(tables["mentions"], tables["notes"], cut),
        people,
        _languages(tables["languages"], release),
        _notable(tables["source_notable"], releases) if "source_notable" in tables else None,
    )


def compare(before: Facts, after: Facts, since: str, thresholds: Thresholds = Thresholds()) -> News:
    """What `after` holds that `before` did not, and what stopped, in the order an analyst reads it."""
    known = {r.tag for r in before.releases}
    new = tuple(r for r in after.releases if r.tag not in known)
    lines = {line.line for line in before.lines}
    capabilities = {c.capability for c in before.capabilities}
    people = {p.author for p in before.people}
    stopped_before = {p.author for p in _stopped(before, thresholds)}
    notable = (tuple(n for n in after.notable if (n.registry, n.dependency)
                     not in {(o.registry, o.dependency) for o in before.notable or ()})
               if after.notable is not None and before.notable is not None else ())
    return News(
        after.repo, since, before.moment, after.moment,
        releases=new,
        bursts=_bursts(new, thresholds.burst),
        lines=tuple(line for line in after.lines if line.line not in lines),
        packages=_package_changes(before.packages, after.packages),
        capabilities=tuple(c for c in after.capabilities if c.capability not in capabilities),
        newcomers=tuple(p for p in after.people if p.author not in people),
        stopped=tuple(p for p in _stopped(after, thresholds) if p.author in people and p.author not in stopped_before),
        languages=_shifts(dict(before.languages), dict(after.languages), thresholds.language_points),
        notable=notable,
    )


def cut_of(tables: Mapping[str, pd.DataFrame], tag: str) -> str | None:
    """The date of release `tag` of the analysis (its state is what was released by then), None if unknown."""
    releases = with_iso_text(tables["releases"])
    found = releases[releases["tag"] == tag]
    return str(found["date"].iloc[0]) if len(found) else None


# Reading the tables ------------------------------------------------------------


# The tables a state is read from; their moments are read as ISO text, as the stored facts keep them.
_READ = ("releases", "lines", "packages", "mentions", "notes", "release_specialization", "languages",
         "source_notable")


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _dated(frame: pd.DataFrame, cut: str | None, column: str = "date") -> pd.DataFrame:
    """The rows dated by `cut` (every row without one); undated rows belong to no earlier state."""
    if cut is None:
        return frame
    limit = _moment(cut)
    keep = [bool(text) and _moment(str(text)) <= limit for text in frame[column].fillna("")]
    return frame[keep]


def _lines(lines: pd.DataFrame, cut: str | None) -> tuple[LineFact, ...]:
    dated = _dated(lines, cut, "first_date")
    return tuple(LineFact(row.line, row.first_tag, row.first_date) for row in dated.itertuples())


def _packages(packages: pd.DataFrame, release: str | None) -> tuple[PackageFact, ...]:
    at = packages[packages["release"] == release]
    return tuple(sorted({PackageFact(r.ecosystem, r.lineage, r.package, r.path) for r in at.itertuples()},
                        key=lambda p: (p.ecosystem, p.package, p.path)))


def _capabilities(mentions: pd.DataFrame, notes: pd.DataFrame, cut: str | None) -> tuple[CapabilityFact, ...]:
    """Each capability's first mention, in the order the mentions table holds them (release version order);
    with `cut`, among the notes of releases (and changelog versions) dated by then."""
    if cut is not None:
        mentions = mentions[mentions["release"].isin(set(_dated(notes, cut)["release"]))]
    first: dict[str, CapabilityFact] = {}
    for row in mentions.itertuples():
        first.setdefault(row.capability, CapabilityFact(row.capability, row.release, row.evidence))
    return tuple(first.values())


def _people(work: pd.DataFrame, releases: pd.DataFrame) -> tuple[PersonFact, ...]:
    """Each person with commits in `releases` (bots and coding agents are not people), in order of arrival."""
    dates = dict(zip(releases["tag"], releases["date"]))
    order = sorted(dates, key=lambda tag: _moment(dates[tag]))
    rank = {tag: position for position, tag in enumerate(order)}
    rows = work[(work["kind"] == "person") & work["release"].isin(rank)]
    seen: dict[str, dict] = {}
    for row in sorted(rows.itertuples(), key=lambda r: rank[r.release]):
        person = seen.setdefault(row.author, {"name": row.name, "first": row.release, "commits": 0})
        person["last"], person["commits"] = row.release, person["commits"] + int(row.commits)
    return tuple(PersonFact(author, p["name"], p["first"], p["last"], str(dates[p["last"]]), p["commits"])
                 for author, p in seen.items())


def _languages(languages: pd.DataFrame, release: str | None) -> tuple[tuple[str, float], ...]:
    at = languages[languages["release"] == release]
    return tuple((str(r.language), round(float(r.share) * 100, 1)) for r in at.itertuples())


def _notable(notable: pd.DataFrame, releases: pd.DataFrame) -> tuple[NotableFact, ...]:
    """The notable dependencies at the highest stable release (the source view reads stable releases)."""
    release = latest_stable(releases)
    at = notable[notable["release"] == release]
    return tuple(NotableFact(r.registry, r.dependency, r.packages, r.signals) for r in at.itertuples())


# Comparing ---------------------------------------------------------------------


def _bursts(new: tuple[ReleaseFact, ...], minimum: int) -> tuple[Burst, ...]:
    """The new prereleases grouped by line, version and channel, where a group holds at least `minimum`."""
    groups: dict[tuple[str, str, str], list[ReleaseFact]] = defaultdict(list)
    for release in new:
        if not release.stable:
            groups[(release.line, PRERELEASE.sub("", release.version), release.channel)].append(release)
    found = []
    for (line, version, channel), members in groups.items():
        if len(members) < minimum:
            continue
        members.sort(key=lambda r: _moment(r.date))
        first, last = _moment(members[0].date), _moment(members[-1].date)
        days = max(1, math.ceil((last - first).total_seconds() / 86400))
        found.append(Burst(line, version, channel, len(members), days, members[0].tag, members[-1].tag))
    return tuple(sorted(found, key=lambda b: -b.count))


def _package_changes(before: tuple[PackageFact, ...], after: tuple[PackageFact, ...]) -> tuple[PackageChange, ...]:
    """Packages added, removed and renamed (or moved) between two releases, known by lineage."""
    old = {(p.ecosystem, p.lineage): p for p in before}
    new = {(p.ecosystem, p.lineage): p for p in after}
    changes = [PackageChange(p.ecosystem, "added", p.package, p.path) for key, p in new.items() if key not in old]
    changes += [PackageChange(p.ecosystem, "removed", p.package, p.path) for key, p in old.items() if key not in new]
    changes += [PackageChange(p.ecosystem, "renamed", p.package, p.path, old[key].package, old[key].path)
                for key, p in new.items() if key in old and (old[key].package, old[key].path) != (p.package, p.path)]
    return tuple(sorted(changes, key=lambda c: (c.ecosystem, c.change, c.package)))


def _stopped(facts: Facts, thresholds: Thresholds) -> list[PersonFact]:
    """People with enough commits whose last release came longer before the state's newest release than the
    threshold: the project went on releasing without them.  Judged against the releases, not the clock, so a
    project that paused releasing has not lost its team, and the answer does not change from day to day."""
    if not facts.releases:
        return []
    newest = max(_moment(r.date) for r in facts.releases)
    return [p for p in facts.people if p.commits >= thresholds.stopped_min_commits
            and (newest - _moment(p.last_date)).days > thresholds.stopped_after_days]


def _shifts(before: dict[str, float], after: dict[str, float], points: float) -> tuple[LanguageShift, ...]:
    """Languages whose share of the tree moved by more than `points` percentage points."""
    shifts = [LanguageShift(language, before.get(language, 0.0), after.get(language, 0.0))
              for language in dict.fromkeys([*after, *before])
              if abs(after.get(language, 0.0) - before.get(language, 0.0)) > points]
    return tuple(sorted(shifts, key=lambda s: -abs(s.after - s.before)))
