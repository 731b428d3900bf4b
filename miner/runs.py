"""Many repositories in one `mine analyze`: the REPO arguments, or every repository of an agents config.

    targets_from_specs(specs) / targets_from_config(config)   what to mine, each with its own options
    analyze_many(targets, executor, db=..., **options)        each mined where the executor says, saved here

This process is the only writer of the store.  It prepares each repository
(checks its name, computes its fingerprint: unchanged ones are not mined),
hands the job to the executor, and saves each analysis as it comes back, in
one transaction per repository, so an interrupted run leaves every
repository not yet saved as the store had it.  One repository that fails
is one line; the others go on.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from miner.catalogs.agents import Agent, Config
from miner.errors import MinerError
from miner.executors import Executor, Failure, Serial, run_jobs
from miner.model.notes import DEFAULT_ORDER
from miner.paths import default_db
from miner.pipeline import Analysis, Job, Options, load, prepare, resolve, save
from miner.sources.clone import parse_source, redact
from miner.sources.repository import open_repository
from miner.store.sqlite import Store


@dataclass(frozen=True)
class Target:
    """One repository of a run: how to open it, how lines name it until it is opened, its own options."""

    spec: str
    label: str
    options: dict = field(default_factory=dict)
    origin: str = ""  # "agents.toml:12: " for a config entry: where to fix what fails


@dataclass(frozen=True)
class Done:
    """A repository whose analysis is in the store: saved by this run, or found unchanged."""

    analysis: Analysis
    unchanged: bool = False


@dataclass(frozen=True)
class Event:
    """One line of progress: a repository `started`, `mined`, `saved`, `unchanged` or `failed`."""

    status: str
    name: str
    detail: str = ""


def targets_from_specs(specs: Iterable[str]) -> list[Target]:
    """The repositories named on the command line (paths or clone names), each once."""
    return [Target(spec, redact(spec)) for spec in dict.fromkeys(specs)]


def targets_from_config(config: Config, notes_order: tuple[str, ...] = DEFAULT_ORDER) -> list[Target]:
    """Every agent of the config that has a repository, with its release line, workspace and name in the
    store; its `notes` source is tried first, then the others of `notes_order`.

    A repository given as owner/name or URL is opened as the clone `mine clone
    --config` made of it; a local path as that path.
    """
    base = Path(config.path).resolve().parent if Path(config.path).is_file() else None
    found = []
    for agent in config.agents:
        if not agent.repository:
            continue
        source = parse_source(agent.repository, relative_to=base)
        spec = source.url if Path(source.url).is_dir() else source.slug
        found.append(Target(spec, agent.name, agent_options(agent, notes_order), f"{config.path}:{agent.line}: "))
    return found


def agent_options(agent: Agent, notes_order: tuple[str, ...] = DEFAULT_ORDER) -> dict:
    """The analysis options the agents config sets for `agent`: its release line, the tags it leaves out,
    its workspace and name in the store, and its `notes` source tried first, then the others of `notes_order`."""
    options = {"line": agent.release_line, "skip_tags": agent.skip_tags, "workspace": agent.workspace,
               "name": agent.analysed_as}
    if agent.notes is not None:
        options["notes_order"] = (agent.notes, *(o for o in notes_order if o != agent.notes))
    return {key: value for key, value in options.items() if value is not None}


def analyze_many(targets: list[Target], executor: Executor, *, db: str | Path | None = None,
                 progress: Callable[[Event], None] | None = None, **options) -> Iterator[Done | Failure]:
    """Mine every target on `executor` and save each analysis here as it arrives; yields each outcome.

    `options` are the `pipeline.Options` every target shares; a target's own
    (from the config) win.  Options that are wrong for all are a MinerError
    before anything is mined.
    """
    say = progress or (lambda event: None)
    if options.get("name") is not None and len(targets) > 1:
        raise MinerError("--name names one repository: give one REPO, or names in the config (analysed_as)")
    resolve(Options(**options))
    begun: dict[str, float] = {}

    def started(job: Job) -> None:
        begun[job.name] = time.monotonic()
        say(Event("started", job.name))

    with Store(db or default_db()) as store:
        jobs = _jobs(store, targets, options, detach=not isinstance(executor, Serial),
                     read_cache=not executor.remote)
        for outcome in run_jobs(executor, jobs, started):
            if isinstance(outcome, Failure):
                say(Event("failed", outcome.name, outcome.message))
            elif isinstance(outcome, Done):
                say(Event("unchanged", outcome.analysis.repo))
            else:
                say(Event("mined", outcome.repo, f"{time.monotonic() - begun[outcome.repo]:.1f}s, "
                                                 f"{outcome.walked} new commits walked"))
                save(store, outcome)
                say(Event("saved", outcome.repo))
                outcome = Done(outcome)
            yield outcome


def _jobs(store: Store, targets: list[Target], options: dict, detach: bool, read_cache: bool
          ) -> Iterator[Job | Done | Failure]:
    """Each target prepared when the executor has room for it: a job to mine, its stored analysis when
    nothing it depends on changed, or why it cannot be mined."""
    claimed: dict[str, str] = {}
    for target in targets:
        try:
            repo = open_repository(target.spec)
            job = prepare(store, target.spec, repo, resolve(Options(**(options | target.options))))
            if claimed.setdefault(job.name, job.path) != job.path:
                raise MinerError(f"the name '{job.name}' is already the analysis of {claimed[job.name]} in this "
                                 "run; give this one another (analysed_as in the config)")
        except MinerError as error:
            yield Failure(target.label, f"{target.origin}{error}")
            continue
        if store.fingerprint(job.name, job.path) == job.stamp:
            yield Done(load(job.name, store=store, inputs=job.stamp), unchanged=True)
        elif detach:
            yield replace(job, prior=store.prior(job.path).detached(read_cache))
        else:
            yield job
