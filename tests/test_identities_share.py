"""How much of a history people, bots and agents wrote, from resolved commits."""
import subprocess

import pytest

from fixtures.identities import identities_repo
from miner.identities import Attribution, Identity, IdentityResolver, agent_share, contributor_table


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return identities_repo(tmp_path_factory.mktemp("identities") / "repo.git")


@pytest.fixture(scope="module")
def commits(repo):
    """Every commit as git log shows it, attributed by the resolver."""
    resolver = IdentityResolver(repo)
    out = subprocess.run(["git", "-C", repo.path, "log", "--all", "--format=%an%x00%ae%x00%B%x1e"],
                         check=True, capture_output=True, text=True).stdout
    records = [record.lstrip("\n").split("\x00", 2) for record in out.split("\x1e")[:-1]]
    return [resolver.attribute(name, email, message) for name, email, message in records]


def git(repo, *args):
    return subprocess.run(["git", "-C", repo.path, *args], check=True, capture_output=True,
                          text=True).stdout


def test_agent_share_of_the_fixture(repo, commits):
    share = agent_share(commits)
    assert share.commits == int(git(repo, "rev-list", "--all", "--count"))
    assert (share.by_bots, share.by_agents) == (4, 3)
    assert share.by_people == share.commits - 7
    # Copilot authored two commits (one also co-authored by Copilot: counted once), Cursor one;
    # Claude co-wrote a trailer-block commit and a squash merge, Gemini one suggestion.
    assert share.per_agent == (("Claude", 2), ("GitHub Copilot", 2), ("Cursor", 1), ("Gemini", 1))
    assert share.with_agent == 6


def test_co_authors_that_are_the_author_count_once():
    ada = Identity("email:ada@example.com", "Ada", "ada@example.com", "person")
    claude = Identity("agent:claude", "Claude", "noreply@anthropic.com", "agent")
    commit = Attribution(claude, (claude, ada, claude))
    assert commit.contributors() == (claude, ada)
    assert agent_share([commit]).per_agent == (("Claude", 1),)


def test_contributor_table_counts_match_git_shortlog(repo, commits):
    table = contributor_table(commits)
    assert list(table.columns) == ["key", "name", "email", "login", "kind", "commits", "co_authored"]
    grace = table.set_index("key").loc["email:grace@navy.example"]
    shortlog = git(repo, "shortlog", "-sne", "--all", "HEAD").splitlines()
    # git's mailmap joins every spelling of Grace, so its count is the oracle.
    expected = next(int(line.split("\t")[0]) for line in shortlog if "<grace@navy.example>" in line)
    assert grace["commits"] == expected
    assert table["commits"].sum() == len(commits)
    linus = table.set_index("key").loc["email:linus@example.org"]
    assert linus["co_authored"] == 1
    assert table["commits"].is_monotonic_decreasing
