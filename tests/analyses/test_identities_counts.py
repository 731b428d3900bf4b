"""Resolved identities count what git itself counts: authors as `git shortlog`, co-authors as `git log --grep`."""
from collections import Counter

import pytest

from fixtures.identities import identities_repo_for, resolver_of
from miner.model.identities import co_authors
from tests.conftest import git

repo = pytest.fixture(scope="module", name="repo")(identities_repo_for)


@pytest.fixture(scope="module")
def log(repo):
    """(author name, author e-mail, message) of every commit, as git log shows it."""
    out = git(repo.path, "log", "--all", "--no-mailmap", "--format=%an%x00%ae%x00%B%x1e")
    return [record.lstrip("\n").split("\x00", 2) for record in out.split("\x1e")[:-1]]


def test_resolved_authors_count_what_git_shortlog_counts(repo, log):
    """git's mailmap joins every spelling of Grace, so its count is the oracle."""
    resolver = resolver_of(repo)
    authored = Counter(resolver.resolve(name, email).key for name, email, _ in log)
    shortlog = git(repo.path, "shortlog", "-sne", "--all", "HEAD").splitlines()
    expected = next(int(line.split("\t")[0]) for line in shortlog if "<grace@navy.example>" in line)
    assert authored["email:grace@navy.example"] == expected


def test_resolved_co_authors_count_what_git_log_finds(repo, log):
    """A person named in a mid-message trailer block is credited once, as git finds him."""
    resolver = resolver_of(repo)
    co_authored = Counter(resolver.resolve(*pair).key for _, _, message in log for pair in co_authors(message))
    trailers = git(repo.path, "log", "--all", "-i", "--grep=^co-authored-by: linus", "--format=%H").split()
    assert co_authored["email:linus@example.org"] == len(trailers) == 1
