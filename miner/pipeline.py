"""`mine analyze` as a library: inputs resolved once, a repository mined, what was mined saved.

    resolve(options) -> Inputs             every option checked and every file it names read, before any mining
    mine(path, name, inputs, prior) -> Analysis
                                           pure in the repository and its inputs: reads git and `prior` (what
                                           the store already knows), never writes; what it found comes back
                                           with the analysis, new commits and cache entries included
    save(store, analysis)                  the one writer: everything of one analysis in one transaction
    analyze(spec, db=..., **options)       the three together, and nothing mined when the inputs are unchanged
    load(name, db=...) -> Analysis         a stored analysis, as `mine report` renders it

The same `mine` runs in this process, in a pool or on a cluster, since it
takes a path and picklable inputs and returns values.  Stages hand each other
values (the timeline, the commits and ranges, each release's workspaces and
sizes, the notes every source holds) and the tables are made at the end.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import json
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pandas as pd
import pygit2

from miner import ecosystems
from miner.analyses import timeline
from miner.analyses.architecture import ReleaseArchitecture, architecture_tables, language_of, pinned, place_rows
from miner.analyses.compare import line_mismatch, unknown_capabilities
from miner.analyses.contributors import (
    PackageMap,
    contributor_tables,
    previous_releases,
    releases_of_commits,
    resolver_for,
)
from miner.analyses.dates import typed_dates
from miner.analyses.evolution import evolution_tables, inflections, latest_arc
from miner.analyses.graphs import graph_facts, release_graph
from miner.analyses.releases import ancestry, commit_ranges, select_releases, settle_previous
from miner.analyses.sourcetables import bad_input_summary, relabelled, tables_of, view_rows
from miner.analyses.sourceview import SourceView, source_view
from miner.catalogs.agents import Agent, Config, load_config
from miner.catalogs.bots import Catalog
from miner.catalogs.capabilities import Capability, load_catalog
from miner.catalogs.layers import Layer, layers_from_meta, layers_to_meta, load_layers
from miner.catalogs.notable import load_notable
from miner.collector import fewer_collections
from miner.errors import MinerError, MinerWarning
from miner.model.commits import Commit
from miner.model.notes import DEFAULT_ORDER, HOSTED, HostedRelease, HostedReleases
from miner.model.packages import Workspace
from miner.model.patterns import compile_pattern
from miner.model.releases import Release, TagRef, Timeline
from miner.model.versions import parse_tag
from miner.model.window import Window, iso_day, unix_seconds
from miner.paths import check_name, default_db
from miner.sources.changelogs import line_changelogs
from miner.sources.clone import parse_source, redact
from miner.sources.code import Limits, ReleaseTree, read_sources
from miner.sources.codesize import language_bytes, package_bytes, package_lines
from miner.sources.history import HistoryError, history_boundaries, walk, walk_objects
from miner.sources.hosted import load_hosted_releases, unknown_tags
from miner.sources.mailmap import mailmap_of
from miner.sources.notes import read_notes
from miner.sources.repository import Repository, open_repository
from miner.sources.tags import read_tags, ref_target
from miner.sources.trees import MISSING_OBJECT, TreeView
from miner.store import jsontext
from miner.store.cache import Cache, ReadCache, RecordingCache
from miner.store.sqlite import Saved, Store

Progress = Callable[[str], None]
# The shipped catalogs an analysis reads (agents.toml is read by `mine compare` only).
ANALYSIS_CATALOGS = ("bots.toml", "layers.toml", "capabilities.toml", "notable.toml")
# The packages whose code the mined tables depend on; `outputs` and the command line are not among them.
MINING_PACKAGES = ("model", "sources", "ecosystems", "catalogs", "analyses", "store")


@dataclass(frozen=True)
class Options:
    """What to analyse and how; every field is a `mine analyze` option of the same name.

    `line`/`tags` choose the releases; `layers`, `capabilities`, `hosted` and
    `bots` name a layer rules file, a capability catalog, a releases JSON
    export and a bot and agent catalog replacing miner's own; `workspace` pins
    the workspace directory; `snapshot` is the release whose package graph is
    described (default: the latest stable); `notes_order` ranks the notes
    sources, `changelogs` adds changelog paths; `count_all` counts prereleases
    in the capability table; `untagged` keeps changelog versions that have no
    tag; `arc` is the number of stable releases in the latest arc;
    `since`/`until` bound the contributor tables in time (as `git log
    --since/--until` takes them); `join_names=False` stops joining one name's
    several e-mails into one person; `config` is the agents config (default:
    miner's own) whose entry for the repository may add layer rules.  `source=False` skips the source view
    (what the packages' sources import, read at every stable release, and at
    prereleases too with `source_prereleases`); `notable` names a catalog of
    notable dependencies replacing miner's own; source files over
    `source_max_bytes` are skipped and counted; `source_workers` processes
    parse them (default: one per core once there is enough to parse; the tables do not depend on it).
    """

    line: str | None = None
    tags: str | None = None
    skip_tags: str | None = None
    name: str | None = None
    layers: str | None = None
    workspace: str | None = None
    snapshot: str | None = None
    capabilities: str | None = None
    hosted: str | None = None
    notes_order: tuple[str, ...] = DEFAULT_ORDER
    changelogs: tuple[str, ...] = ()
    count_all: bool = False
    untagged: bool = True
    arc: int = 4
    since: str | None = None
    until: str | None = None
    bots: str | None = None
    join_names: bool = True
    as_of: str | None = None
    config: str | None = None  # the agents config whose [[agent.layer]] rules the agent analysed adds
    source: bool = True
    source_prereleases: bool = False
    notable: str | None = None
    source_max_bytes: int = Limits.max_bytes
    source_workers: int | None = None  # None: as many as pay (`miner.sources.code.auto_workers`)


@dataclass(frozen=True)
class Inputs:
    """The options with every file they name read and checked, once, before any mining."""

    options: Options
    bots: Catalog
    layers: tuple[Layer, ...]
    capabilities: tuple[Capability, ...]
    hosted: tuple[HostedRelease, ...]
    hosted_warnings: tuple[MinerWarning, ...]
    window: Window
    digest: str  # of the options and of every file they name: part of each analysis's fingerprint
    as_of: int | None = None  # the last second of the `--as-of` day (UTC), None for now
    hosted_origin: str = ""  # where `hosted` was read: the export, or the address the stored list was fetched from
    notable: dict[tuple[str, str], str] = field(default_factory=dict)  # (registry, package) -> what it signals


@dataclass
class Analysis:
    """One repository analysed: its tables, what they describe, the warnings met, and what the run found.

    `commits`, `tips` and `cache` are what `save` writes beside the tables:
    the commits the run walked that the store lacked, the tips whose history
    they complete, and the cache entries the run made.
    """

    repo: str
    path: str
    line: str
    tables: dict[str, pd.DataFrame]
    warnings: list[MinerWarning] = field(default_factory=list)
    snapshot: str | None = None
    layers: tuple[Layer, ...] = ()
    walked: int = 0
    inputs: str = ""  # the fingerprint of what the tables were computed from; "" if incomplete
    complete: bool = True  # False when part of the history was unreadable: such tables are not reused
    commits: list[Commit] = field(default_factory=list)
    tips: list[str] = field(default_factory=list)
    cache: dict[tuple[str, str], str] = field(default_factory=dict)
    as_of: str | None = None  # the `--as-of` day the analysis describes, None for the day it ran
    all_releases: bool = False  # list prereleases in the report's releases section too

    @property
    def meta(self) -> dict[str, Any]:
        """What rendering the tables again needs beyond them, as the store keeps it."""
        return {"line": self.line, "snapshot": self.snapshot, "layers": layers_to_meta(self.layers),
                "complete": self.complete, "as_of": self.as_of, "all_releases": self.all_releases}


class Prior(Protocol):
    """What a mining run may know before it starts: the store's commits and cache for its repository."""

    cache: ReadCache

    def walked_tips(self) -> set[str]: ...

    def commits(self, files: bool = False) -> Iterable[Commit]: ...


class NoPrior:
    """A first run: nothing walked, nothing cached."""

    cache: ReadCache | None = None

    def walked_tips(self) -> set[str]:
        return set()

    def commits(self, files: bool = False) -> Iterable[Commit]:
        return ()


def resolve(options: Options) -> Inputs:
    """Check every option and read every file it names; one-line errors before any mining starts."""
    for option, pattern in (("--tags", options.tags), ("--skip-tags", options.skip_tags)):
        if pattern is not None:
            try:
                compile_pattern(pattern)
            except ValueError as error:
                raise MinerError(f"{option} {pattern!r}: not a regular expression ({error})") from None
    unknown = set(options.notes_order) - set(DEFAULT_ORDER)
    if unknown:
        raise MinerError(f"--notes-order: unknown sources {', '.join(sorted(unknown))} "
                         f"(known: {', '.join(DEFAULT_ORDER)})")
    if options.arc < 1:
        raise MinerError(f"--arc {options.arc}: the latest arc needs at least one release")
    if options.name is not None:
        check_name(options.name, "--name")
    if options.source_max_bytes < 1:
        raise MinerError(f"--source-max-bytes {options.source_max_bytes}: must be at least 1")
    if options.source_workers is not None and options.source_workers < 1:
        raise MinerError(f"--source-workers {options.source_workers}: must be at least 1")
    warnings: list[MinerWarning] = []
    as_of = _as_of(options.as_of)
    hosted = _published_by(load_hosted_releases(options.hosted, warnings) if options.hosted else [], as_of)
    return Inputs(options, Catalog.load(options.bots), tuple(load_layers(options.layers)),
                  tuple(load_catalog(options.capabilities)), hosted, tuple(warnings),
                  Window.parse(options.since, options.until), _options_digest(options), as_of, options.hosted or "",
                  load_notable(options.notable) if options.source else {})


def with_stored_releases(inputs: Inputs, stored: HostedReleases | None) -> Inputs:
    """The inputs with the hosted releases the store fetched for the repository (`mine clone --releases`).

    A `--releases-json` export wins, and a notes order without "hosted"
    reads none; with `--as-of`, only the releases published by then count,
    as for an export.  The releases enter the inputs' digest, so a fetch that
    changed a note re-mines and one that changed nothing does not.
    """
    if stored is None or inputs.options.hosted or HOSTED not in inputs.options.notes_order:
        return inputs
    releases = _published_by(stored.releases, inputs.as_of)
    digest = hashlib.sha256(f"{inputs.digest}\nhosted=".encode())
    digest.update(json.dumps([asdict(release) for release in releases]).encode())
    return replace(inputs, hosted=releases, hosted_origin=stored.origin, digest=digest.hexdigest())


@fewer_collections
def analyze(spec: str, *, db: str | Path | None = None, progress: Progress | None = None, **options) -> Analysis:
    """Analyse the repository at path (or clone name) `spec` and store the result; see `Options`."""
    say = progress or (lambda message: None)
    inputs = resolve(Options(**options))
    repo = open_repository(spec)
    with Store(db or default_db()) as store:
        job = prepare(store, spec, repo, inputs)
        if store.fingerprint(job.name, job.path) == job.stamp:
            say(f"{job.name}: unchanged since the last analysis")
            return load(job.name, store=store, inputs=job.stamp)
        analysis = job.run(say)
        save(store, analysis)
    return analysis


def with_agent_layers(inputs: Inputs, agent: Agent | None) -> Inputs:
    """The inputs with the agent's own layer rules (`[[agent.layer]]`) before the rules file's: a repository
    whose layout no general rule describes gets its layers from the agents config.  They enter the digest."""
    if agent is None or not agent.layers:
        return inputs
    digest = hashlib.sha256(f"{inputs.digest}\nagent-layers={json.dumps(layers_to_meta(agent.layers))}".encode())
    return replace(inputs, layers=agent.layers + inputs.layers, digest=digest.hexdigest())


def agent_of(config: Config, name: str, path: str) -> Agent | None:
    """The agent of the config whose repository is the one analysed as `name` at git directory `path`: its
    `analysed_as` name, else its clone's owner+name directory or its repository's name."""
    for agent in config.agents:
        if not agent.repository:
            continue
        if agent.analysed_as:
            if agent.analysed_as == name:
                return agent
            continue
        source = parse_source(agent.repository)
        if f"/{source.slug}/" in path or path.endswith(f"/{source.slug}") or name in (source.name, source.slug):
            return agent
    return None


@dataclass(frozen=True)
class Job:
    """One repository to mine, as the store's writer prepared it: `run` needs nothing else, and with a
    detached prior (`StorePrior.detached`) a Job pickles, so a pool or a cluster can run it."""

    path: str
    name: str
    inputs: Inputs
    prior: Prior
    stamp: str  # the fingerprint the tables get when mined whole
    line: str = ""  # the release line chosen when the stamp was taken

    @fewer_collections
    def run(self, progress: Progress | None = None) -> Analysis:
        analysis = mine(self.path, self.name, self.inputs, self.prior, progress)
        # Tables from a damaged history get no fingerprint: once the objects are restored, the next run re-reads.
        analysis.inputs = self.stamp if analysis.complete else ""
        return analysis


def prepare(store: Store, spec: str, repo: Repository, inputs: Inputs) -> Job:
    """The job of mining `repo` (opened from `spec`) with `inputs`, against what `store` holds of it."""
    name = inputs.options.name or _derived_name(spec, repo.name)
    path = str(repo.git_dir)
    _check_owner(store, name, path)
    inputs = with_agent_layers(inputs, agent_of(load_config(inputs.options.config), name, path))
    inputs = with_stored_releases(inputs, store.hosted(path))
    line = _timeline(name, repo.git, inputs.options, inputs.as_of).line
    return Job(path, name, inputs, store.prior(path), fingerprint(repo.git, inputs, line), line)


@fewer_collections
def save(store: Store, analysis: Analysis) -> None:
    """Write the analysis, with the commits and cache entries its run found, in one transaction."""
    store.save(Saved(analysis.repo, analysis.path, analysis.inputs, analysis.meta, analysis.tables,
                     analysis.commits, analysis.tips, analysis.cache))


def load(name: str, db: str | Path | None = None, *, store: Store | None = None, inputs: str = "",
         as_of: str | None = None, same_day: bool = False) -> Analysis:
    """The stored analysis called `name` (or of the repository at path `name`), as its run left it; with
    `as_of`, a MinerError unless it was analysed as of that day, and with `same_day` one too when it was
    analysed as of a past day and `as_of` is not given (`mine report` renders today's state, or says so)."""
    if store is None:
        with Store(db or default_db(), readonly=True) as opened:
            return load(name, store=opened, inputs=inputs, as_of=as_of, same_day=same_day)
    found = store.find(name)
    tables, meta = store.load(found)
    warnings = [MinerWarning(**row) for row in tables["warnings"].fillna("").to_dict("records")]
    path = store.analyses().set_index("name").at[found, "path"]
    analysis = Analysis(found, path, meta["line"], typed_dates(tables), warnings, meta["snapshot"],
                        layers_from_meta(meta["layers"]), inputs=inputs, complete=meta["complete"],
                        as_of=meta.get("as_of"), all_releases=meta.get("all_releases", False))
    wanted = _day(_as_of(as_of))
    if wanted is not None and analysis.as_of != wanted:
        raise MinerError(f"{found} was analysed as of {analysis.as_of or 'the day it ran'}, not {wanted}: "
                         f"run `mine analyze {found} --as-of {wanted}` first")
    if same_day and wanted is None and analysis.as_of:
        raise MinerError(f"{found} was analysed as of {analysis.as_of}: give --as-of {analysis.as_of} for that "
                         f"state, or run `mine analyze {found}` for today's")
    return analysis


def fingerprint(git: pygit2.Repository, inputs: Inputs, line: str) -> str:
    """A digest of everything the tables depend on: refs, inputs, miner's mining code and catalogs.

    When it matches the stored one, the stored tables are the answer and
    nothing is recomputed; any moved ref, changed option or file, or upgrade
    of miner invalidates it.  The release line enters as chosen, not as asked
    for: `--line rust-v` and the automatic choice of the same line are one input.
    """
    digest = hashlib.sha256(f"{inputs.digest}\nline={line}".encode())
    # "3 weeks ago" names another window tomorrow: the day it resolves to is an input too.
    window = [None if value is None else value // 86400 for value in (inputs.window.since, inputs.window.until)]
    digest.update(f"window={window}".encode())
    digest.update(_mining_code().encode())
    package = resources.files("miner")
    for catalog in ANALYSIS_CATALOGS:
        digest.update(package.joinpath("data", catalog).read_bytes())
    for name in sorted(git.references):
        if name.startswith("refs/tags/") or name == "HEAD" or name.startswith("refs/heads/"):
            digest.update(f"{name}={ref_target(git, name)}\n".encode("utf-8", "surrogateescape"))
    digest.update(f"mailmap={_mailmap_id(git)}".encode())
    digest.update(f"boundaries={sorted(history_boundaries(git.path))}".encode())  # unshallowing moves no ref
    return digest.hexdigest()


def mine(path: str, name: str, inputs: Inputs, prior: Prior, progress: Progress | None = None) -> Analysis:
    """Every stage of the analysis of the repository at git directory `path`, reporting as `name`."""
    say = progress or (lambda message: None)
    git = pygit2.Repository(path, pygit2.enums.RepositoryOpenFlag.NO_SEARCH)
    options = inputs.options
    cache = RecordingCache(prior.cache)
    say(f"{name}: reading tags")
    chosen = _timeline(name, git, options, inputs.as_of)
    head = head_as_of(git, inputs.as_of)
    say(f"{name}: walking history")
    history = _history(git, chosen, prior, head)
    chosen = settle_previous(chosen, history.parents)
    warnings = list(history.warnings)
    incomplete: set[str] = set()
    ranges = commit_ranges(chosen.releases, history.parents, incomplete)
    warnings += [MinerWarning(name, "range reaches unreadable history: commit and contributor counts left empty",
                         tag=tag) for tag in sorted(incomplete)]
    complete = not warnings  # so far only an unreadable history warns
    warnings += [MinerWarning(name, "range reaches a shallow or grafted boundary: its counts cover only the "
                               "history this repository holds", tag=release.tag)
                 for release in chosen.releases if ranges[release.tag] & history.boundaries]
    warnings += _after_last_release(name, chosen, ranges, history.by_sha)
    warnings += _off_head(name, chosen, ranges, history.parents, head)
    resolver = resolver_for(mailmap_of(git, cache, head or "HEAD"), history.by_sha.values(), inputs.bots,
                            options.join_names)
    tables = _timeline_tables(chosen, ranges, history.by_sha, resolver, incomplete)
    snapshot = options.snapshot or timeline.latest_stable(tables["releases"])
    say(f"{name}: reading packages at {len(chosen.releases)} releases")
    per_release = remembered_architecture(git, chosen.releases, cache, options.workspace, snapshot, warnings)
    _check_pin(name, options.workspace, per_release)
    tables |= architecture_tables(per_release, chosen.releases, inputs.layers, _ECOSYSTEM_LANGUAGES)
    tables |= read_source_view(git, name, chosen.releases, per_release, cache, inputs, warnings, say)
    say(f"{name}: reading release notes")

    def is_bot(commit: Commit) -> bool:
        return resolver.resolve(commit.author_name, commit.author_email).kind == "bot"

    hosted = {release.tag: release for release in inputs.hosted}
    warnings += list(inputs.hosted_warnings) + unknown_tags(inputs.hosted, [r.tag for r in chosen.releases],
                                                           inputs.hosted_origin)
    changelogs = (*options.changelogs, *line_changelogs(chosen.line))
    found, untagged = read_notes(git, head, chosen.releases, ranges, history.by_sha, is_bot, cache, hosted,
                                 changelogs, options.untagged, warnings)
    tables |= evolution_tables(found, untagged, inputs.capabilities, options.notes_order, options.count_all, cache)
    tables["inflections"] = inflections(tables["capabilities"], tables["package_changes"], tables["notes"])
    tables["latest_arc"] = latest_arc(tables["capabilities"], tables["package_changes"], tables["releases"],
                                      options.arc)
    tables |= _graph_facts(tables, snapshot)
    say(f"{name}: attributing commits to packages and layers")
    released = None if options.until else set().union(*ranges.values())
    tables |= attribute(history.with_files(prior), chosen.releases, history.parents, ranges, per_release, resolver,
                        inputs, history.boundaries, released)
    warnings = _named(warnings, name)
    tables["warnings"] = pd.DataFrame([vars(w) for w in warnings], columns=["repo", "message", "tag", "path"])
    return Analysis(name, path, chosen.line, typed_dates(tables), warnings, snapshot, inputs.layers, history.walked,
                    complete=complete, commits=history.new, tips=history.tips, cache=cache.entries(),
                    as_of=options.as_of and _day(inputs.as_of), all_releases=options.count_all)


# Stages ----------------------------------------------------------------------


_ECOSYSTEM_LANGUAGES = {ecosystem.name: ecosystem.language for ecosystem in ecosystems.ECOSYSTEMS}


OFF_HEAD_COMMITS = 100  # gemini-cli's patch releases are up to 38 commits off HEAD, tokio's backports fewer


def _timeline(name: str, git: pygit2.Repository, options: Options, as_of: int | None) -> Timeline:
    every = read_tags(git)
    tags = [tag for tag in every if as_of is None or tag.date is None or tag.date.timestamp() <= as_of]
    chosen = select_releases(tags, line=options.line, pattern=options.tags, skip=options.skip_tags)
    if not chosen.releases:
        later = len(every) - len(tags)
        tags_later = "the 1 tag" if later == 1 else f"the {later} tags"
        since = f" (--as-of {options.as_of} leaves out {tags_later} made after it)" if later else ""
        raise MinerError(_no_releases(name, chosen, tags, options.line, options.tags) + since)
    known = [r.tag for r in chosen.releases]
    if options.snapshot is not None and options.snapshot not in known:
        highest = sorted(chosen.releases, key=lambda r: r.version.sort_key)[-5:]  # a late backport is no latest
        raise MinerError(f"{name}: --release {options.snapshot!r} is no release of line '{chosen.line}' "
                         f"(highest: {', '.join(r.tag for r in reversed(highest))})")
    return chosen


@dataclass
class _History:
    """The commits a run knows: the store's (`by_sha`, without file lists) and those it walked (`new`, with)."""

    by_sha: dict[str, Commit]
    new: list[Commit]
    tips: list[str]
    boundaries: frozenset[str]
    walked: int = 0
    salvaged: list[Commit] = field(default_factory=list)
    warnings: list[MinerWarning] = field(default_factory=list)

    @property
    def parents(self) -> dict[str, tuple[str, ...]]:
        return {sha: commit.parents for sha, commit in self.by_sha.items()}

    def with_files(self, prior: Prior) -> Iterable[Commit]:
        """Every commit with its changed paths: the store's streamed, then the run's own."""
        yield from prior.commits(files=True)
        yield from self.new
        yield from self.salvaged


def head_as_of(git: pygit2.Repository, as_of: int | None) -> str | None:
    """HEAD's commit, or with `as_of` the commit HEAD was on then: the first on its first-parent line
    committed by that moment; None when there is none (an unborn HEAD, a history that starts later)."""
    if git.head_is_unborn:
        return None
    sha = str(git.head.target)
    try:
        while as_of is not None and git[sha].commit_time > as_of:
            parents = git[sha].parent_ids
            if not parents:
                return None
            sha = str(parents[0])
    except MISSING_OBJECT:
        return None
    return sha


def _history(git: pygit2.Repository, chosen: Timeline, prior: Prior, head: str | None) -> _History:
    """Walk the commits the store lacks, in one `git log` when git can.

    A tip whose history git cannot walk costs a warning, and its commits are
    read object by object for this run only: the store keeps only histories
    git walked whole, so every later run meets the same damage and warns as
    this one did, and a repaired repository is then read whole.  In a shallow
    or grafted repository no tip counts as walked: the history behind a
    boundary may arrive later (`git fetch --unshallow`) under the same tips.
    """
    boundaries = history_boundaries(git.path)
    known = prior.walked_tips()
    tips = list(dict.fromkeys([r.commit for r in chosen.releases] + ([head] if head else [])))
    new_tips = [tip for tip in tips if tip not in known]
    by_sha = {c.sha: c for c in prior.commits()}
    history = _History(by_sha, [], [], boundaries)
    if not new_tips:
        return history
    try:
        history.new = list(walk(git.path, new_tips, known))
        history.tips = [] if boundaries else new_tips
    except HistoryError:
        tags = {r.commit: r.tag for r in chosen.releases}
        for tip in new_tips:
            _walk_one(git, tip, tags.get(tip, "HEAD"), known, history)
        walked = {c.sha for c in history.new}  # a later tip's walk may have read some of them whole
        history.salvaged = [c for c in history.salvaged if c.sha not in walked]
    for commit in history.new:
        by_sha[commit.sha] = commit._replace(files=())
    for commit in history.salvaged:
        by_sha.setdefault(commit.sha, commit._replace(files=()))
    history.walked = len(history.new) + len(history.salvaged)
    return history


def _walk_one(git: pygit2.Repository, tip: str, tag: str, known: set[str], history: _History) -> None:
    """Walk one tip alone; if git cannot, read its history object by object, for this run only."""
    walked = {c.sha for c in history.new}
    try:
        commits = [c for c in walk(git.path, [tip], known) if c.sha not in walked]
        history.new += commits
        history.tips.append(tip)
        return
    except HistoryError as error:
        first = error
    damage: Counter = Counter()
    seen = set(history.by_sha) | walked | {c.sha for c in history.salvaged}
    history.salvaged += list(walk_objects(git, [tip], seen, damage))
    if damage["unreadable tree"]:
        history.warnings.append(MinerWarning("", f"changed files unavailable for {damage['unreadable tree']} "
                                            f"commit{'s' * (damage['unreadable tree'] != 1)} ({first})", tag=tag))
    if damage["missing commit"]:
        history.warnings.append(MinerWarning("", f"history partly unreadable ({first}); the readable commits are kept",
                                        tag=tag))


# The kind of the object cache's entries holding one release's `read_architecture`, whole.
RELEASE_ARCHITECTURE = "release-architecture"
# ... and one release's rows of the source view's tables (`miner.analyses.sourcetables.view_rows`).
RELEASE_SOURCES = "release-sources"


def remembered_architecture(git: pygit2.Repository, releases: tuple[Release, ...], cache: Cache, pin: str | None,
                            snapshot: str | None, warnings: list[MinerWarning]) -> list[ReleaseArchitecture]:
    """`read_architecture`, each release's result kept in the object cache whole, so that a re-run after new
    tags reads only the new releases: an old release costs one look-up instead of one per workspace and
    directory (1.4 s of CPU at 740 releases).

    The entry is keyed by what the result depends on: the git directory, the
    release's tree, the `--workspace` pin, whether it is the described release
    (whose lines are counted) and the bytes of miner's mining code, so a moved
    or retagged tag meets its new tree and any change of the reading code reads
    again.  A release whose reading warned is not kept: its warnings name the
    objects that were missing then, which a later run must find again.
    """
    found = []
    for release in releases:
        key = _architecture_key(git, release, pin, snapshot)
        kept = cache.get(RELEASE_ARCHITECTURE, key) if key else None
        if kept is not None:
            found.append(_architecture_from_json(release.tag, kept))
            continue
        own: list[MinerWarning] = []
        read = read_architecture(git, (release,), cache, pin, snapshot, own)
        warnings += own
        if key and read and not own:
            cache.put(RELEASE_ARCHITECTURE, key, _architecture_to_json(read[0]))
        found += read
    return found


def _check_pin(name: str, pin: str | None, per_release: list[ReleaseArchitecture]) -> None:
    """A `--workspace` that names no workspace, package or refused manifest at any release is a mistake (a
    typo would otherwise make a report saying the repository has no packages)."""
    if pin is not None and per_release and not any(facts.workspaces for facts in per_release):
        raise MinerError(f"{name}: --workspace {pin}: no workspace or package there at any of the "
                         f"{len(per_release)} releases read; leave it out to read every workspace")


def _architecture_key(git: pygit2.Repository, release: Release, pin: str | None, snapshot: str | None) -> str:
    """The cache key of a release's architecture, "" when its tree cannot be named (then it is read, and warns)."""
    try:
        tree = str(git[release.commit].peel(pygit2.Tree).id)
    except MISSING_OBJECT:
        return ""
    return json.dumps([git.path, tree, pin, release.tag == snapshot, _mining_code()])


@functools.cache
def _mining_code() -> str:
    """A digest of miner's mining code, read once per process: a stored analysis or a kept release is valid
    only for the code that made it."""
    digest = hashlib.sha256()
    for module in _mining_modules():
        digest.update(module.read_bytes())
    return digest.hexdigest()


def _architecture_to_json(facts: ReleaseArchitecture) -> str:
    """A release's architecture as deflated JSON in base64 text (no tag: a tree may be released under several);
    deflated, it takes a tenth of the room in the store."""
    data = {"workspaces": [workspace.to_json() for workspace in facts.workspaces],
            "bytes": [[*key, size] for key, size in facts.bytes.items()],
            "languages": [[language, size] for language, size in facts.languages.items()],
            "lines": [[*key, lines] for key, lines in facts.lines.items()]}
    return base64.b64encode(zlib.compress(jsontext.dumps(data).encode(), 1)).decode()


def _architecture_from_json(tag: str, text: str) -> ReleaseArchitecture:
    """The inverse of `_architecture_to_json`, for the release `tag`."""
    data = jsontext.loads(zlib.decompress(base64.b64decode(text)))
    return ReleaseArchitecture(tag, tuple(Workspace.from_json(workspace) for workspace in data["workspaces"]),
                               {(eco, path): size for eco, path, size in data["bytes"]},
                               {language: size for language, size in data["languages"]},
                               {(eco, path): lines for eco, path, lines in data["lines"]})


def read_architecture(git: pygit2.Repository, releases: tuple[Release, ...], cache: Cache, pin: str | None,
                      snapshot: str | None, warnings: list[MinerWarning]) -> list[ReleaseArchitecture]:
    """Each readable release's workspaces of every ecosystem and sizes, read from its tree; lines of code at
    the described release only, where the report quotes them."""
    found = []
    for release in releases:
        try:
            view = TreeView(git, git[release.commit].tree)
        except MISSING_OBJECT as error:
            warnings.append(MinerWarning("", f"tree unreadable, architecture skipped ({error})", tag=release.tag))
            continue
        workspaces = ecosystems.workspaces_at(view, cache)
        if pin is not None:
            workspaces = pinned(workspaces, pin)
        warnings += [_at(w, release.tag) for workspace in workspaces for w in workspace.warnings]
        found.append(_sizes(view, release.tag, tuple(workspaces), cache, release.tag == snapshot, warnings))
    return found


def _sizes(view: TreeView, tag: str, workspaces: tuple, cache: Cache, described: bool,
           warnings: list[MinerWarning]) -> ReleaseArchitecture:
    """A release's sizes: bytes of each package's language and of every language in the tree, from object
    headers; lines of each package's language only when `described`."""
    unreadable: set[str] = set()
    keys = [(w.ecosystem, p.path) for w in workspaces for p in w.packages]
    packages = [(p.path, language_of(p, _ECOSYSTEM_LANGUAGES)) for w in workspaces for p in w.packages]
    sizes = dict(zip(keys, package_bytes(view, packages, cache, unreadable)))
    lines = dict(zip(keys, package_lines(view, packages, cache, unreadable))) if described else {}
    languages = language_bytes(view, cache, unreadable)
    warned = {w.path for workspace in workspaces for w in workspace.warnings}
    warnings += [MinerWarning("", "missing from the repository: not counted in lines of code or language bytes",
                              tag=tag, path=path) for path in sorted(unreadable - warned)]
    return ReleaseArchitecture(tag, workspaces, sizes, languages, lines)


def attribute(commits: Iterable[Commit], releases: tuple[Release, ...], parents: dict[str, tuple[str, ...]],
              ranges: dict[str, set[str]], per_release: list[ReleaseArchitecture], resolver, inputs: Inputs,
              boundaries: frozenset[str] = frozenset(), released: set[str] | None = None) -> dict[str, pd.DataFrame]:
    """The contributor tables: each commit (with its changed paths) credited to the packages and layers of
    the release it belongs to; with `released`, only those commits (the team window ends with the line's
    last release unless `--until` says otherwise)."""
    if released is not None:
        commits = (commit for commit in commits if commit.sha in released)
    return contributor_tables(commits, releases_of_commits(releases, parents, ranges),
                              PackageMap(place_rows(per_release, inputs.layers,
                                                    {r.tag for r in releases if r.out_of_order})),
                              resolver, window=inputs.window,
                              boundaries=boundaries, previous=previous_releases(releases))


def _graph_facts(tables: dict[str, pd.DataFrame], release: str | None) -> dict[str, pd.DataFrame]:
    """Most depended-upon packages, dependency depth and cycles of the package graph at `release`."""
    packages, deps = tables["packages"], tables["package_deps"]
    facts = graph_facts(release_graph(packages[packages["release"] == release], deps[deps["release"] == release]))
    return {"package_central": facts["central"], "package_depth": facts["depth"], "package_cycles": facts["cycles"]}


def _timeline_tables(chosen: Timeline, ranges: dict[str, set[str]], commits: dict[str, Commit], resolver,
                     incomplete: set[str]) -> dict[str, pd.DataFrame]:
    releases = timeline.releases_table(chosen, ranges, commits, resolver, incomplete)
    return {"releases": releases, "cadence": timeline.cadence_table(releases), "bursts": timeline.bursts_table(releases),
            "lines": timeline.lines_table(chosen), "skipped": timeline.skipped_table(chosen)}


def _after_last_release(name: str, chosen: Timeline, ranges: dict[str, set[str]],
                        commits: dict[str, Commit]) -> list[MinerWarning]:
    """A warning when more than a tenth of the history comes after the line's last release: the team tables
    stop at that release (another line may be current, or a fork works on unreleased)."""
    released = set().union(*ranges.values())
    later = sum(1 for sha, commit in commits.items() if sha not in released and not commit.is_merge)
    every = sum(1 for commit in commits.values() if not commit.is_merge)
    if not every or later * 10 <= every:
        return []
    last = chosen.releases[-1]
    return [MinerWarning(name, f"{later} of {every} non-merge commits ({later / every:.0%}) come after the last "
                               f"release of line '{chosen.line}' ({last.tag}, {last.date:%Y-%m-%d}): the team tables "
                               "stop at that release (give --until to count them, or --line/--tags for another line)",
                         tag=last.tag)]


def _off_head(name: str, chosen: Timeline, ranges: dict[str, set[str]], parents: dict[str, tuple[str, ...]],
              head: str | None, most: int = OFF_HEAD_COMMITS) -> list[MinerWarning]:
    """A warning naming the stable releases whose ranges hold more than `most` commits HEAD's history does not:
    a fork carries its upstream's tags (Roo-Code holds Cline's v3.0.0 to v3.5.1, three of them up to 178
    commits of Cline's own work each), which the counts then include.  Codex's release commits and the backports of a
    maintenance branch are a few commits off HEAD each, and say nothing."""
    if head is None or head not in parents:
        return []
    reached = ancestry(head, parents)
    off = {r.tag: len(ranges[r.tag] - reached) for r in chosen.releases if r.stable}
    many = sorted((tag for tag, count in off.items() if count > most), key=lambda tag: -off[tag])
    if not many:
        return []
    shown = ", ".join(many[:5]) + (f" and {len(many) - 5} more" if len(many) > 5 else "")
    one = len(many) == 1
    holds = (f"1 stable release ({shown}) holds {off[many[0]]}" if one else
             f"{len(many)} stable releases ({shown}) hold up to {off[many[0]]}")
    return [MinerWarning(name, f"{holds} commits HEAD's history does not (more than {most}): tags of another project "
                               f"carried into a fork, or a branch never merged; {'its' if one else 'their'} counts "
                               f"include that work (--skip-tags can leave {'it' if one else 'them'} out)", tag=many[0])]


# Helpers ---------------------------------------------------------------------


def _named(warnings: list[MinerWarning], name: str) -> list[MinerWarning]:
    """The warnings with the repository named as reports name it, each once, in the order first met."""
    return list(dict.fromkeys(MinerWarning(name, w.message, w.tag, w.path) for w in warnings))


def _at(warning: MinerWarning, tag: str) -> MinerWarning:
    return MinerWarning(warning.repo, warning.message, warning.tag or tag, warning.path)


def _as_of(value: str | None) -> int | None:
    """The last second of the `--as-of` day (a bare day counts whole, as `--until` does); a day after today
    is an error: nothing is known of it, and the report's "month in progress" would be judged against it."""
    try:
        seconds = unix_seconds(value, end_of_day=True)
    except MinerError as error:
        raise MinerError(f"--as-of {error}") from None
    today = max(iso_day(int(time.time())), date.today().isoformat())  # today here or in UTC, the later
    if seconds is not None and iso_day(seconds) > today:
        raise MinerError(f"--as-of {value}: a day after today ({today})")
    return seconds


def _day(seconds: int | None) -> str | None:
    return None if seconds is None else iso_day(seconds)


def _published_by(hosted: Iterable[HostedRelease], as_of: int | None) -> tuple[HostedRelease, ...]:
    """The hosted releases published by `as_of` (every one without it); one with no date is kept."""
    return tuple(h for h in hosted if as_of is None or not h.published_at or unix_seconds(h.published_at) <= as_of)


def _options_digest(options: Options) -> str:
    """The options and the bytes of every file they name (not the number of parsing processes: the tables
    do not depend on it)."""
    digest = hashlib.sha256(json.dumps({k: v for k, v in asdict(options).items()
                                        if k not in ("line", "name", "source_workers")},
                                       sort_keys=True, default=str).encode())
    for named in (options.layers, options.capabilities, options.hosted, options.bots, options.config,
                  options.notable):
        if named:
            digest.update(Path(named).read_bytes() if Path(named).is_file() else named.encode())
    return digest.hexdigest()


def _mining_modules() -> list[Path]:
    """Every module mining depends on, in a fixed order: a change to any of them re-mines."""
    root = Path(__file__).parent
    found = [root / "errors.py", root / "paths.py", root / "pipeline.py"]
    for package in MINING_PACKAGES:
        found += sorted((root / package).rglob("*.py"))
    return found


def _mailmap_id(git: pygit2.Repository) -> str:
    """The blob id of HEAD's `.mailmap` (identities depend on it), or "" when there is none."""
    try:
        return str(git.revparse_single("HEAD:.mailmap").id)
    except (KeyError, ValueError, pygit2.GitError):
        return ""


def _derived_name(spec: str, name: str) -> str:
    if not name:
        raise MinerError(f"{spec}: its directory gives no usable repository name; give --name")
    return name


def _check_owner(store: Store, name: str, path: str) -> None:
    """One name, one repository: a second repository analysed under a taken name would replace the first."""
    analyses = store.analyses()
    taken = analyses[(analyses["name"] == name) & (analyses["path"] != path)]
    if len(taken):
        raise MinerError(f"the name '{name}' is the analysis of {taken['path'].iloc[0]} in {store.path}; "
                         "give this one another with --name")


def _is_local(repository: str) -> bool:
    """Whether an agent's repository is a path on this machine, which is analysed as it is, not cloned."""
    return repository.startswith(("/", "./", "../", "~")) or Path(repository).expanduser().exists()


def _no_releases(repo: str, chosen: Timeline, tags: list[TagRef], line: str | None, pattern: str | None) -> str:
    unreadable = [ref for ref in tags if ref.kind in ("missing", "unreadable") and parse_tag(ref.name)]
    if unreadable:  # a truncated pack, say: the names parse, the objects behind them do not
        return (f"{repo}: no readable release: {len(unreadable)} version tag{'s' * (len(unreadable) != 1)} "
                f"point{'s' * (len(unreadable) == 1)} at objects the repository cannot read "
                f"({unreadable[0].name} {unreadable[0].problem})")
    if line is not None or pattern is not None:
        wanted = f"line '{line}'" if line is not None else f"tags matching '{pattern}'"
        return f"{repo}: no release tags for {wanted} (lines found: {', '.join(map(repr, chosen.lines)) or 'none'})"
    return f"{repo}: no version tags ({len(chosen.skipped)} tags, none parse as a version)"


def load_agents(config: Config, db: str | Path | None = None, strict: bool = False, as_of: str | None = None,
                same_day: bool = True) -> tuple[dict[str, Analysis | None], list[MinerWarning]]:
    """Each agent's stored analysis (None when it has no repository or was never analysed), and warnings.

    With `strict`, an agent whose repository is in the config but not in the
    store is a MinerError naming the config file and line instead of a warning;
    with `as_of`, each analysis must be as of that day, and with `same_day` (as `load` says) one as of a past
    day is refused when `as_of` is not given.
    """
    found: dict[str, Analysis | None] = {}
    warnings = [MinerWarning("", f"{config.path} has no [[{table}]] rules: every {column} cell says unknown or "
                                 "none found (the rules of miner/data/agents.toml can be copied)")
                for table, column, rules in (("architecture", "Architecture", config.architecture),
                                             ("extension", "Extension model", config.extensions)) if not rules]
    with Store(db or default_db(), readonly=True) as store:
        analyses = store.analyses()
        for agent in config.agents:
            name = _stored_name(agent, analyses) if agent.repository else None
            if agent.repository and name is None:
                shown = redact(agent.repository)
                run = (f"`mine analyze {shown}`" if _is_local(agent.repository)
                       else f"`mine clone {shown}` and `mine analyze`")
                message = f"{shown} was never analysed into {store.path} (run {run})"
                if strict:
                    raise MinerError(f"{config.path}:{agent.line}: agent '{agent.name}': {message}")
                warnings.append(MinerWarning(agent.name, f"{message}; its row says unknown",
                                        path=f"{config.path}:{agent.line}"))
            found[agent.name] = load(name, store=store, as_of=as_of, same_day=same_day) if name is not None else None
            if found[agent.name] is not None:
                tables = found[agent.name].tables
                warnings += line_mismatch(agent, tables) + unknown_capabilities(config, agent, tables)
    return found, warnings


def _stored_name(agent: Agent, analyses: pd.DataFrame) -> str | None:
    """The stored analysis of the agent's repository: by its clone's owner+name directory, else by name."""
    source = parse_source(agent.repository)
    by_path = analyses[analyses["path"].str.contains(f"/{source.slug}/", regex=False)
                       | analyses["path"].str.endswith(f"/{source.slug}")]
    names = {agent.analysed_as} if agent.analysed_as else {source.name, source.slug}
    chosen = by_path if len(by_path) and not agent.analysed_as else analyses[analyses["name"].isin(names)]
    return str(chosen["name"].iloc[0]) if len(chosen) == 1 else None


R = TypeVar("R")


def source_views(repo: pygit2.Repository, releases: Iterable[ReleaseTree], cache: Cache,
                 limits: Limits = Limits(), repo_name: str = "") -> list[SourceView]:
    """The source view of each release, in the order given (see the module docstring)."""
    return [source_view(sources) for sources in read_sources(repo, releases, cache, limits, repo_name)]


def read_source_view(git: pygit2.Repository, name: str, releases: tuple[Release, ...],
                     per_release: list[ReleaseArchitecture], cache: Cache, inputs: Inputs,
                     warnings: list[MinerWarning], say: Progress) -> dict[str, pd.DataFrame]:
    """The source view's tables (`miner.analyses.sourcetables`) over the stable releases whose tree was read
    (prereleases too on request), from the workspaces the architecture stage found; none with `source=False`.

    Each release is analysed as it is read, so only one release's files are
    held at a time; the bad input of all releases is one warning.  Each
    release's rows are kept in the object cache, as its architecture is
    (`remembered_architecture`), keyed by its tree, the `--workspace` pin,
    the size limit, the notable catalog and the mining code: a re-run after
    new tags lists and reads the new releases' sources only.  A release whose
    reading warned is read again each time.
    """
    options = inputs.options
    if not options.source:
        return {}
    workspaces = {facts.tag: facts.workspaces for facts in per_release}
    chosen = [release for release in releases_to_read(releases, options.source_prereleases)
              if release.tag in workspaces]
    say(f"{name}: reading sources at {len(chosen)} releases")
    limits = Limits(max_bytes=options.source_max_bytes, workers=options.source_workers)
    keys = {release.tag: _source_key(git, release, options.workspace, limits, inputs.notable) for release in chosen}
    rows = {tag: relabelled(kept, tag) for tag, key in keys.items()
            if key and (kept := cache.get(RELEASE_SOURCES, key)) is not None}
    trees = [ReleaseTree(release.tag, git[release.commit].peel(pygit2.Tree), workspaces[release.tag])
             for release in chosen if release.tag not in rows]
    parsed, parsed_bytes = 0, 0
    warned = {(warning.tag, warning.path) for warning in warnings}  # a missing blob the architecture stage named
    for sources in read_sources(git, trees, cache, limits, name):
        warnings += [warning for warning in sources.warnings if (warning.tag, warning.path) not in warned]
        rows[sources.release] = view_rows(source_view(sources), inputs.notable)
        if keys[sources.release] and not sources.warnings:
            cache.put(RELEASE_SOURCES, keys[sources.release], rows[sources.release])
        parsed, parsed_bytes = parsed + sources.counts.parsed, parsed_bytes + sources.counts.parsed_bytes
    tables = tables_of(rows[release.tag] for release in chosen)
    # A file version parsed by an earlier run comes from the store: only those new to it are parsed.
    say(f"{name}: parsed {parsed} new source file versions ({parsed_bytes / 1e6:.1f} MB)"
        if tables["source_counts"]["files"].sum() else
        f"{name}: no source files in the packages' directories at {len(chosen)} releases")
    summary = bad_input_summary(tables["source_counts"])
    if summary is not None:
        warnings.append(MinerWarning(name, summary))
    return tables


def _source_key(git: pygit2.Repository, release: Release, pin: str | None, limits: Limits,
                notable: dict[tuple[str, str], str]) -> str:
    """The cache key of a release's source view rows ("" when its tree cannot be named): its tree and pin
    give its workspaces, the size limit and the notable catalog what is read and flagged."""
    key = _architecture_key(git, release, pin, None)
    return key and json.dumps([key, limits.max_bytes, sorted([*name, signal] for name, signal in notable.items())])


def releases_to_read(releases: Iterable[R], prereleases: bool = False) -> list[R]:
    """The releases whose sources are read: the stable ones, and prereleases too when asked."""
    return [release for release in releases if prereleases or release.stable]
