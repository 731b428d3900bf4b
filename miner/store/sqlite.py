"""The embedded SQLite store of mined facts.

Four kinds of facts live here.  Commits, as the history walk saw them, with
the tips whose whole ancestry is stored, so a later run walks only what is new:
they belong to a *source*, the git directory they were read from.  Values
derived from git objects, keyed by object id (the `Cache` protocol), so nothing
derived from an unchanged blob or tree is computed twice.  And each
*analysis*, by the name reports use for it, with the fingerprint of its inputs,
what it needs to be rendered again (`meta`: the release line, the described
release, the layer rules it used) and its tables, so `mine report` renders
without re-mining.  Two analyses of one source under two names (`--name`) are
two analyses sharing its commits.  And a source's releases as its hosting site
lists them (`mine clone --releases`), page by page with each page's ETag and
the time it was fetched, which the analyses of that source read as notes.
And each run of `mine news`: the state of the analysis it compared
(`analyses.news.Facts`) and the news it found, so the next run compares
against it and `mine regenerate` renders the news again.

A mining run only reads (`prior`); `save` is the one writer, and writes an
analysis with its new commits and cache entries in one transaction: a run
killed half-way leaves the store as it was; `save_hosted` writes one fetch of
a source's releases the same way.  The file carries miner's mark in
its header, and miner writes to no SQLite file without it but a new or empty one.
"""
from __future__ import annotations

import json
import os
import sqlite3
import time
import zlib
from collections.abc import Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from miner.errors import MinerError
from miner.model.commits import Commit
from miner.model.notes import HostedPage, HostedRelease, HostedReleases
from miner.paths import make_folder
from miner.store import jsontext
from miner.store.cache import ReadCache

SCHEMA_VERSION = 6
# `PRAGMA application_id` of a miner store ("mine" in ASCII), with the schema in `PRAGMA user_version`: how
# miner tells its own file from another program's database, which it must neither change nor empty.
APPLICATION_ID = 0x6D696E65
# Seconds a write waits for another writer (a concurrent `mine analyze` saving) before giving up.
BUSY_TIMEOUT = 60.0
# Every table a miner store has had.  Stores of schemas 1 and 2, from before the marker, are known by having
# these alone, with their version in `meta`; rebuilding an older store drops these and nothing else.
_MINER_TABLES = {"meta", "repo", "commits", "walked_tip", "object_cache", "result_input", "result_table",
                 "source", "analysis", "hosted_fetch", "hosted_release", "news_run"}
# Joins a commit's paths and co-authors in one column: git allows no control characters like it in
# an identity, and in a path it is as good as unheard of (JSON would double the insert time).
_SEPARATOR = "\x1f"

_SCHEMA = """
CREATE TABLE source (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
CREATE TABLE commits (
    source_id INTEGER NOT NULL, sha TEXT NOT NULL, parents TEXT NOT NULL,
    author_name TEXT NOT NULL, author_email TEXT NOT NULL,
    author_time INTEGER NOT NULL, author_offset TEXT NOT NULL, commit_time INTEGER NOT NULL,
    subject TEXT NOT NULL, coauthors TEXT NOT NULL, files TEXT NOT NULL,
    PRIMARY KEY (source_id, sha)) WITHOUT ROWID;
CREATE TABLE walked_tip (source_id INTEGER NOT NULL, sha TEXT NOT NULL, PRIMARY KEY (source_id, sha)) WITHOUT ROWID;
CREATE TABLE object_cache (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID;
CREATE TABLE analysis (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, source_id INTEGER NOT NULL,
    fingerprint TEXT NOT NULL, meta TEXT NOT NULL);
CREATE TABLE result_table (analysis_id INTEGER NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (analysis_id, name)) WITHOUT ROWID;
CREATE TABLE hosted_fetch (source_id INTEGER NOT NULL, page INTEGER NOT NULL, repository TEXT NOT NULL,
    url TEXT NOT NULL, etag TEXT NOT NULL, next_url TEXT, fetched_at TEXT NOT NULL, checked_at TEXT NOT NULL,
    PRIMARY KEY (source_id, page)) WITHOUT ROWID;
CREATE TABLE hosted_release (source_id INTEGER NOT NULL, page INTEGER NOT NULL, position INTEGER NOT NULL,
    tag TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL, published_at TEXT, created_at TEXT,
    prerelease INTEGER NOT NULL, draft INTEGER NOT NULL, fetched_at TEXT NOT NULL,
    PRIMARY KEY (source_id, page, position)) WITHOUT ROWID;
"""
_NEWS_RUN = ("CREATE TABLE news_run (id INTEGER PRIMARY KEY, name TEXT NOT NULL, ran_at TEXT NOT NULL, "
             "since TEXT NOT NULL, facts TEXT NOT NULL, news TEXT NOT NULL)")
_SCHEMA += _NEWS_RUN + ";\n"
# What turns a store of an older schema into the next one without losing what it holds, by the version it
# upgrades; an older store with no way up is rebuilt empty (all it holds but fetches can be mined again).
_MIGRATIONS = {
    5: (_NEWS_RUN,),  # schema 6 added the runs of `mine news`
}


class Store:
    """A connection to the store file, created with its schema on first use.

    `readonly` opens an existing store without writing to it (`mine report`,
    `regenerate`, `compare`): a missing file is an error rather than a new
    store, and a store in a read-only file or folder can still be read.
    """

    def __init__(self, path: str | Path, readonly: bool = False):
        self.path = Path(path)
        if readonly and not self.path.is_file():
            raise MinerError(f"{self.path}: no miner store there (`mine analyze` creates it)")
        if not readonly:
            make_folder(self.path.parent, self.path)
        try:
            self.db = _connect_readonly(self.path) if readonly else _connect(self.path)
        except sqlite3.Error as error:
            raise self._failure(error) from None
        try:
            self._open(readonly)
        except (sqlite3.Error, MinerError) as error:
            self.db.close()  # and with it any transaction `_open` began
            raise self._failure(error) if isinstance(error, sqlite3.Error) else error from None
        self._decoded: dict[tuple[str, str], Any] = {}
        # A first analysis finds the persistent cache empty: no need to ask it about each object.
        self._cache_rows = self.db.execute("SELECT 1 FROM object_cache LIMIT 1").fetchone() is not None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all; a busy or read-only store is a one-line error."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if self.db.in_transaction:  # SQLite rolls back by itself on some errors (a full disk)
                    self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.Error as error:
            raise self._failure(error) from None

    # What a mining run reads ---------------------------------------------

    def prior(self, path: str | Path) -> StorePrior:
        """What the store already knows of the git directory at `path`: its walked tips, commits and the cache."""
        row = self.db.execute("SELECT id FROM source WHERE path = ?", (str(path),)).fetchone()
        return StorePrior(self, row[0] if row else None)

    def get(self, kind: str, key: str) -> Any | None:
        """The cached value under (kind, key), decoded once per run: callers treat it as read-only."""
        found = self._decoded.get((kind, key))
        if found is None and self._cache_rows:
            row = self.db.execute("SELECT value FROM object_cache WHERE kind = ? AND key = ?", (kind, key)).fetchone()
            if row is None:
                return None
            found = self._decoded[(kind, key)] = jsontext.loads(row[0])
        return found

    # Analyses ------------------------------------------------------------

    def save(self, saved: Saved) -> None:
        """Write one analysis, the commits and walked tips its run found and its cache entries, in one
        transaction: the one writer of mining runs."""
        rows = (
            (c.sha, " ".join(c.parents), c.author_name, c.author_email, c.author_time,
             c.author_offset, c.commit_time, c.subject, _SEPARATOR.join(c.coauthors), _SEPARATOR.join(c.files))
            for c in saved.commits
        )
        with self.transaction():
            source = self._source_id(saved.path)
            self.db.executemany(f"INSERT OR REPLACE INTO commits VALUES ({source},?,?,?,?,?,?,?,?,?,?)", rows)
            self.db.executemany("INSERT OR IGNORE INTO walked_tip VALUES (?, ?)", ((source, t) for t in saved.tips))
            self.db.executemany("INSERT OR REPLACE INTO object_cache VALUES (?, ?, ?)",
                                ((kind, key, value) for (kind, key), value in saved.cache.items()))
            meta = json.dumps(saved.meta, sort_keys=True)
            self.db.execute("INSERT INTO analysis (name, source_id, fingerprint, meta) VALUES (?, ?, ?, ?) "
                            "ON CONFLICT(name) DO UPDATE SET source_id = excluded.source_id, "
                            "fingerprint = excluded.fingerprint, meta = excluded.meta",
                            (saved.name, source, saved.fingerprint, meta))
            analysis = self.db.execute("SELECT id FROM analysis WHERE name = ?", (saved.name,)).fetchone()[0]
            self.db.execute("DELETE FROM result_table WHERE analysis_id = ?", (analysis,))
            self.db.executemany("INSERT INTO result_table VALUES (?, ?, ?)",
                                ((analysis, name, _packed(frame)) for name, frame in saved.tables.items()))
        self._cache_rows = self._cache_rows or bool(saved.cache)

    def save_hosted(self, path: str | Path, hosted: HostedReleases) -> None:
        """Replace the stored releases list of the source at `path` by `hosted`, in one transaction."""
        with self.transaction():
            source = self._source_id(str(path))
            self.db.execute("DELETE FROM hosted_fetch WHERE source_id = ?", (source,))
            self.db.execute("DELETE FROM hosted_release WHERE source_id = ?", (source,))
            self.db.executemany("INSERT INTO hosted_fetch VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (
                (source, page.number, hosted.repository, page.url, page.etag, page.next_url, page.fetched_at,
                 hosted.checked_at) for page in hosted.pages))
            self.db.executemany("INSERT INTO hosted_release VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (
                (source, page.number, position, r.tag, r.name, r.body, r.published_at, r.created_at, r.prerelease,
                 r.draft, page.fetched_at) for page in hosted.pages for position, r in enumerate(page.releases)))

    def hosted(self, path: str | Path) -> HostedReleases | None:
        """The releases list last fetched for the source at `path`, or None when none was."""
        pages = self.db.execute(
            "SELECT f.page, f.repository, f.url, f.etag, f.next_url, f.fetched_at, f.checked_at FROM hosted_fetch f "
            "JOIN source s ON s.id = f.source_id WHERE s.path = ? ORDER BY f.page", (str(path),)).fetchall()
        if not pages:
            return None
        releases: dict[int, list[HostedRelease]] = {number: [] for number, *_ in pages}
        for row in self.db.execute(
                "SELECT r.page, r.tag, r.name, r.body, r.published_at, r.prerelease, r.created_at, r.draft "
                "FROM hosted_release r JOIN source s ON s.id = r.source_id WHERE s.path = ? "
                "ORDER BY r.page, r.position", (str(path),)):
            releases[row[0]].append(HostedRelease(row[1], row[2], row[3], row[4], bool(row[5]), row[6], bool(row[7])))
        return HostedReleases(pages[0][1], pages[0][6], tuple(
            HostedPage(number, url, etag, next_url, fetched_at, tuple(releases[number]))
            for number, _, url, etag, next_url, fetched_at, _ in pages))

    def save_news(self, name: str, ran_at: str, since: str, facts: dict, news: dict) -> None:
        """Record one `mine news` run of the analysis `name`: the state it compared and what it found."""
        with self.transaction():
            self.db.execute("INSERT INTO news_run (name, ran_at, since, facts, news) VALUES (?, ?, ?, ?, ?)",
                            (name, ran_at, since, json.dumps(facts, sort_keys=True), json.dumps(news, sort_keys=True)))

    def last_news(self, name: str) -> tuple[str, dict, dict] | None:
        """(ran at, state, news) of the last `mine news` run of the analysis `name`, None if it had none."""
        row = self.db.execute("SELECT ran_at, facts, news FROM news_run WHERE name = ? ORDER BY id DESC LIMIT 1",
                              (name,)).fetchone()
        return (row[0], json.loads(row[1]), json.loads(row[2])) if row else None

    def fingerprint(self, name: str, path: str | Path) -> str | None:
        """The digest of the inputs of the analysis `name` of the source at `path`, if there is one."""
        row = self.db.execute("SELECT a.fingerprint FROM analysis a JOIN source s ON s.id = a.source_id "
                              "WHERE a.name = ? AND s.path = ?", (name, str(path))).fetchone()
        return row[0] if row else None

    def load(self, name: str) -> tuple[StoredTables, dict[str, Any]]:
        """The tables of the analysis `name`, each parsed when first used, and its meta."""
        row = self.db.execute("SELECT id, meta FROM analysis WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise MinerError(self._unknown(name))
        texts = dict(self.db.execute("SELECT name, data FROM result_table WHERE analysis_id = ?", (row[0],)))
        return StoredTables(texts), json.loads(row[1])

    def find(self, name: str) -> str:
        """The name of the analysis called `name`, or of the one analysis of the repository at path `name`."""
        analyses = self.analyses()
        if name in set(analyses["name"]):
            return name
        if Path(name).exists():
            resolved = Path(name).resolve()
            found = analyses[analyses["path"].isin({str(resolved), str(resolved / ".git")})]
            if len(found) == 1:
                return str(found["name"].iloc[0])
            if len(found) > 1:
                raise MinerError(f"{name} was analysed under several names ({', '.join(found['name'])}): give one")
        raise MinerError(self._unknown(name))

    def analyses(self) -> pd.DataFrame:
        """Every analysis in this store: its name and the git directory it was mined from."""
        return pd.read_sql_query("SELECT a.name, s.path FROM analysis a JOIN source s ON s.id = a.source_id "
                                 "ORDER BY a.name", self.db)

    def _unknown(self, name: str) -> str:
        names = ", ".join(self.analyses()["name"]) or "none: run `mine analyze` first"
        return f"repository '{name}' is not in the store {self.path} (analysed: {names})"

    def _source_id(self, path: str) -> int:
        row = self.db.execute("SELECT id FROM source WHERE path = ?", (path,)).fetchone()
        return row[0] if row else self.db.execute("INSERT INTO source (path) VALUES (?)", (path,)).lastrowid

    def _open(self, readonly: bool) -> None:
        """Check that the file is a store of this miner's schema; make an empty database one, rebuild an older one.

        Only a file marked as miner's (or laid out exactly as the unmarked
        stores of schemas 1 and 2) is ever changed: any other database is
        refused before anything is written to it.
        """
        self.db.execute("BEGIN")  # one snapshot: another run may be making the file a store meanwhile
        version = self._schema()
        self.db.execute("COMMIT")
        if version > SCHEMA_VERSION:
            raise MinerError(f"{self.path}: written by a newer miner (store schema {version}, this one reads "
                             f"{SCHEMA_VERSION}); upgrade miner or use another --db")
        if readonly and version < SCHEMA_VERSION:
            state = f"written by an older miner (store schema {version})" if version else "an empty database"
            raise MinerError(f"{self.path}: {state}; `mine analyze` rebuilds it as a store")
        if readonly:
            return
        self._use_wal()
        self.db.execute("PRAGMA synchronous=NORMAL")  # with WAL: still atomic, one fsync fewer per commit
        if version == SCHEMA_VERSION:
            return
        self.db.execute("BEGIN IMMEDIATE")
        version = self._schema()  # another run may have made it a store meanwhile
        while 0 < version < SCHEMA_VERSION and version in _MIGRATIONS:
            for statement in _MIGRATIONS[version]:
                self.db.execute(statement)
            version += 1
            self.db.execute(f"PRAGMA user_version = {version}")
        if version < SCHEMA_VERSION:  # all an older store holds can be mined again
            for name in self._tables() & _MINER_TABLES:
                self.db.execute(f'DROP TABLE "{name}"')
            for statement in filter(str.strip, _SCHEMA.split(";")):  # executescript would commit here
                self.db.execute(statement)
            self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        self.db.execute("COMMIT")

    def _use_wal(self) -> None:
        """Put the database in WAL mode (a store is in it already).  While another connection reads the file,
        SQLite refuses the switch at once instead of waiting, so it is tried again until the busy timeout."""
        deadline = time.monotonic() + BUSY_TIMEOUT
        while self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
            except sqlite3.OperationalError as error:
                if not _code(error).startswith("SQLITE_BUSY") or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _schema(self) -> int:
        """The schema version of the store, 0 for an empty database; a one-line error for another program's file."""
        marker = self.db.execute("PRAGMA application_id").fetchone()[0]
        if marker == APPLICATION_ID:
            return self.db.execute("PRAGMA user_version").fetchone()[0]
        objects = self._tables(kinds="'table', 'index', 'view', 'trigger'")
        if marker == 0 and not objects and self.db.execute("PRAGMA user_version").fetchone()[0] == 0:
            return 0
        unmarked = self._unmarked_version() if marker == 0 and "meta" in objects and objects <= _MINER_TABLES else None
        if unmarked is None:
            raise MinerError(f"{self.path}: an SQLite database of another program, not a miner store; "
                             "miner leaves it alone: give --db a new file")
        return unmarked

    def _unmarked_version(self) -> int | None:
        """The schema version a store from before the marker wrote in its `meta` table (1 or 2), if it did."""
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError:
            return None
        return int(row[0]) if row is not None and str(row[0]) in ("1", "2") else None

    def _tables(self, kinds: str = "'table'") -> set[str]:
        """Names of the database's own objects of `kinds` (SQLite's internal `sqlite_*` ones left out)."""
        query = f"SELECT name FROM sqlite_master WHERE type IN ({kinds})"
        return {name for (name,) in self.db.execute(query) if not name.startswith("sqlite_")}

    def _failure(self, error: sqlite3.Error) -> MinerError:
        """The one line that says what stopped SQLite, naming the store."""
        code = _code(error)
        if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return MinerError(f"{self.path}: the store is locked by another program writing to it (waited "
                              f"{BUSY_TIMEOUT:g} s); try again when it has finished")
        if code.startswith("SQLITE_READONLY"):
            return MinerError(f"{self.path}: the store is read-only ({error}); `mine analyze` must write to it")
        if code.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM")) and not _writable(Path(self.path)):
            return MinerError(f"{self.path}: the store or its folder is read-only ({error}); `mine analyze` writes "
                              "the store and its journal beside it (`mine report` and `compare` only read)")
        if code.startswith(("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_PERM")):
            return MinerError(f"{self.path}: cannot write the store ({error})")
        return MinerError(f"{self.path}: not a usable miner store ({error})")


def _writable(path: Path) -> bool:
    """Whether this process may write the store and the journal files SQLite makes beside it."""
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


@dataclass(frozen=True)
class Saved:
    """What `Store.save` writes for one analysis: its name and source, what its run found, its tables."""

    name: str
    path: str
    fingerprint: str
    meta: dict[str, Any]
    tables: Mapping[str, pd.DataFrame]
    commits: Sequence[Commit] = ()
    tips: Sequence[str] = ()
    cache: Mapping[tuple[str, str], str] = field(default_factory=dict)


class StorePrior:
    """What the store knows of one source, for a mining run to read: walked tips, commits, cached values."""

    def __init__(self, store: Store, source_id: int | None):
        self.cache: ReadCache = store
        self._db, self._source, self._path = store.db, source_id, store.path

    def detached(self, read_cache: bool = True) -> DetachedPrior:
        """The same knowledge as values a worker process or machine can be sent: the walked tips and commits
        read now, and with `read_cache` the store's path, whose cache the worker reads without writing."""
        return DetachedPrior(frozenset(self.walked_tips()), tuple(self.commits(files=True)),
                             str(self._path) if read_cache else None)

    def walked_tips(self) -> set[str]:
        """Commits whose whole ancestry is already stored."""
        if self._source is None:
            return set()
        return {sha for (sha,) in self._db.execute("SELECT sha FROM walked_tip WHERE source_id = ?", (self._source,))}

    def commits(self, files: bool = False) -> Iterator[Commit]:
        """Every stored commit of the source (file lists only when asked: they are the bulk)."""
        if self._source is None:
            return
        columns = "sha, parents, author_name, author_email, author_time, author_offset, commit_time, subject, coauthors"
        query = f"SELECT {columns}, {'files' if files else chr(39) * 2} FROM commits WHERE source_id = ?"
        for row in self._db.execute(query, (self._source,)):
            yield Commit(row[0], tuple(row[1].split()), row[2], row[3], row[4], row[5], row[6], row[7],
                         _split(row[8]), _split(row[9]))


class DetachedPrior:
    """What the store knew of one source when a job was prepared, without its connection: it pickles.

    The cache is the store's, opened read-only in the worker on first use,
    when the worker sees the store at `db` (this machine, or a local copy);
    without it, every entry is computed anew, which gives the same tables.
    SQLite's WAL needs the reader beside the writer: on a cluster, workers
    on other machines get `db=None` rather than the store over a network share.
    """

    def __init__(self, tips: frozenset[str], stored: tuple[Commit, ...], db: str | None):
        self.tips, self.stored, self.db = tips, stored, db
        self._cache: ReadCache | None = None

    @property
    def cache(self) -> ReadCache | None:
        if self._cache is None and self.db is not None and Path(self.db).is_file():
            self._cache = Store(self.db, readonly=True)
        return self._cache

    def walked_tips(self) -> set[str]:
        return set(self.tips)

    def commits(self, files: bool = False) -> Iterator[Commit]:
        return iter(self.stored) if files else (commit._replace(files=()) for commit in self.stored)

    def __getstate__(self) -> dict[str, Any]:
        return {"tips": self.tips, "stored": self.stored, "db": self.db}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)


class StoredTables(MutableMapping):
    """Result tables as the store holds them, each parsed from its JSON on first use.

    A run whose inputs are unchanged and whose files are current reads the two
    or three tables its summary line needs, not all thirty: parsing them all
    costs 0.2 to 0.6 s on real repositories.
    """

    def __init__(self, texts: dict[str, str | bytes]):
        self._texts = texts
        self._frames: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        frame = self._frames.get(name)
        if frame is None:
            frame = self._frames[name] = _unpacked(self._texts[name])
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


def _packed(frame: pd.DataFrame) -> bytes:
    """A result table as stored: its JSON (with the schema that restores its types), deflated.

    The JSON of a release history's tables is tens of megabytes (42 MB at the
    740 releases of a Codex-sized repository, package_deps 27 MB of it), which
    SQLite writes twice, to its log and then to the file: deflated at the
    fastest level it is 1.9 MB, deflating costs 0.1 s and saves 0.5 s.
    """
    return zlib.compress(frame.to_json(orient="table", index=False, double_precision=15).encode(), 1)


def _unpacked(data: str | bytes) -> pd.DataFrame:
    """The table `_packed` stored; a store written before tables were deflated holds the JSON as text."""
    text = zlib.decompress(data).decode() if isinstance(data, bytes) else data
    return pd.read_json(StringIO(text), orient="table", precise_float=True)


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT)


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection that never writes.  In a read-only folder SQLite cannot make the WAL index it reads a
    WAL store through; with no WAL file left there, nobody can be writing (a writer would need one), and
    the file is read as it stands."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT)
    try:
        db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.OperationalError as error:
        if not _code(error).startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) or Path(f"{path}-wal").exists():
            raise
        db.close()
        db = sqlite3.connect(f"{uri}&immutable=1", uri=True, isolation_level=None)
    return db


def _code(error: sqlite3.Error) -> str:
    """SQLite's name for what went wrong (`SQLITE_BUSY`, `SQLITE_READONLY_DIRECTORY`...), "" if it gave none."""
    return getattr(error, "sqlite_errorname", None) or ""


def _split(joined: str) -> tuple[str, ...]:
    return tuple(joined.split(_SEPARATOR)) if joined else ()
