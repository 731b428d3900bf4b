"""The report's releases section: stable releases by default, every release with `--all-releases`."""
from __future__ import annotations

import pandas as pd

from fixtures.late_tags import work
from miner._sample.builder import RepoBuilder
from miner.outputs.report import release_list, render_section
from miner.pipeline import analyze, load

RELEASES = pd.DataFrame({
    "tag": ["v1.0.0", "v1.1.0-alpha.1", "v1.1.0-alpha.2", "v1.1.0"],
    "channel": ["stable", "alpha", "alpha", "stable"],
    "stable": [True, False, False, True],
    "date": ["2025-01-01T10:00:00+00:00", "2025-01-05T10:00:00+00:00", "2025-01-06T10:00:00+00:00",
             "2025-01-09T10:00:00+00:00"],
    "previous": ["", "v1.0.0", "v1.1.0-alpha.1", "v1.0.0"],
    "commits": [3, 2, 1, 4], "contributors": [1, 1, 1, 2]})


def tags(markdown: str) -> list[str]:
    return [line.split(" | ")[0].lstrip("| ") for line in markdown.splitlines() if line.startswith("| v")]


def test_stable_releases_by_default_and_the_rest_counted():
    text = release_list(RELEASES)
    assert tags(text) == ["v1.1.0", "v1.0.0"]
    assert text.startswith("2 stable releases, newest first; 2 prereleases are in releases.csv (`--all-releases` "
                           "lists them here too).")


def test_every_release_with_all_releases():
    assert tags(release_list(RELEASES, every=True)) == ["v1.1.0", "v1.1.0-alpha.2", "v1.1.0-alpha.1", "v1.0.0"]
    assert tags(release_list(RELEASES[RELEASES["stable"]])) == ["v1.1.0", "v1.0.0"]  # nothing hidden, no sentence
    assert not release_list(RELEASES[RELEASES["stable"]]).startswith("2 stable")


def test_the_choice_is_stored_with_the_analysis(tmp_path):
    builder = RepoBuilder(tmp_path / "r.git", bare=True)
    for n, tag in enumerate(RELEASES["tag"]):
        work(builder, 2, n, f"w{n}")
        builder.tag(tag, builder.repo.head.target)
    for every in (False, True):
        analyze(builder.repo.path, db=tmp_path / "s.sqlite", name=f"r{every}", count_all=every)
        stored = load(f"r{every}", tmp_path / "s.sqlite")
        assert stored.all_releases is every
        shown = tags(render_section("releases", stored, {}))
        assert shown == (["v1.1.0", "v1.1.0-alpha.2", "v1.1.0-alpha.1", "v1.0.0"] if every else ["v1.1.0", "v1.0.0"])
