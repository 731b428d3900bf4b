"""Dates typed: the API hands out UTC datetimes pandas can resample, the tag's offset beside them, and the
files write ISO 8601 with the offset; checked against the dates git gives the tags."""
from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
import pytest

from miner.analyses.dates import typed_dates
from miner.outputs.publish import publish
from miner.pipeline import analyze, load
from tests.conftest import git


@pytest.fixture(scope="module")
def analysed(agent_repo, tmp_path_factory):
    folder = tmp_path_factory.mktemp("dates")
    result = analyze(str(agent_repo), db=folder / "s.sqlite", name="dated")
    publish(result, out=folder / "out", graphs=folder / "graphs", fmt="json")
    return result, folder


def git_dates(path) -> dict[str, str]:
    lines = git(path, "for-each-ref", "--format=%(refname:short)|%(creatordate:iso-strict)", "refs/tags")
    return dict(line.split("|") for line in lines.splitlines())


def test_the_api_gives_utc_datetimes_that_resample(agent_repo, analysed):
    releases = analysed[0].tables["releases"]
    assert str(releases["date"].dtype) == "datetime64[ns, UTC]"
    oracle = git_dates(agent_repo)
    assert releases["date"].tolist() == [datetime.fromisoformat(oracle[tag]) for tag in releases["tag"]]
    assert releases["offset"].tolist() == [oracle[tag][-6:] for tag in releases["tag"]]
    assert "+00:00" in set(releases["offset"]) and len(set(releases["offset"])) > 1  # the fixture mixes zones
    monthly = releases.set_index("date").resample("MS")["tag"].count()
    assert monthly.sum() == len(releases)
    for name in ("notes", "capabilities", "inflections", "bursts"):
        for column in analysed[0].tables[name].columns:
            if "date" in column:
                assert str(analysed[0].tables[name][column].dtype) == "datetime64[ns, UTC]", (name, column)


def test_csv_and_json_write_iso_8601_with_the_offset(agent_repo, analysed):
    folder = analysed[1] / "out"
    oracle = git_dates(agent_repo)
    written = pd.read_csv(folder / "releases.csv", keep_default_na=False)
    assert all(text.endswith("+00:00") and "T" in text for text in written["date"])
    assert [datetime.fromisoformat(text) for text in written["date"]] == \
        [datetime.fromisoformat(oracle[tag]) for tag in written["tag"]]
    records = json.loads((folder / "releases.json").read_text())
    assert [datetime.fromisoformat(r["date"].replace("Z", "+00:00")) for r in records] == \
        [datetime.fromisoformat(oracle[r["tag"]]) for r in records]
    assert [r["offset"] for r in records] == [oracle[r["tag"]][-6:] for r in records]


def test_a_stored_analysis_loads_with_the_same_types(analysed):
    result, folder = analysed
    loaded = load("dated", db=folder / "s.sqlite")
    for name, columns in (("releases", ["date", "offset", "date_stamp"]), ("notes", ["date"]),
                          ("capabilities", ["first_date"])):
        for column in columns:
            pd.testing.assert_series_equal(loaded.tables[name][column], result.tables[name][column],
                                           check_dtype=column != "offset")


def test_text_dates_from_an_older_store_are_typed_the_same_way():
    old = {"releases": pd.DataFrame({"tag": ["a", "b"], "date": ["2025-05-10T12:00:00+02:00", ""],
                                     "date_stamp": ["", ""]}),
           "notes": pd.DataFrame({"date": ["2025-06-02", None]})}
    typed = typed_dates(old)
    assert typed["releases"]["date"].iloc[0] == pd.Timestamp("2025-05-10T10:00:00Z")
    assert pd.isna(typed["releases"]["date"].iloc[1]) and typed["releases"]["offset"].tolist() == ["+02:00", ""]
    assert typed["notes"]["date"].iloc[0] == pd.Timestamp("2025-06-02T00:00:00Z")
    again = typed_dates(typed)
    pd.testing.assert_frame_equal(again["releases"], typed["releases"])
