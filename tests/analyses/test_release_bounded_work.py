"""Thousands of tags: the work follows the number of releases, not its square.

20,000 tags took 183 s, growing faster than linearly (the prerelease bursts and
the latest arc scanned every release per release); the time limit fails a
regression anywhere in the pipeline.
"""
from __future__ import annotations

import pandas as pd
import pytest

from fixtures.hostile import many_tags
from miner.analyses.evolution import latest_arc
from miner.analyses.timeline import bursts_table
from miner.outputs.publish import publish
from miner.pipeline import analyze


@pytest.mark.timeout(90)
def test_twenty_thousand_tags_are_analysed_and_written(tmp_path):
    """About 10 s, against minutes when work grew with the square of the releases.

    A guard over the whole pipeline, generous for a busy machine; the test of
    bursts and the latest arc below is the tight one.
    """
    many_tags(tmp_path / "r.git", 20_000)
    result = analyze(str(tmp_path / "r.git"), db=tmp_path / "store.sqlite")
    publish(result, out=tmp_path / "out", graphs=tmp_path / "graphs")
    assert len(result.tables["releases"]) == 20_000
    bursts = result.tables["bursts"]
    assert len(bursts) == 15_000 and bursts["prereleases"].sum() == 5_000 and bursts["days"].sum() == 5_000
    assert list(bursts.iloc[-3]) == ["v4999.0.0", pd.Timestamp("2054-10-01T00:00:00+00:00"), 1, "v4999.0.0-rc.1", 1.0]
    assert list(result.tables["latest_arc"]["name"]) == ["v4998.0.2", "v4999.0.0", "v4999.0.1", "v4999.0.2"]
    assert "v4999.0.2" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")


def releases_frame(rows: list[tuple[str, str, str, str, bool]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["tag", "date", "line", "version", "stable"])


def test_a_burst_holds_the_prereleases_of_its_line_and_version_made_before_it():
    releases = releases_frame([
        ("v1.0.0-rc.1", "2025-01-01T00:00:00+00:00", "v", "1.0.0-rc.1", False),
        ("x1.0.0-rc.1", "2025-01-01T12:00:00+00:00", "x", "1.0.0-rc.1", False),
        ("v1.0.0-rc.2", "2025-01-02T00:00:00+02:00", "v", "1.0.0-rc.2", False),
        ("v1.0.0", "2025-01-03T00:00:00+00:00", "v", "1.0.0", True),
        ("v1.0.1-rc.1", "2025-01-04T00:00:00+00:00", "v", "1.0.1-rc.1", False),
        ("v1.0.1", "2025-01-04T02:00:00+02:00", "v", "1.0.1", True),
        ("v1.0.0-rc.3", "2025-01-05T00:00:00+00:00", "v", "1.0.0-rc.3", False),
        ("v1.1.0", "2025-01-06T00:00:00+00:00", "v", "1.1.0", True),
    ])
    assert bursts_table(releases).values.tolist() == [
        ["v1.0.0", "2025-01-03T00:00:00+00:00", 2, "v1.0.0-rc.1", 2.0],
        ["v1.0.1", "2025-01-04T02:00:00+02:00", 0, "", 0.0],
        ["v1.1.0", "2025-01-06T00:00:00+00:00", 0, "", 0.0],
    ]


@pytest.mark.timeout(10)
def test_bursts_and_the_latest_arc_of_many_releases():
    """20,000 releases: a minute and more each when every release was looked up by a pass over all."""
    rows = []
    for n in range(10_000):
        rows.append((f"v{n}.0.0-rc.1", "2020-01-01T00:00:00+00:00", "v", f"{n}.0.0-rc.1", False))
        rows.append((f"v{n}.0.0", "2020-01-02T00:00:00+00:00", "v", f"{n}.0.0", True))
    releases = releases_frame(rows).assign(out_of_order=False)
    bursts = bursts_table(releases)
    assert len(bursts) == 10_000 and set(bursts["prereleases"]) == {1} and set(bursts["days"]) == {1.0}
    capabilities = pd.DataFrame([{"capability": "Hooks", "first_release": "v9999.0.0"}])
    changes = pd.DataFrame(columns=["release", "change", "package"])
    arc = latest_arc(capabilities, changes, releases, 2)
    assert arc.values.tolist() == [["v9998.0.0", "release", "v9998.0.0", ""], ["v9999.0.0", "release", "v9999.0.0", ""],
                                   ["v9999.0.0", "capability", "Hooks", "first mention"]]
