"""An update publishes what a cold run publishes: byte for byte, on real repositories.

Usage: python benchmarks/check_update.py [--no-source] [REPO_PATH ...]
(default: the generated Codex-shaped repository of benchmarks/codex_shape.py
and tokio under /work/.mirror; a path that does not exist is skipped).

Per repository, the update case of `bench_scale.py` is built (a bare clone
sharing the objects, the newest 10 tags deleted and HEAD's branch 100
first-parent commits back, analysed; then the refs restored) and `mine
analyze` runs again on it; then a cold `mine analyze` of the same final
clone runs into an empty store and empty folders.  The same again with
100 new commits and no new tag, where the plots are copied, not drawn.
Every file of the report folder and the graphs folder must be in both, with
the same bytes (the stamp and the re-run record, which name their folders,
are left out), and the stored tables must be equal.  Exit status 1 on any difference.
"""
from __future__ import annotations

import argparse
import filecmp
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import bench_scale  # noqa: E402
import codex_shape  # noqa: E402

from miner.outputs import STAMP  # noqa: E402
from miner.store.sqlite import Store  # noqa: E402

LEFT_OUT = {STAMP, ".mine-rerun.json"}


def differences(update: Path, cold: Path) -> list[str]:
    """What differs between two analyses' folders (each with out/, graphs/ and miner.sqlite)."""
    found = []
    for folder in ("out", "graphs"):
        names = {p.relative_to(update / folder) for p in (update / folder).rglob("*") if p.is_file()}
        others = {p.relative_to(cold / folder) for p in (cold / folder).rglob("*") if p.is_file()}
        found += [f"{folder}/{name}: only in one" for name in sorted(names ^ others) if name.name not in LEFT_OUT]
        found += [f"{folder}/{name}: bytes differ" for name in sorted(names & others)
                  if name.name not in LEFT_OUT and not filecmp.cmp(update / folder / name, cold / folder / name,
                                                                   shallow=False)]
    tables = [Store(path / "miner.sqlite", readonly=True).load("copy")[0] for path in (update, cold)]
    found += [f"table {name} differs" for name in sorted(set(tables[0]) | set(tables[1]))
              if name not in tables[0] or name not in tables[1]
              or tables[0][name].to_csv(index=False) != tables[1][name].to_csv(index=False)]
    return found


def check(repo: Path, tags: int) -> bool:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        bench_scale._earlier(repo, folder, tags)
        bench_scale.run(bench_scale.analyze(folder / "copy.git", folder / "copy"))
        (folder / "cold").mkdir()
        bench_scale.run(bench_scale.analyze(folder / "copy.git", folder / "cold"))
        found = differences(folder / "copy", folder / "cold")
    print(f"{repo}, {tags} new tags and 100 new commits: " + (
        f"{len(found)} differences: " + "; ".join(found[:20]) if found
        else "update and cold run published the same files"), flush=True)
    return not found


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="*", type=Path)
    parser.add_argument("--no-source", action="store_true")
    arguments = parser.parse_args()
    bench_scale.OPTIONS += ["--no-source"] if arguments.no_source else []
    paths = arguments.repos or [codex_shape.build(), bench_scale.MIRRORS / "tokio-rs+tokio" / "repo"]
    good = True
    for path in paths:
        if not path.exists():
            print(f"{path}: skipped (no such repository)")
            continue
        good = all([check(path, 10), check(path, 0)]) and good
    sys.exit(0 if good else 1)
