"""The release timeline against git itself: tags, dates, ranges, commit and contributor counts."""
from datetime import datetime, timedelta

import pytest

from miner._sample.builder import RepoBuilder
from miner.pipeline import analyze
from tests.conftest import git


@pytest.fixture(scope="module")
def releases(agent_repo, tmp_path_factory):
    return analyze(str(agent_repo), db=tmp_path_factory.mktemp("db") / "s.sqlite").tables["releases"]


def test_main_line_is_found_and_other_lines_are_left_out(releases):
    assert set(releases["line"]) == {"rust-v"}
    tags = set(git_tags("rust-v"))
    assert set(releases["tag"]) == tags


def test_release_date_is_tagger_date_else_committer_date(agent_repo, releases):
    oracle = {}
    for line in git(agent_repo, "for-each-ref", "--format=%(refname:short)|%(creatordate:iso-strict)", "refs/tags").splitlines():
        tag, date = line.split("|")
        oracle[tag] = date
    for tag, moment, offset in zip(releases["tag"], releases["date"], releases["offset"]):
        assert moment == datetime.fromisoformat(oracle[tag]) and moment.tzname() == "UTC", tag
        assert offset == oracle[tag][-6:], f"{tag}: offset of the tag's own time zone kept"


def test_releases_are_ordered_by_date(releases):
    assert releases["date"].is_monotonic_increasing


def test_previous_is_the_previous_stable_release_in_version_order(releases):
    previous = dict(zip(releases["tag"], releases["previous"]))
    assert previous["rust-v0.5.0-alpha.2"] == "rust-v0.2.0"
    assert previous["rust-v0.6.0"] == "rust-v0.5.0"
    # The date-stamped tag was made months late: nobody's previous, and it follows the release nearest it.
    assert previous["rust-v0.1.0"] == ""
    assert previous["rust-v0.0.2504291921"] == "rust-v0.1.0"


def test_commit_counts_equal_git_log_ranges(agent_repo, releases):
    for tag, previous, commits in zip(releases["tag"], releases["previous"], releases["commits"]):
        revisions = [f"{previous}..{tag}"] if previous else [tag]
        expected = int(git(agent_repo, "rev-list", "--no-merges", "--count", *revisions))
        assert commits == expected, tag


def test_contributors_equal_mailmapped_authors_without_bots(agent_repo, releases):
    for tag, previous, contributors in zip(releases["tag"], releases["previous"], releases["contributors"]):
        revisions = [f"{previous}..{tag}"] if previous else [tag]
        authors = git(agent_repo, "log", "--no-merges", "--format=%aN|%aE", *revisions).splitlines()
        people = {email.lower() for name, email in (a.split("|") for a in authors) if not name.endswith("[bot]")}
        assert contributors == len(people), tag


def test_first_release_spans_whole_history_and_is_flagged(releases):
    first = releases[releases["first"]]
    assert first["tag"].tolist() == ["rust-v0.1.0"]  # the earlier version was tagged months later


def test_tag_made_months_after_its_neighbours_is_flagged_out_of_order(releases):
    assert releases[releases["out_of_order"]]["tag"].tolist() == ["rust-v0.0.2504291921"]
    stamped = releases[releases["tag"] == "rust-v0.0.2504291921"].iloc[0]
    assert stamped["date_stamp"] == datetime.fromisoformat("2025-04-29T19:21:00+00:00")


def test_channels_and_stable_flag(releases):
    channel = dict(zip(releases["tag"], releases["channel"]))
    assert channel["rust-v0.5.0-alpha.3"] == "alpha" and channel["rust-v0.7.0-beta.1"] == "beta"
    assert releases["stable"].sum() == 8


def git_tags(prefix):
    from miner._sample.repos import RELEASES
    return [f"{prefix}{v}" for v, _, _ in RELEASES] + [f"{prefix}0.0.2504291921"]


def test_contributors_follow_git_and_people_join_further(tmp_path):
    from miner._sample.builder import Person, RepoBuilder

    builder = RepoBuilder(tmp_path / "ids.git", bare=True)
    authors = [Person("Ada Lovelace", "ada@example.com"), Person("Ada Lovelace", "ada@home.example"),
               Person("Ada Lovelace", "12345+ada@users.noreply.github.com"), Person("Grace", "GRACE@example.com"),
               Person("Grace", "grace@example.com"), Person("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")]
    builder.commit("start", {".mailmap": "Grace <grace@example.com> <grace@old.example>\n"},
                   when="2025-01-01T00:00:00+00:00", author=authors[0])
    builder.tag("v0.1.0", builder.commit("one", {"a": "1"}, when="2025-01-02T00:00:00+00:00", author=authors[0]))
    for n, author in enumerate(authors, 2):
        tip = builder.commit(f"c{n}", {"a": str(n)}, when=f"2025-01-{n + 1:02d}T00:00:00+00:00", author=author)
    builder.tag("v0.2.0", tip)
    row = analyze(str(tmp_path / "ids.git"), db=tmp_path / "s.sqlite").tables["releases"].set_index("tag").loc["v0.2.0"]
    shown = git(tmp_path / "ids.git", "log", "--no-merges", "--format=%aN|%aE", "v0.1.0..v0.2.0").splitlines()
    expected = {email.lower() for name, email in (line.split("|") for line in shown) if not name.endswith("[bot]")}
    assert row["contributors"] == len(expected) == 4
    assert row["people"] == 2


def _scheme_change(path, calver_work: int = 5):
    """helix's shape: four v-tags in 2021, then calendar-versioned tags with `calver_work` commits between."""
    builder = RepoBuilder(path, bare=True)
    day = datetime(2021, 1, 1, 10)
    for number in range(4):
        builder.tag(f"v0.{number}.0", builder.commit(f"work {number}", {"a.txt": f"{number}\n"},
                                                      when=(day + timedelta(days=30 * number)).isoformat() + "+00:00"))
    for number, version in enumerate(["22.03", "22.12", "23.10"]):
        if version == "23.10":
            for step in range(calver_work):
                builder.commit(f"calver work {step}", {"c.txt": f"{step}\n"},
                               when=(datetime(2023, 1, 1, 10) + timedelta(hours=step)).isoformat() + "+00:00")
        builder.tag(version, builder.commit(f"calver {version}", {"b.txt": version},
                                            when=datetime(2022 + number // 2, 3 + 9 * (number % 2), 1, 10).isoformat()
                                            + "+00:00"))
    return path


def test_the_current_line_wins_over_a_longer_abandoned_one(tmp_path):
    result = analyze(str(_scheme_change(tmp_path / "repo.git")), db=tmp_path / "s.sqlite")
    assert result.line == "" and list(result.tables["releases"]["tag"]) == ["22.03", "22.12", "23.10"]


def test_most_history_after_the_last_release_is_a_warning(tmp_path):
    repo = _scheme_change(tmp_path / "repo.git", calver_work=150)
    result = analyze(str(repo), db=tmp_path / "s.sqlite", line="v")
    after = int(git(repo, "rev-list", "--no-merges", "--count", "v0.3.0..HEAD"))
    [warning] = [w for w in result.warnings if "after the last release" in w.message]
    assert warning.tag == "v0.3.0" and warning.message.startswith(f"{after} of ")
    assert not [w for w in analyze(str(repo), db=tmp_path / "t.sqlite").warnings if "after the last" in w.message]
