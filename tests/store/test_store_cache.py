"""The object cache: a run records what it computes, the one writer saves it, the next run reads it back as JSON."""
import pandas as pd

from miner.store.cache import RecordingCache
from miner.store.sqlite import Saved, Store


def test_a_value_put_in_this_run_comes_back_as_after_json(tmp_path):
    cache = RecordingCache(Store(tmp_path / "s.sqlite"))
    assert cache.get("kind", "abc") is None
    cache.put("kind", "abc", {"sizes": (1, 2), 3: "x"})
    assert cache.get("kind", "abc") == {"sizes": [1, 2], "3": "x"}


def test_saved_entries_reach_the_next_run_and_unsaved_ones_do_not(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        run = RecordingCache(store)
        run.put("kind", "kept", [1])
        store.save(Saved("r", "/somewhere", "inputs", {}, {}, cache=run.entries()))
        RecordingCache(store).put("kind", "lost", [2])  # a run that ends without saving
    with Store(tmp_path / "s.sqlite") as again:
        later = RecordingCache(again)
        assert later.get("kind", "kept") == [1] and later.get("kind", "lost") is None
        later.put("kind", "new", 5)
        assert later.get("kind", "new") == 5 and again.get("kind", "new") is None


def test_stored_tables_are_parsed_when_first_used(tmp_path, monkeypatch):
    store = Store(tmp_path / "s.sqlite")
    tables = {name: pd.DataFrame({"n": [1, 2], "text": ["a", "b"]}) for name in ("one", "two", "three")}
    store.save(Saved("r", "/somewhere", "inputs", {"line": ""}, tables))
    parsed = []
    read_json = pd.read_json
    monkeypatch.setattr(pd, "read_json", lambda *args, **kwargs: parsed.append(1) or read_json(*args, **kwargs))
    loaded, meta = store.load("r")
    assert sorted(loaded) == ["one", "three", "two"] and parsed == [] and meta == {"line": ""}
    assert loaded["two"].equals(tables["two"]) and len(parsed) == 1
    loaded["two"], loaded["four"] = loaded["two"], tables["one"]
    assert len(parsed) == 1 and dict(loaded.items())["four"] is tables["one"] and len(parsed) == 3


def test_tables_stored_as_json_text_before_they_were_deflated_still_load(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    table = pd.DataFrame({"n": [1, 2], "text": ["a", "b"]})
    store.save(Saved("r", "/somewhere", "inputs", {"line": ""}, {"deflated": table, "text": table}))
    with store.transaction():
        store.db.execute("UPDATE result_table SET data = ? WHERE name = 'text'",
                         (table.to_json(orient="table", index=False, double_precision=15),))
    assert [type(data) for (data,) in store.db.execute("SELECT data FROM result_table ORDER BY name")] == [bytes, str]
    loaded, _ = store.load("r")
    assert loaded["deflated"].equals(table) and loaded["text"].equals(table)
