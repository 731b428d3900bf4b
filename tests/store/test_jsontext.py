"""The cache entries' JSON text: orjson's where it reads back as json's would, json's where orjson cannot."""
from __future__ import annotations

import json
import math

from hypothesis import given
from hypothesis import strategies as st

from miner.store import jsontext
from miner.store.cache import RecordingCache

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(VALUES)
def test_a_value_reads_back_as_after_a_json_round_trip(value):
    assert jsontext.loads(jsontext.dumps(value)) == json.loads(json.dumps(value))


def test_an_integer_beyond_64_bits_reads_back_exactly():
    value = {"big": 2**80, "small": [-(2**70)]}
    assert jsontext.loads(jsontext.dumps(value)) == value


def test_integer_keys_become_text_and_tuples_lists_as_json_makes_them():
    assert jsontext.loads(jsontext.dumps({1: (2, 3)})) == {"1": [2, 3]}


def test_nan_is_written_as_null_and_json_s_own_nan_is_still_read():
    assert jsontext.loads(jsontext.dumps([math.nan, math.inf])) == [None, None]
    assert math.isnan(jsontext.loads(json.dumps([math.nan]))[0])  # an entry an earlier version stored


def test_text_json_wrote_is_read_as_json_reads_it():
    text = json.dumps({"a": [1, 2.5, "x"], "b": None})
    assert jsontext.loads(text) == json.loads(text)


def test_a_value_put_reads_back_the_same_whichever_run_made_it():
    made_now = RecordingCache()
    made_now.put("k", "1", {"nan": math.nan, 3: "x"})
    made_now.put("k", "2", {"big": 2**70})
    for key, value in (("1", {"nan": None, "3": "x"}), ("2", {"big": 2**70})):
        assert made_now.get("k", key) == jsontext.loads(made_now.entries()[("k", key)]) == value
