"""Writing an analysis to disk: tables, report, plots and graphs, each folder replaced whole.

The command line and the Python API write the same files through `publish`.
Files are written to a scratch folder first and moved into place at the end,
so an interrupted run leaves the previous files as they were rather than half
rewritten.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator, NamedTuple

import pandas as pd

from miner.graphs import evolution_graph, release_graph, write_author_crate_gexf, write_exports
from miner.layers import load_layers, purposes
from miner.plots import author_layer_heatmap, cadence_plot, crate_count_plot
from miner.report import full_report

FORMATS = ("md", "csv", "json")
# Lists the files a run wrote and the inputs they came from, so an unchanged analysis need not rewrite them.
STAMP = ".mine-outputs.json"


class Published(NamedTuple):
    """Where an analysis was published, and whether its files were (re)written or already current."""

    folder: Path
    written: bool


def publish(repo: str, tables: dict[str, pd.DataFrame], out: str | Path | None = None,
            graphs: str | Path | None = None, layers: str | Path | None = None, fmt: str = "md",
            inputs: str = "") -> Published:
    """Write one analysis; return its report folder (default `reports/<repo>/`) and whether it was written.

    `csv` writes the tables as CSV; `md` adds report.md with its plots and the
    graph exports (default `graphs/<repo>/`); `json` writes the tables as JSON
    as well as everything `md` writes.  `inputs`, the analysis fingerprint,
    lets an unchanged analysis skip the writing: when the folder's stamp names
    the same inputs and options and every file it lists is still as written,
    the files are already the answer (drawing the plots alone takes seconds).
    """
    folder = Path(out) if out else Path("reports") / repo
    graph_folder = Path(graphs) if graphs else Path("graphs") / repo
    key = _stamp_key(inputs, repo, fmt, graph_folder, layers) if inputs else ""
    if key and _up_to_date(folder, key):
        return Published(folder, False)
    written: list[Path] = []
    with _replaced(folder, written) as building:
        for name, frame in tables.items():
            frame.to_csv(building / f"{name}.csv", index=False)
            if fmt == "json":
                frame.to_json(building / f"{name}.json", orient="records", indent=1)
        if fmt != "csv":
            report = full_report(repo, tables, purposes(load_layers(layers)), extra=_plots(building, tables))
            (building / "report.md").write_text(report, encoding="utf-8")
    if fmt != "csv" and not tables["crates"].empty:
        with _replaced(graph_folder, written) as building:
            _write_graphs(building, tables)
    if key:
        _write_stamp(folder, key, written)
    else:  # files from unknown or incomplete inputs: no later run may take them as current
        (folder / STAMP).unlink(missing_ok=True)
    return Published(folder, True)


def _stamp_key(inputs: str, repo: str, fmt: str, graph_folder: Path, layers: str | Path | None) -> str:
    """What the written files depend on beyond the tables' inputs: the writing's options, and the month
    (the report marks the month in progress)."""
    month = date.today().strftime("%Y-%m")
    digest = hashlib.sha256("\n".join([inputs, repo, fmt, str(graph_folder.resolve()), str(layers or ""),
                                       month]).encode())
    if layers and Path(layers).is_file():
        digest.update(Path(layers).read_bytes())
    return digest.hexdigest()


def _up_to_date(folder: Path, key: str) -> bool:
    """Whether `folder`'s stamp has `key` and each file it lists still has the size and time it was written with."""
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
        return stamp["key"] == key and all(_signature(Path(path)) == signature
                                            for path, signature in stamp["files"].items())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def _write_stamp(folder: Path, key: str, written: list[Path]) -> None:
    stamp = {"key": key, "files": {str(path.resolve()): _signature(path) for path in written}}
    scratch = folder / f"{STAMP}.partial"
    scratch.write_text(json.dumps(stamp, indent=1), encoding="utf-8")
    os.replace(scratch, folder / STAMP)


def _signature(path: Path) -> list[int]:
    status = path.stat()
    return [status.st_size, status.st_mtime_ns]


def _write_graphs(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """The dynamic GEXF over all releases, the snapshot graph in other formats, the author-crate GEXF."""
    crates, deps = tables["crates"], tables["crate_deps"]
    release = tables["snapshot"]["release"].iloc[0] or None
    snapshot = release_graph(crates[crates["release"] == release], deps[deps["release"] == release])
    write_exports(folder, evolution_graph(crates, deps, tables["releases"]), snapshot, release or "")
    write_author_crate_gexf(tables, tables["releases"], folder / "authors.gexf")


def _plots(folder: Path, tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Draw the PNG plots next to the report; return the Markdown that links each from its section."""
    links = {"cadence": [cadence_plot(tables["cadence"], folder / "cadence.png")]}
    if not tables["workspaces"].empty:
        links["architecture"] = [crate_count_plot(tables["workspaces"], tables["releases"], folder / "crates.png")]
    if (tables["specialization"]["kind"] == "person").any():
        links["team"] = [author_layer_heatmap(tables["author_layers"], tables["specialization"],
                                              folder / "specialization.png")]
    return {name: "\n".join(f"![{path.stem}]({path.name})" for path in paths) for name, paths in links.items()}


@contextmanager
def _replaced(folder: Path, written: list[Path]) -> Iterator[Path]:
    """A scratch folder to write into; its files replace those of `folder` only if the block completes.

    Files are moved in one by one with `os.replace` (each atomic), after all
    were written, and appended to `written`: an interruption while writing
    leaves `folder` untouched, and files of `folder` that this run does not
    write are left alone, so `--out .` never deletes anything.
    """
    folder.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".mine-", suffix=".partial", dir=folder))
    try:
        yield building
        for path in sorted(building.iterdir()):
            os.replace(path, folder / path.name)
            written.append(folder / path.name)
    finally:
        shutil.rmtree(building, ignore_errors=True)
