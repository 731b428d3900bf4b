"""The analyst's daily run: what is new since the last look (`mine news`), and `mine update`, which
fetches every repository of the agents config, analyses those that changed and says what is new.

`news` compares each stored analysis against a date, a release tag, or the
state the previous `mine news` run recorded (`analyses.news` does the
comparing), and records the state it saw and the news it found in the store,
as the next run's "last" and as what `mine regenerate` renders in a report's
news section.  `update` is the clone, releases and analysis machinery run
over the config, one repository at a time: one failing (the network, a
damaged repository) is reported and the others go on.
"""
from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

import pygit2
from rich.console import Console

from miner import fetching, pipeline, runs
from miner.analyses.news import Facts, News, Thresholds, compare, cut_of, facts_of
from miner.catalogs.agents import Agent, load_config
from miner.errors import MinerError, MinerWarning
from miner.model.window import unix_seconds
from miner.paths import default_db
from miner.sources import clone, github
from miner.sources.repository import open_repository
from miner.store.sqlite import Store

LAST = "last"


@dataclass(frozen=True)
class Looked:
    """What one repository's `mine news` found: its news, or (first run, nothing to compare) None."""

    repo: str
    news: News | None
    note: str = ""


def news(names: Sequence[str], db: str | Path | None = None, since: str = LAST,
         thresholds: Thresholds = Thresholds(), now: datetime | None = None, record: bool = True) -> list[Looked]:
    """The news of each stored analysis in `names` since `since` ("last", a date or a release tag), each
    run recorded in the store unless `record` is False."""
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
    path = Path(db or default_db())
    if not path.is_file():  # news is of what was analysed: no store, no news, and no empty store left behind
        raise MinerError(f"{path}: no miner store there (`mine analyze` creates it)")
    found = []
    with Store(path) as store:
        for name in names:
            analysis = pipeline.load(name, store=store)
            at = f"{analysis.as_of}T23:59:59+00:00" if analysis.as_of else moment
            after = facts_of(analysis.repo, analysis.tables, at)
            looked = _look(store, analysis, after, since, thresholds)
            if record:
                store.save_news(analysis.repo, moment, looked.news.since if looked.news else "", after.to_dict(),
                                (looked.news or News(analysis.repo, "", at, at)).to_dict())
            found.append(looked)
    return found


def config_names(config: str | Path | None, db: str | Path | None = None) -> tuple[list[str], list[MinerWarning]]:
    """The stored analyses of the agents a config lists, and a warning for each never analysed."""
    analyses, warnings = pipeline.load_agents(load_config(config), db, same_day=False)  # news reads dated ones
    return [analysis.repo for analysis in analyses.values() if analysis is not None], warnings


def last_news(name: str, db: str | Path | None = None) -> News:
    """The news the last `mine news` run of `name` found, as `mine regenerate` renders it again."""
    with Store(db or default_db(), readonly=True) as store:
        found = store.last_news(store.find(name))
    if found is None:
        raise MinerError(f"{name}: `mine news` never ran on it (run `mine news {name}` first)")
    return News.from_dict(found[2])


def _look(store: Store, analysis: pipeline.Analysis, after: Facts, since: str, thresholds: Thresholds) -> Looked:
    if since == LAST:
        last = store.last_news(analysis.repo)
        if last is None:
            return Looked(analysis.repo, None, f"{analysis.repo}: first `mine news` run, its state is recorded for "
                                               "the next (give --since DATE or TAG to look back now)")
        return Looked(analysis.repo, compare(Facts.from_dict(last[1]), after, f"the last run ({last[0]})",
                                             thresholds))
    cut, label = _cut(analysis, since)
    before = facts_of(analysis.repo, analysis.tables, cut, cut=cut)
    return Looked(analysis.repo, compare(before, after, label, thresholds))


def _cut(analysis: pipeline.Analysis, since: str) -> tuple[str, str]:
    """(the moment the earlier state holds, how the news names it) for `--since TAG` or `--since DATE`."""
    tagged = cut_of(analysis.tables, since)
    if tagged is not None:
        return tagged, f"{since} ({tagged[:10]})"
    try:
        seconds = unix_seconds(since, end_of_day=True)
    except MinerError:
        seconds = None
    if seconds is None:
        raise MinerError(f"--since {since!r}: not 'last', a release tag of {analysis.repo} or a date")
    if seconds > time.time() + 86400:  # a day's grace for time zones: "today" is never in the future
        raise MinerError(f"--since {since!r}: a date after today; nothing can be new since then")
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(), since


# mine update -------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One thing `update` did to one repository: cloned or fetched, its releases, its analysis."""

    repo: str
    stage: Literal["config", "clone", "releases", "analyze"]
    status: str  # cloned, updated, fetched, unchanged, analysed, failed
    message: str = ""
    warnings: tuple[MinerWarning, ...] = ()
    analysis: str = ""  # the stored analysis, once analysed


def update(config: str | Path | None = None, db: str | Path | None = None, dest: Path | None = None, *,
           releases: bool = True, api_url: str = github.API_URL, token: github.Token | None = None,
           console: Console | None = None, quiet: bool = False) -> Iterator[Step]:
    """Fetch, fetch the releases of and analyse every repository of the agents config, yielding each step
    as it is done."""
    listed = load_config(config)
    base = Path(listed.path).parent
    agents, sources = [], []
    for agent in (agent for agent in listed.agents if agent.repository):
        try:
            sources.append(clone.parse_source(agent.repository, relative_to=base))
            agents.append(agent)
        except MinerError as error:
            yield Step(agent.name, "config", "failed", f"{listed.path}:{agent.line}: {error}")
    cloned = {}
    for agent, result in zip(agents, clone.clone_all(sources, dest, console=console, quiet=quiet)):
        yield Step(agent.name, "clone", result.status, result.message or str(result.path))
        if result.path is not None and result.status != "failed":
            cloned[agent] = result
    if releases and cloned:
        fetched = fetching.fetch_hosted([(r.source, r.path) for r in cloned.values()], db, api_url=api_url,
                                        token=token)
        for agent, result in zip(list(cloned), fetched):
            yield Step(agent.name, "releases", result.status, result.message, result.warnings)
    for agent, result in cloned.items():
        yield _analyse(agent, result.path, db, listed.path)


def _analyse(agent: Agent, path: Path, db: str | Path | None, config: str) -> Step:
    """Analyse one clone as the config says (its line, workspace, notes source and layer rules); "unchanged"
    when nothing was mined."""
    try:
        git_dir = str(open_repository(str(path)).git_dir)
        with Store(db or default_db()) as store:
            known = {name: store.fingerprint(name, git_dir) for name, where in store.analyses().itertuples(index=False)
                     if where == git_dir}
        result = pipeline.analyze(str(path), db=db, config=config, **runs.agent_options(agent))
    except (MinerError, pygit2.GitError, OSError) as error:
        return Step(agent.name, "analyze", "failed", str(error))
    releases = result.tables["releases"]
    status = "unchanged" if result.inputs and known.get(result.repo) == result.inputs else "analysed"
    return Step(agent.name, "analyze", status, f"{len(releases)} releases on line '{result.line}'",
                tuple(result.warnings) if status == "analysed" else (), result.repo)
