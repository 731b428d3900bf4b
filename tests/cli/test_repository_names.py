"""Repository names are one safe folder name, so outputs never leave `reports/`, `graphs/` or `--out`."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pygit2
import pytest

from miner._sample.builder import RepoBuilder
from miner.errors import MinerError
from miner.outputs.publish import publish
from miner.paths import safe_name
from miner.pipeline import Analysis, analyze
from miner.sources.repository import open_repository

MINE = [sys.executable, "-c", "from miner.cli import main; main()"]
USERS_REPORT = "# My own notes\n\nNothing miner may touch.\n"


def mine(*args, cwd):
    return subprocess.run([*MINE, *map(str, args)], capture_output=True, text=True, cwd=cwd)


def build(path: Path, bare: bool = True) -> Path:
    """A one-release repository with a crate (so graphs are written too)."""
    builder = RepoBuilder(path, bare=bare)
    tip = builder.commit("Start", {"Cargo.toml": '[package]\nname = "one"\nversion = "1.0.0"\n',
                                   "src/lib.rs": "\n"}, when="2025-01-01T10:00:00+00:00")
    builder.tag("v1.0.0", tip)
    return path


@pytest.fixture
def workdir(tmp_path) -> Path:
    """The user's working directory, holding a report.md of their own."""
    where = tmp_path / "work"
    where.mkdir()
    (where / "report.md").write_text(USERS_REPORT)
    return where


def files_outside_reports(where: Path) -> set[str]:
    return {str(p.relative_to(where)) for p in where.rglob("*")
            if p.parts[len(where.parts)] not in ("reports", "graphs", "s.sqlite")}


def test_a_directory_named_x_plus_dotdot_keeps_the_outputs_under_reports(workdir):
    build(workdir / "x+..")
    before = files_outside_reports(workdir)
    done = mine("analyze", "x+..", "--db", "s.sqlite", "-q", cwd=workdir)
    assert done.returncode == 0, done.stderr
    assert (workdir / "report.md").read_text() == USERS_REPORT
    assert files_outside_reports(workdir) == before
    assert (workdir / "reports" / "x-.." / "report.md").is_file()
    assert (workdir / "graphs" / "x-.." / "packages.gexf").is_file()


def test_a_clone_of_evil_plus_dotdot_is_named_safely_and_analysed_under_reports(workdir, tmp_path):
    build(tmp_path / "upstream" / "evil+..")
    done = mine("clone", f"file://{tmp_path}/upstream/evil+..", "-q", cwd=workdir)
    assert done.returncode == 0, done.stderr
    status, name, path = done.stdout.strip().split("\t")
    assert (status, name) == ("cloned", "evil-..")
    assert Path(path).parent == tmp_path / "miner-home" / "repos"
    before = files_outside_reports(workdir)
    done = mine("analyze", name, "--db", "s.sqlite", "-q", cwd=workdir)
    assert done.returncode == 0, done.stderr
    assert (workdir / "report.md").read_text() == USERS_REPORT
    assert files_outside_reports(workdir) == before
    assert (workdir / "reports" / "evil-.." / "report.md").is_file()


def test_name_option_outside_reports_is_a_one_line_error_and_writes_nothing(workdir, tmp_path):
    build(tmp_path / "repo.git")
    before = files_outside_reports(workdir)
    done = mine("analyze", tmp_path / "repo.git", "--name", "../../../x", "--db", "s.sqlite", cwd=workdir)
    assert done.returncode == 1
    assert done.stderr.startswith("mine: error: --name '../../../x': a repository name is one folder name")
    assert done.stderr.count("\n") == 1, done.stderr
    assert files_outside_reports(workdir) == before
    assert not (workdir / "reports").exists() and not (tmp_path / "x").exists()


@pytest.mark.parametrize("name", ["..", ".", "", "a/b", ".hidden", "x" * 101, "a\\b", "a\nb", "a\x00b"])
def test_name_option_must_be_one_safe_folder_name(name, tmp_path):
    build(tmp_path / "repo.git")
    with pytest.raises(MinerError, match="^--name .*: a repository name is one folder name"):
        analyze(str(tmp_path / "repo.git"), db=tmp_path / "s.sqlite", name=name)


def test_a_name_option_that_is_safe_names_the_folders(workdir, tmp_path):
    build(tmp_path / "repo.git")
    assert mine("analyze", tmp_path / "repo.git", "--name", "Codex_CLI-2.x", "--db", "s.sqlite", "-q",
                cwd=workdir).returncode == 0
    assert (workdir / "reports" / "Codex_CLI-2.x" / "report.md").is_file()


@pytest.mark.parametrize("directory, name", [("x+..", "x-.."), ("openai+codex", "codex"), ("agent.git", "agent"),
                                             ("a b.git", "a-b"), ("données", "données"), (".hidden.git", "hidden"),
                                             ("+..", "-.."), ("a+.b", "b")])
def test_derived_names_are_safe(directory, name, tmp_path):
    build(tmp_path / directory)
    assert open_repository(str(tmp_path / directory)).name == name


def test_a_directory_that_gives_no_name_asks_for_one(workdir, tmp_path):
    build(tmp_path / "...")
    done = mine("analyze", tmp_path / "...", "--db", "s.sqlite", cwd=workdir)
    assert done.returncode == 1 and "give --name" in done.stderr, done.stderr
    assert mine("analyze", tmp_path / "...", "--name", "dots", "--db", "s.sqlite", "-q", cwd=workdir).returncode == 0
    assert (workdir / "reports" / "dots" / "report.md").is_file()


@pytest.mark.parametrize("worktree", ["/", "elsewhere", "elsewhere/.."])
def test_the_repositorys_core_worktree_does_not_rename_it(worktree, tmp_path):
    """libgit2 reports the work tree the repository's own config names; the name comes from the git directory."""
    build(tmp_path / "proj", bare=False)
    (tmp_path / "elsewhere").mkdir()
    config = pygit2.Repository(str(tmp_path / "proj" / ".git")).config
    config["core.worktree"] = worktree if worktree == "/" else str(tmp_path / worktree)
    assert open_repository(str(tmp_path / "proj")).name == "proj"
    assert open_repository(str(tmp_path / "proj" / ".git")).name == "proj"


def test_mine_report_names_its_folders_after_the_analysed_name_not_the_path_given(workdir, tmp_path):
    repo = build(tmp_path / "proj.git")
    assert mine("analyze", repo, "--db", "s.sqlite", "-q", cwd=workdir).returncode == 0
    done = mine("report", repo, "--db", "s.sqlite", "--out", "custom", cwd=workdir)
    assert done.returncode == 0, done.stderr
    done = mine("report", repo, "--db", "s.sqlite", cwd=workdir)
    assert done.returncode == 0, done.stderr
    assert not (repo / "report.md").exists() and not (repo / "releases.csv").exists()
    assert (workdir / "reports" / "proj" / "report.md").is_file()
    assert (workdir / "custom" / "report.md").is_file()
    assert (workdir / "report.md").read_text() == USERS_REPORT


@pytest.mark.parametrize("name", ["..", "../x", "/tmp/x", ""])
def test_publish_refuses_a_name_that_is_no_folder_name_for_its_default_folders(name, workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    with pytest.raises(MinerError, match="give the folder"):
        publish(Analysis(name, "", "", {}), None)
    assert files_outside_reports(workdir) == {"report.md"} and not (workdir / "reports").exists()


def test_safe_name_keeps_names_that_are_already_safe():
    for name in ["codex", "claude-code", "gemini-cli", "Roo-Code", "amazon-q-developer-cli", "x.y_z", "v2"]:
        assert safe_name(name) == name
