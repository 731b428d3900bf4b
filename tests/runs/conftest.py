"""Three fixture repositories of different shapes, and the store as bytes to compare runs by."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from miner.runs import Target


@pytest.fixture(scope="session")
def three(agent_repo, crate_repo, evolution_path) -> list[Target]:
    """The Codex-shaped, ripgrep-shaped and capability-evolution repositories as targets of one run."""
    return [Target(str(path), path.stem) for path in (agent_repo, crate_repo, evolution_path)]


def stored(db: Path) -> dict:
    """Everything a run wrote, keyed by repository path and analysis name, not by row ids (which follow the
    order repositories finished in): tables as their JSON text, commits, walked tips, cache entries."""
    with sqlite3.connect(db) as connection:
        def rows(query: str) -> list:
            return sorted(connection.execute(query).fetchall())

        return {
            "analyses": rows("SELECT a.name, s.path, a.fingerprint, a.meta FROM analysis a JOIN source s "
                             "ON s.id = a.source_id"),
            "tables": rows("SELECT a.name, t.name, t.data FROM result_table t JOIN analysis a ON a.id = t.analysis_id"),
            "commits": rows("SELECT s.path, c.sha, c.parents, c.author_name, c.author_email, c.author_time, "
                            "c.author_offset, c.commit_time, c.subject, c.coauthors, c.files FROM commits c "
                            "JOIN source s ON s.id = c.source_id"),
            "tips": rows("SELECT s.path, w.sha FROM walked_tip w JOIN source s ON s.id = w.source_id"),
            "cache": rows("SELECT kind, key, value FROM object_cache"),
        }
