"""Store schema 6 records the runs of `mine news`; a schema-5 store is upgraded in place, nothing lost."""
from __future__ import annotations

import sqlite3

from miner.model.notes import HostedPage, HostedRelease, HostedReleases
from miner.store.sqlite import SCHEMA_VERSION, Store


def test_a_schema_5_store_gains_the_news_table_and_keeps_what_it_held(tmp_path):
    path = tmp_path / "miner.sqlite"
    hosted = HostedReleases("openai/codex", "2026-03-01T00:00:00+00:00", (
        HostedPage(1, "https://api.github.com/x", '"e1"', None, "2026-03-01T00:00:00+00:00",
                   (HostedRelease("v1", "v1", "notes", "2026-02-01T00:00:00Z", False),)),))
    with Store(path) as store:
        store.save_hosted("/repos/codex", hosted)
    db = sqlite3.connect(path)
    db.execute("DROP TABLE news_run")
    db.execute("PRAGMA user_version = 5")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.hosted("/repos/codex") == hosted
        assert store.last_news("codex") is None
        store.save_news("codex", "2026-03-02T00:00:00+00:00", "x", {"a": 1}, {"b": 2})
        store.save_news("codex", "2026-03-03T00:00:00+00:00", "y", {"a": 3}, {"b": 4})
        assert store.last_news("codex") == ("2026-03-03T00:00:00+00:00", {"a": 3}, {"b": 4})
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
