"""`analyses.news.compare` on states written by hand: the thresholds decide what is news, and a state
survives being stored as JSON."""
from __future__ import annotations

import json

import pandas as pd

from miner.analyses.news import (
    Facts,
    News,
    NotableFact,
    PackageFact,
    PersonFact,
    ReleaseFact,
    Thresholds,
    compare,
    cut_of,
    facts_of,
)
from miner.outputs.news import news_markdown
from miner.pipeline import analyze


def state(releases=(), people=(), languages=(), packages=(), notable=None, moment="2026-03-23T00:00:00+00:00"):
    return Facts("codex", moment, "", tuple(releases), (), tuple(packages), (), tuple(people), tuple(languages),
                 notable)


def alpha(number: int, day: int) -> ReleaseFact:
    return ReleaseFact(f"rust-v0.117.0-alpha.{number}", "rust-v", f"0.117.0-alpha.{number}", "alpha", False,
                       f"2026-03-{day:02d}T10:00:00+00:00")


def test_ten_alphas_in_four_days_are_said_as_the_sample_says_them():
    alphas = [alpha(n, 19 + n * 4 // 10) for n in range(1, 11)]
    news = compare(state(), state(alphas), "the last run")
    assert [b.words for b in news.bursts] == ["10 alphas for v0.117.0 in 4 days"]
    assert compare(state(), state(alphas[:2]), "the last run").bursts == ()
    assert compare(state(), state(alphas[:2]), "x", Thresholds(burst=2)).bursts[0].words == \
        "2 alphas for v0.117.0 in 1 day"


def test_a_language_share_is_news_only_past_the_threshold():
    before, after = state(languages=[("Rust", 70.0), ("TypeScript", 30.0)]), \
        state(languages=[("Rust", 72.5), ("TypeScript", 24.0), ("Python", 3.5)])
    moved = compare(before, after, "x").languages
    assert [(s.language, s.before, s.after) for s in moved] == [("TypeScript", 30.0, 24.0), ("Python", 0.0, 3.5)]
    assert compare(before, after, "x", Thresholds(language_points=10)).languages == ()


def test_someone_stopped_when_releases_went_on_without_them_long_enough():
    ada = PersonFact("email:ada@example.com", "Ada", "v1", "v1", "2025-01-01T00:00:00+00:00", 5)
    drive_by = PersonFact("email:bob@example.com", "Bob", "v1", "v1", "2025-01-01T00:00:00+00:00", 1)
    first = ReleaseFact("v1", "v", "1.0.0", "stable", True, "2025-01-01T00:00:00+00:00")
    later = ReleaseFact("v2", "v", "2.0.0", "stable", True, "2025-06-01T00:00:00+00:00")
    news = compare(state([first], [ada, drive_by]), state([first, later], [ada, drive_by]), "x")
    assert [p.name for p in news.stopped] == ["Ada"]
    assert compare(state([first], [ada]), state([first, later], [ada]), "x",
                   Thresholds(stopped_after_days=200)).stopped == ()
    quiet = compare(state([first], [ada]), state([first], [ada], moment="2027-01-01T00:00:00+00:00"), "x")
    assert quiet.empty  # no release since: the clock alone makes nobody stop


def test_a_package_renamed_in_place_keeps_its_lineage():
    old = PackageFact("cargo", "cargo:codex-rs:codex-rs/tui", "codex-tui", "codex-rs/tui")
    new = PackageFact("cargo", "cargo:codex-rs:codex-rs/tui", "codex-terminal", "codex-rs/tui")
    added = PackageFact("npm", "npm:.:sdk", "codex-sdk", "sdk")
    changes = compare(state(packages=[old]), state(packages=[new, added]), "x").packages
    assert [(c.ecosystem, c.change, c.old_package, c.package) for c in changes] == [
        ("cargo", "renamed", "codex-tui", "codex-terminal"), ("npm", "added", "", "codex-sdk")]


def test_notable_dependencies_are_news_only_when_both_states_read_the_sources():
    v8 = NotableFact("cargo", "v8", "v8-poc", "embeds the V8 JavaScript engine")
    assert [n.dependency for n in compare(state(notable=()), state(notable=(v8,)), "x").notable] == ["v8"]
    assert compare(state(notable=None), state(notable=(v8,)), "x").notable == ()


def test_a_state_and_its_news_survive_json():
    before = state([alpha(1, 19)], languages=[("Rust", 70.0)], notable=())
    after = state([alpha(n, 19 + n) for n in range(1, 5)], languages=[("Rust", 80.0)], notable=())
    news = compare(before, after, "x")
    assert Facts.from_dict(json.loads(json.dumps(after.to_dict()))) == after
    assert News.from_dict(json.loads(json.dumps(news.to_dict()))) == news


def test_the_source_views_notable_table_is_read_when_the_analysis_has_it(agent_repo, tmp_path):
    without = dict(analyze(str(agent_repo), db=tmp_path / "without.sqlite", source=False).tables)
    cut = cut_of(without, "rust-v0.7.0")
    assert facts_of("agent", without, cut, cut=cut).notable is None  # no source view: nothing to say
    tables = dict(analyze(str(agent_repo), db=tmp_path / "miner.sqlite").tables)
    assert facts_of("agent", tables, cut, cut=cut).notable == ()  # the sample's sources import nothing notable
    tables["source_notable"] = pd.DataFrame(
        [["rust-v0.7.0", "cargo", "tokio", "runs on the Tokio async runtime", "codex-core", 3],
         ["rust-v0.8.0", "cargo", "tokio", "runs on the Tokio async runtime", "codex-core", 3],
         ["rust-v0.8.0", "cargo", "v8", "embeds the V8 JavaScript engine", "v8-poc", 1]],
        columns=["release", "registry", "dependency", "signals", "packages", "files"])
    news = compare(facts_of("agent", tables, cut, cut=cut), facts_of("agent", tables, "2026-01-01T00:00:00+00:00"),
                   "rust-v0.7.0")
    assert [(n.dependency, n.packages) for n in news.notable] == [("v8", "v8-poc")]
    assert "- New notable dependency: `v8` used by v8-poc (embeds the V8 JavaScript engine)" in news_markdown(news)
