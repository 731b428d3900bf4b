"""The cadence chart and sentence: per month as the sample report has them, per quarter over long histories."""
from __future__ import annotations

from datetime import date

import pandas as pd

from miner.outputs.report import _per_month, cadence_chart


def cadence(counts: dict[str, int], first: str, last: str) -> pd.DataFrame:
    months = pd.period_range(first, last, freq="M").strftime("%Y-%m")
    return pd.DataFrame({"month": list(months), "releases": [counts.get(m, 0) for m in months],
                         "prereleases": 0})


def test_a_year_is_charted_per_month_with_the_month_in_progress():
    chart = cadence_chart(cadence({"2025-01": 3, "2025-12": 1}, "2025-01", "2025-12"), date(2025, 12, 5))
    lines = chart.splitlines()
    assert lines[1] == "2025-01:   3  ███" and lines[-2] == "2025-12:   1  █ (month in progress)"
    assert len(lines) == 12 + 2


def test_ten_years_are_charted_per_quarter_with_every_release_counted():
    """ripgrep: 119 months, most without a release, were 119 lines."""
    table = cadence({"2016-09": 40, "2016-10": 5, "2016-11": 5, "2017-03": 1, "2026-02": 2}, "2016-09", "2026-02")
    lines = cadence_chart(table, date(2026, 2, 20)).splitlines()[1:-1]
    assert lines[0].startswith("2016-Q3:  40") and lines[1].startswith("2016-Q4:  10") and lines[2].startswith("2017-Q1:   1")
    assert lines[-1] == "2026-Q1:   2  ██ (quarter in progress)"
    assert len(lines) == 39 and sum(int(line.split()[1]) for line in lines) == 53


def test_months_mostly_without_releases_are_said_so():
    table = cadence({"2016-09": 40, "2017-03": 1}, "2016-09", "2017-08")
    assert _per_month(table) == "none in 10 of 12 months, at most 40 (in 2016-09)"
    busy = cadence({m: 2 for m in ("2025-01", "2025-02", "2025-03")}, "2025-01", "2025-03")
    assert _per_month(busy).startswith("median 2")
