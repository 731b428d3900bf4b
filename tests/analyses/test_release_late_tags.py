"""A release tagged out of version order is no in-order release's previous, and its own previous is the release
it descends from with the smallest range (a backport's: the one before it on its branch)."""
from __future__ import annotations

import pytest

from fixtures.late_tags import backport as backport_repo
from fixtures.late_tags import codex_late_tag, stray_high_tag, two_backports
from miner.errors import MinerError
from miner.pipeline import analyze
from tests.conftest import git


@pytest.fixture(scope="module")
def codex(tmp_path_factory):
    return codex_late_tag(tmp_path_factory.mktemp("codex") / "r.git")


@pytest.fixture(scope="module")
def backport(tmp_path_factory):
    return backport_repo(tmp_path_factory.mktemp("backport") / "r.git")


def releases(path, tmp_path):
    return analyze(str(path), db=tmp_path / "s.sqlite").tables["releases"].set_index("tag")


def count(path, previous: str, tag: str) -> int:
    return int(git(path, "rev-list", "--no-merges", "--count", f"{previous}..{tag}"))


def test_codex_late_tag_is_nobodys_previous_and_follows_the_release_nearest_it(codex, tmp_path):
    table = releases(codex, tmp_path)
    late = "rust-v0.0.2508241142"
    assert table.loc[late, "out_of_order"]
    assert late not in set(table["previous"])
    assert table.loc["rust-v0.2.0", "previous"] == "rust-v0.0.2506261603"
    assert table.loc["rust-v0.24.0", "previous"] == "rust-v0.23.0"
    assert table.loc[late, "previous"] == "rust-v0.23.0"
    candidates = [tag for tag in table.index if table.loc[tag, "stable"] and not table.loc[tag, "out_of_order"]
                  and table.loc[tag, "date"] < table.loc[late, "date"]]
    sizes = {tag: count(codex, tag, late) for tag in candidates}
    assert sizes["rust-v0.23.0"] == min(sizes.values()) == 5 < sizes["rust-v0.0.2506261603"]
    for tag, row in table.iterrows():
        if row["previous"]:
            assert row["commits"] == count(codex, row["previous"], tag), tag


def test_a_backport_keeps_its_predecessor_on_its_branch(backport, tmp_path):
    table = releases(backport, tmp_path)
    assert table.loc["v1.38.2", "out_of_order"]
    assert table.loc["v1.38.2", "previous"] == "v1.38.1"
    assert table.loc["v1.41.0", "previous"] == "v1.40.0"
    assert table.loc["v1.40.0", "previous"] == "v1.38.1"
    for tag, row in table.iterrows():
        if row["previous"]:
            assert row["commits"] == count(backport, row["previous"], tag), tag
    assert table.loc["v1.38.2", "commits"] == 1


def test_backports_tagged_after_a_main_line_release_leave_it_in_order(tmp_path):
    """tokio 1.48.0, then 1.47.2 and 1.47.3, then 1.49.0: the backports are out of order, not 1.48.0, so
    1.49.0 counts from 1.48.0 as `git rev-list v1.48.0..v1.49.0` does."""
    path = two_backports(tmp_path / "r.git")
    table = releases(path, tmp_path)
    assert table[table["out_of_order"]].index.tolist() == ["v1.47.2", "v1.47.3"]
    assert table.loc["v1.49.0", "previous"] == "v1.48.0"
    assert table.loc["v1.48.0", "previous"] == "v1.47.1"
    assert table.loc["v1.47.2", "previous"] == "v1.47.1"
    assert table.loc["v1.47.3", "previous"] == "v1.47.2"  # the backport before it on its branch
    for tag, row in table.iterrows():
        if row["previous"]:
            assert row["commits"] == count(path, row["previous"], tag), tag
    assert table.loc["v1.49.0", "commits"] == 4


def test_a_stray_high_tag_is_out_of_order_not_the_releases_after_it(tmp_path):
    path = stray_high_tag(tmp_path / "r.git")
    table = releases(path, tmp_path)
    assert table[table["out_of_order"]].index.tolist() == ["v9.0.0"]
    assert table.loc["v0.3.0", "previous"] == "v0.2.0"


@pytest.mark.parametrize("fixture", ["codex", "backport"])
def test_the_stable_releases_commits_are_counted_once_where_ranges_overlap(fixture, request, tmp_path):
    """A late tag's range and the next release's hold the same commits; `new_commits` counts each once,
    as the union of the stable ranges `git rev-list PREV..TAG` lists."""
    path = request.getfixturevalue(fixture)
    table = releases(path, tmp_path)
    stable = table[table["stable"]]
    union = set()
    for tag, row in stable.iterrows():
        span = f"{row['previous']}..{tag}" if row["previous"] else tag
        union |= set(git(path, "rev-list", "--no-merges", span).split())
    assert int(stable["new_commits"].sum()) == len(union)
    assert (stable["new_commits"] <= stable["commits"]).all()
    if fixture == "codex":
        assert int(stable["commits"].sum()) > len(union)  # the overlap this column is there for


def test_a_support_line_with_many_backports_leaves_the_main_line_in_order():
    """v1.9.1 ... v1.9.8 tagged between v2.0.0 and v2.3.0: eight backports, three main-line releases among
    them; no main-line release alone precedes more than three of them, so none is taken for a stray."""
    from datetime import datetime, timedelta

    from miner.analyses.releases import _out_of_order

    start = datetime(2025, 1, 1)
    dated = {f"v1.9.{n}": 10 + 10 * n for n in range(1, 9)} | {"v2.0.0": 0, "v2.1.0": 25, "v2.2.0": 55, "v2.3.0": 95}
    order = sorted(dated, key=lambda tag: tuple(int(part) for part in tag[1:].split(".")))
    found = _out_of_order([(tag, start + timedelta(days=dated[tag])) for tag in order])
    assert found == {f"v1.9.{n}" for n in range(1, 9)}
    stray = {f"v1.{n}.0": 5 + 10 * n for n in range(10)} | {"v9.0.0": 0}
    order = sorted(stray, key=lambda tag: tuple(int(part) for part in tag[1:].split(".")))
    assert _out_of_order([(tag, start + timedelta(days=stray[tag])) for tag in order]) == {"v9.0.0"}


def test_skip_tags_leaves_a_stray_tag_out_and_names_why(tmp_path):
    path = stray_high_tag(tmp_path / "r.git")
    analysis = analyze(str(path), db=tmp_path / "s.sqlite", skip_tags=r"^v9\.")
    table = analysis.tables["releases"].set_index("tag")
    assert "v9.0.0" not in table.index and not table["out_of_order"].any()
    assert table.loc["v0.2.0", "previous"] == "v0.1.0"
    assert table.loc["v0.2.0", "commits"] == count(path, "v0.1.0", "v0.2.0")  # the stray's commit is v0.2.0's now
    skipped = analysis.tables["skipped"].set_index("tag")
    assert skipped.loc["v9.0.0", "reason"] == "matches --skip-tags '^v9\\\\.'"


def test_skip_tags_that_is_no_regular_expression_is_a_one_line_error(tmp_path):
    with pytest.raises(MinerError, match=r"^--skip-tags '\(': not a regular expression"):
        analyze(str(stray_high_tag(tmp_path / "r.git")), db=tmp_path / "s.sqlite", skip_tags="(")


def test_an_unknown_release_names_the_highest_versions_not_the_latest_tagged(tmp_path):
    with pytest.raises(MinerError, match=r"--release 'v9.9.9' is no release of line 'v' \(highest: v1\.49\.0, "
                                         r"v1\.48\.0, v1\.47\.3, v1\.47\.2, v1\.47\.1\)$"):
        analyze(str(two_backports(tmp_path / "r.git")), db=tmp_path / "s.sqlite", snapshot="v9.9.9")
