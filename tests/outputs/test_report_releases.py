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


def test_caveats_name_the_release_and_file_of_each_kind_of_warning():
    from miner.outputs.report import caveats

    warnings = pd.DataFrame([
        {"repo": "roo", "message": "package.json does not parse: Expecting property name (char 4032)",
         "tag": "v2.1.2", "path": "package.json"},
        {"repo": "roo", "message": "directory missing from the repository", "tag": "v1.0.0", "path": "a/b"},
        {"repo": "roo", "message": "directory missing from the repository", "tag": "v1.1.0", "path": "a/c"},
        {"repo": "roo", "message": "range reaches unreadable history", "tag": None, "path": None},
    ])
    assert caveats(warnings) == (
        "Caveats: 4 warnings while mining (each in warnings.csv): 2 times, first at v1.0.0, a/b: directory missing "
        "from the repository; at v2.1.2, package.json: package.json does not parse: Expecting property name (char "
        "4032); range reaches unreadable history.")


def test_one_stable_release_led_by_prereleases_gets_its_figures_not_a_median_of_one():
    from miner.outputs.report import _bursts

    one = pd.DataFrame([{"tag": "tokio-0.2.0", "prereleases": 5, "days": 109.9}])
    assert _bursts(one) == " Before 1 stable release, `tokio-0.2.0`, came 5 prereleases over 109.9 days."
    two = pd.DataFrame([{"tag": "a", "prereleases": 5, "days": 10.0}, {"tag": "b", "prereleases": 3, "days": 2.0}])
    assert _bursts(two).startswith(" Before 2 of the stable releases came a burst of median 4")
    assert _bursts(one.iloc[:0]) == ""
    day = pd.DataFrame([{"tag": "v1", "prereleases": 1, "days": 1.0}])
    assert _bursts(day) == " Before 1 stable release, `v1`, came 1 prerelease over 1 day."


def test_the_summary_spans_the_stable_releases_not_a_nightly_made_after_them(tmp_path):
    from miner.analyses.dates import day
    from miner.outputs.report import summary

    builder = RepoBuilder(tmp_path / "r.git", bare=True)
    for n, (tag, first_day) in enumerate((("v0.9.0-nightly.1", 0), ("v1.0.0", 40), ("v1.1.0", 45),
                                         ("v1.2.0-nightly.1", 80))):
        work(builder, 2, first_day, f"w{n}")
        builder.tag(tag, builder.repo.head.target)
    analysis = analyze(builder.repo.path, db=tmp_path / "s.sqlite")
    text = summary("v", analysis.tables["releases"], analysis.tables["cadence"], analysis.tables["bursts"])
    first, last = (day(analysis.tables["releases"].set_index("tag").loc[t, "date"]) for t in ("v1.0.0", "v1.1.0"))
    months = 1 + (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7])
    assert text.startswith(f"2 stable releases in {months} month{'s' * (months > 1)} ({first} to {last}), on the "
                           "release line `v`.")
