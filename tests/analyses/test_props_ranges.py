"""Property: on any commit graph with any tags, every release range is what `git rev-list` lists.

Graphs are drawn step by step (roots, linear runs, branches off any earlier
commit, merges, criss-cross merge pairs, octopus merges) with committer times
in no particular order, and tags of three release lines on any commit:
lightweight, annotated, annotated on an annotated tag; stable versions and
prereleases, tagged in and out of version order, spelled `1.2` or `1.2.0`.
Checked against git: each release's range (`git rev-list PREV..TAG`), its
commit count (`git rev-list --no-merges --count`), its date
(`git for-each-ref %(creatordate)`); and the previous-release rule, from the
versions the test drew rather than miner's parse: the previous *stable*
release of the line in version order among those tagged in order, and for a
stable release tagged out of order the in-order one dated before it that
leaves it the smallest range, sized by `git rev-list --count`.

Run longer with fresh examples: `HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_props_ranges.py`.
"""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pygit2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixtures.dags import DagCommit, DagTag, build_dag
from miner.analyses.releases import commit_ranges, select_releases, settle_previous
from miner.pipeline import analyze
from miner.sources.history import walk
from miner.sources.tags import read_tags
from tests.conftest import examples, time_limit

LINES = ("v", "", "rust-v")
# Prereleases in SemVer order (numeric identifiers compare as numbers: rc.2 before rc.10).
PRERELEASES = ("alpha.1", "alpha.2", "beta.1", "rc.2", "rc.10")


@st.composite
def histories(draw, max_steps: int = 14):
    """(commits, tags, versions): a DagCommit list, a DagTag list, and each tag's (line, numbers, prerelease)."""
    commits = [DagCommit((), draw(st.integers(0, 5000)))]
    for _ in range(draw(st.integers(0, max_steps))):
        count = len(commits)
        step = draw(st.sampled_from(["linear", "linear", "branch", "root", "merge", "criss-cross", "octopus"]))
        minute, author = draw(st.integers(0, 5000)), draw(st.integers(0, 1))
        if step == "linear":
            commits.append(DagCommit((count - 1,), minute, author))
        elif step == "branch":
            commits.append(DagCommit((draw(st.integers(0, count - 1)),), minute, author))
        elif step == "root":
            commits.append(DagCommit((), minute, author))
        elif count >= 2:
            width = 2 if step != "octopus" else draw(st.integers(3, min(4, max(3, count))))
            parents = tuple(draw(st.lists(st.integers(0, count - 1), min_size=min(width, count),
                                          max_size=min(width, count), unique=True)))
            commits.append(DagCommit(parents, minute, author))
            if step == "criss-cross":  # the same two parents the other way round: two merge bases for later merges
                commits.append(DagCommit(parents[::-1], draw(st.integers(0, 5000)), author))
    tags, versions = [], {}
    for _ in range(draw(st.integers(1, 9))):
        line = draw(st.sampled_from(LINES))
        numbers = tuple(draw(st.lists(st.integers(0, 2), min_size=2, max_size=3)))
        prerelease = draw(st.sampled_from(("",) * 3 + PRERELEASES))
        name = line + ".".join(map(str, numbers)) + (f"-{prerelease}" if prerelease else "")
        if name in versions:
            continue
        annotated = draw(st.booleans())
        tags.append(DagTag(name, draw(st.integers(0, len(commits) - 1)), annotated, draw(st.integers(0, 5000)),
                           annotated and draw(st.booleans())))
        versions[name] = (line, numbers, prerelease)
    return commits, tags, versions


def precedence(numbers: tuple[int, ...], prerelease: str) -> tuple:
    """SemVer order of a drawn version: `1.2` is `1.2.0`; a release comes after its prereleases."""
    return numbers + (0,) * (3 - len(numbers)), not prerelease, PRERELEASES.index(prerelease) if prerelease else 0


def expected_previous(release, releases, versions: dict, repo: Path) -> set[str]:
    """The rule, as tags: the stable releases of the line just below `release` in version order among those
    tagged in order (`1.2` and `1.2.0` are one version, so either serves), {""} if none; for a stable
    release tagged out of order, the in-order ones dated before it with the fewest commits to it."""
    in_order = [r for r in releases if r.stable and not r.out_of_order]
    if release.stable and release.out_of_order:
        before = [r for r in in_order if r.date < release.date]
        if before:
            sizes = {r.tag: len(rev_list(repo, release.commit, r.commit).split()) for r in before}
            return {tag for tag, size in sizes.items() if size == min(sizes.values())}
    line, numbers, prerelease = versions[release.tag]
    below = [(precedence(*versions[r.tag][1:]), r.tag) for r in in_order
             if precedence(*versions[r.tag][1:]) < precedence(numbers, prerelease)]
    highest = max((key for key, _ in below), default=None)
    return {tag for key, tag in below if key == highest} or {""}


def line_release(timeline, tag: str):
    return next(r for r in timeline.releases if r.tag == tag)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(repo), *args], check=True, capture_output=True, text=True).stdout


def rev_list(repo: Path, tip: str, previous: str | None, *options: str) -> str:
    return git(repo, "rev-list", *options, tip, *([f"^{previous}"] if previous else []))


@pytest.mark.timeout(time_limit(60))
@settings(max_examples=examples(200))
@given(histories())
def test_every_release_range_of_every_line_is_git_rev_list(history):
    commits, tags, versions = history
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "dag.git"
        build_dag(path, commits, tags)
        read = read_tags(pygit2.Repository(str(path)))
        for line in {versions[tag.name][0] for tag in tags}:
            timeline = select_releases(read, line=line)
            assert {r.tag for r in timeline.releases} == {name for name, v in versions.items() if v[0] == line}
            parents = {c.sha: c.parents for c in walk(path, sorted({r.commit for r in timeline.releases}), files=False)}
            releases = settle_previous(timeline, parents).releases
            by_tag = {r.tag: r for r in releases}
            ranges = commit_ranges(releases, parents)
            for release in releases:
                assert release.previous in expected_previous(release, releases, versions, path), release.tag
                previous = by_tag[release.previous].commit if release.previous else None
                assert ranges[release.tag] == set(rev_list(path, release.commit, previous).split()), release.tag


@pytest.mark.timeout(time_limit(120))
@settings(max_examples=examples(40))
@given(histories(max_steps=10))
def test_the_releases_table_counts_dates_and_previous_agree_with_git(history):
    commits, tags, versions = history
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "dag.git"
        build_dag(path, commits, tags)
        analysis = analyze(str(path), db=Path(scratch) / "store.sqlite")
        table = analysis.tables["releases"]
        created = dict(line.split() for line in git(path, "for-each-ref", "refs/tags",
                                                    "--format=%(refname:strip=2) %(creatordate:unix)").splitlines())
        by_tag = dict(zip(table["tag"], table["commit"]))
        for row in table.itertuples():
            line = select_releases(read_tags(pygit2.Repository(str(path))), line=row.line)
            assert row.out_of_order == line_release(line, row.tag).out_of_order
            assert row.previous in expected_previous(line_release(line, row.tag), line.releases, versions, path), row.tag
            assert row.first == (row.previous == "")
            count = rev_list(path, row.commit, by_tag.get(row.previous), "--no-merges", "--count")
            assert row.commits == int(count), row.tag
            assert row.date.timestamp() == int(created[row.tag]), row.tag
