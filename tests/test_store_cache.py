"""The store's object cache: values come back as JSON gives them, within a run and in the next one."""
from miner.store import Store


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
