"""The mailmap is applied exactly as git applies it (oracle: git log %aN/%aE and git check-mailmap)."""
import subprocess

import pytest

from fixtures.identities import MAILMAP, identities_repo_for
from miner._sample.builder import Person, RepoBuilder
from miner.model.mailmap import Mailmap
from miner.sources.mailmap import mailmap_of
from miner.store.cache import MemoryCache

WHEN = "2025-07-01T10:00:00+00:00"


repo = pytest.fixture(scope="module", name="repo")(identities_repo_for)


def git(repo, *args):
    return subprocess.run(["git", "-C", repo.path, *args], check=True, capture_output=True,
                          text=True).stdout


def check_mailmap(repo, name, email):
    line = git(repo, "check-mailmap", f"{name} <{email}>").rstrip("\n")
    mapped_name, _, rest = line.rpartition(" <")
    return mapped_name, rest.removesuffix(">")


def test_every_author_maps_as_in_git_log(repo):
    mailmap = mailmap_of(repo)
    rows = git(repo, "log", "--all", "--format=%an%x00%ae%x00%aN%x00%aE").splitlines()
    assert len(rows) > 30
    for row in rows:
        name, email, mapped_name, mapped_email = row.split("\x00")
        assert mailmap.map(name, email) == (mapped_name, mapped_email), row


@pytest.mark.parametrize("name, email", [
    ("Whoever", "GHOPPER@OLD.EXAMPLE"),          # e-mail case differs from the mailmap line
    ("Whoever", "grace.h@univac.example"),       # mailmap line written in upper case
    ("ALAN M. TURING", "turing@OLD.example"),    # old name and e-mail, both in other cases
    ("Alan Turing", "turing@old.example"),       # not the old name: unmapped
    ("grace", "Grace@Navy.Example"),             # name-only line
    ("Nobody", "nobody@example.com"),
])
def test_case_variants_map_as_in_check_mailmap(repo, name, email):
    assert mailmap_of(repo).map(name, email) == check_mailmap(repo, name, email)


def test_later_lines_and_named_lines_follow_git(tmp_path):
    text = MAILMAP + (
        "Grace B. Hopper <grace@navy.example>\n"        # a later simple line renames again
        "<amazing@grace.example> <grace@navy.example>\n"  # and another moves the e-mail only
        "Ghost <ghost@example.com> <>\n"                # an empty old e-mail is allowed
        "Broken <>\n"                                   # an empty proper e-mail is not
    )
    builder = RepoBuilder(tmp_path / "r.git", bare=True)
    builder.commit("m", {".mailmap": text}, when=WHEN)
    mailmap = mailmap_of(builder.repo)
    for name, email in [("grace", "grace@navy.example"), ("x", "ghopper@old.example"), ("Broken", "")]:
        assert mailmap.map(name, email) == check_mailmap(builder.repo, name, email)


def test_mailmap_blob_from_configuration(tmp_path):
    builder = RepoBuilder(tmp_path / "r.git", bare=True)
    builder.commit("m", {".mailmap": MAILMAP}, when=WHEN)
    builder.commit("people", {"people.map": "Grace <g@example.com> <ghopper@old.example>\n"},
                   when=WHEN, parents=[], branch="meta")
    builder.repo.config["mailmap.blob"] = "meta:people.map"
    expected = check_mailmap(builder.repo, "Grace Hopper", "ghopper@old.example")
    assert expected == ("Grace", "g@example.com")
    assert mailmap_of(builder.repo).map("Grace Hopper", "ghopper@old.example") == expected


def test_no_mailmap_and_empty_repository(tmp_path):
    builder = RepoBuilder(tmp_path / "r.git", bare=True)
    assert mailmap_of(builder.repo).map("A", "a@example.com") == ("A", "a@example.com")
    builder.commit("no mailmap", {"a.txt": "a"}, when=WHEN, author=Person("A", "a@example.com"))
    assert mailmap_of(builder.repo).map("A", "A@example.com") == ("A", "A@example.com")


def test_parsed_mailmap_is_cached_by_blob_id(repo):
    cache = MemoryCache()
    blob_id = str(repo.revparse_single("HEAD:.mailmap").id)
    mailmap_of(repo, cache)
    assert [tuple(line) for line in cache.get("mailmap", blob_id)] == list(Mailmap.parse(MAILMAP).lines)
    cache.put("mailmap", blob_id, [["Cached", "cached@example.com", None, "x@example.com"]])
    assert mailmap_of(repo, cache).map("X", "x@example.com") == ("Cached", "cached@example.com")
