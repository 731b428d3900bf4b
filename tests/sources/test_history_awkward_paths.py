"""File names that start with or are newlines come out of the history walk as git stores them.

Found by hypothesis (the fuzz tests, commit records as git prints
them): git writes one newline before the first path of a commit, and the walk
stripped every leading newline, so a first file named "\\nlead" was read as
"lead" and one named "\\n" was lost.
"""
from miner._sample.builder import RepoBuilder
from miner.sources.history import walk

AWKWARD = {"\n": "a newline\n", "\n\nlead": "two newlines first\n", "a\nb": "one inside\n", "plain": "x\n"}


def test_first_paths_keep_their_leading_newlines(tmp_path):
    builder = RepoBuilder(tmp_path / "awkward.git", bare=True)
    root = builder.commit("paths", AWKWARD, when="2025-07-01T10:00:00+00:00")
    builder.commit("one path", {"\nonly": "x\n"}, when="2025-07-02T10:00:00+00:00")
    commits = {c.subject: c for c in walk(tmp_path / "awkward.git", [str(builder.repo.head.target)])}
    assert sorted(commits["paths"].files) == sorted(AWKWARD)
    assert commits["one path"].files == ("\nonly",)
    assert commits["paths"].sha == str(root)
