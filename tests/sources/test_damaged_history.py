from dataclasses import replace

"""A repository with missing objects: the broken release gets a warning, the others are analysed."""
import shutil
import subprocess

import pandas as pd
import pytest

from miner.outputs.publish import publish
from miner.outputs.report import render_section
from miner.pipeline import analyze
from tests.conftest import git


def remove_object(repo, sha):
    path = repo / "objects" / sha[:2] / sha[2:]
    path.unlink()


@pytest.fixture
def repo(agent_repo, tmp_path):
    copy = tmp_path / "agent.git"
    shutil.copytree(agent_repo, copy)
    return copy


def test_missing_blob_does_not_disturb_the_walk(repo, agent_repo, tmp_path):
    intact = analyze(str(agent_repo), db=tmp_path / "intact.sqlite")
    blob = git(repo, "rev-parse", "rust-v0.1.0:README.md").strip()
    remove_object(repo, blob)
    result = analyze(str(repo), db=tmp_path / "s.sqlite")
    assert result.warnings == intact.warnings
    assert result.tables["releases"].drop(columns="commit").equals(intact.tables["releases"].drop(columns="commit"))


def test_missing_tree_costs_a_warning_on_the_releases_that_reach_it(repo, tmp_path):
    tree = git(repo, "rev-parse", "rust-v0.5.0-alpha.1^{tree}").strip()
    remove_object(repo, tree)
    result = analyze(str(repo), db=tmp_path / "s.sqlite")
    warned = {w.tag for w in result.warnings}
    assert "rust-v0.5.0-alpha.1" in warned
    messages = {w.message.split(" (")[0] for w in result.warnings if w.tag == "rust-v0.5.0-alpha.1"}
    assert messages == {"changed files unavailable for 1 commit", "tree unreadable, architecture skipped"}
    releases = result.tables["releases"].set_index("tag")
    assert releases.loc["rust-v0.5.0-alpha.1", "commits"] == int(
        git(repo, "rev-list", "--no-merges", "--count", "rust-v0.2.0..rust-v0.5.0-alpha.1"))


def test_a_missing_tree_costs_the_file_lists_of_its_commit_only_and_a_repair_is_read(repo, agent_repo, tmp_path):
    whole = analyze(str(agent_repo), db=tmp_path / "intact.sqlite")
    intact = whole.tables
    tree = git(repo, "rev-parse", "rust-v0.5.0-alpha.1^{tree}").strip()
    saved = (repo / "objects" / tree[:2] / tree[2:]).read_bytes()
    remove_object(repo, tree)
    db = tmp_path / "s.sqlite"
    first = analyze(str(repo), db=db)
    damaged = first.tables
    out, graphs = tmp_path / "out", tmp_path / "graphs"
    publish(replace(first, tables=damaged), out, graphs)
    issues = dict(zip(damaged["attribution_issues"]["issue"], damaged["attribution_issues"]["commits"]))
    before = dict(zip(intact["attribution_issues"]["issue"], intact["attribution_issues"]["commits"]))
    empty = "no changed files (empty commit or unreadable tree)"
    assert issues.get(empty, 0) == before.get(empty, 0) + 1
    assert damaged["contributors"]["commits"].sum() >= intact["contributors"]["commits"].sum() - 1
    (repo / "objects" / tree[:2] / tree[2:]).write_bytes(saved)
    repaired = analyze(str(repo), db=db)
    assert repaired.warnings == whole.warnings and repaired.walked > 0
    assert publish(repaired, out, graphs).written
    assert (out / "contributors.csv").read_text() == intact["contributors"].to_csv(index=False)
    for name in ("contributors", "releases", "packages"):
        assert repaired.tables[name].to_csv(index=False) == intact[name].to_csv(index=False), name


def test_missing_commit_breaks_only_the_releases_that_contain_it(repo, tmp_path):
    release_commit = git(repo, "rev-parse", "rust-v0.6.0^{commit}").strip()
    remove_object(repo, release_commit)
    result = analyze(str(repo), db=tmp_path / "s.sqlite")
    skipped = dict(zip(result.tables["skipped"]["tag"], result.tables["skipped"]["reason"]))
    assert skipped["rust-v0.6.0"] == "points at a missing object"
    releases = result.tables["releases"].set_index("tag")
    assert releases.loc["rust-v0.7.0", "commits"] == int(
        git(repo, "rev-list", "--no-merges", "--count", "rust-v0.6.1..rust-v0.7.0"))


def test_missing_commit_on_main_empties_only_the_counts_git_cannot_give(repo, tmp_path):
    missing = git(repo, "rev-parse", "rust-v0.6.0~2").strip()
    remove_object(repo, missing)
    result = analyze(str(repo), db=tmp_path / "s.sqlite")
    releases = result.tables["releases"]
    assert len(releases) == 13
    for row in releases.itertuples():
        revisions = [f"{row.previous}..{row.tag}"] if row.previous else [row.tag]
        oracle = subprocess.run(["git", "--git-dir", str(repo), "rev-list", "--no-merges", "--count", *revisions],
                                capture_output=True, text=True)
        if oracle.returncode == 0:
            assert row.commits == int(oracle.stdout), row.tag
        else:
            assert pd.isna(row.commits) and pd.isna(row.contributors), row.tag
    assert any("unreadable" in w.message for w in result.warnings)


def test_a_shallow_clone_warns_on_the_releases_it_cuts_and_unshallowing_is_read(agent_repo, tmp_path):
    shallow = tmp_path / "shallow.git"
    subprocess.run(["git", "clone", "-q", "--bare", "--no-single-branch", "--depth", "4", f"file://{agent_repo}",
                    str(shallow)], check=True)
    db = tmp_path / "s.sqlite"
    result = analyze(str(shallow), db=db)
    cut = {w.tag for w in result.warnings if "shallow or grafted boundary" in w.message}
    boundary = set((shallow / "shallow").read_text().split())
    expected = {row.tag for row in result.tables["releases"].itertuples()
                if boundary & set(git(shallow, "rev-list", row.tag, *([f"^{row.previous}"] if row.previous else []))
                                  .split())}
    assert cut == expected and cut
    assert "Caveats:" in render_section("summary", result, {})
    subprocess.run(["git", "--git-dir", str(shallow), "fetch", "-q", "--unshallow", "--tags", "origin"], check=True)
    again = analyze(str(shallow), db=db)
    assert again.walked > 0 and not any("shallow" in w.message for w in again.warnings)
    whole = analyze(str(agent_repo), db=tmp_path / "whole.sqlite").tables["releases"]
    assert again.tables["releases"][["tag", "commits", "contributors"]].equals(whole[["tag", "commits", "contributors"]])


@pytest.mark.parametrize("damaged", ["rust-v0.6.0~2", "rust-v0.5.0-alpha.1^{tree}"], ids=["commit", "tree"])
def test_every_later_run_over_the_same_damage_warns_and_counts_as_the_first(repo, tmp_path, damaged):
    remove_object(repo, git(repo, "rev-parse", damaged).strip())
    db = tmp_path / "s.sqlite"
    first, second, third = (analyze(str(repo), db=db) for _ in range(3))
    assert any("changed files unavailable" in w.message for w in first.warnings)
    assert first.warnings == second.warnings == third.warnings
    assert first.inputs == second.inputs == third.inputs == ""  # never taken as complete, so never reused
    for name, table in first.tables.items():
        assert table.to_csv(index=False) == third.tables[name].to_csv(index=False), name
