"""Co-authored-by trailers are read as git reads them, and also mid-message."""
import subprocess

import pytest

from fixtures.identities import identities_repo_for
from miner.model.identities import co_authors

repo = pytest.fixture(scope="module", name="repo")(identities_repo_for)


def git_trailers(repo):
    """(message, co-author values) of every commit, as git's trailer parser sees them."""
    out = subprocess.run(
        ["git", "-C", repo.path, "log", "--all",
         "--format=%B%x00%(trailers:key=Co-authored-by,valueonly,separator=%x1f)%x1e"],
        check=True, capture_output=True, text=True).stdout
    for record in out.split("\x1e")[:-1]:
        message, _, values = record.lstrip("\n").partition("\x00")
        yield message, [v for v in values.split("\x1f") if v]


def as_values(pairs):
    return [f"{name} <{email}>" for name, email in pairs]


def test_trailer_blocks_agree_with_git(repo):
    with_trailers = 0
    for message, values in git_trailers(repo):
        ours = as_values(co_authors(message))
        if message.startswith("Speed up the walker"):
            # A squash merge: git reads only the last block, we read every line.
            assert values == ours[-1:] and len(ours) == 2
            continue
        assert ours == values, message
        with_trailers += bool(values)
    assert with_trailers == 3


@pytest.mark.parametrize("message, expected", [
    ("Fix\n\nco-authored-by: Ada <ada@example.com>  \n", [("Ada", "ada@example.com")]),
    ("Fix\n\nCO-AUTHORED-BY:Ada<ada@example.com>\r\n", [("Ada", "ada@example.com")]),
    ("Fix\n\nCo-Authored-By: Claude Opus4.5<noreply@anthropic.com>", [("Claude Opus4.5", "noreply@anthropic.com")]),
    ("Fix\n\nCo-authored-by: hasanfq6\n", [("hasanfq6", "")]),
    ("Fix\n\nCo-authored-by: ada@example.com\n", [("", "ada@example.com")]),
    ("Fix\n\nCo-authored-by: Ada <ada@example.com\n", [("Ada", "ada@example.com")]),
    ("Fix\n\nCo-authored-by: A <a@x.org> Co-authored-by: B <b@x.org>\n", [("A", "a@x.org"), ("B", "b@x.org")]),
    ("Fix\n\n  Co-authored-by: Ada <ada@example.com>\n", [("Ada", "ada@example.com")]),
    ("Fix\n\nCo-authored-by:\n", []),
    ("- No longer require specific Co-authored-by format\n", []),
    ("Fix\n\nSigned-off-by: Ada <ada@example.com>\n", []),
    ("", []),
])
def test_forms_seen_in_real_messages(message, expected):
    assert list(co_authors(message)) == expected
