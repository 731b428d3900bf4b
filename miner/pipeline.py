"""`mine analyze` as a library call: repository in, tables out.

The pipeline reads the tags, walks only the history the store has not seen,
computes each release's range and counts, and saves the tables in one
transaction.  It returns pandas DataFrames named after the CSV files they
become, so a notebook gets exactly what the command line writes.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from itertools import chain
from dataclasses import asdict, dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Callable

import pandas as pd
import pygit2

from miner.analyses import timeline
from miner.analyses.architecture import architecture_tables
from miner.catalogs.capabilities import load_catalog
from miner.errors import MinerError, Warning
from miner.analyses.evolution import NotesOptions, evolution_tables, inflections, latest_arc
from miner.analyses.graphs import graph_facts, release_graph
from miner.sources.history import Commit, HistoryError, walk, walk_objects
from miner.analyses.contributors import (contributor_tables, history_boundaries, moment, previous_releases,
                               releases_of_commits, resolver_for)
from miner.analyses.identities import Catalog, IdentityResolver
from miner.catalogs.layers import load_layers
from miner.sources.notes import DEFAULT_ORDER
from miner.paths import check_name, default_db
from miner.model.patterns import compile_pattern
from miner.analyses.releases import TagRef, Timeline, commit_ranges, read_tags, ref_target, select_releases
from miner.sources.repository import Repository, open_repository
from miner.store.sqlite import Store
from miner.model.versions import parse_tag

Progress = Callable[[str], None]
# The shipped catalogs an analysis reads (agents.toml is read by `mine compare` only).
ANALYSIS_CATALOGS = ("bots.toml", "layers.toml", "capabilities.toml")


@dataclass
class Analysis:
    """The result of analysing one repository: its tables and the warnings met on the way."""

    repo: str
    line: str
    tables: dict[str, pd.DataFrame]
    warnings: list[Warning] = field(default_factory=list)
    walked: int = 0
    inputs: str = ""  # the fingerprint of what the tables were computed from (see `fingerprint`); "" if incomplete
    complete: bool = True  # False when part of the history was unreadable: such tables are not reused


@dataclass(frozen=True)
class Options:
    """What to analyse and how; every field is a `mine analyze` option of the same name.

    `line`/`tags` choose the releases; `layers`, `capabilities` and `hosted`
    name a layer rules file, a capability catalog and a releases JSON export;
    `workspace` pins the Cargo workspace directory; `snapshot` is the release
    whose crate graph is described (default: the latest stable); `notes_order`
    ranks the notes sources; `count_all` counts prereleases in the capability
    table; `untagged` keeps changelog versions that have no tag; `arc` is the
    number of stable releases in the latest arc; `since`/`until` bound the
    contributor tables in time (dates, as `git log --since/--until` takes them);
    `bots` names a bot and agent catalog replacing miner's own, and
    `join_names=False` stops joining one name's several e-mails into one person.
    """

    line: str | None = None
    tags: str | None = None
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


def analyze(spec: str, *, db: str | Path | None = None, progress: Progress | None = None, **options) -> Analysis:
    """Analyse the repository at path (or clone name) `spec` and store the result; see `Options`."""
    say = progress or (lambda message: None)
    chosen_options = Options(**options)
    repo = open_repository(spec)
    repo_name = _repository_name(spec, repo, chosen_options.name)
    store = Store(db or default_db())
    try:
        say(f"{repo_name}: reading tags")
        _check_options(chosen_options)
        tags = read_tags(repo.git)
        chosen = select_releases(tags, line=chosen_options.line, pattern=chosen_options.tags)
        if not chosen.releases:
            raise MinerError(_no_releases(repo_name, chosen, tags, chosen_options.line, chosen_options.tags))
        _check_snapshot(repo_name, chosen, chosen_options.snapshot)
        repo_id = store.repo_id(repo_name, str(repo.git_dir))
        inputs = fingerprint(repo, chosen_options)
        if store.fingerprint(repo_id) == inputs:
            say(f"{repo_name}: unchanged since the last analysis")
            return replace(_stored(store, repo_id, repo_name, chosen.line), inputs=inputs)
        result = _mine(store, repo_id, repo, repo_name, chosen, chosen_options, say)
        # Tables from a damaged history get no fingerprint: once the objects are restored, the next run re-reads.
        kept = inputs if result.complete else ""
        store.save_tables(repo_id, result.tables, kept)
        return replace(result, inputs=kept)
    finally:
        store.close()


def fingerprint(repo: Repository, options: Options) -> str:
    """A digest of everything the tables depend on: refs, options, files they name, miner's code and catalogs.

    When it matches the stored one, the stored tables are the answer and
    nothing is recomputed; any moved ref, changed option or file, or upgrade
    of miner invalidates it.
    """
    digest = hashlib.sha256(json.dumps(asdict(options), sort_keys=True).encode())
    # "3 weeks ago" names another window tomorrow: the day it resolves to is an input too.
    window = [None if value is None else moment(value) // 86400 for value in (options.since, options.until)]
    digest.update(f"window={window}".encode())
    for named in (options.layers, options.capabilities, options.hosted, options.bots):
        if named:
            digest.update(Path(named).read_bytes() if Path(named).is_file() else named.encode())
    package = resources.files("miner")
    for module in sorted(p.name for p in package.iterdir() if p.name.endswith(".py")):
        digest.update(package.joinpath(module).read_bytes())
    for catalog in ANALYSIS_CATALOGS:
        digest.update(package.joinpath("data", catalog).read_bytes())
    for name in sorted(repo.git.references):
        if name.startswith("refs/tags/") or name == "HEAD" or name.startswith("refs/heads/"):
            digest.update(f"{name}={ref_target(repo.git, name)}\n".encode("utf-8", "surrogateescape"))
    digest.update(f"mailmap={_mailmap_id(repo)}".encode())
    digest.update(f"boundaries={sorted(history_boundaries(repo.git.path))}".encode())  # unshallowing moves no ref
    return digest.hexdigest()


def crate_graph_facts(tables: dict[str, pd.DataFrame], release: str | None) -> dict[str, pd.DataFrame]:
    """Graph facts of the crate graph at `release`: most depended-upon, depth, cycles."""
    crates, deps = tables["crates"], tables["crate_deps"]
    graph = release_graph(crates[crates["release"] == release], deps[deps["release"] == release])
    facts = graph_facts(graph)
    snapshot = pd.DataFrame({"release": [release or ""]})
    return {"snapshot": snapshot, "crate_central": facts["central"], "crate_depth": facts["depth"],
            "crate_cycles": facts["cycles"]}


def _mine(store: Store, repo_id: int, repo: Repository, repo_name: str, chosen: Timeline, options: Options,
          say: Progress) -> Analysis:
    """Every stage of the analysis, from the history walk to the graph facts."""
    warnings: list[Warning] = []
    say(f"{repo_name}: walking history")
    boundaries = history_boundaries(repo.git.path)
    walked, salvaged = _walk_new(store, repo_id, repo, chosen, boundaries, warnings)
    commits = {c.sha: c for c in chain(store.commits(repo_id), salvaged)}
    parents = {sha: c.parents for sha, c in commits.items()}
    incomplete: set[str] = set()
    ranges = commit_ranges(chosen.releases, parents, incomplete)
    warnings += [Warning(repo_name, "range reaches unreadable history: commit and contributor counts left empty",
                         tag=tag) for tag in sorted(incomplete)]
    complete = not warnings  # so far only an unreadable history warns
    warnings += [Warning(repo_name, "range reaches a shallow or grafted boundary: its counts cover only the "
                                    "history this repository holds", tag=release.tag)
                 for release in chosen.releases if ranges[release.tag] & boundaries]
    warnings += _after_last_release(repo_name, chosen, ranges, commits)
    resolver = resolver_for(repo.git, commits.values(), Catalog.load(options.bots), options.join_names)
    tables = _timeline_tables(chosen, ranges, commits, resolver, incomplete)
    say(f"{repo_name}: reading Cargo workspaces at {len(chosen.releases)} releases")
    crates, problems = architecture_tables(repo.git, repo_name, chosen.releases, store,
                                           load_layers(options.layers), options.workspace)
    tables |= crates
    say(f"{repo_name}: reading release notes")

    def is_bot(commit: Commit) -> bool:
        return resolver.resolve(commit.author_name, commit.author_email).kind == "bot"

    notes, notes_problems = evolution_tables(repo.git, repo_name, chosen.releases, ranges, commits, store,
                                             _notes_options(options), is_bot)
    tables |= notes
    tables["inflections"] = inflections(tables["capabilities"], tables["crate_changes"], tables["notes"])
    tables["latest_arc"] = latest_arc(tables["capabilities"], tables["crate_changes"], tables["releases"], options.arc)
    tables |= crate_graph_facts(tables, options.snapshot or timeline.latest_stable(tables["releases"]))
    say(f"{repo_name}: attributing commits to crates and layers")
    release_of = releases_of_commits(tables["releases"], parents, ranges)
    tables |= contributor_tables(chain(store.commits(repo_id, files=True), salvaged), release_of, tables["crates"], resolver,
                                 since=options.since, until=options.until,
                                 boundaries=boundaries,
                                 previous=previous_releases(tables["releases"]))
    warnings += problems + notes_problems
    tables["warnings"] = _warnings_table(warnings)
    return Analysis(repo_name, chosen.line, tables, warnings, walked, complete=complete)


def _after_last_release(repo_name: str, chosen: Timeline, ranges: dict[str, set[str]],
                        commits: dict[str, Commit]) -> list[Warning]:
    """A warning when most of the history comes after the line's last release: another line may be current.

    Those commits are attributed with the last release's crate layout, and the
    release tables say nothing of them, so a reader should know.
    """
    released = set().union(*ranges.values())
    later = sum(1 for sha, commit in commits.items() if sha not in released and not commit.is_merge)
    every = sum(1 for commit in commits.values() if not commit.is_merge)
    if later < 100 or later * 4 < every:
        return []
    last = chosen.releases[-1]
    return [Warning(repo_name, f"{later} of {every} non-merge commits come after the last release of line "
                               f"'{chosen.line}' ({last.tag}, {last.date:%Y-%m-%d}): they are attributed with its "
                               "crate layout; choose another line with --line or --tags", tag=last.tag)]


def _notes_options(options: Options) -> NotesOptions:
    return NotesOptions(hosted=options.hosted, order=tuple(options.notes_order), changelogs=tuple(options.changelogs),
                        count_all=options.count_all, untagged=options.untagged, arc=options.arc,
                        catalog=load_catalog(options.capabilities))


def _mailmap_id(repo: Repository) -> str:
    """The blob id of HEAD's `.mailmap` (identities depend on it), or "" when there is none."""
    try:
        return str(repo.git.revparse_single("HEAD:.mailmap").id)
    except (KeyError, pygit2.GitError):
        return ""


def _stored(store: Store, repo_id: int, repo_name: str, line: str) -> Analysis:
    tables = store.load_tables(repo_id)
    warnings = [Warning(**row) for row in tables["warnings"].fillna("").to_dict("records")]
    return Analysis(repo_name, line, tables, warnings, 0)


def _repository_name(spec: str, repo: Repository, name: str | None) -> str:
    """`--name`, refused unless it is one safe folder name, else the name the repository's directory gives."""
    if name is not None:
        return check_name(name, "--name")
    if not repo.name:
        raise MinerError(f"{spec}: its directory gives no usable repository name; give --name")
    return repo.name


def _check_options(options: Options) -> None:
    """Bad option values as one-line errors before any mining starts."""
    if options.bots is not None:
        Catalog.load(options.bots)
    if options.tags is not None:
        try:
            compile_pattern(options.tags)
        except ValueError as error:
            raise MinerError(f"--tags {options.tags!r}: not a regular expression ({error})") from None
    since, until = _moment("--since", options.since), _moment("--until", options.until, end_of_day=True)
    if since is not None and until is not None and since > until:
        raise MinerError(f"--since {options.since} is after --until {options.until}: the window holds no commit")
    if options.arc < 1:
        raise MinerError(f"--arc {options.arc}: the latest arc needs at least one release")


def _moment(option: str, value: str | None, end_of_day: bool = False) -> int | None:
    try:
        return moment(value, end_of_day=end_of_day)
    except MinerError as error:
        raise MinerError(f"{option} {error}") from None


def _check_snapshot(repo: str, chosen: Timeline, snapshot: str | None) -> None:
    tags = [r.tag for r in chosen.releases]
    if snapshot is not None and snapshot not in tags:
        raise MinerError(f"{repo}: --release {snapshot!r} is no release of line '{chosen.line}' "
                         f"(latest: {', '.join(tags[-5:])})")


def _no_releases(repo: str, chosen: Timeline, tags: list[TagRef], line: str | None, pattern: str | None) -> str:
    unreadable = [ref for ref in tags if ref.kind in ("missing", "unreadable") and parse_tag(ref.name)]
    if unreadable:  # a truncated pack, say: the names parse, the objects behind them do not
        return (f"{repo}: no readable release: {len(unreadable)} version tag{'s' * (len(unreadable) != 1)} "
                f"point{'s' * (len(unreadable) == 1)} at objects the repository cannot read ({unreadable[0].name} {unreadable[0].problem})")
    if line is not None or pattern is not None:
        wanted = f"line '{line}'" if line is not None else f"tags matching '{pattern}'"
        return f"{repo}: no release tags for {wanted} (lines found: {', '.join(map(repr, chosen.lines)) or 'none'})"
    return f"{repo}: no version tags ({len(chosen.skipped)} tags, none parse as a version)"


def _walk_new(store: Store, repo_id: int, repo: Repository, chosen: Timeline, boundaries: frozenset[str],
              warnings: list[Warning]) -> tuple[int, list[Commit]]:
    """Walk the commits the store lacks; return how many, and the commits of damaged history, which are not stored.

    A tip whose history git cannot walk costs a warning, and its commits are
    read object by object for this run only: the store keeps only histories
    git walked whole, so every later run meets the same damage and warns as
    this one did, and a repaired repository is then read whole.  In a shallow
    or grafted repository no tip counts as walked: the history behind a
    boundary may arrive later (`git fetch --unshallow`) under the same tips,
    and the next run must then read it.
    """
    known = store.walked_tips(repo_id)
    head = [str(repo.git.head.target)] if not repo.git.head_is_unborn else []
    tips = list(dict.fromkeys([r.commit for r in chosen.releases] + head))
    new = [tip for tip in tips if tip not in known]
    if not new:
        return 0, []
    try:
        return store.add_commits(repo_id, walk(repo.git_dir, new, known), [] if boundaries else new), []
    except HistoryError:
        tags = {r.commit: r.tag for r in chosen.releases}
        salvaged: list[Commit] = []
        walked = sum(_walk_one(store, repo_id, repo, tip, tags.get(tip, "HEAD"), salvaged, warnings) for tip in new)
        stored = {c.sha for c in store.commits(repo_id)}  # a later tip's walk may have stored some of them
        return walked, [c for c in salvaged if c.sha not in stored]


def _walk_one(store: Store, repo_id: int, repo: Repository, tip: str, tag: str, salvaged: list[Commit],
              warnings: list[Warning]) -> int:
    """Walk one tip alone (excluding what is stored); if git cannot, read its history object by object.

    What is read object by object is added to `salvaged`, not to the store,
    and the tip is not recorded as walked (see `_walk_new`).
    """
    known = store.walked_tips(repo_id)
    try:
        return store.add_commits(repo_id, walk(repo.git_dir, [tip], known), [tip])
    except HistoryError as error:
        first = error
    damage: Counter = Counter()
    seen = {c.sha for c in chain(store.commits(repo_id), salvaged)}
    read = list(walk_objects(repo.git, [tip], seen, damage))
    salvaged += read
    if damage["unreadable tree"]:
        warnings.append(Warning(repo.name, f"changed files unavailable for {damage['unreadable tree']} "
                                           f"commit{'s' * (damage['unreadable tree'] != 1)} ({first})", tag=tag))
    if damage["missing commit"]:
        warnings.append(Warning(repo.name, f"history partly unreadable ({first}); the readable commits are kept",
                                tag=tag))
    return len(read)


def _timeline_tables(chosen: Timeline, ranges: dict[str, set[str]], commits: dict[str, Commit],
                     resolver: IdentityResolver, incomplete: set[str]) -> dict[str, pd.DataFrame]:
    releases = timeline.releases_table(chosen, ranges, commits, resolver, incomplete)
    tables = {
        "releases": releases,
        "cadence": timeline.cadence_table(releases),
        "bursts": timeline.bursts_table(releases),
        "lines": timeline.lines_table(chosen),
        "skipped": timeline.skipped_table(chosen),
    }
    return tables


def _warnings_table(warnings: list[Warning]) -> pd.DataFrame:
    return pd.DataFrame([vars(w) for w in warnings], columns=["repo", "message", "tag", "path"])
