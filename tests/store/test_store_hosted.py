"""A source's fetched releases in the store: written whole by `save_hosted`, read back as they were fetched."""
from __future__ import annotations

import sqlite3

import pytest

from miner.errors import MinerError
from miner.model.notes import HostedPage, HostedRelease, HostedReleases
from miner.store.sqlite import Store

MCP = HostedRelease("rust-v0.2.0", "0.2.0 ✨", "## MCP\n- servers (#12)", "2025-10-07T18:00:00Z", False,
                    "2025-10-07T17:00:00Z", False)
DRAFT = HostedRelease("rust-v0.3.0", "", "", None, False, "2025-10-08T09:00:00Z", True)
ALPHA = HostedRelease("rust-v0.2.0-alpha.1", "", "", "2025-10-01T18:00:00Z", True, None, False)


def page(number: int, *releases: HostedRelease, next_url: str | None = None) -> HostedPage:
    return HostedPage(number, f"https://api.github.com/x?page={number}", f'W/"etag-{number}"', next_url,
                      f"2026-01-0{number}T00:00:00+00:00", releases)


def test_a_fetch_reads_back_as_it_was_saved(tmp_path):
    hosted = HostedReleases("openai/codex", "2026-01-03T00:00:00+00:00",
                            (page(1, DRAFT, MCP, next_url="https://api.github.com/x?page=2"), page(2, ALPHA)))
    with Store(tmp_path / "s.sqlite") as store:
        store.save_hosted("/repos/openai+codex", hosted)
    with Store(tmp_path / "s.sqlite", readonly=True) as store:
        assert store.hosted("/repos/openai+codex") == hosted
        assert store.hosted("/repos/other") is None
    db = sqlite3.connect(tmp_path / "s.sqlite")
    assert db.execute("SELECT tag, fetched_at FROM hosted_release ORDER BY page, position").fetchall() == [
        ("rust-v0.3.0", "2026-01-01T00:00:00+00:00"), ("rust-v0.2.0", "2026-01-01T00:00:00+00:00"),
        ("rust-v0.2.0-alpha.1", "2026-01-02T00:00:00+00:00")]


def test_a_new_fetch_replaces_the_old_and_leaves_other_sources_alone(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        store.save_hosted("/a", HostedReleases("o/a", "t1", (page(1, MCP, next_url="n"), page(2, ALPHA))))
        store.save_hosted("/b", HostedReleases("o/b", "t1", (page(1, ALPHA),)))
        store.save_hosted("/a", HostedReleases("o/a", "t2", (page(1, DRAFT),)))
        assert store.hosted("/a") == HostedReleases("o/a", "t2", (page(1, DRAFT),))
        assert store.hosted("/b") == HostedReleases("o/b", "t1", (page(1, ALPHA),))


def test_an_empty_list_is_stored_as_fetched(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        store.save_hosted("/a", HostedReleases("o/a", "t", (page(1),)))
        assert store.hosted("/a").releases == ()


def test_a_failed_save_keeps_the_previous_fetch(tmp_path):
    before = HostedReleases("o/a", "t1", (page(1, MCP),))
    with Store(tmp_path / "s.sqlite") as store:
        store.save_hosted("/a", before)
        broken = HostedReleases("o/a", "t2", (page(1, ALPHA), page(1, DRAFT)))  # one page twice: the key refuses it
        with pytest.raises(MinerError, match="UNIQUE constraint failed"):
            store.save_hosted("/a", broken)
        assert store.hosted("/a") == before


def test_drafts_are_no_releases_and_each_tag_counts_once():
    newer = HostedRelease("rust-v0.2.0", "", "edited", None, False)
    hosted = HostedReleases("o/a", "t", (page(1, DRAFT, newer), page(2, MCP, ALPHA)))
    assert hosted.releases == (newer, ALPHA)
    assert hosted.origin == "https://api.github.com/x?page=1"
