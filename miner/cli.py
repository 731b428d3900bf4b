"""The `mine` command line: parses options and calls the library, nothing more.

Every verb shares the same options with the same meaning (`--db`, `--out`,
`--format`, `--config`, `-q/-v`).  Data goes to stdout or to files, progress and
warnings to stderr, and any failure on bad input ends as one line on stderr
with a non-zero exit, never a traceback.

The library is imported inside each verb, not here: `mine --help` and
shell completion load click and nothing of pandas, networkx or matplotlib.
"""
from __future__ import annotations

import json
import os
import signal
import sys
from contextlib import closing
from functools import cache
from pathlib import Path

import click

from miner.errors import MinerError
from miner.model import DEFAULT_ORDER
from miner.outputs import FORMATS
from miner.sources import API_URL

# The names miner.executors.executor takes (not imported here: it imports the whole pipeline).
EXECUTORS = ("serial", "processes", "dask")

# Options that mean the same on every verb that takes them.
DB = click.option("--db", type=click.Path(dir_okay=False), help="SQLite store (default: $MINER_HOME/miner.sqlite).")
OUT = click.option("--out", type=click.Path(file_okay=False), help="Output folder (default: reports/<repo-name>/).")
FORMAT = click.option("--format", "fmt", type=click.Choice(FORMATS), default="md", show_default=True,
                      help="md: tables as CSV, report.md with plots, graphs; csv: the tables only; "
                           "json: as md, plus the tables as .json files and on stdout.")
GRAPHS = click.option("--graphs", type=click.Path(file_okay=False),
                      help="Folder for graph exports (default: graphs/<repo-name>/).")
QUIET = click.option("-q", "--quiet", is_flag=True, help="No progress or warnings on stderr.")
VERBOSE = click.option("-v", "--verbose", is_flag=True, help="Say more on stderr: what was skipped, read or written.")
SINCE_LAST = "last"  # `mine news --since last`: against the previous run (miner.daily.LAST)
AS_OF = click.option("--as-of", "as_of", metavar="DATE",
                      help="Describe the repository as it was on DATE: later tags, commits and notes do not count.")
LAYERS = click.option("--layers", type=click.Path(dir_okay=False, exists=True),
                      help="Layer rules TOML (default: miner's own).")


@cache
def _stderr():
    """The console of progress and warnings, made on first use: a re-run with nothing new under -q prints
    nothing and must not pay for importing rich (see `miner.rerun`).

    Every text printed holds names from a repository (paths, tags, messages): `_say` prints it as plain
    Text, never as markup, so `x[/b]/Cargo.toml` is neither an error nor eaten, and `:smile:` stays as written.
    """
    from rich.console import Console
    return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


# The words `main` was given: a single `mine analyze` records its answer under them too (`miner.launch`).
_words: list[str] | None = None

INTERRUPTED = ("interrupted; nothing is half-written: the store and each output file hold "
               "either the previous analysis or the new one")


class Interrupted(Exception):
    """Ctrl-C, raised as an ordinary exception so that click does not print around it."""


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the click group on `argv` (default: the process's arguments), turning expected
    failures into one line."""
    global _words
    signal.signal(signal.SIGINT, _interrupt)
    _words = sys.argv[1:] if argv is None else list(argv)
    try:  # completion reads _MINE_COMPLETE however mine was started
        cli(args=_words, standalone_mode=False, prog_name="mine")
    except click.UsageError as error:  # a bad option value, a missing file: one line, and where to look
        command = error.ctx.command_path if error.ctx else "mine"
        _fail(f"{error.format_message()} (see `{command} --help`)", error.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except MinerError as error:
        _fail(str(error), 1)
    except (Interrupted, KeyboardInterrupt, click.exceptions.Abort):
        _fail(INTERRUPTED, 130)
    except Exception as error:  # a bug, not bad input: still one line, the traceback on request
        if os.environ.get("MINER_DEBUG"):
            raise
        _fail(f"internal error: {type(error).__name__}: {error} (set MINER_DEBUG=1 for the traceback)", 2)


def _interrupt(signum, frame) -> None:
    raise Interrupted


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="miner")
def cli() -> None:
    """Mine the git history of software projects into release, architecture and contributor facts."""


@cli.command()
@click.argument("sources", nargs=-1)
@click.option("--config", "config", type=click.Path(dir_okay=False), help="TOML file listing repositories to clone.")
@click.option("--dest", type=click.Path(file_okay=False), help="Directory for the mirrors (default: $MINER_HOME/repos).")
@QUIET
@VERBOSE
@click.option("--releases", is_flag=True, help="Also fetch each repository's releases from the GitHub API into "
              "the store (token from GH_TOKEN or GITHUB_TOKEN); `mine analyze` then reads their notes.")
@click.option("--api-url", help=f"GitHub API to fetch releases from (default {API_URL}; "
              "GitHub Enterprise: https://HOST/api/v3).")
@DB
def clone(sources: tuple[str, ...], config: str | None, dest: str | None, quiet: bool, verbose: bool,
          releases: bool, api_url: str | None, db: str | None) -> None:
    """Clone SOURCES (URL, path or owner/name) as bare mirrors, or update them if cloned before."""
    from miner.sources import clone as cloning
    if api_url is not None and not releases:
        raise MinerError("--api-url is where releases are fetched from: give --releases too")
    wanted, bad = [], 0
    for text in sources:
        try:
            wanted.append(cloning.parse_source(text))
        except MinerError as error:
            click.echo(f"mine: error: {error}", err=True)
            bad += 1
    if config:
        wanted += cloning.sources_from_config(config)
    if not wanted and not bad:
        raise MinerError("nothing to clone: give SOURCES or --config FILE")
    results = cloning.clone_all(wanted, Path(dest) if dest else None, console=_stderr(), quiet=quiet) if wanted else []
    for result in results:
        if result.status != "failed":
            click.echo(f"{result.status}\t{result.source.name}\t{result.path}")
        if verbose and not quiet:
            _say(f"{result.source.name}: from {cloning.redact(result.source.url)}", "dim")
    failed = bad or any(r.status == "failed" for r in results)
    if releases:
        failed = not _fetch_releases([(r.source, r.path) for r in results if r.path], db, api_url) or failed
    if failed:
        sys.exit(1)


def _fetch_releases(clones, db: str | None, api_url: str | None) -> bool:
    """Fetch each clone's releases into the store, a line per repository; False when one failed."""
    from miner import fetching
    from miner.sources import github
    token = github.token_from(os.environ)
    if token is None:
        _say(f"note: {github.UNAUTHENTICATED}", "dim")
    ok = True
    for result in fetching.fetch_hosted(clones, db, api_url=api_url or API_URL, token=token):
        for warning in result.warnings:
            _warn(warning)
        if result.status == "failed":
            click.echo(f"mine: error: {result.message}", err=True)
            ok = False
        else:
            click.echo(f"releases\t{result.source.name}\t{result.message}")
    return ok


@cli.command()
@click.argument("repos", metavar="[REPO]...", nargs=-1)
@click.option("--config", type=click.Path(dir_okay=False, exists=True),
              help="Agents TOML (default: miner's own): without REPO, analyse every repository it lists, each with "
                   "its line, notes source and workspace; an agent's [[agent.layer]] rules apply to its repository.")
@click.option("--executor", type=click.Choice(EXECUTORS), default="serial", show_default=True,
              help="Where repositories are mined: here one after another, a pool of local processes, or Dask.")
@click.option("--workers", type=click.IntRange(min=1), help="Processes for processes, or for dask's LocalCluster "
              "(default: one per core).")
@click.option("--scheduler", metavar="ADDRESS", help="A running Dask scheduler (tcp://host:8786) for --executor dask; "
              "without it, a LocalCluster on this machine.")
@DB
@OUT
@FORMAT
@click.option("--line", help="Release line to analyse: the tag text before the version, e.g. rust-v.")
@click.option("--tags", help="Regular expression the release tags must match (instead of --line).")
@click.option("--skip-tags", help="Regular expression of tags to leave out (stray test tags, a fork's upstream tags).")
@click.option("--name", help="Name for the repository in reports (default: its directory name).")
@LAYERS
@click.option("--workspace", help="Workspace directory to analyse, of any ecosystem (default: every workspace found).")
@click.option("--release", "snapshot", help="Release whose package graph is exported and described (default: latest stable).")
@GRAPHS
@click.option("--capabilities", type=click.Path(dir_okay=False, exists=True), help="Capability catalog TOML (default: miner's own).")
@click.option("--releases-json", "hosted", type=click.Path(dir_okay=False, exists=True),
              help="Export of the hosting site's releases (gh release list/view --json, or the REST API's list); "
                   "read instead of those `mine clone --releases` stored.")
@click.option("--notes-order", default=",".join(DEFAULT_ORDER), show_default=True,
              help="Notes sources in order of preference.")
@click.option("--changelog", "changelogs", multiple=True, help="Extra changelog path (glob in the last part), repeatable.")
@click.option("--all-releases", "count_all", is_flag=True, help="Count prereleases in the capability table and list them in the report's releases section too.")
@click.option("--tagged-only", is_flag=True, help="Ignore changelog versions that have no tag.")
@click.option("--arc", default=4, show_default=True, type=click.IntRange(min=1), help="Stable releases in the latest arc.")
@click.option("--bots", type=click.Path(dir_okay=False, exists=True),
              help="Bot and agent catalog TOML (default: miner's own, miner/data/bots.toml).")
@click.option("--no-join-names", "join_names", flag_value=False, default=True,
              help="Keep one name under several e-mails as several people (joined by default).")
@click.option("--since", help="Contributor tables: only commits from this date on (YYYY-MM-DD, ISO time, 'N weeks ago').")
@click.option("--until", help="Contributor tables: only commits up to this date (same forms as --since; a bare day counts whole).")
@click.option("--no-source", "source", flag_value=False, default=True,
              help="Skip the source view (the imports read with tree-sitter at every stable release).")
@click.option("--source-prereleases", is_flag=True, help="Read the sources of prereleases too.")
@click.option("--notable", type=click.Path(dir_okay=False, exists=True),
              help="Catalog of notable dependencies TOML (default: miner's own, miner/data/notable.toml).")
@click.option("--source-max-bytes", default=1_000_000, show_default=True, type=click.IntRange(min=1),
              help="Source files larger than this are skipped and counted.")
@click.option("--source-workers", type=click.IntRange(min=1),
              help="Processes parsing source files at once (a cold run parses every distinct file version) "
                   "[default: one per core, up to 4, when there are more than 64 MB to parse]")
@AS_OF
@QUIET
@VERBOSE
def analyze(repos, config, executor, workers, scheduler, db, out, fmt, graphs, quiet, verbose, notes_order,
            tagged_only, **options) -> None:
    """Analyse REPO (a path, or the name of a clone), several, or every repository of --config: releases,
    packages, capabilities, team."""
    order = tuple(part.strip() for part in notes_order.split(",") if part.strip())
    options |= {"notes_order": order, "untagged": not tagged_only, "config": config}
    if len(repos) == 1 and executor == "serial" and scheduler is None and workers is None:
        _analyze_one(repos[0], db, out, fmt, graphs, quiet, verbose, options)
        return
    from miner import executors, runs
    from miner.catalogs.agents import load_config
    from miner.outputs.publish import publish
    targets = runs.targets_from_specs(repos) if repos else runs.targets_from_config(load_config(config), order)
    if not targets:
        raise MinerError("nothing to analyze: give REPO or --config FILE")
    tables, failed = {}, 0
    chosen = executors.executor(executor, workers, scheduler)
    with closing(chosen), _RepositoryBar(len(targets), quiet) as bar:
        for outcome in runs.analyze_many(targets, chosen, db=db, progress=bar.event, **options):
            bar.advance()
            if isinstance(outcome, executors.Failure):
                failed += 1
                continue
            result = outcome.analysis
            folders = [None if where is None else Path(where) / result.repo for where in (out, graphs)]
            _published(result, publish(result, *folders, fmt), quiet, verbose)
            tables[result.repo] = result.tables
    if fmt == "json":
        click.echo(json.dumps({repo: _tables_data(found) for repo, found in tables.items()}, indent=2))
    if failed:
        _fail(f"{failed} of {len(targets)} repositories failed (their errors are above)", 1)


def _analyze_one(spec: str, db, out, fmt: str, graphs, quiet: bool, verbose: bool, options: dict) -> None:
    """`mine analyze REPO`: the recorded answer when nothing changed since the last run (`miner.rerun`),
    else the whole pipeline, whose answer is recorded once its outputs are published."""
    from miner.rerun import Rerun
    params = {key: value for key, value in click.get_current_context().params.items() if key != "quiet"}
    rerun = None if fmt == "json" or verbose else Rerun.of(spec, params, db, out, options["name"], _words)
    lines = rerun.recorded() if rerun else None
    if lines is not None:
        for style, text in lines if not quiet else ():
            _warn(text) if style == "warning" else _say(text, style)
        return
    if rerun:
        rerun.forget()
    from miner import pipeline
    from miner.outputs.publish import publish
    say = None if quiet else (lambda message: _say(message, "dim"))
    result = pipeline.analyze(spec, db=db, progress=say, **options)
    published = publish(result, out, graphs, fmt)
    _print_json(result.tables, fmt)
    _published(result, published, quiet, verbose)
    if rerun and result.inputs and result.complete:
        from miner.paths import output_folder
        graph_folder = Path(graphs) if graphs else output_folder("graphs", result.repo)
        rerun.record(result.repo, result.path, result.inputs, published, graph_folder,
                     _unchanged_lines(result, published))


def _unchanged_lines(result, published) -> list[list[str]]:
    """What a run with nothing new prints after `result` was published (as `pipeline.load` gives it back):
    the line saying so, the stored warnings, and the summary of no new commits and nothing written."""
    from dataclasses import replace

    from miner.errors import MinerWarning
    stored = [MinerWarning(**row) for row in result.tables["warnings"].fillna("").to_dict("records")]
    unchanged = replace(result, walked=0, warnings=stored)
    return ([["dim", f"{result.repo}: unchanged since the last analysis"]]
            + [["warning", str(warning)] for warning in stored]
            + [["", _summary_line(unchanged, published._replace(written=False))]])


def _published(result, published, quiet: bool, verbose: bool) -> None:
    """The warnings and the summary line of one analysis written to its folders; with -v, what was skipped
    and written."""
    if quiet:
        return
    for warning in result.warnings:
        _warn(warning)
    if verbose:
        for row in result.tables["skipped"].itertuples():
            _say(f"skipped {row.tag}: {row.reason}", "dim")
    _say(_summary_line(result, published))
    if verbose:
        _list_written(published)


class _RepositoryBar:
    """A line per repository as it is started, mined, saved or failed, above a bar of repositories done;
    a failure is a `mine: error:` line even with -q."""

    def __init__(self, total: int, quiet: bool):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.quiet = quiet
        self.bar = Progress(TextColumn("repositories"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=_stderr(), transient=True, disable=quiet)
        self.task = self.bar.add_task("repositories", total=total)

    def __enter__(self) -> _RepositoryBar:
        self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        self.bar.stop()

    def event(self, event) -> None:
        from rich.text import Text
        if event.status == "failed":
            self.bar.console.print(Text(f"mine: error: {event.detail}"))
        elif not self.quiet:
            detail = f" ({event.detail})" if event.detail else ""
            self.bar.console.print(Text(f"{event.status:<9} {event.name}{detail}", style="dim"))

    def advance(self) -> None:
        self.bar.advance(self.task)


@cli.command()
@click.argument("repo")
@DB
@OUT
@FORMAT
@GRAPHS
@AS_OF
@QUIET
@VERBOSE
def report(repo, db, out, fmt, graphs, as_of, quiet, verbose) -> None:
    """Render the report, tables, plots and graphs of REPO from the store, without re-mining."""
    from miner import pipeline
    from miner.outputs.publish import publish
    analysis = pipeline.load(repo, db, as_of=as_of, same_day=True)  # named as analysed, whatever path REPO gave
    published = publish(analysis, out, graphs, fmt)
    _print_json(analysis.tables, fmt)
    if not quiet:
        _say(f"{analysis.repo}: " + (f"wrote {published.folder}/" if published.written
                                     else f"{published.folder}/ was up to date"))
    if verbose and not quiet:
        _list_written(published)


@cli.command()
@click.argument("report_file", metavar="REPORT", type=click.Path(dir_okay=False, exists=True))
@DB
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the file is out of date, 2 if it cannot "
              "be regenerated (a bad marker, a repository not in the store).")
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff of what would change; write nothing.")
@click.option("--config", type=click.Path(dir_okay=False, exists=True), help="Agents TOML for the `agents` section.")
@AS_OF
@QUIET
@VERBOSE
def regenerate(report_file, db, check, show_diff, config, as_of, quiet, verbose) -> None:
    """Refresh the marked sections of REPORT in place from the store.

    A section is what stands between `<!-- mine:NAME repo=REPO -->` and
    `<!-- /mine:NAME -->`; everything else in the file is kept byte for byte.
    """
    try:
        _regenerate(report_file, db, check, show_diff, config, as_of, quiet, verbose)
    except MinerError as error:
        _fail(str(error), 2 if check else 1)  # under --check, 1 says "out of date" and nothing else


def _regenerate(report_file, db, check, show_diff, config, as_of, quiet, verbose) -> None:
    from miner import daily, pipeline
    from miner.analyses.compare import compare_table
    from miner.catalogs.agents import load_config
    from miner.catalogs.layers import purposes
    from miner.outputs.news import news_markdown
    from miner.outputs.regenerate import regenerate_file, stored_renderer
    from miner.outputs.report import HEADINGS, compare_markdown, render_section
    sections = {name: (lambda analysis, name=name: render_section(name, analysis, purposes(analysis.layers)))
                for name in HEADINGS}
    base = stored_renderer(lambda repo: pipeline.load(repo, db, as_of=as_of, same_day=True), sections)

    def render(name: str, repo: str, old: str) -> str:
        if verbose and not quiet:
            _say(f"{report_file}: section {name}" + (f" of {repo}" if repo else ""), "dim")
        if name == "news":
            return news_markdown(daily.last_news(repo, db))
        if name != "agents":
            return base(name, repo, old)
        agents = load_config(config)
        return compare_markdown(compare_table(agents, pipeline.load_agents(agents, db, as_of=as_of)[0]))

    outcome = regenerate_file(report_file, render, check=check, diff=show_diff, known=[*HEADINGS, "agents", "news"])
    if outcome.diff:
        click.echo(outcome.diff, nl=False)
    if check and outcome.changed:
        click.echo(f"{report_file}: out of date; run `mine regenerate {report_file}`", err=True)
        sys.exit(1)  # an answer, not an error: errors exit 2 under --check
    if not quiet and not outcome.sections:
        names = ", ".join([*HEADINGS, "agents", "news"])
        _warn(f"{report_file}: no section marked for miner, nothing regenerated (mark one with "
              f"`<!-- mine:NAME repo=REPO -->` ... `<!-- /mine:NAME -->`, NAME one of {names})")
    elif not quiet:
        state = "rewritten" if outcome.written else "up to date" if not outcome.changed else "not written"
        _say(f"{report_file}: {outcome.sections} section{'s' * (outcome.sections != 1)}, {state}")


@cli.command()
@click.option("--config", type=click.Path(dir_okay=False, exists=True), help="Agents TOML (default: miner's own).")
@DB
@click.option("--strict", is_flag=True, help="Fail when an agent of the config was never analysed.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write the table to this file instead of stdout.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="md", show_default=True,
              help="md: the report's Markdown table; csv and json: the table for programs.")
@click.option("--as-of", "as_of", metavar="DATE",
              help="Compare each agent's analysis made with this --as-of DATE (`mine analyze --as-of`).")
@QUIET
@VERBOSE
def compare(config, db, strict, out, fmt, as_of, quiet, verbose) -> None:
    """The cross-agent table: releases tracked, architecture, extension model, cadence, contributors.

    md is the report's table; csv and json are for programs: snake_case
    names, counts as numbers, and an unknown value empty (csv) or null (json).
    """
    from miner import pipeline
    from miner.analyses.compare import compare_table, typed_table
    from miner.catalogs.agents import load_config
    from miner.outputs.report import compare_markdown
    from miner.paths import make_folder
    agents = load_config(config)
    found, warnings = pipeline.load_agents(agents, db, strict=strict, as_of=as_of)
    for warning in [] if quiet else warnings:
        _warn(warning)
    for agent, analysis in found.items() if verbose and not quiet else ():
        _say(f"{agent}: " + (f"stored analysis {analysis.repo} ({analysis.path})" if analysis else "no analysis"),
             "dim")
    table = compare_table(agents, found)
    text = {"md": lambda: compare_markdown(table) + "\n",
            "csv": lambda: typed_table(table).to_csv(index=False),
            "json": lambda: typed_table(table).to_json(orient="records", indent=2) + "\n"}[fmt]()
    if out:
        make_folder(Path(out).parent, Path(out)).joinpath(Path(out).name).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


THRESHOLDS = click.option("--thresholds", type=click.Path(dir_okay=False, exists=True),
                          help="When a change is news: TOML thresholds (default: miner's own, miner/data/news.toml).")
NEWS_FORMAT = click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True,
                           help="md: a <!-- mine:news --> section per repository; json: the news as JSON.")


@cli.command()
@click.argument("repos", nargs=-1)
@click.option("--since", default=SINCE_LAST, show_default=True, metavar="last|DATE|TAG",
              help="Compare against the previous `mine news` run, a date, or a release tag.")
@click.option("--config", type=click.Path(dir_okay=False, exists=True),
              help="Agents TOML: the news of every agent it lists (default for no REPOS: miner's own).")
@THRESHOLDS
@DB
@NEWS_FORMAT
@QUIET
@VERBOSE
def news(repos, since, config, thresholds, db, fmt, quiet, verbose) -> None:
    """What is new in the store for REPOS: releases and bursts, lines, packages, capabilities, people, languages."""
    from miner import daily
    from miner.catalogs.news import load_thresholds
    limits = load_thresholds(thresholds)
    names, warnings = (list(repos), []) if repos and not config else daily.config_names(config, db)
    names += [repo for repo in repos if config and repo not in names]
    for warning in [] if quiet else warnings:
        _warn(warning)
    _print_news(daily.news(names, db, since, limits), fmt, quiet, verbose)


@cli.command()
@click.option("--config", type=click.Path(dir_okay=False, exists=True), help="Agents TOML (default: miner's own).")
@click.option("--dest", type=click.Path(file_okay=False), help="Directory for the mirrors (default: $MINER_HOME/repos).")
@click.option("--no-releases", "releases", flag_value=False, default=True,
              help="Do not fetch the GitHub releases (their notes are the capability evidence).")
@click.option("--api-url", help=f"GitHub API to fetch releases from (default {API_URL}).")
@THRESHOLDS
@DB
@NEWS_FORMAT
@QUIET
@VERBOSE
def update(config, dest, releases, api_url, thresholds, db, fmt, quiet, verbose) -> None:
    """The daily job: fetch every repository of the agents config, analyse those that changed, print the news."""
    from miner import daily
    from miner.catalogs.news import load_thresholds
    from miner.sources import github
    limits = load_thresholds(thresholds)
    token = github.token_from(os.environ) if releases else None
    if releases and token is None and not quiet:
        _say(f"note: {github.UNAUTHENTICATED}", "dim")
    failed, analysed = False, []
    for step in daily.update(config, db, Path(dest) if dest else None, releases=releases,
                             api_url=api_url or API_URL, token=token, console=_stderr(), quiet=quiet):
        failed = failed or step.status == "failed"
        if step.status == "failed" and step.stage != "clone":  # clone_all has said why
            click.echo(f"mine: error: {step.repo}: {step.message}", err=True)
        elif step.status != "failed" and not quiet:
            _say(f"{step.repo}: {step.stage} {step.status}: {step.message}", "dim")
            for warning in step.warnings:
                _warn(warning)
        if step.analysis:
            analysed.append(step.analysis)
    _print_news(daily.news(analysed, db, daily.LAST, limits), fmt, quiet, verbose)
    if failed:
        sys.exit(1)


def _print_news(found: list, fmt: str, quiet: bool, verbose: bool = False) -> None:
    """The news on stdout (`daily.Looked` each): a section per repository with news, or the one line saying
    there is none; with `verbose`, each repository with nothing new is named on stderr."""
    from miner.outputs.news import news_sections, nothing_new
    for looked in found if not quiet else ():
        if looked.note:
            _say(looked.note, "dim")
    compared = [looked.news for looked in found if looked.news is not None]
    for news in compared if verbose and not quiet and len(compared) > 1 else ():
        if news.empty:
            _say(f"{news.repo}: nothing new", "dim")
    if fmt == "json":
        click.echo(json.dumps([news.to_dict() for news in compared], indent=2))
    elif compared and all(news.empty for news in compared):
        click.echo(nothing_new(compared))
    elif compared:
        click.echo(news_sections(news for news in compared if not news.empty), nl=False)


def _print_json(tables, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(_tables_data(tables), indent=2))


def _tables_data(tables) -> dict:
    from miner.outputs.publish import table_json
    return {name: json.loads(table_json(frame)) for name, frame in tables.items()}


def _list_written(published) -> None:
    """Each file of the report folder, with its size: what `-v` adds after writing."""
    for path in sorted(p for p in published.folder.rglob("*") if p.is_file()):
        _say(f"  {path} ({path.stat().st_size:,} bytes)", "dim")


def _summary_line(result, published) -> str:
    releases = result.tables["releases"]
    stable = int(releases["stable"].sum())
    return (f"{result.repo}: {len(releases)} releases on line '{result.line}' ({stable} stable), "
            f"{len(result.tables['skipped'])} tags skipped, {result.walked} new commits walked; "
            f"{len(result.warnings)} warning{'s' * (len(result.warnings) != 1)}; "
            + (f"wrote {published.folder}/" if published.written else f"{published.folder}/ was up to date"))


def _say(text: str, style: str = "") -> None:
    from rich.text import Text
    _stderr().print(Text(text, style=style))


def _warn(warning) -> None:
    from rich.text import Text
    _stderr().print(Text.assemble(("warning", "yellow"), " ", str(warning)))


def _fail(message: str, code: int) -> None:
    click.echo(f"mine: error: {message}", err=True)
    sys.exit(code)
