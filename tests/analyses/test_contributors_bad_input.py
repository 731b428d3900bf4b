"""Bad input is counted in `attribution_issues` and never stops the attribution."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from fixtures.contributors import HUGE_FILES, contributors_repo_for, mined, tables_for
from miner.pipeline import analyze
from miner.sources.history import history_boundaries
from tests.conftest import git

repo = pytest.fixture(scope="module", name="repo")(contributors_repo_for)
tables = pytest.fixture(scope="module", name="tables")(tables_for)


@pytest.fixture(scope="module")
def issues(tables):
    return tables, dict(zip(tables["attribution_issues"]["issue"], tables["attribution_issues"]["commits"]))


def subject(repo, sha: str) -> str:
    return git(repo, "log", "-1", "--format=%s", sha).strip()


def test_merges_and_octopus_merges_are_counted_not_attributed(repo, issues):
    _, found = issues
    parents = [len(line.split()) - 1 for line in git(repo, "log", "--all", "--format=%H %P").splitlines()]
    assert found["merge (not attributed)"] == sum(n > 1 for n in parents) == 2
    assert found["octopus merge (not attributed)"] == sum(n > 2 for n in parents) == 1


def test_empty_email_and_non_utf8_author_are_attributed(repo, issues):
    tables, found = issues
    assert found["empty author e-mail"] == 1 and found["author or co-author not valid UTF-8"] == 1
    names = set(tables["specialization"]["name"])
    assert {"Anonymous Coward", "Jos\ufffd Garc\ufffda"} <= names


def test_non_utf8_path_lands_in_its_bucket(issues):
    tables, found = issues
    assert found["path not valid UTF-8"] == 1
    root = tables["contributors"][tables["contributors"]["package"] == "(root)"]
    assert "Linus Torvalds" in set(root["name"])


def test_huge_commit_is_flagged_and_attributed_in_full(repo, issues):
    tables, found = issues
    sha = tables["attribution_issues"].set_index("issue").loc["huge commit (1000+ files)", "example"]
    assert found["huge commit (1000+ files)"] == 1 and subject(repo, sha) == "Generate bindings"
    files = len(git(repo, "show", "--name-only", "--format=", sha).split())
    assert files == HUGE_FILES
    rows = tables["release_contributors"]
    grace = rows[(rows["name"] == "Grace Hopper") & (rows["package"] == "fx-core") & (rows["release"] == "rust-v0.3.0")]
    assert grace["files"].sum() == HUGE_FILES


def test_shallow_history_boundaries_are_not_attributed(repo, tmp_path):
    shallow = tmp_path / "shallow.git"
    subprocess.run(["git", "clone", "-q", "--bare", "--depth", "6", "--no-single-branch", f"file://{repo}",
                    str(shallow)], check=True)
    boundaries = set((shallow / "shallow").read_text().split())
    assert history_boundaries(shallow) == boundaries
    tables = mined(shallow, tmp_path / "s.sqlite")
    found = tables["attribution_issues"].set_index("issue")
    assert found.loc["shallow or grafted boundary (files not attributed)", "commits"] == len(boundaries) == 3
    assert "huge commit (1000+ files)" not in found.index  # the boundary was the huge commit: its tree is not its work
    released = git(shallow, "rev-list", "--no-merges", "--count", *tables["releases"]["tag"])  # the team window
    assert tables["agent_work"][tables["agent_work"]["layer"] == "(all)"]["commits"].sum() == int(released) - len(
        boundaries & set(git(shallow, "rev-list", *tables["releases"]["tag"]).split()))


def test_grafted_commit_is_a_boundary(repo, tmp_path):
    grafted = tmp_path / "grafted.git"
    shutil.copytree(repo, grafted)
    sha = git(grafted, "rev-parse", "rust-v0.1.0").strip()
    (grafted / "info").mkdir(exist_ok=True)
    (grafted / "info" / "grafts").write_text(f"{sha}\n")  # no parents: history stops there, for git and libgit2
    assert history_boundaries(grafted) == {sha}
    tables = mined(grafted, tmp_path / "s.sqlite")
    found = tables["attribution_issues"].set_index("issue")
    assert found.loc["shallow or grafted boundary (files not attributed)", "example"] == sha


def test_replacement_objects_are_ignored_like_libgit2_does(repo, tmp_path):
    """`git replace --graft` rewrites one copy's history for git only; miner reads the objects the tags name."""
    replaced = tmp_path / "replaced.git"
    shutil.copytree(repo, replaced)
    git(replaced, "replace", "--graft", git(replaced, "rev-parse", "rust-v0.1.0").strip())
    assert history_boundaries(replaced) == frozenset()
    plain, tables = mined(repo, tmp_path / "plain.sqlite"), mined(replaced, tmp_path / "s.sqlite")
    assert tables.keys() == plain.keys()
    for name in tables:
        assert tables[name].equals(plain[name]), name


def test_unreadable_tree_costs_file_lists_not_the_run(repo, tmp_path):
    damaged = tmp_path / "damaged.git"
    shutil.copytree(repo, damaged)
    tree = git(damaged, "log", "--all", "--format=%T", "--grep=^CLI help$").strip()
    (damaged / "objects" / tree[:2] / tree[2:]).unlink()
    tables = analyze(str(damaged), db=tmp_path / "s.sqlite").tables  # the store keeps no damaged history
    found = tables["attribution_issues"].set_index("issue")
    # git refuses the walk, so miner reads it object by object (miner.sources.history.walk_objects): only the commits
    # that cannot be diffed lose their file lists, the damaged one and those diffed against it.
    trees = dict(line.split()[:2] for line in git(damaged, "log", "--all", "--format=%H %T").splitlines())
    lost = [sha for sha, parents in (line.split(" ", 1) for line in git(damaged, "log", "--all", "--no-merges",
                                                                          "--format=%H %P").splitlines())
            if trees[sha] == tree or (parents.split() and trees[parents.split()[0]] == tree)]
    assert found.loc["no changed files (empty commit or unreadable tree)", "commits"] == len(lost) == 2
    assert tables["contributors"]["commits"].sum() > 0