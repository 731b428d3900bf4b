"""Forged commits (a message that mimics the walk's record separator, an author line without e-mail or
date, a time past year 9999) are read as git reads them: the rest of the history is analysed."""
from __future__ import annotations

import pandas as pd
import pygit2
import pytest

from fixtures.forged import WHEN, raw_commit, workspace_repo
from miner.pipeline import analyze
from miner.sources.history import walk, walk_objects
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


@pytest.mark.parametrize("line", ["Nobody", "A <a@example.com> 9999999999999999999 +0000"])
def test_an_author_line_git_cannot_parse(tmp_path, line):
    """No e-mail or date, or a time no time_t holds: pygit2 cannot read the commit, git shows it undated."""
    builder, first = workspace_repo(tmp_path / "repo.git")
    repo = builder.repo
    tree = repo[first].tree.id
    broken = raw_commit(repo, tree, first, line, line)
    repo.references.create("refs/tags/v0.2.0", broken)
    after = raw_commit(repo, tree, broken, "A <a@example.com> 1735862400 +0000", "A <a@example.com> 1735862400 +0000")
    repo.references.create("refs/heads/main", after, force=True)
    repo.references.create("refs/tags/v0.3.0", after)
    result = analyze(repo.path, db=tmp_path / "s.sqlite")
    skipped = dict(zip(result.tables["skipped"]["tag"], result.tables["skipped"]["reason"]))
    assert skipped["v0.2.0"].startswith(f"points at an object that cannot be read ({broken}: failed to parse")
    releases = result.tables["releases"].set_index("tag")
    assert list(releases.index) == ["v0.1.0", "v0.3.0"]
    assert releases.loc["v0.3.0", "commits"] == int(git(repo.path, "rev-list", "--count", "v0.1.0..v0.3.0")) == 2
    walked = {commit.sha: commit for commit in walk(repo.path, [str(after)])}
    assert (walked[str(broken)].author_time, walked[str(broken)].commit_time) == (0, 0)  # as git dates it


def test_a_commit_time_past_year_9999(tmp_path):
    builder, first = workspace_repo(tmp_path / "repo.git")
    repo = builder.repo
    changed = builder.commit("only its tree is used", {"a/src/y.rs": "fn y() {}\n"}, when=WHEN, branch="")
    far = raw_commit(repo, repo[changed].tree.id, first, "A <a@example.com> 99999999999999 +0000",
                     "A <a@example.com> 99999999999999 +0000")
    repo.references.create("refs/tags/v0.2.0", far)
    after = raw_commit(repo, repo[changed].tree.id, far, "A <a@example.com> 1735862400 +0000",
                       "A <a@example.com> 1735862400 +0000")
    repo.references.create("refs/heads/main", after, force=True)
    repo.references.create("refs/tags/v0.3.0", after)  # the far commit is released: in the team window
    result = analyze(repo.path, db=tmp_path / "s.sqlite")
    skipped = dict(zip(result.tables["skipped"]["tag"], result.tables["skipped"]["reason"]))
    assert skipped["v0.2.0"] == "dated 3170843-11-07, past the years 1 to 9999 that Python's dates hold"
    assert result.tables["releases"]["tag"].tolist() == ["v0.1.0", "v0.3.0"]
    window = result.tables["attribution_window"].iloc[0]
    assert (window["first"], window["last"]) == ("2025-01-01", "3170843-11-07")  # as git log --date=short says
    assert git(repo.path, "log", "-1", "--format=%cd", "--date=short", str(far)).strip() == "3170843-11-07"


def test_a_changelog_line_holding_the_separator_does_not_split_its_history(tmp_path):
    builder, _ = workspace_repo(tmp_path / "repo.git", {"CHANGELOG.md": "# Changelog\n\n## 0.1.0\n- first\n"})
    text = "# Changelog\n\n## 0.3.0 \x1eforged header\n- x\n\n## 0.2.0\n- y\n\n## 0.1.0\n- first\n"
    added = builder.commit("changelog", {"CHANGELOG.md": text}, when="2025-02-01T00:00:00+00:00")
    notes = analyze(builder.repo.path, db=tmp_path / "s.sqlite").tables["notes"].set_index("version")
    written = git(builder.repo.path, "log", "-1", "--format=%cI", str(added)).strip()
    assert notes.loc["0.2.0", "date"] == notes.loc["0.3.0", "date"] == pd.Timestamp(written)


def test_a_message_in_an_unknown_encoding_is_read_object_by_object_too(tmp_path):
    """The walk's fallback (for histories git cannot walk) reads messages as bytes, as the stream does."""
    builder, first = workspace_repo(tmp_path / "repo.git")
    repo = builder.repo
    text = (f"tree {repo[first].tree.id}\nparent {first}\nauthor A <a@example.com> 1735862400 +0000\n"
            "committer A <a@example.com> 1735862400 +0000\nencoding no-such-encoding\n\nsubject \xff\n")
    odd = repo.odb.write(pygit2.enums.ObjectType.COMMIT, text.encode("latin-1"))
    (commit, _) = walk_objects(repo, [str(odd)], set())
    assert commit.subject == "subject \ufffd" == next(walk(repo.path, [str(odd)])).subject


def test_an_annotated_tag_whose_message_is_not_utf8_is_a_release(tmp_path):
    builder, first = workspace_repo(tmp_path / "repo.git")
    repo = builder.repo
    text = f"object {first}\ntype commit\ntag v0.2.0\ntagger A <a@example.com> 1735862400 +0000\n\nnotes \xff\n"
    repo.references.create("refs/tags/v0.2.0", repo.odb.write(pygit2.enums.ObjectType.TAG, text.encode("latin-1")))
    result = analyze(repo.path, db=tmp_path / "s.sqlite")
    assert result.tables["releases"]["tag"].tolist() == ["v0.1.0", "v0.2.0"]
    assert result.tables["releases"]["annotated"].tolist() == [False, True]
