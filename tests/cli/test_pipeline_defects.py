"""What the redesign fixed: each a case that failed before it (issue 11's list of defects)."""
from __future__ import annotations

import tomllib
from pathlib import Path

import setuptools

from fixtures.notes import CLAUDE_CHANGELOG, claude_repo
from miner._sample.builder import RepoBuilder
from miner.pipeline import _mining_modules, analyze, load
from miner.sources.history import walk
from tests.cli.test_cli_analyze import mine
from tests.conftest import git

ROOT = Path(__file__).resolve().parents[2]


def test_a_generator_of_tips_is_walked_like_a_list(agent_repo):
    listed = [c.sha for c in walk(agent_repo, ["rust-v0.2.0"])]
    assert listed and [c.sha for c in walk(agent_repo, (tip for tip in ["rust-v0.2.0"]))] == listed
    assert listed == git(agent_repo, "rev-list", "rust-v0.2.0").split()


def test_a_changelog_history_git_cannot_read_is_a_warning_not_dates_from_part_of_it(tmp_path):
    builder = claude_repo(tmp_path / "r.git")
    first = git(tmp_path / "r.git", "rev-list", "--max-parents=0", "HEAD").strip()
    grown = CLAUDE_CHANGELOG.replace("# Changelog\n", "# Changelog\n\n## 3.0.0\n- new\n", 1)
    later = builder.commit("Later changelog", {"CHANGELOG.md": grown}, when="2026-01-01T00:00:00+00:00")
    builder.tag("v3.0.0", later)
    (tmp_path / "r.git" / "objects" / first[:2] / first[2:]).unlink()
    result = analyze(str(tmp_path / "r.git"), db=tmp_path / "s.sqlite")
    assert any("changelog's history cannot be read" in w.message and w.path == "CHANGELOG.md"
               for w in result.warnings)


def test_report_and_regenerate_keep_the_layer_rules_the_analysis_used(agent_repo, tmp_path):
    rules = tmp_path / "layers.toml"
    rules.write_text('[[layer]]\nname = "Everything"\npurpose = "All of it"\npaths = ["**"]\n', encoding="utf-8")
    db = tmp_path / "s.sqlite"
    done = mine("analyze", agent_repo, "--db", db, "--layers", rules, "--out", tmp_path / "a", "-q")
    assert done.returncode == 0, done.stderr
    done = mine("report", "agent", "--db", db, "--out", tmp_path / "b", "-q")
    assert done.returncode == 0, done.stderr
    for folder in ("a", "b"):
        report = (tmp_path / folder / "report.md").read_text()
        assert "| Everything |" in report and "All of it" in report and "| Core |" not in report
    assert load("agent", db).layers[0].name == "Everything"


def test_the_fingerprint_covers_every_module_mining_reads(tmp_path):
    packages = ("model", "sources", "ecosystems", "catalogs", "analyses", "store")
    mining = {path for package in packages for path in (ROOT / "miner" / package).rglob("*.py")}
    assert mining <= set(_mining_modules())
    assert not any("outputs" in path.parts or path.name == "cli.py" for path in _mining_modules())


def test_the_test_fixtures_are_not_installed_with_miner():
    """setuptools itself says which packages the project's configuration installs."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    installed = setuptools.find_packages(str(ROOT), include=config["include"])
    assert "miner._sample" in installed and "miner.ecosystems" in installed
    assert all(name == "miner" or name.startswith("miner.") for name in installed)


def test_two_packages_of_one_name_in_two_workspaces_are_two_nodes(tmp_path):
    builder = RepoBuilder(tmp_path / "r.git", bare=True)
    files = {}
    for workspace in ("alpha", "beta"):
        files[f"{workspace}/Cargo.toml"] = '[workspace]\nmembers = ["util", "app"]\n'
        files[f"{workspace}/util/Cargo.toml"] = '[package]\nname = "util"\nversion = "0.1.0"\n'
        files[f"{workspace}/util/src/lib.rs"] = "pub fn u() {}\n"
        files[f"{workspace}/app/Cargo.toml"] = ('[package]\nname = f"app-{workspace}"\nversion = "0.1.0"\n'
                                                .replace('f"app-{workspace}"', f'"app-{workspace}"')
                                                + '[dependencies]\nutil = { path = "../util" }\n')
        files[f"{workspace}/app/src/lib.rs"] = "pub fn a() {}\n"
    builder.tag("v1.0.0", builder.commit("two workspaces", files, when="2025-01-01T00:00:00+00:00"))
    tables = analyze(str(tmp_path / "r.git"), db=tmp_path / "s.sqlite").tables
    central = tables["package_central"].set_index(["package", "path"])
    assert central.loc[("util", "alpha/util"), "dependents"] == 1
    assert central.loc[("util", "beta/util"), "dependents"] == 1
