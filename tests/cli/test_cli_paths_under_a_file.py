"""A store, output folder or miner home asked for under an existing file is a one-line error naming the file."""

import pytest

from tests.cli.test_cli_analyze import assert_one_line_error, mine


@pytest.fixture
def blocker(tmp_path):
    path = tmp_path / "somefile"
    path.write_text("a user's file\n")
    return path


@pytest.mark.parametrize("option", ["--db", "--out", "--graphs"])
def test_analyze_option_under_a_file(agent_repo, tmp_path, blocker, option):
    paths = {"--db": tmp_path / "s.sqlite", "--out": tmp_path / "out", "--graphs": tmp_path / "graphs"}
    paths[option] = blocker / "x"
    arguments = [part for name, path in paths.items() for part in (name, path)]
    assert_one_line_error(mine("analyze", agent_repo, *arguments, "-q"), f"{blocker / 'x'}: {blocker} is a file")
    assert blocker.read_text() == "a user's file\n"


def test_miner_home_under_a_file(agent_repo, blocker, monkeypatch):
    monkeypatch.setenv("MINER_HOME", str(blocker / "home"))
    assert_one_line_error(mine("analyze", agent_repo, "-q"), str(blocker / "home"), f"{blocker} is a file")


def test_report_and_compare_outputs_under_a_file(agent_repo, tmp_path, blocker):
    db = tmp_path / "s.sqlite"
    assert mine("analyze", agent_repo, "--db", db, "--out", tmp_path / "out", "--graphs", tmp_path / "g",
                "-q").returncode == 0
    assert_one_line_error(mine("report", "agent", "--db", db, "--out", blocker / "x"), f"{blocker} is a file")
    assert_one_line_error(mine("compare", "--db", db, "--out", blocker / "table.md", "-q"), f"{blocker} is a file")
