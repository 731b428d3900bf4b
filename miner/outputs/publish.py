"""Writing an analysis to disk: tables, report, plots and graphs, published as one switch.

The command line and the Python API write the same files through `publish`.
Every file is first written into a scratch folder beside its destination
(`.mine-*.partial`).  Once all are complete, a journal listing the moves that
put them in place is written, atomically, and the moves are made; then the
journal is deleted.  The journal is the switch: a run killed before it leaves
the previous files as they were, and a run killed after it is completed by the
next publish to the same folder, which makes the remaining moves before
anything else.  So the report folder and the graphs folder hold one analysis,
never a new report beside old graphs, except between a run killed mid-switch
and the next publish.  Only the files a run writes are replaced, and nothing
is deleted but miner's own scratch entries and journal, so `--out .` never
loses a file of the user's.  A file whose bytes are those already published
is not moved in: it keeps its time, and a re-run after new commits touches
only the files that changed.  A plot whose data is that of the published one
(the stamp keeps each plot's digest) is copied from it, not drawn again.
"""
from __future__ import annotations

import filecmp
import functools
import hashlib
import json
import os
import shutil
import tempfile
from contextlib import ExitStack, contextmanager
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Iterator, NamedTuple

try:
    import fcntl
except ImportError:  # Windows: no folder locks, so two publishes to one folder must not overlap
    fcntl = None

import pandas as pd

from miner.analyses.dates import with_iso_text
from miner.analyses.graphs import release_graph, subpackage_graph, with_used_edges
from miner.analyses.timeline import in_order_stable
from miner.catalogs.layers import purposes
from miner.collector import fewer_collections
from miner.errors import MinerError
from miner.outputs import JOURNAL, SCRATCH_PREFIX, SCRATCH_SUFFIX, STAMP
from miner.outputs import plots as plots_module
from miner.outputs.graphs import evolution_graph, write_author_package_gexf, write_exports, write_subpackage_graph
from miner.outputs.plots import author_layer_heatmap, cadence_plot, language_mix_plot, package_count_plot
from miner.outputs.report import Rendered, full_report, report_day
from miner.paths import make_folder, output_folder


class Published(NamedTuple):
    """Where an analysis was published, whether its files were (re)written or already current, and the key
    its stamp holds ("" for an analysis without a fingerprint): what `miner.rerun` records."""

    folder: Path
    written: bool
    key: str = ""


@fewer_collections
def publish(analysis: Rendered, out: str | Path | None = None, graphs: str | Path | None = None,
            fmt: str = "md") -> Published:
    """Write one analysis; return its report folder (default `reports/<repo>/`) and whether it was written.

    `csv` writes the tables as CSV; `md` adds report.md with its plots and the
    graph exports (default `graphs/<repo>/`); `json` writes the tables as JSON
    as well as everything `md` writes.  The analysis's fingerprint (`inputs`)
    lets an unchanged analysis skip the writing: when the folder's stamp names
    the same inputs, options and version of these outputs, and every file it
    lists is still as written, the files are already the answer (drawing the
    plots alone takes seconds).
    """
    repo, tables = analysis.repo, analysis.tables
    folder = Path(out) if out else output_folder("reports", repo)
    graph_folder = Path(graphs) if graphs else output_folder("graphs", repo)
    key = _stamp_key(analysis.inputs, repo, fmt, graph_folder, report_day(analysis)) if analysis.inputs else ""
    targets = [folder, graph_folder] if fmt != "csv" and not tables["packages"].empty else [folder]
    with _exclusive(targets):
        if key and _up_to_date(folder, key):
            return Published(folder, False, key)
        aside = _aside(targets)
        try:
            building = aside[0]
            for name, frame in tables.items():
                write_table(frame, building / name, fmt == "json")
            drawn: dict[str, str] = {}
            if fmt != "csv":
                links, drawn = _plots(building, tables, folder)
                report = full_report(analysis, purposes(analysis.layers), extra=links)
                (building / "report.md").write_text(report, encoding="utf-8")
            if len(targets) > 1:
                _write_graphs(aside[1], tables, analysis.snapshot)
        except BaseException:
            for scratch in aside:
                shutil.rmtree(scratch, ignore_errors=True)
            raise
        # From here on an interruption is finished by the next publish, so the scratch folders must stay.
        _switch(folder, list(zip(aside, targets)), key, drawn)
    return Published(folder, True, key)


def write_table(frame: pd.DataFrame, stem: Path, as_json: bool = False) -> None:
    """`stem`.csv, and with `as_json` `stem`.json: moments as ISO 8601 with their offset in both (UTC)."""
    with_iso_text(frame).to_csv(stem.with_suffix(".csv"), index=False)
    if as_json:
        stem.with_suffix(".json").write_text(table_json(frame, indent=1), encoding="utf-8")


def table_json(frame: pd.DataFrame, indent: int | None = None) -> str:
    """A table as JSON records, moments as ISO 8601 in UTC: the .json files and `--format json` on stdout."""
    return frame.to_json(orient="records", indent=indent, date_format="iso", date_unit="s")


def _stamp_key(inputs: str, repo: str, fmt: str, graph_folder: Path, day: date) -> str:
    """What the written files depend on beyond the tables' inputs: the writing's options, the code that
    writes them, and the month of the report's day (the report marks the month in progress)."""
    month = day.strftime("%Y-%m")
    digest = hashlib.sha256("\n".join([inputs, repo, fmt, str(graph_folder.resolve()), month]).encode())
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.read_bytes())
    return digest.hexdigest()


def _up_to_date(folder: Path, key: str) -> bool:
    """Whether `folder`'s stamp has `key` and each file it lists still has the size and time it was written with."""
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
        return stamp["key"] == key and all(_signature(Path(path)) == signature
                                            for path, signature in stamp["files"].items())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def _signature(path: Path) -> list[int]:
    status = path.stat()
    return [status.st_size, status.st_mtime_ns]


def _write_graphs(folder: Path, tables: dict[str, pd.DataFrame], release: str | None) -> None:
    """The dynamic GEXF over all releases, the snapshot graph in other formats, the author-package GEXF; the
    package graphs hold the edges the sources use beside the declared ones, when the source view ran, and a
    project of one package gets the graph of its subpackages."""
    packages, deps, used = tables["packages"], tables["package_deps"], tables.get("source_edges")
    snapshot = release_graph(packages[packages["release"] == release], deps[deps["release"] == release])
    if used is not None:
        snapshot = with_used_edges(snapshot, packages[packages["release"] == release], used[used["release"] == release])
    write_exports(folder, evolution_graph(packages, deps, tables["releases"], used), snapshot, release or "")
    write_author_package_gexf(tables, tables["releases"], folder / "authors.gexf")
    if used is not None and (packages["release"] == release).sum() == 1:
        nodes, edges = tables["subpackages"], tables["subpackage_edges"]
        graph = subpackage_graph(nodes[nodes["release"] == release], edges[edges["release"] == release])
        if graph.number_of_nodes() > 1:
            write_subpackage_graph(folder, graph, release or "")


def _plots(folder: Path, tables: dict[str, pd.DataFrame], published: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Draw the PNG plots next to the report; return the Markdown that links each from its section, and the
    digest of each plot's data.

    A plot whose data, drawing code and matplotlib are those of the plot
    published in `published` (its digest in the folder's stamp, its file as
    written) is copied from there, not drawn again: drawing is most of what
    publishing costs, and a run after new commits but no new tag draws the
    same pictures.
    """
    before = _drawn_before(published)
    digests: dict[str, str] = {}

    def plot(draw, name: str, *frames: pd.DataFrame) -> Path:
        path = folder / name
        digests[name] = _plot_digest(name, frames)
        if before.get(name) == digests[name]:
            shutil.copyfile(published / name, path)
            return path
        return draw(*frames, path)

    links = {"cadence": [plot(cadence_plot, "cadence.png", tables["cadence"])]}
    if not tables["workspaces"].empty:
        links["architecture"] = [plot(package_count_plot, "packages.png", tables["workspaces"], tables["releases"])]
    stable = tables["releases"][in_order_stable(tables["releases"])]
    if tables["languages"]["release"].isin(stable["tag"]).any():
        links.setdefault("architecture", []).append(plot(language_mix_plot, "languages.png", tables["languages"],
                                                         tables["releases"]))
    if (tables["specialization"]["kind"] == "person").any():
        links["team"] = [plot(author_layer_heatmap, "specialization.png", tables["author_layers"],
                              tables["specialization"])]
    return ({name: "\n".join(f"![{path.stem}]({path.name})" for path in paths) for name, paths in links.items()},
            digests)


def _plot_digest(name: str, frames: tuple[pd.DataFrame, ...]) -> str:
    """What a plot's pixels depend on: its name, the code that draws it, matplotlib's version and its tables
    (columns, types and values)."""
    digest = hashlib.sha256(f"{name}\n{_matplotlib_version()}\n".encode())
    digest.update(Path(plots_module.__file__).read_bytes())
    for frame in frames:
        digest.update(f"{list(frame.columns)}\n{[str(dtype) for dtype in frame.dtypes]}\n".encode())
        digest.update(with_iso_text(frame).to_csv(index=False).encode())
    return digest.hexdigest()


@functools.cache
def _matplotlib_version() -> str:
    try:
        return metadata.version("matplotlib")
    except metadata.PackageNotFoundError:
        return ""


def _drawn_before(folder: Path) -> dict[str, str]:
    """The digests of the plots published in `folder` whose files are still as its stamp says they were
    written; none when the stamp is missing or unreadable."""
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
        files, plots = stamp["files"], stamp.get("plots", {})
        return {name: digest for name, digest in plots.items() if (folder / name).is_file()
                and not (folder / name).is_symlink() and files.get(str(folder.resolve() / name)) == _signature(folder / name)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


@contextmanager
def _exclusive(folders: list[Path]) -> Iterator[None]:
    """Hold the folders' locks, one publish at a time in each, and finish or clear what a killed one left.

    Under a folder's lock its journal and scratch entries can only be a dead
    run's: the journal's moves are completed (the switch had been made), and
    the scratch entries are removed.
    """
    with ExitStack() as stack:
        for real in sorted({make_folder(folder).resolve() for folder in folders}):
            stack.enter_context(_locked(real))
        for folder in folders:
            _recover(folder)
        yield


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on the folder itself, so no lock file is left among the user's."""
    if fcntl is None:
        yield
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released by the system when the process dies, however it dies
        yield
    finally:
        os.close(handle)


def _recover(folder: Path) -> None:
    """Finish the switch a killed run made in `folder`, then remove the scratch entries killed runs left."""
    journal = folder / JOURNAL
    if journal.is_file():
        _apply(journal)
    for entry in folder.iterdir():
        if _is_scratch(entry.name) and not entry.is_symlink():
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def _aside(folders: list[Path]) -> list[Path]:
    """A new scratch folder in each folder, one for folders that are the same; absolute paths, for the journal."""
    made: dict[Path, Path] = {}
    for folder in folders:
        real = folder.resolve()
        if real not in made:
            made[real] = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, suffix=SCRATCH_SUFFIX, dir=real))
    return [made[folder.resolve()] for folder in folders]


def _switch(folder: Path, aside: list[tuple[Path, Path]], key: str, drawn: dict[str, str]) -> None:
    """Move every file written aside into its folder as one switch, the stamp last (it records `drawn`, the
    digest of each plot's data); the journal goes in `folder`."""
    moves = [(path, target.resolve() / path.name)
             for scratch, target in dict(aside).items() for path in sorted(scratch.iterdir())]
    for _, destination in moves:
        if destination.is_dir() and not destination.is_symlink():
            raise MinerError(f"{destination}: a folder stands where miner writes this file; move it away")
    same = {destination for path, destination in moves if _same_bytes(path, destination)}
    stamp = aside[0][0] / STAMP
    stamp.write_text(json.dumps({"key": key, "files": {str(destination): _signature(destination if destination in same
                                                                                  else path)
                                                       for path, destination in moves}, "plots": drawn}, indent=1),
                     encoding="utf-8")  # a rename keeps a file's size and time, so they can be taken now
    moves = [(path, destination) for path, destination in moves if destination not in same]
    moves.append((stamp, folder.resolve() / STAMP))
    journal = folder / JOURNAL
    pending = folder / f"{JOURNAL}{SCRATCH_SUFFIX}"
    pending.write_text(json.dumps([[str(path), str(destination)] for path, destination in moves]),
                       encoding="utf-8")
    os.replace(pending, journal)  # the switch: from here on, the new files are the published ones
    _apply(journal)
    for scratch, _ in aside:  # one whose files were all the same as the published ones had nothing to move
        shutil.rmtree(scratch, ignore_errors=True)


def _same_bytes(path: Path, destination: Path) -> bool:
    """Whether the published file already holds what was written: then it is left as it is, time included,
    so that whatever watches the folder sees only the files whose content changed (`filecmp` compares the
    sizes before the bytes)."""
    return destination.is_file() and not destination.is_symlink() and filecmp.cmp(path, destination, shallow=False)


def _apply(journal: Path) -> None:
    """Make the moves `journal` lists that are not made yet, remove their scratch folders, then the journal.

    A move is made only from a scratch folder into the folder holding it,
    under the same name: whatever the journal says, nothing else is moved.
    """
    try:
        moves = [(Path(path), Path(destination)) for path, destination in json.loads(journal.read_text("utf-8"))]
    except (OSError, ValueError, TypeError):  # not one of miner's journals: nothing to finish
        moves = []
    moves = [(path, destination) for path, destination in moves
             if _is_scratch(path.parent.name) and path.parent.parent == destination.parent
             and path.name == destination.name and not path.parent.is_symlink()]
    for path, destination in moves:
        if path.is_file() and not path.is_symlink():
            os.replace(path, destination)
    for scratch in {path.parent for path, _ in moves}:
        shutil.rmtree(scratch, ignore_errors=True)
    journal.unlink()


def _is_scratch(name: str) -> bool:
    return name.startswith(SCRATCH_PREFIX) and name.endswith(SCRATCH_SUFFIX)
