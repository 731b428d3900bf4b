"""Forged commits (a message that mimics the walk's record separator, an author line without e-mail or
date, a time past year 9999) are read as git reads them: the rest of the history is analysed."""
from __future__ import annotations

from fixtures.hostile import workspace_repo
from miner.analysis import analyze
from miner.history import walk
from tests.conftest import git


def test_a_message_ending_like_a_record_separator_does_not_split_the_walk(tmp_path):
    builder, first = workspace_repo(tmp_path / "repo.git")
    forged = f"second\n\nbody\x1e{first}"  # what the next record of the stream would start with
    second = builder.commit(forged, {"a/src/x.rs": "fn x() {}\n", f"\x1e{first}": "a file so named\n"},
                            when="2025-01-02T00:00:00+00:00")
    third = builder.commit("third", {"b/src/y.rs": "fn y() {}\n"}, when="2025-01-03T00:00:00+00:00")
    builder.tag("v0.2.0", third)
    walked = {commit.sha: commit for commit in walk(builder.repo.path, [str(third)])}
    assert sorted(walked) == sorted(git(builder.repo.path, "rev-list", str(third)).split())
    assert walked[str(second)].subject == "second"
    assert set(walked[str(second)].files) == {"a/src/x.rs", f"\x1e{first}"}
    assert walked[str(third)].files == ("b/src/y.rs",)
    result = analyze(builder.repo.path, db=tmp_path / "s.sqlite")
    assert result.tables["releases"]["commits"].tolist() == [1, 2]
