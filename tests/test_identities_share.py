"""How much of a history people, bots and agents wrote, from resolved commits."""
from collections import Counter

import pytest

from fixtures.identities import identities_repo_for
from miner.analyses.identities import Attribution, Identity, IdentityResolver, agent_share, co_authors
from tests.conftest import git


repo = pytest.fixture(scope="module", name="repo")(identities_repo_for)


@pytest.fixture(scope="module")
def log(repo):
    """(author name, author e-mail, message) of every commit, as git log shows it."""
    out = git(repo.path, "log", "--all", "--format=%an%x00%ae%x00%B%x1e")
    return [record.lstrip("\n").split("\x00", 2) for record in out.split("\x1e")[:-1]]


@pytest.fixture(scope="module")
def commits(repo, log):
    """Every commit attributed by the resolver."""
    resolver = IdentityResolver(repo)
    return [resolver.attribute(name, email, message) for name, email, message in log]


def test_agent_share_of_the_fixture(repo, commits):
    share = agent_share(commits)
    assert share.commits == int(git(repo.path, "rev-list", "--all", "--count"))
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


def test_resolved_authors_count_what_git_shortlog_counts(repo, log):
    """git's mailmap joins every spelling of Grace, so its count is the oracle."""
    resolver = IdentityResolver(repo)
    authored = Counter(resolver.resolve(name, email).key for name, email, _ in log)
    shortlog = git(repo.path, "shortlog", "-sne", "--all", "HEAD").splitlines()
    expected = next(int(line.split("\t")[0]) for line in shortlog if "<grace@navy.example>" in line)
    assert authored["email:grace@navy.example"] == expected


def test_resolved_co_authors_count_what_git_log_finds(repo, log):
    """A person named in a mid-message trailer block is credited once, as git finds him."""
    resolver = IdentityResolver(repo)
    co_authored = Counter(resolver.resolve(*pair).key for _, _, message in log for pair in co_authors(message))
    trailers = git(repo.path, "log", "--all", "-i", "--grep=^co-authored-by: linus", "--format=%H").split()
    assert co_authored["email:linus@example.org"] == len(trailers) == 1
