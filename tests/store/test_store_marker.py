"""miner writes only to a store of its own: another program's SQLite file is refused untouched, an empty
file becomes a store, and an older miner store is rebuilt without losing tables that are not miner's."""
import sqlite3

import pytest

from miner.errors import MinerError
from miner.pipeline import analyze
from miner.store.sqlite import APPLICATION_ID, SCHEMA_VERSION, Store
from tests.cli.test_cli_analyze import assert_one_line_error, mine

# The tables, as they were named, of the stores miner wrote before it marked them (schemas 1 and 2).
UNMARKED_STORE = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE repo (id INTEGER PRIMARY KEY, name TEXT NOT NULL, path TEXT NOT NULL UNIQUE);
CREATE TABLE commits (repo_id INTEGER NOT NULL, sha TEXT NOT NULL, PRIMARY KEY (repo_id, sha)) WITHOUT ROWID;
CREATE TABLE walked_tip (repo_id INTEGER NOT NULL, sha TEXT NOT NULL, PRIMARY KEY (repo_id, sha)) WITHOUT ROWID;
CREATE TABLE object_cache (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, key));
CREATE TABLE result_input (repo_id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL);
CREATE TABLE result_table (repo_id INTEGER NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '2');
INSERT INTO object_cache VALUES ('old', 'key', '1');
"""


def database(path, script):
    db = sqlite3.connect(path)
    db.executescript(script)
    db.commit()
    db.close()
    return path


def contents(path):
    db = sqlite3.connect(path)
    found = {name: db.execute(f'SELECT * FROM "{name}"').fetchall()
             for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")}
    db.close()
    return found


@pytest.mark.parametrize("script", [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('schema_version', '1');"
    "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);",
    "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);",
    "PRAGMA user_version = 7;",
    "PRAGMA application_id = 42;",
], ids=["meta-with-schema-version", "plain", "versioned-but-empty", "other-application"])
def test_another_programs_database_is_refused_and_left_byte_for_byte(agent_repo, tmp_path, script):
    path = database(tmp_path / "theirs.sqlite", script)
    before = path.read_bytes()
    assert_one_line_error(mine("analyze", agent_repo, "--db", path, "--out", tmp_path / "out"),
                          str(path), "not a miner store")
    assert path.read_bytes() == before
    assert not (tmp_path / "out").exists()
    assert_one_line_error(mine("report", "agent", "--db", path), str(path), "not a miner store")


def test_an_empty_file_becomes_a_store(agent_repo, tmp_path):
    path = tmp_path / "empty.sqlite"
    path.touch()
    analyze(str(agent_repo), db=path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_store_from_before_the_marker_is_rebuilt(agent_repo, tmp_path):
    path = database(tmp_path / "old.sqlite", UNMARKED_STORE)
    result = analyze(str(agent_repo), db=path)
    assert not result.tables["releases"].empty
    store = Store(path)
    assert store.get("old", "key") is None
    assert list(store.analyses()["name"]) == ["agent"]


def test_an_older_store_keeps_the_tables_that_are_not_miners(agent_repo, tmp_path):
    path = database(tmp_path / "old.sqlite", f"PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = 2;"
                                             "CREATE TABLE object_cache (kind, key, value);"
                                             "CREATE TABLE my_notes (text); INSERT INTO my_notes VALUES ('keep me');")
    analyze(str(agent_repo), db=path)
    kept = contents(path)
    assert kept["my_notes"] == [("keep me",)]
    assert kept["analysis"][0][1] == "agent"


def test_a_store_of_a_newer_miner_is_refused_untouched(tmp_path):
    path = database(tmp_path / "new.sqlite", f"PRAGMA application_id = {APPLICATION_ID}; "
                                             f"PRAGMA user_version = {SCHEMA_VERSION + 1}; CREATE TABLE future (x);")
    before = path.read_bytes()
    with pytest.raises(MinerError, match="newer miner"):
        Store(path)
    assert path.read_bytes() == before
