"""`--as-of DATE`: a report rebuilt from a later clone says what a clone of that day says.

The oracle is git: a mirror cut back to the day (every tag created after it
deleted, main moved to the commit it was on then, other branches dropped) is
what the analyst's clone held; analysing the full repository as of that day
must give the same tables.
"""
from __future__ import annotations

import json
import subprocess

import pytest

from fixtures.notes import gh_export
from miner._sample.repos import build_agent_repo
from miner.errors import MinerError
from miner.pipeline import analyze, load
from tests.cli.test_cli_analyze import mine
from tests.conftest import git

DAY = "2025-08-10"  # after 0.6.0 (08-05), before 0.6.1 (08-20)
END = 1754870399  # its last second, UTC


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    path = tmp_path_factory.mktemp("as-of") / "full.git"
    build_agent_repo(path)
    return path


def cut_back(full, path):
    """A mirror of `full` as a clone made at the end of DAY would hold it, by git's own dates."""
    subprocess.run(["git", "clone", "-q", "--mirror", str(full), str(path)], check=True)
    for line in git(path, "for-each-ref", "--format=%(refname) %(creatordate:unix)", "refs/tags").splitlines():
        ref, *created = line.split()
        if created and int(created[0]) > END:
            git(path, "update-ref", "-d", ref)
    git(path, "update-ref", "refs/heads/main", git(path, "rev-list", "-1", "--first-parent", f"--before=@{END}",
                                                      "main").strip())
    for ref in git(path, "for-each-ref", "--format=%(refname)", "refs/heads").split():
        if ref != "refs/heads/main":
            git(path, "update-ref", "-d", ref)
    return path


def test_an_analysis_as_of_a_day_is_the_analysis_of_that_days_clone(full, tmp_path):
    then = analyze(str(cut_back(full, tmp_path / "then.git")), db=tmp_path / "then.sqlite", name="agent").tables
    later = analyze(str(full), db=tmp_path / "later.sqlite", name="agent", as_of=DAY)
    assert later.as_of == DAY
    assert later.tables["releases"]["tag"].iloc[-1] == "rust-v0.6.0"
    assert sorted(later.tables) == sorted(then)
    for name, table in then.items():
        assert later.tables[name].reset_index(drop=True).equals(table.reset_index(drop=True)), name


def test_the_month_in_progress_is_judged_against_the_day(full, tmp_path):
    db = tmp_path / "s.sqlite"
    analyze(str(full), db=db, name="agent", as_of=DAY)
    result = mine("report", "agent", "--db", db, "--as-of", DAY, "--out", tmp_path / "then", "--graphs", tmp_path / "g",
                  "-q")
    assert result.returncode == 0, result.stderr
    chart = [line for line in (tmp_path / "then" / "report.md").read_text(encoding="utf-8").splitlines()
             if line.startswith("2025-")]
    assert chart[-1].startswith("2025-08:") and chart[-1].endswith("(month in progress)")
    analyze(str(full), db=db, name="now")  # today is long past October 2025: no month is in progress
    mine("report", "now", "--db", db, "--out", tmp_path / "now", "--graphs", tmp_path / "g2", "-q")
    assert "(month in progress)" not in (tmp_path / "now" / "report.md").read_text(encoding="utf-8")


def test_hosted_notes_published_after_the_day_do_not_count(full, tmp_path):
    hosted = tmp_path / "releases.json"
    hosted.write_text(gh_export([{"tag": "rust-v0.6.0", "body": "## New Features\n- Hooks (#700)",
                                  "date": "2025-08-15T10:00:00Z"}]), encoding="utf-8")
    sources = {}
    for as_of in (None, DAY):
        tables = analyze(str(full), db=tmp_path / f"{as_of}.sqlite", hosted=hosted, as_of=as_of).tables
        notes = tables["notes"].set_index("release")
        sources[as_of] = notes.loc["rust-v0.6.0", "source"]
    assert sources == {None: "hosted", DAY: "changelog"}


def test_report_compare_and_regenerate_refuse_an_analysis_of_another_day(full, tmp_path):
    db = tmp_path / "s.sqlite"
    analyze(str(full), db=db, name="agent", as_of=DAY)
    assert load("agent", db, as_of=DAY).as_of == DAY
    with pytest.raises(MinerError, match="agent was analysed as of 2025-08-10, not 2025-09-01: run `mine analyze"):
        load("agent", db, as_of="2025-09-01")
    result = mine("report", "agent", "--db", db, "--as-of", "2025-09-01", "--out", tmp_path / "r")
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "as of 2025-08-10" in result.stderr
    for verb in ("analyze", "report", "compare", "regenerate"):
        assert "--as-of" in mine(verb, "--help").stdout


def test_a_plain_report_refuses_an_analysis_of_a_past_day(full, tmp_path):
    """An `--as-of` run replaces the stored analysis: a report without --as-of must not pass it off as today's."""
    db = tmp_path / "s.sqlite"
    analyze(str(full), db=db, name="agent", as_of=DAY)
    result = mine("report", "agent", "--db", db, "--out", tmp_path / "r")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "agent was analysed as of 2025-08-10: give --as-of 2025-08-10" in result.stderr
    assert not (tmp_path / "r").exists()
    assert mine("report", "agent", "--db", db, "--as-of", DAY, "--out", tmp_path / "r", "-q").returncode == 0
    analyze(str(full), db=db, name="agent")
    assert mine("report", "agent", "--db", db, "--out", tmp_path / "today", "-q").returncode == 0


def test_a_date_that_is_no_date_is_one_line(full, tmp_path):
    result = mine("analyze", full, "--as-of", "someday", "--db", tmp_path / "s.sqlite", "-q")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("mine: error: --as-of ")


def test_a_stored_analysis_keeps_its_day(full, tmp_path):
    db = tmp_path / "s.sqlite"
    analyze(str(full), db=db, name="agent", as_of=DAY)
    assert json.loads(json.dumps(load("agent", db).meta))["as_of"] == DAY


def test_a_day_before_every_tag_says_that_as_of_left_them_out(full, tmp_path):
    with pytest.raises(MinerError) as raised:
        analyze(str(full), db=tmp_path / "s.sqlite", as_of="2020-01-01")
    dates = git(full, "for-each-ref", "--format=%(creatordate:unix)", "refs/tags").split()
    later = sum(int(date) > 1577923199 for date in dates)  # the last second of 2020-01-01, UTC
    assert str(raised.value).endswith(f"(--as-of 2020-01-01 leaves out the {later} tags made after it)")
