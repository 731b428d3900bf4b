"""Open every output of `mine analyze` on real repositories as its reader would, and say what is wrong.

Usage: .venv/bin/python benchmarks/check_outputs.py [REPO_DIR...]

For each repository (default: the fetched mirrors below; one not fetched is
skipped with a message) the whole pipeline runs into a scratch folder with
`--format json`, then:
- report.md is rendered with markdown-it (CommonMark + GFM tables): every table
  row has its header's number of cells, and no cell text is read as HTML;
- every GEXF file validates against GEXF 1.3's schemas and timeline rules
  (tests/outputs/gexf_schema.py), the GraphML and node-link JSON load in networkx;
- every JSON table loads in pandas with as many rows as its CSV, and
  releases.json's dates parse as UTC moments;
- a second run writes nothing (the outputs are up to date) and publishing the
  stored analysis again gives byte-identical files.
"""
from __future__ import annotations

import filecmp
import json
import sys
import tempfile
from pathlib import Path

import networkx as nx
import pandas as pd
from markdown_it import MarkdownIt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from miner.outputs.publish import publish  # noqa: E402
from miner.pipeline import analyze, load  # noqa: E402
from tests.outputs.gexf_schema import gexf_errors  # noqa: E402

MIRRORS = Path("/work/.mirror")
REPOSITORIES = ["BurntSushi+ripgrep", "anthropics+claude-code", "mistralai+mistral-vibe", "google-gemini+gemini-cli"]


def main(paths: list[str]) -> int:
    folders = [Path(p) for p in paths] or [MIRRORS / name / "repo" for name in REPOSITORIES]
    problems = 0
    for folder in folders:
        if not folder.exists():
            print(f"{folder}: not fetched, skipped")
            continue
        found = check(folder)
        problems += len(found)
        print(f"{folder}: " + ("every output opens as it should" if not found else f"{len(found)} problems"))
        for problem in found[:20]:
            print(f"  {problem}")
    return 1 if problems else 0


def check(repo: Path) -> list[str]:
    """What is wrong with the outputs of one repository's analysis."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        out, graphs, db = root / "out", root / "graphs", root / "s.sqlite"
        result = analyze(str(repo), db=db, name="checked")
        publish(result, out, graphs, "json")
        problems = _report(out / "report.md") + _graphs(graphs) + _tables(out)
        if publish(result, out, graphs, "json").written:
            problems.append("a second publish of an unchanged analysis rewrote the files")
        again = root / "again"
        publish(load("checked", db=db), again, root / "graphs-again", "json")
        problems += [f"{name}: differs when published from the store"
                     for name in filecmp.dircmp(out, again).diff_files if not name.startswith(".")]
        return problems


def _report(path: Path) -> list[str]:
    tokens = MarkdownIt("commonmark").enable("table").parse(path.read_text(encoding="utf-8"))
    problems, header, cells = [], None, 0
    for token in tokens:
        if token.type in ("html_inline", "html_block") and "mine:" not in token.content:
            problems.append(f"report.md:{(token.map or [0])[0] + 1}: read as HTML: {token.content.strip()[:60]}")
        if token.type == "tr_open":
            cells = 0
        elif token.type in ("th_open", "td_open"):
            cells += 1
        elif token.type == "tr_close":
            header = cells if header is None else header
            if cells != header:
                problems.append(f"report.md: a table row of {cells} cells under a header of {header}")
        elif token.type == "table_close":
            header = None
    return problems


def _graphs(folder: Path) -> list[str]:
    problems = [f"{path.name}: {error}" for path in sorted(folder.glob("*.gexf")) for error in gexf_errors(path)]
    for path in sorted(folder.glob("*.graphml")):
        nx.read_graphml(path)
    for path in sorted(folder.glob("*.json")):
        nx.node_link_graph(json.loads(path.read_text()), edges="edges")
    return problems


def _tables(folder: Path) -> list[str]:
    problems = []
    for path in sorted(p for p in folder.glob("*.json") if not p.name.startswith(".")):  # not the stamp
        frame = pd.read_json(path, orient="records")
        rows = len(pd.read_csv(path.with_suffix(".csv"), keep_default_na=False))
        if len(frame) != rows:
            problems.append(f"{path.name}: {len(frame)} rows, {rows} in the CSV")
    releases = pd.read_json(folder / "releases.json", orient="records", dtype=False)
    if len(releases) and pd.to_datetime(releases["date"], utc=True, format="ISO8601").isna().any():
        problems.append("releases.json: a date that is no ISO 8601 moment")
    return problems


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
