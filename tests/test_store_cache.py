"""The store's object cache: values come back as JSON gives them, within a run and in the next one."""
import pandas as pd

from miner.store.sqlite import Store


def test_a_value_put_in_this_run_comes_back_as_after_json(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    assert store.get("kind", "abc") is None
    store.put("kind", "abc", {"sizes": (1, 2), 3: "x"})
    assert store.get("kind", "abc") == {"sizes": [1, 2], "3": "x"}


def test_flushed_values_reach_the_next_run_and_unflushed_ones_do_not(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    store.put("kind", "kept", [1])
    with store.transaction():
        store.flush()
    store.put("kind", "lost", [2])
    store.close()
    again = Store(tmp_path / "s.sqlite")
    assert again.get("kind", "kept") == [1]
    assert again.get("kind", "lost") is None
    again.put("kind", "new", 5)
    assert again.get("kind", "new") == 5


def test_stored_tables_are_parsed_when_first_used(tmp_path, monkeypatch):
    store = Store(tmp_path / "s.sqlite")
    repo_id = store.repo_id("r", "/somewhere")
    tables = {name: pd.DataFrame({"n": [1, 2], "text": ["a", "b"]}) for name in ("one", "two", "three")}
    store.save_tables(repo_id, tables, "inputs")
    parsed = []
    read_json = pd.read_json
    monkeypatch.setattr(pd, "read_json", lambda *args, **kwargs: parsed.append(1) or read_json(*args, **kwargs))
    loaded = store.load_tables(repo_id)
    assert sorted(loaded) == ["one", "three", "two"] and parsed == []
    assert loaded["two"].equals(tables["two"]) and len(parsed) == 1
    loaded["two"], loaded["four"] = loaded["two"], tables["one"]
    assert len(parsed) == 1 and dict(loaded.items())["four"] is tables["one"] and len(parsed) == 3
