"""The `mine` command line: parses options and calls the library, nothing more.

Every verb shares the same options with the same meaning (`--db`, `--out`,
`--format`, `--config`, `-q/-v`).  Data goes to stdout or to files, progress and
warnings to stderr, and any failure on bad input ends as one line on stderr
with a non-zero exit, never a traceback.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import pandas as pd
from rich.console import Console

from miner import clone as cloning
from miner.analysis import analyze as run_analysis
from miner.errors import MinerError
from miner.graphs import evolution_graph, release_graph, write_exports
from miner.layers import load_layers, purposes
from miner.notes import DEFAULT_ORDER
from miner.report import full_report

FORMATS = ["md", "csv", "json"]
_stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def main() -> None:
    """Entry point: run the click group, turning expected failures into one line."""
    try:
        cli(standalone_mode=False)
    except click.exceptions.Abort:
        _fail("interrupted; the store is as it was before this run", 130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except MinerError as error:
        _fail(str(error), 1)
    except KeyboardInterrupt:
        _fail("interrupted; the store is as it was before this run", 130)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="miner")
def cli() -> None:
    """Mine the git history of software projects into release, architecture and contributor facts."""


@cli.command()
@click.argument("sources", nargs=-1)
@click.option("--config", "config", type=click.Path(dir_okay=False), help="TOML file listing repositories to clone.")
@click.option("--dest", type=click.Path(file_okay=False), help="Directory for the mirrors (default: $MINER_HOME/repos).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
def clone(sources: tuple[str, ...], config: str | None, dest: str | None, quiet: bool) -> None:
    """Clone SOURCES (URL, path or owner/name) as bare mirrors, or update them if cloned before."""
    wanted = [cloning.parse_source(s) for s in sources]
    if config:
        wanted += cloning.sources_from_config(config)
    if not wanted:
        raise MinerError("nothing to clone: give SOURCES or --config FILE")
    results = cloning.clone_all(wanted, Path(dest) if dest else None, console=_stderr, quiet=quiet)
    for result in results:
        if result.status != "failed":
            click.echo(f"{result.status}\t{result.source.name}\t{result.path}")
    if any(r.status == "failed" for r in results):
        sys.exit(1)


@cli.command()
@click.argument("repo")
@click.option("--db", type=click.Path(dir_okay=False), help="SQLite store (default: $MINER_HOME/miner.sqlite).")
@click.option("--out", type=click.Path(file_okay=False), help="Output folder (default: reports/<repo-name>/).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="md", show_default=True,
              help="md and csv write files to --out; json also prints the tables on stdout.")
@click.option("--line", help="Release line to analyse: the tag text before the version, e.g. rust-v.")
@click.option("--tags", help="Regular expression the release tags must match (instead of --line).")
@click.option("--name", help="Name for the repository in reports (default: its directory name).")
@click.option("--layers", "layers", type=click.Path(dir_okay=False, exists=True), help="Layer rules TOML (default: miner's own).")
@click.option("--workspace", help="Cargo workspace directory to analyse (default: every workspace found).")
@click.option("--release", "snapshot", help="Release whose crate graph is exported and described (default: latest stable).")
@click.option("--graphs", type=click.Path(file_okay=False), help="Folder for graph exports (default: graphs/<repo-name>/).")
@click.option("--capabilities", type=click.Path(dir_okay=False, exists=True), help="Capability catalog TOML (default: miner's own).")
@click.option("--releases-json", "hosted", type=click.Path(dir_okay=False, exists=True),
              help="Export of the hosting site's releases (gh release list/view --json, or the REST API's list).")
@click.option("--notes-order", default=",".join(DEFAULT_ORDER), show_default=True,
              help="Notes sources in order of preference.")
@click.option("--changelog", "changelogs", multiple=True, help="Extra changelog path (glob in the last part), repeatable.")
@click.option("--all-releases", "count_all", is_flag=True, help="Count prereleases in the capability table too.")
@click.option("--tagged-only", is_flag=True, help="Ignore changelog versions that have no tag.")
@click.option("--arc", default=4, show_default=True, help="Stable releases in the latest arc.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or warnings on stderr.")
@click.option("-v", "--verbose", is_flag=True, help="List skipped tags on stderr too.")
def analyze(repo, db, out, fmt, graphs, quiet, verbose, notes_order, tagged_only, **options) -> None:
    """Analyse REPO (a path, or the name of a clone): releases, cadence, crate graph, capabilities."""
    say = None if quiet else (lambda message: _stderr.print(f"[dim]{message}[/dim]"))
    order = tuple(part.strip() for part in notes_order.split(",") if part.strip())
    unknown = set(order) - set(DEFAULT_ORDER)
    if unknown:
        raise MinerError(f"--notes-order: unknown sources {', '.join(sorted(unknown))} (known: {', '.join(DEFAULT_ORDER)})")
    result = run_analysis(repo, db=db, progress=say, notes_order=order, untagged=not tagged_only, **options)
    layers, snapshot = options["layers"], options["snapshot"]
    folder = Path(out) if out else Path("reports") / result.repo
    _write_tables(folder, result.tables)
    release = result.tables["snapshot"]["release"].iloc[0] or None
    _write_graphs(Path(graphs) if graphs else Path("graphs") / result.repo, result.tables, release)
    report = full_report(result.repo, result.line, result.tables, release, _facts(result.tables), purposes(load_layers(layers)))
    (folder / "report.md").write_text(report, encoding="utf-8")
    if not quiet:
        for warning in result.warnings:
            _stderr.print(f"[yellow]warning[/yellow] {warning}")
        if verbose:
            for row in result.tables["skipped"].itertuples():
                _stderr.print(f"[dim]skipped {row.tag}: {row.reason}[/dim]")
        _stderr.print(_summary_line(result, folder))
    if fmt == "json":
        click.echo(json.dumps({k: json.loads(v.to_json(orient="records")) for k, v in result.tables.items()}, indent=2))


def _write_tables(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)


def _write_graphs(folder: Path, tables: dict[str, pd.DataFrame], release: str | None) -> None:
    """The dynamic GEXF over all releases, and the snapshot graph of `release` in other formats."""
    crates, deps = tables["crates"], tables["crate_deps"]
    if crates.empty:
        return
    snapshot = release_graph(crates[crates["release"] == release], deps[deps["release"] == release])
    write_exports(folder, evolution_graph(crates, deps, tables["releases"]), snapshot, release or "")


def _facts(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {"central": tables["crate_central"], "depth": tables["crate_depth"], "cycles": tables["crate_cycles"]}


def _summary_line(result, folder: Path) -> str:
    releases = result.tables["releases"]
    stable = int(releases["stable"].sum())
    return (f"{result.repo}: {len(releases)} releases on line '{result.line}' ({stable} stable), "
            f"{len(result.tables['skipped'])} tags skipped, {result.walked} commits walked; "
            f"{len(result.warnings)} warning{'s' * (len(result.warnings) != 1)}; wrote {folder}/")


def _fail(message: str, code: int) -> None:
    click.echo(f"mine: error: {message}", err=True)
    sys.exit(code)
