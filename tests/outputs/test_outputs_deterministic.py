"""The same input gives byte-identical outputs, whatever the interpreter's string hash seed.

Python orders sets of strings by a hash salted per process (PYTHONHASHSEED),
so any output that follows a set's order changes from run to run: notes.csv
listed subjects of equal commit time in set order.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.notes import same_second_repo
from miner._sample.__main__ import build_sample
from miner.outputs.publish import STAMP
from miner.rerun import RECORD

MINE = [sys.executable, "-c", "from miner.cli import main; main()"]


def outputs(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by path, but miner's stamp and re-run record: they hold the files' own write
    times and the store's inode."""
    return {path.relative_to(folder.parent).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file() and path.name not in (STAMP, RECORD)}


def analyse_all(repos: list[Path], run: Path, seed: str) -> dict[str, bytes]:
    """`mine analyze` of each repository into `run`, from a fresh store, with hash seed `seed`; the files written."""
    environment = {**os.environ, "PYTHONHASHSEED": seed, "MINER_HOME": str(run / "home")}
    for repo in repos:
        name = repo.stem
        done = subprocess.run([*MINE, "analyze", str(repo), "--db", str(run / "store" / "miner.sqlite"), "--out",
                               str(run / "reports" / name), "--graphs", str(run / "graphs" / name), "-q"],
                              capture_output=True, text=True, env=environment, cwd=run.parent)
        assert done.returncode == 0, done.stderr
    return outputs(run / "reports") | outputs(run / "graphs")


@pytest.mark.timeout(120)
def test_two_runs_with_different_hash_seeds_write_the_same_bytes(tmp_path):
    repos = build_sample(tmp_path / "sample") + [tmp_path / "sample" / "same-second.git"]
    same_second_repo(repos[-1])
    first = analyse_all(repos, tmp_path / "run", "1")
    (tmp_path / "run").rename(tmp_path / "first")
    second = analyse_all(repos, tmp_path / "run", "2")
    assert len(first) > 3 * 30 and first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    assert b"- feat: hooks (#10)" in first["reports/same-second/notes.csv"]
