"""The thresholds of `mine news`: the shipped file says what the code defaults to, a bad file is one line."""
from __future__ import annotations

import pytest

from miner.analyses.news import Thresholds
from miner.catalogs.news import load_thresholds
from miner.errors import MinerError


def test_the_shipped_thresholds_are_the_defaults():
    assert load_thresholds() == Thresholds()


def test_a_copy_changes_only_what_it_names(tmp_path):
    path = tmp_path / "news.toml"
    path.write_text("[prereleases]\nburst = 5\n")
    assert load_thresholds(path) == Thresholds(burst=5)


@pytest.mark.parametrize("text, message", [
    ("[prereleases]\nbursts = 5\n", "unknown threshold 'prereleases.bursts' (known: prereleases.burst, people.stopped_after_days, "
     "people.stopped_min_commits, languages.min_points)"),
    ("[people]\nstopped_after_days = 'soon'\n", "people.stopped_after_days must be a whole number"),
    ("[languages]\nmin_points = -1\n", "languages.min_points must be at least 0"),
    ("burst = 3\n", "'burst' must be a table ([burst])"),
])
def test_a_bad_threshold_is_one_line_naming_file_and_key(tmp_path, text, message):
    path = tmp_path / "news.toml"
    path.write_text(text)
    with pytest.raises(MinerError) as error:
        load_thresholds(path)
    assert str(error.value) == f"{path}: {message}"
