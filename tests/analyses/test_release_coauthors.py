"""Mistral Vibe's shape: each release one squashed commit by one author, the team in `Co-authored-by:` trailers."""
from __future__ import annotations

from miner._sample.builder import RepoBuilder
from miner._sample.people import Person
from miner.outputs.report import summary
from miner.pipeline import analyze

TEAM = [Person("Ana Lima", "ana@vibe.example"), Person("Bo Chen", "bo@vibe.example"),
        Person("Cy Diaz", "cy@vibe.example"), Person("Dee Ek", "dee@vibe.example")]
RELEASER = Person("Release Squasher", "squash@vibe.example")


def _repo(path):
    builder = RepoBuilder(path, bare=True)
    for minor, members in enumerate([TEAM[:3], TEAM, TEAM[1:], TEAM[:2]], start=1):
        trailers = "".join(f"Co-authored-by: {p.name} <{p.email}>\n" for p in members)
        trailers += "Co-authored-by: Mistral Vibe <vibe@mistral.ai>\n"  # a coding agent: no person
        commit = builder.commit(f"v1.{minor}.0\n\n{trailers}", {"vibe/core.py": f"VERSION = {minor}\n"},
                                when=f"2025-0{minor}-01T10:00:00+00:00", author=RELEASER)
        builder.tag(f"v1.{minor}.0", commit)
    return path


def test_people_counted_with_their_co_authors_where_releases_are_squashed(tmp_path):
    tables = analyze(str(_repo(tmp_path / "r.git")), db=tmp_path / "s.sqlite").tables
    releases = tables["releases"].set_index("tag")
    assert releases["contributors"].tolist() == [1, 1, 1, 1]
    assert releases["people_with_coauthors"].tolist() == [4, 5, 4, 3]  # the team and the squasher, no agent
    text = summary("v", tables["releases"], tables["cadence"], tables["bursts"])
    assert ("Counting the `Co-authored-by:` co-authors too, people (bots and coding agents left out) per stable "
            "release: median 4 (typically 4, range 3–5).") in text


def test_no_co_author_sentence_where_the_trailers_add_nobody(agent_repo, tmp_path):
    tables = analyze(str(agent_repo), db=tmp_path / "s.sqlite").tables
    assert "Co-authored-by:` co-authors too" not in summary("rust-v", tables["releases"], tables["cadence"],
                                                           tables["bursts"])
