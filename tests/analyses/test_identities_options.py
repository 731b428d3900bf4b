"""`--bots` and `--no-join-names`: a user's bot catalog and name joining, through `mine analyze`."""
from __future__ import annotations

import pytest

from fixtures.contributors import contributors_repo_for
from miner.pipeline import analyze
from tests.cli.test_cli_analyze import mine
from tests.conftest import git

repo = pytest.fixture(scope="module", name="repo")(contributors_repo_for)
CATALOG = '[bots.grace]\nname = "Grace (release bot)"\nemails = ["grace@example.com"]\n'


def test_a_user_catalog_makes_a_person_a_bot(repo, tmp_path):
    catalog = tmp_path / "bots.toml"
    catalog.write_text(CATALOG)
    default = analyze(str(repo), db=tmp_path / "a.sqlite").tables["specialization"]
    custom = analyze(str(repo), db=tmp_path / "b.sqlite", bots=str(catalog)).tables["specialization"]
    records = git(repo, "log", "--all", "--no-merges", "--format=%aE %(trailers:key=Co-authored-by,valueonly)%x1e")
    grace = [r for r in records.lower().split("\x1e") if "grace@example.com" in r]  # authored or co-authored
    assert "Grace Hopper" in set(default[default["kind"] == "person"]["name"])
    row = custom.set_index("name").loc["Grace (release bot)"]
    assert row["kind"] == "bot" and row["commits"] == len(grace) > 0
    assert "Grace Hopper" not in set(custom["name"])
    assert custom.set_index("name").loc["dependabot[bot]", "kind"] == "bot"  # not in the user's catalog: its [bot]


def test_names_are_joined_unless_told_not_to(repo, tmp_path):
    joined = analyze(str(repo), db=tmp_path / "a.sqlite").tables["specialization"]
    apart = analyze(str(repo), db=tmp_path / "b.sqlite", join_names=False).tables["specialization"]
    assert list(joined["name"]).count("Margaret Hamilton") == 1
    assert list(apart["name"]).count("Margaret Hamilton") == 2  # the GitHub account and the work e-mail
    assert joined["commits"].sum() == apart["commits"].sum()


def test_a_bad_catalog_is_one_line_naming_the_file_and_entry(repo, tmp_path):
    catalog = tmp_path / "bots.toml"
    catalog.write_text('[bots.grace]\nname_patterns = ["(unclosed"]\n')
    result = mine("analyze", repo, "--bots", catalog, "--db", tmp_path / "s.sqlite", "--out", tmp_path / "out", "-q")
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert str(catalog) in result.stderr and "[bots.grace]" in result.stderr and "(unclosed" in result.stderr
    catalog.write_text('[bots.grace]\nemails = "grace@example.com"\n')
    result = mine("analyze", repo, "--bots", catalog, "--db", tmp_path / "s.sqlite", "--out", tmp_path / "out", "-q")
    assert "[bots.grace] emails must be a list of strings" in result.stderr


def test_cli_options_reach_the_tables(repo, tmp_path):
    out = tmp_path / "out"
    result = mine("analyze", repo, "--no-join-names", "--db", tmp_path / "s.sqlite", "--out", out, "-q")
    assert result.returncode == 0, result.stderr
    assert (out / "specialization.csv").read_text().count("Margaret Hamilton") == 2
