"""The team window ends with the line's last release; commits after it are counted in a warning past 10%."""
from __future__ import annotations

import pytest

from fixtures.late_tags import work
from miner._sample.builder import RepoBuilder
from miner.pipeline import analyze
from tests.conftest import git


def repo_with_unreleased(path, later: int):
    """Nine commits up to v1.0.0, then `later` commits on main that no release holds."""
    builder = RepoBuilder(path, bare=True)
    work(builder, 9, 0, "before")
    builder.tag("v1.0.0", builder.repo.head.target)
    work(builder, later, 5, "after")
    return builder.repo.path


@pytest.mark.parametrize("later, warned", [(1, False), (2, True)])  # 1 of 10 is 10%; 2 of 11 is over
def test_commits_after_the_last_release_are_out_of_the_window_and_said(tmp_path, later, warned):
    path = repo_with_unreleased(tmp_path / "r.git", later)
    result = analyze(path, db=tmp_path / "s.sqlite")
    work_rows = result.tables["agent_work"]
    assert work_rows[work_rows["layer"] == "(all)"]["commits"].sum() == int(git(path, "rev-list", "--count", "v1.0.0"))
    every = int(git(path, "rev-list", "--count", "--all"))
    messages = [w.message for w in result.warnings if "after the last release" in w.message]
    assert messages == ([f"{later} of {every} non-merge commits ({later / every:.0%}) come after the last release of "
                         "line 'v' (v1.0.0, 2025-06-01): the team tables stop at that release (give --until to "
                         "count them, or --line/--tags for another line)"] if warned else [])
