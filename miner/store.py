"""The embedded SQLite store of mined facts.

Three kinds of facts live here.  Commits, as the history walk saw them, with
the tips whose whole ancestry is stored, so a later run walks only what is new.
Values derived from git objects, keyed by object id (the `Cache` protocol), so
nothing derived from an unchanged blob or tree is computed twice.  And the
tables of the last analysis of each repository, so `mine report` renders
without re-mining.  Every write happens in a transaction: a run killed half-way
leaves the store as it was before the run.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import MutableMapping
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Any, Iterable, Iterator

import pandas as pd

from miner.errors import MinerError
from miner.history import Commit

SCHEMA_VERSION = 2
# Joins a commit's paths and co-authors in one column: git allows no control characters like it in
# an identity, and in a path it is as good as unheard of (JSON would double the insert time).
_SEPARATOR = "\x1f"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS repo (id INTEGER PRIMARY KEY, name TEXT NOT NULL, path TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS commits (
    repo_id INTEGER NOT NULL, sha TEXT NOT NULL, parents TEXT NOT NULL,
    author_name TEXT NOT NULL, author_email TEXT NOT NULL,
    author_time INTEGER NOT NULL, author_offset TEXT NOT NULL, commit_time INTEGER NOT NULL,
    subject TEXT NOT NULL, coauthors TEXT NOT NULL, files TEXT NOT NULL,
    PRIMARY KEY (repo_id, sha)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS walked_tip (repo_id INTEGER NOT NULL, sha TEXT NOT NULL, PRIMARY KEY (repo_id, sha)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS object_cache (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS result_input (repo_id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS result_table (repo_id INTEGER NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (repo_id, name)) WITHOUT ROWID;
"""


class Store:
    """A connection to the store file, created with its schema on first use."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # with WAL: still atomic, one fsync fewer per commit
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise MinerError(f"{self.path}: not a usable miner store ({error})") from None
        self._pending: dict[tuple[str, str], str] = {}
        self._decoded: dict[tuple[str, str], Any] = {}
        # A first analysis finds the persistent cache empty: no need to ask it about each object.
        self._cache_rows = self.db.execute("SELECT 1 FROM object_cache LIMIT 1").fetchone() is not None

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # Repositories -------------------------------------------------------

    def repo_id(self, name: str, path: str) -> int:
        """The id of the repository at `path`, registered or renamed to `name` (the latest name wins)."""
        row = self.db.execute("SELECT id, name FROM repo WHERE path = ?", (path,)).fetchone()
        with self.transaction():
            if row is None:
                return self.db.execute("INSERT INTO repo (name, path) VALUES (?, ?)", (name, path)).lastrowid
            if row[1] != name:
                self.db.execute("UPDATE repo SET name = ? WHERE id = ?", (name, row[0]))
        return row[0]

    def find_repo(self, name: str) -> int:
        """The id of the analysed repository called `name` (or stored at path `name`); one-line errors otherwise."""
        repos = self.repos()
        found = repos[repos["name"] == name]
        if found.empty and Path(name).exists():
            found = repos[repos["path"].isin({str(Path(name).resolve()), str(Path(name).resolve() / ".git")})]
        if found.empty:
            names = ", ".join(repos["name"]) or "none: run `mine analyze` first"
            raise MinerError(f"repository '{name}' is not in the store {self.path} (analysed: {names})")
        if len(found) > 1:
            raise MinerError(f"repository name '{name}' is ambiguous in the store: give its path, one of "
                             f"{', '.join(found['path'])}")
        return int(found["id"].iloc[0])

    def repos(self) -> pd.DataFrame:
        """Every repository analysed into this store."""
        return pd.read_sql_query("SELECT id, name, path FROM repo ORDER BY name", self.db)

    # Commits ------------------------------------------------------------

    def walked_tips(self, repo_id: int) -> set[str]:
        """Commits whose whole ancestry is already stored."""
        return {sha for (sha,) in self.db.execute("SELECT sha FROM walked_tip WHERE repo_id = ?", (repo_id,))}

    def add_commits(self, repo_id: int, commits: Iterable[Commit], tips: Iterable[str]) -> int:
        """Store a walk's commits and the tips it covered, in one transaction; returns the count."""
        rows = (
            (repo_id, c.sha, " ".join(c.parents), c.author_name, c.author_email, c.author_time,
             c.author_offset, c.commit_time, c.subject, _SEPARATOR.join(c.coauthors), _SEPARATOR.join(c.files))
            for c in commits
        )
        with self.transaction():
            before = self.db.total_changes
            self.db.executemany("INSERT OR REPLACE INTO commits VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
            added = self.db.total_changes - before
            self.db.executemany("INSERT OR IGNORE INTO walked_tip VALUES (?, ?)", ((repo_id, t) for t in tips))
        return added

    def commits(self, repo_id: int, files: bool = False) -> Iterator[Commit]:
        """Every stored commit of a repository (file lists only when asked: they are the bulk)."""
        columns = "sha, parents, author_name, author_email, author_time, author_offset, commit_time, subject, coauthors"
        files_column = "files" if files else "''"
        query = f"SELECT {columns}, {files_column} FROM commits WHERE repo_id = ?"
        for row in self.db.execute(query, (repo_id,)):
            yield Commit(row[0], tuple(row[1].split()), row[2], row[3], row[4], row[5], row[6], row[7],
                         _split(row[8]), _split(row[9]))

    def lineage(self, repo_id: int) -> Iterator[tuple[str, tuple[str, ...], str, str, tuple[str, ...]]]:
        """(sha, parents, author name, author e-mail, co-author lines) of every stored commit: what the release
        ranges and the identities need, read without building whole commits."""
        query = "SELECT sha, parents, author_name, author_email, coauthors FROM commits WHERE repo_id = ?"
        for sha, parents, name, email, coauthors in self.db.execute(query, (repo_id,)):
            yield sha, tuple(parents.split()), name, email, _split(coauthors)

    # Object cache (the miner.cache.Cache protocol) ------------------------

    def get(self, kind: str, key: str) -> Any | None:
        """The value under (kind, key), decoded once per run: callers treat it as read-only."""
        found = self._decoded.get((kind, key))
        if found is None and self._cache_rows:
            row = self.db.execute("SELECT value FROM object_cache WHERE kind = ? AND key = ?", (kind, key)).fetchone()
            if row is None:
                return None
            found = self._decoded[(kind, key)] = json.loads(row[0])
        return found

    def put(self, kind: str, key: str, value: Any) -> None:
        """Held in memory until `flush`, so a run's cache lands with its results.

        What `get` returns is the value after a JSON round trip (lists for
        tuples, text keys), whether it comes from this run or an earlier one.
        """
        text = json.dumps(value)
        self._pending[(kind, key)] = text
        self._decoded[(kind, key)] = json.loads(text)

    def flush(self) -> None:
        """Write the pending cache entries; call inside the run's closing transaction."""
        self.db.executemany(
            "INSERT OR REPLACE INTO object_cache VALUES (?, ?, ?)",
            ((kind, key, value) for (kind, key), value in self._pending.items()),
        )
        self._cache_rows = self._cache_rows or bool(self._pending)
        self._pending.clear()

    # Result tables --------------------------------------------------------

    def save_tables(self, repo_id: int, tables: dict[str, pd.DataFrame], fingerprint: str = "") -> None:
        """Replace the repository's result tables, with the pending cache, in one transaction.

        `fingerprint` digests the inputs the tables were computed from; a later
        run with the same inputs can take the tables as they are.
        """
        with self.transaction():
            self.flush()
            self.db.execute("INSERT OR REPLACE INTO result_input VALUES (?, ?)", (repo_id, fingerprint))
            self.db.execute("DELETE FROM result_table WHERE repo_id = ?", (repo_id,))
            self.db.executemany(
                "INSERT INTO result_table VALUES (?, ?, ?)",
                ((repo_id, name, frame.to_json(orient="table", index=False, double_precision=15))
                 for name, frame in tables.items()),
            )

    def fingerprint(self, repo_id: int) -> str | None:
        """The digest of the inputs of the stored tables, if any."""
        row = self.db.execute("SELECT fingerprint FROM result_input WHERE repo_id = ?", (repo_id,)).fetchone()
        return row[0] if row else None

    def load_tables(self, repo_id: int) -> StoredTables:
        """The tables of the repository's last analysis, each parsed when first used."""
        return StoredTables(dict(self.db.execute("SELECT name, data FROM result_table WHERE repo_id = ?", (repo_id,))))

    def _migrate(self) -> None:
        """Create the schema; a store from an older miner is emptied, since all it holds can be mined again."""
        self.db.executescript(_SCHEMA)
        row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is not None and int(row[0]) > SCHEMA_VERSION:
            raise MinerError(f"{self.path}: written by a newer miner (store schema {row[0]}, this one reads "
                             f"{SCHEMA_VERSION}); upgrade miner or use another --db")
        if row is not None and int(row[0]) < SCHEMA_VERSION:
            tables = [name for (name,) in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            self.db.executescript("".join(f"DROP TABLE {name};" for name in tables) + _SCHEMA)
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))


class StoredTables(MutableMapping):
    """Result tables as the store holds them, each parsed from its JSON on first use.

    A run whose inputs are unchanged and whose files are current reads the two
    or three tables its summary line needs, not all thirty: parsing them all
    costs 0.2 to 0.6 s on real repositories.
    """

    def __init__(self, texts: dict[str, str]):
        self._texts = texts
        self._frames: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        frame = self._frames.get(name)
        if frame is None:
            frame = self._frames[name] = pd.read_json(StringIO(self._texts[name]), orient="table", precise_float=True)
        return frame

    def __setitem__(self, name: str, frame: pd.DataFrame) -> None:
        self._texts.setdefault(name, "")
        self._frames[name] = frame

    def __delitem__(self, name: str) -> None:
        del self._texts[name]
        self._frames.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)


def _split(joined: str) -> tuple[str, ...]:
    return tuple(joined.split(_SEPARATOR)) if joined else ()
