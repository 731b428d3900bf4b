"""`mine analyze` as a user runs it: files written, JSON on stdout, one-line errors."""
import json
import subprocess
import sys

import pandas as pd
import pygit2

from miner._sample.builder import RepoBuilder

MINE = [sys.executable, "-c", "from miner.cli import main; main()"]


def mine(*args, cwd=None):
    return subprocess.run([*MINE, *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_analyze_writes_the_tables_and_the_report(agent_repo, tmp_path):
    out = tmp_path / "out"
    result = mine("analyze", agent_repo, "--out", out, "--db", tmp_path / "s.sqlite")
    assert result.returncode == 0, result.stderr
    releases = pd.read_csv(out / "releases.csv")
    expected = ["tag", "line", "version", "channel", "stable", "date", "offset", "commit", "previous", "commits", "contributors"]
    assert list(releases.columns[: len(expected)]) == expected
    assert list(pd.read_csv(out / "cadence.csv").columns[:2]) == ["month", "releases"]
    report = (out / "report.md").read_text()
    assert "8 stable releases in 6 months" in report
    assert "2025-08:   2  ██" in report


def test_default_output_folder_is_reports_slash_repo_name(agent_repo, tmp_path):
    result = mine("analyze", agent_repo, "--db", tmp_path / "s.sqlite", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "reports" / "agent" / "releases.csv").exists()


def test_json_format_prints_the_tables(agent_repo, tmp_path):
    result = mine("analyze", agent_repo, "--out", tmp_path / "o", "--db", tmp_path / "s.sqlite", "--format", "json", "-q")
    tables = json.loads(result.stdout)
    assert {"releases", "cadence", "bursts", "skipped"} <= set(tables)
    assert len(tables["releases"]) == 13


def assert_one_line_error(result, *words):
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("mine: error:")]
    assert len(errors) == 1 and result.stderr.strip().endswith(errors[0]), result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in errors[0]


def test_missing_path(tmp_path):
    assert_one_line_error(mine("analyze", tmp_path / "nowhere"), "nowhere", "no such path")


def test_directory_that_is_no_git_repository(tmp_path):
    assert_one_line_error(mine("analyze", tmp_path), "not a git repository")


def test_empty_repository(tmp_path):
    pygit2.init_repository(str(tmp_path / "empty"), bare=True)
    assert_one_line_error(mine("analyze", tmp_path / "empty"), "empty repository")


def test_repository_without_version_tags(tmp_path):
    builder = RepoBuilder(tmp_path / "plain.git", bare=True)
    builder.tag("latest", builder.commit("one", {"a": "1"}, when="2025-01-01T00:00:00+00:00"))
    assert_one_line_error(mine("analyze", tmp_path / "plain.git", "--db", tmp_path / "s"), "plain", "no version tags")


def test_unknown_line(agent_repo, tmp_path):
    result = mine("analyze", agent_repo, "--line", "nope-", "--db", tmp_path / "s")
    assert_one_line_error(result, "no release tags for line 'nope-'", "rust-v")


def test_corrupt_store_file(agent_repo, tmp_path):
    (tmp_path / "bad.sqlite").write_bytes(b"this is not sqlite" * 100)
    assert_one_line_error(mine("analyze", agent_repo, "--db", tmp_path / "bad.sqlite"), "bad.sqlite")


def test_bad_option_values_are_one_line_errors(agent_repo, tmp_path):
    db = ["--db", tmp_path / "s.sqlite"]
    assert_one_line_error(mine("analyze", agent_repo, "--tags", "(", *db), "--tags '('", "not a regular expression")
    assert_one_line_error(mine("analyze", agent_repo, "--since", "garbage", *db), "'garbage': not a date")
    assert_one_line_error(mine("analyze", agent_repo, "--release", "nosuch", *db), "'nosuch' is no release")
    assert mine("analyze", agent_repo, "--arc", "0", *db).returncode == 2


def test_csv_format_writes_only_the_tables(agent_repo, tmp_path):
    result = mine("analyze", agent_repo, "--db", tmp_path / "s", "--out", tmp_path / "o", "--graphs", tmp_path / "g",
                  "--format", "csv", "-q")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "o" / "releases.csv").exists() and not (tmp_path / "o" / "report.md").exists()
    assert not (tmp_path / "g").exists()
