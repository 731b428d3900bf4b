"""`mine analyze --config FILE` and several REPO arguments, as a user runs them."""
from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd

MINE = [sys.executable, "-c", "from miner.cli import main; main()"]


def mine(*args, cwd):
    """`mine` run in `cwd`, where the graphs and reports it writes by default go."""
    return subprocess.run([*MINE, *map(str, args)], capture_output=True, text=True, cwd=cwd)


CONFIG = """\
[[agent]]
name = "Fixture agent"
repository = "{agent}"
line = "rust-v"
notes = "release-commit"
analysed_as = "fixture-agent"

[[agent]]
name = "Crates"
repository = "{crate}"

[[agent]]
name = "Closed"
"""


def test_every_repository_of_the_config_with_its_own_line_notes_and_name(agent_repo, crate_repo, tmp_path):
    config = tmp_path / "agents.toml"
    config.write_text(CONFIG.format(agent=agent_repo, crate=crate_repo), encoding="utf-8")
    result = mine("analyze", "--config", config, "--db", tmp_path / "s.sqlite", "--out", tmp_path / "out",
                  "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [line.split()[:2] for line in result.stderr.splitlines() if line.split()[:1] in (["started"], ["saved"])]
    assert sorted(lines) == [["saved", "crate"], ["saved", "fixture-agent"], ["started", "crate"],
                             ["started", "fixture-agent"]]
    tables = json.loads(result.stdout)
    assert set(tables) == {"fixture-agent", "crate"}
    sources = pd.read_csv(tmp_path / "out" / "fixture-agent" / "notes.csv")["source"]
    assert "release-commit" in set(sources)  # the config's notes source goes first
    assert {row["line"] for row in tables["fixture-agent"]["releases"]} == {"rust-v"}

    again = mine("analyze", "--config", config, "--db", tmp_path / "s.sqlite", "--out", tmp_path / "out", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert sorted(line.split()[:2] for line in again.stderr.splitlines() if line.startswith("unchanged")) == [
        ["unchanged", "crate"], ["unchanged", "fixture-agent"]]


def test_a_failing_repository_is_its_error_line_and_a_failing_exit(agent_repo, tmp_path):
    result = mine("analyze", agent_repo, tmp_path / "nowhere", "--db", tmp_path / "s.sqlite", "--out", tmp_path / "o",
                  "-q", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"mine: error: {tmp_path}/nowhere: no such path",
                                          "mine: error: 1 of 2 repositories failed (their errors are above)"]
    assert (tmp_path / "o" / "agent" / "releases.csv").is_file()


def test_a_scheduler_needs_the_dask_executor(agent_repo, tmp_path):
    result = mine("analyze", agent_repo, "--scheduler", "tcp://127.0.0.1:1", "--db", tmp_path / "s.sqlite",
                  cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == ("mine: error: --scheduler is the address of a Dask scheduler: "
                                     "give --executor dask (not serial)")


def test_workers_need_a_pool_or_a_cluster(agent_repo, tmp_path):
    result = mine("analyze", agent_repo, "--workers", "2", "--db", tmp_path / "s.sqlite", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == ("mine: error: --workers is the size of a pool or a LocalCluster: "
                                     "give --executor processes or dask")
