"""Conventions every verb keeps: the same shared options, a cheap `--help`, exit codes a script can test,
and machine formats a program can read."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib import resources

import click
import pandas as pd
import pytest

from miner.cli import cli
from miner.errors import MinerError
from tests.cli.test_cli_analyze import mine

HEAVY = ("pandas", "numpy", "networkx", "matplotlib", "pygit2", "tree_sitter", "httpx", "miner.pipeline")


@pytest.fixture(scope="module")
def config(store):
    """miner's own agents config, with Codex CLI read from the fixture analysis."""
    text = resources.files("miner").joinpath("data", "agents.toml").read_text()
    path = store / "agents.toml"
    entry = 'name = "Codex CLI"\n'
    assert entry in text
    path.write_text(text.replace(entry, entry + 'analysed_as = "agent"\n', 1))
    return path


@pytest.mark.parametrize("verb", [None, *sorted(cli.commands)])
def test_help_imports_none_of_the_heavy_libraries(verb):
    """What `mine --help` and completion cost is Python's start-up, click and rich: nothing that mines."""
    args = ["--help"] if verb is None else [verb, "--help"]
    probe = (f"import sys\nfrom miner.cli import cli\ntry:\n    cli({args!r})\nexcept SystemExit:\n    pass\n"
             f"print(sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stderr.strip().splitlines()[-1] == "[]"
    assert "Usage: " in result.stdout


@pytest.mark.parametrize("verb", sorted(cli.commands))
def test_every_verb_takes_db_quiet_and_verbose(verb):
    options = {name for param in cli.commands[verb].params if isinstance(param, click.Option)
               for name in param.opts}
    assert {"--db", "-q", "--quiet", "-v", "--verbose"} <= options


def test_regenerate_check_exits_0_up_to_date_1_out_of_date_2_on_errors(store, tmp_path):
    db = store / "s.sqlite"
    report = tmp_path / "report.md"
    report.write_text("<!-- mine:cadence repo=agent -->\nstale\n<!-- /mine:cadence -->\n")
    assert mine("regenerate", report, "--db", db, "--check").returncode == 1
    assert mine("regenerate", report, "--db", db, "-q").returncode == 0
    assert mine("regenerate", report, "--db", db, "--check").returncode == 0
    report.write_text("<!-- mine:cadence repo=nowhere -->\n<!-- /mine:cadence -->\n")
    missing = mine("regenerate", report, "--db", db, "--check")
    assert missing.returncode == 2 and "nowhere" in missing.stderr and len(missing.stderr.splitlines()) == 1
    report.write_text("<!-- mine:cadence repo=agent -->\nno end\n")
    assert mine("regenerate", report, "--db", db, "--check").returncode == 2
    assert mine("regenerate", report, "--db", db).returncode == 1  # without --check an error stays 1


def test_compare_json_has_snake_case_keys_numbers_and_null_for_unknown(store, config):
    result = mine("compare", "--db", store / "s.sqlite", "--config", config, "--format", "json", "-q")
    assert result.returncode == 0, result.stderr
    rows = {row["agent"]: row for row in json.loads(result.stdout)}
    assert all(key == key.lower() and " " not in key and "(" not in key for row in rows.values() for key in row)
    factory = rows["Factory CLI"]
    assert factory["releases_tracked"] is None and factory["architecture"] is None
    codex = rows["Codex CLI"]
    assert isinstance(codex["releases_tracked"], int) and codex["releases_tracked"] > 0
    assert isinstance(codex["contributors_per_release_median"], (int, float))


def test_compare_csv_writes_counts_as_integers(store, config):
    result = mine("compare", "--db", store / "s.sqlite", "--config", config, "--format", "csv", "-q")
    table = pd.read_csv(pd.io.common.StringIO(result.stdout), dtype=str, keep_default_na=False)
    tracked = [value for value in table["releases_tracked"] if value]
    assert tracked and all(value.isdigit() for value in tracked)
    medians = [value for value in table["contributors_per_release_median"] if value]
    assert all(not value.endswith(".0") for value in medians)


def test_shell_completion_script_is_generated():
    env = {**os.environ, "_MINE_COMPLETE": "bash_source"}
    script = subprocess.run([sys.executable, "-c", "from miner.cli import main; main()"], env=env,
                            capture_output=True, text=True)
    assert "_mine_completion" in script.stdout and "complete " in script.stdout


def test_verbose_report_lists_the_files_it_wrote(store, tmp_path):
    result = mine("report", "agent", "--db", store / "s.sqlite", "--out", tmp_path / "r", "--graphs",
                  tmp_path / "g", "-v")
    assert result.returncode == 0, result.stderr
    assert f"{tmp_path / 'r' / 'releases.csv'} (" in result.stderr


def test_the_names_the_cli_spells_out_are_the_librarys():
    """`mine --help` must not import the library, so the CLI spells a few of its words itself: they agree."""
    from miner import daily, executors
    from miner.cli import EXECUTORS, SINCE_LAST
    assert SINCE_LAST == daily.LAST
    with pytest.raises(MinerError, match="no such executor") as refused:
        executors.executor("threads")
    assert re.findall(r"\w+", str(refused.value).split("(")[-1]) == [*EXECUTORS[:-1], "or", EXECUTORS[-1]]


@pytest.mark.parametrize("args", [["analyze", ".", "--format", "xml"], ["compare", "--format", "yaml"],
                                  ["regenerate", "/nonexistent/report.md"],
                                  ["analyze", ".", "--executor", "threads"]])
def test_a_bad_option_value_is_one_line_naming_the_help_to_read(args):
    result = mine(*args)
    assert result.returncode == 2 and result.stderr.startswith("mine: error: "), result.stderr
    assert len(result.stderr.splitlines()) == 1 and f"`mine {args[0]} --help`" in result.stderr


def test_an_as_of_after_today_is_refused(store):
    result = mine("report", "agent", "--db", store / "s.sqlite", "--as-of", "2999-01-01")
    assert result.returncode == 1 and "a day after today" in result.stderr and len(result.stderr.splitlines()) == 1


def test_a_config_without_rules_says_why_its_cells_are_unknown(store, tmp_path):
    config = tmp_path / "agents.toml"
    config.write_text('[[agent]]\nname = "Codex CLI"\nrepository = "openai/codex"\nanalysed_as = "agent"\n')
    result = mine("compare", "--db", store / "s.sqlite", "--config", config, "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert f"{config} has no [[architecture]] rules" in result.stderr
    assert f"{config} has no [[extension]] rules" in result.stderr
    quiet = mine("compare", "--db", store / "s.sqlite", "--format", "csv")
    assert "rules:" not in quiet.stderr  # miner's own config has both
