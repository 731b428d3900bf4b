"""Time the graph exports of real repositories and print each file's size.

Usage: python benchmarks/bench_graphs.py REPO_PATH [REPO_PATH ...]
Each repository is analysed into a temporary store (`miner.pipeline.analyze`),
then the graphs `mine analyze` publishes are built and written as
`miner.outputs.publish` does: the evolution and snapshot graphs, the exports
of `write_exports` (packages.gexf, GraphML, DOT, JSON, the layer graph) and
authors.gexf, each stage timed.  A path that does not exist is skipped with a
message.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from miner.analyses.graphs import release_graph
from miner.outputs.graphs import evolution_graph, write_author_package_gexf, write_exports
from miner.pipeline import analyze


def bench(repo: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        analysis = analyze(str(repo), db=folder / "bench.sqlite")
        tables, release = analysis.tables, analysis.snapshot
        packages, deps = tables["packages"], tables["package_deps"]
        start = time.perf_counter()
        snapshot = release_graph(packages[packages["release"] == release], deps[deps["release"] == release])
        evolution = evolution_graph(packages, deps, tables["releases"])
        built = time.perf_counter()
        write_exports(folder / "graphs", evolution, snapshot, release or "")
        exported = time.perf_counter()
        write_author_package_gexf(tables, tables["releases"], folder / "graphs" / "authors.gexf")
        done = time.perf_counter()
        sizes = ", ".join(f"{path.name} {path.stat().st_size:,}" for path in sorted((folder / "graphs").iterdir()))
    print(f"{repo}: graphs built {built - start:.2f}s, exports written {exported - built:.2f}s, "
          f"authors.gexf {done - exported:.2f}s | {sizes}")


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["/work/.mirror/nushell+nushell/repo"]:
        path = Path(arg)
        if not path.exists():
            print(f"{path}: not found, skipped")
            continue
        bench(path)
