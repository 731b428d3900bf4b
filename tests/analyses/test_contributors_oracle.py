"""Attribution against git itself: per-crate commits, files, co-authors and ownership from `git log`."""
from __future__ import annotations

import calendar
import subprocess
import time
from collections import Counter

import pytest

from fixtures.contributors import NOT_PEOPLE, PEOPLE, RELEASES, STABLE_CRATES, contributors_repo_for, mined, tables_for
from tests.cli.test_cli_analyze import mine
from tests.conftest import git

repo = pytest.fixture(scope="module", name="repo")(contributors_repo_for)
tables = pytest.fixture(scope="module", name="tables")(tables_for)


def person(name: str, email: str) -> str | None:
    """Who git's mailmapped (name, e-mail) is, joined by the table the fixture writes by hand; None for bots and agents."""
    email = email.lower()
    if email in {e.lower() for e in NOT_PEOPLE}:
        return None
    return PEOPLE.get(email, name)


def git_credits(repo, *args: str, revisions: tuple[str, ...] = RELEASES) -> list[tuple[set[str], int]]:
    """(people credited, files changed) per non-merge commit of `git log REVISIONS ARGS`, mailmap applied.

    By default the commits of the line's releases: the team window ends with the last release."""
    fmt = "%x1d%aN%x00%aE%x00%B%x00"
    # Decoded as miner decodes it, not by conftest's strict `git`: the fixture has a Latin-1 author.
    # --full-history: the fixture's merges keep their first parent's tree, and git's history simplification would
    # skip the side branches they bring in, which are in the release's history all the same.
    out = subprocess.run(["git", "--git-dir", str(repo), "log", *revisions, "--full-history", "--no-merges",
                          "--no-renames", "--name-only", f"--format={fmt}", *args],
                         check=True, capture_output=True).stdout.decode(errors="replace")
    commits = []
    for record in out.split("\x1d")[1:]:
        name, email, message, files = record.split("\x00")
        credited = {person(name, email)}
        # Every Co-authored-by line of the message, wherever it stands (a squash merge keeps them mid-body).
        for line in message.splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() == "co-authored-by" and value.strip():
                co_name, _, co_email = value.strip().partition(" <")
                credited.add(person(co_name, co_email.rstrip(">")))
        commits.append(({who for who in credited if who}, len([f for f in files.split("\n") if f])))
    return commits


def pathspec(directory: str) -> list[str]:
    nested = [d for d in STABLE_CRATES if d != directory and d.startswith(directory + "/")]
    return ["--", directory] + [f":(exclude){d}" for d in nested]


def crate_rows(tables, crate: str):
    rows = tables["contributors"]
    return rows[(rows["package"] == crate) & (rows["kind"] == "person")]


@pytest.mark.parametrize("directory", sorted(STABLE_CRATES))
def test_people_commits_per_crate_match_git_log(repo, tables, directory):
    expected = Counter(who for credited, _ in git_credits(repo, *pathspec(directory)) for who in credited)
    rows = crate_rows(tables, STABLE_CRATES[directory])
    assert dict(zip(rows["name"], rows["commits"])) == dict(expected)
    assert sum(expected.values()) > 0


def test_files_per_crate_match_git_log(repo, tables):
    expected: Counter = Counter()
    for credited, files in git_credits(repo, *pathspec("rs/core")):
        for who in credited:
            expected[who] += files
    rows = crate_rows(tables, "fx-core")
    assert dict(zip(rows["name"], rows["files"])) == dict(expected)
    assert max(expected.values()) > 1200


def test_co_authors_are_credited(repo, tables):
    rows = crate_rows(tables, "fx-app-server").set_index("name")
    assert rows.loc["Grace Hopper", "co_authored"] == 1
    cli = crate_rows(tables, "fx-cli").set_index("name")
    assert cli.loc["Margaret Hamilton", "co_authored"] == 1  # co-author of an agent-authored commit


@pytest.mark.parametrize("directory", sorted(STABLE_CRATES))
def test_ownership_matches_shares_computed_from_git(repo, tables, directory):
    counts = Counter(who for credited, _ in git_credits(repo, *pathspec(directory)) for who in credited)
    total = sum(counts.values())
    best = max(counts.values())
    row = tables["package_ownership"].set_index("package").loc[STABLE_CRATES[directory]]
    assert row["authors"] == len(counts)
    assert row["people_commits"] == total
    assert row["ownership"] == pytest.approx(best / total, abs=1e-4)
    assert row["fragmentation"] == pytest.approx(1 - sum((c / total) ** 2 for c in counts.values()), abs=1e-4)
    assert counts[row["main_developer_name"]] == best


def test_bots_and_agents_are_kept_out_of_people_and_counted(repo, tables):
    kinds = tables["specialization"].set_index("name")["kind"]
    assert kinds["dependabot[bot]"] == "bot"
    assert {"Claude", "GitHub Copilot"} <= set(kinds[kinds == "agent"].index)
    assert not any("[bot]" in name for name in kinds[kinds == "person"].index)
    out = git(repo, "log", *RELEASES, "--no-merges", "--format=%aE%x00%(trailers:key=Co-authored-by,valueonly)%x1e")
    records = [r.strip("\n") for r in out.split("\x1e") if r.strip("\n")]
    with_agent = sum("noreply@anthropic.com" in r or r.startswith("198982749+Copilot") for r in records)
    bots = sum(r.startswith("49699333+dependabot") for r in records)
    every = tables["agent_work"][tables["agent_work"]["layer"] == "(all)"]
    assert every["with_agent"].sum() == with_agent == 2
    assert every["by_bots"].sum() == bots == 1
    assert every["commits"].sum() == len(records)


def test_window_matches_git_since_until(repo, tmp_path):
    times = sorted(int(t) for t in git(repo, "log", "--all", "--no-merges", "--format=%ct").split())
    since, until = times[8], times[20]
    window = mined(repo, tmp_path / "w.sqlite", since=since, until=f"@{until}".lstrip("@"))
    expected = Counter(who for credited, _ in git_credits(repo, f"--since=@{since}", f"--until=@{until}",
                                                          revisions=("--all",)) for who in credited)
    people = window["specialization"][window["specialization"]["kind"] == "person"]
    assert dict(zip(people["name"], people["commits"])) == dict(expected)


def test_per_release_layers_sum_to_the_window(tables):
    per_release = tables["release_layers"].groupby(["author", "layer"])["commits"].sum()
    layers = tables["author_layers"]
    window = layers[layers["kind"] == "person"].set_index(["author", "layer"])["commits"]
    assert per_release.sort_index().to_dict() == window.sort_index().to_dict()
    shares = tables["release_layers"].groupby(["release", "layer"])["share"].sum()
    assert shares.round(2).eq(1.0).all()


def test_a_window_of_bare_days_includes_both_days_whole(repo, tmp_path):
    days = sorted({time.strftime("%Y-%m-%d", time.gmtime(int(t)))
                   for t in git(repo, "log", "--all", "--no-merges", "--format=%ct").split()})
    since, until = days[1], days[-2]
    start = calendar.timegm(time.strptime(since, "%Y-%m-%d"))
    end = calendar.timegm(time.strptime(until, "%Y-%m-%d")) + 86399
    window = mined(repo, tmp_path / "w.sqlite", since=since, until=until)
    expected = Counter(who for credited, _ in git_credits(repo, f"--since=@{start}", f"--until=@{end}",
                                                          revisions=("--all",)) for who in credited)
    people = window["specialization"][window["specialization"]["kind"] == "person"]
    assert dict(zip(people["name"], people["commits"])) == dict(expected)
    last_day = git(repo, "log", "--all", "--no-merges", f"--since=@{end - 86399}", f"--until=@{end}", "--format=%H")
    assert last_day.strip(), "the fixture has commits on the last day of the window"


def test_a_window_that_ends_before_it_starts_is_an_error(repo, tmp_path):
    result = mine("analyze", repo, "--since", "2025-03-02", "--until", "2025-03-01", "--db", tmp_path / "s.sqlite", "-q")
    assert result.returncode != 0 and result.stderr.count("\n") == 1
    assert "--since 2025-03-02 is after --until 2025-03-01" in result.stderr


@pytest.mark.parametrize("directory", sorted(STABLE_CRATES))
def test_ownership_of_the_latest_release_matches_git_log(repo, tables, directory):
    # The latest release holds its range: what no earlier release holds (the work after it is outside the window).
    earlier = ["^rust-v0.1.0", "^rust-v0.2.0-alpha.1", "^rust-v0.2.0"]
    expected = Counter(who for credited, _ in git_credits(repo, *pathspec(directory),
                                                          revisions=("rust-v0.3.0", *earlier))
                       for who in credited)
    owned = tables["release_ownership"]
    row = owned[(owned["release"] == "rust-v0.3.0") & (owned["package"] == STABLE_CRATES[directory])]
    if not expected:
        assert row.empty
        return
    total = sum(expected.values())
    assert (int(row["people_commits"].iloc[0]), int(row["authors"].iloc[0])) == (total, len(expected))
    assert row["ownership"].iloc[0] == pytest.approx(max(expected.values()) / total, abs=1e-4)


def test_release_specialization_sums_to_the_window(tables):
    per_release = tables["release_specialization"].groupby("author")["commits"].sum().to_dict()
    assert per_release == dict(zip(tables["specialization"]["author"], tables["specialization"]["commits"]))


def test_the_team_window_ends_with_the_last_release(repo, tables, tmp_path):
    unreleased = git(repo, "log", "--no-merges", "--format=%H", "HEAD", *[f"^{tag}" for tag in RELEASES]).split()
    assert len(unreleased) == 2
    every = tables["agent_work"][tables["agent_work"]["layer"] == "(all)"]["commits"].sum()
    assert every == int(git(repo, "rev-list", "--no-merges", "--count", *RELEASES))
    assert not any("after the last release" in message for message in tables["warnings"]["message"])  # 2 of ~40
    until = mined(repo, tmp_path / "u.sqlite", until="2100-01-01")  # an explicit end counts everything up to it
    work = until["agent_work"][until["agent_work"]["layer"] == "(all)"]["commits"].sum()
    assert work == int(git(repo, "rev-list", "--no-merges", "--count", "--all"))
