"""Contributors per release: one figure, over stable releases, in the report and in `mine compare` alike,
checked against `git log`; a history whose releases bots made says so instead of 0."""
from __future__ import annotations

import statistics

import pytest

from fixtures.late_tags import day
from miner._sample.builder import Person, RepoBuilder
from miner._sample.people import ADA, DEPENDABOT, GRACE
from miner._sample.repos import build_agent_repo
from miner.analyses.compare import compare_table
from miner.catalogs.agents import load_config
from miner.outputs.report import render_section
from miner.pipeline import analyze
from tests.conftest import git

CONFIG = load_config()


def compared(result, agent="Codex CLI"):
    return compare_table(CONFIG, {agent: result}).set_index("Agent").loc[agent, "Contributors per release (median)"]


def git_contributors(path, tag: str, previous: str) -> int:
    """Distinct authors of `previous..tag` as git shows them through .mailmap, case folded, bots left out."""
    emails = git(path, "log", "--no-merges", "--use-mailmap", "--format=%aE", tag,
                 *([f"^{previous}"] if previous else [])).split()
    return len({e.lower() for e in emails if "[bot]" not in e})


@pytest.fixture(scope="module")
def agent(tmp_path_factory):
    path = tmp_path_factory.mktemp("figure") / "agent.git"
    build_agent_repo(path)
    return path, analyze(str(path), db=path.parent / "s.sqlite")


def test_the_report_and_the_comparison_give_the_median_over_stable_releases(agent):
    path, result = agent
    releases = result.tables["releases"]
    stable = releases[releases["stable"]]
    expected = statistics.median(git_contributors(path, r.tag, r.previous) for r in stable.itertuples())
    assert compared(result) == expected
    summary = render_section("summary", result, {})
    assert (f"Contributors per stable release (distinct authors of a stable release's non-merge commits, as "
            f"`git log` shows them through .mailmap, bots left out): median {expected:g} ") in summary


def test_pre_releases_do_not_count(tmp_path):
    """Five people on one release candidate, one person on each stable release: the median is 1, not 3."""
    builder = RepoBuilder(tmp_path / "rc.git", bare=True)
    builder.commit("Start", {"README.md": "# x\n"}, when=day(0), author=ADA)
    builder.tag("v1.0.0", builder.repo.head.target)
    people = [Person(f"P{n}", f"p{n}@example.com") for n in range(5)]
    for n, person in enumerate(people):
        builder.commit(f"Work {n}", {f"src/{n}.txt": "x\n"}, when=day(1), author=person)
    builder.tag("v1.1.0-rc.1", builder.repo.head.target)
    builder.commit("Fix", {"src/fix.txt": "x\n"}, when=day(2), author=GRACE)
    builder.tag("v1.1.0", builder.repo.head.target)
    builder.commit("Fix again", {"src/fix.txt": "y\n"}, when=day(3), author=GRACE)
    builder.tag("v1.1.1", builder.repo.head.target)
    result = analyze(builder.repo.path, db=tmp_path / "s.sqlite")
    releases = result.tables["releases"]
    stable = releases[releases["stable"]]
    path = builder.repo.path
    assert statistics.median(git_contributors(path, r.tag, r.previous) for r in stable.itertuples()) == 1
    assert statistics.median(git_contributors(path, r.tag, r.previous) for r in releases.itertuples()) > 1
    assert compared(result) == 1


def test_releases_made_by_bots_are_said_to_be(tmp_path):
    builder = RepoBuilder(tmp_path / "bots.git", bare=True)
    builder.commit("Start", {"README.md": "# x\n"}, when=day(0), author=ADA)
    builder.tag("v1.0.0", builder.repo.head.target)
    for n in range(1, 6):  # each release one version bump by a bot, one release with a person's fix too
        if n == 3:
            builder.commit("Fix", {"src/fix.txt": "x\n"}, when=day(n), author=GRACE)
        builder.commit(f"chore: release 1.0.{n}", {"VERSION": f"1.0.{n}\n"}, when=day(n), author=DEPENDABOT)
        builder.tag(f"v1.0.{n}", builder.repo.head.target)
    result = analyze(builder.repo.path, db=tmp_path / "s.sqlite")
    said = "bots made most releases: 4 of 6 stable releases hold no commit by a person, and bots wrote 5 of the 7 " \
           "non-merge commits in all 6"
    assert compared(result, "Claude Code") == said
    assert render_section("summary", result, {}).count("Bots made most releases: 4 of 6 stable releases") == 1
