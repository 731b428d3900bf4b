"""Crates added, removed and renamed between two releases."""
from __future__ import annotations

from fixtures import workspaces as fx
from fixtures.workspaces import cargo_workspaces
from miner._sample.builder import RepoBuilder
from miner.analyses.architecture import package_changes
from miner.model.packages import Package
from miner.store.cache import MemoryCache

WHEN = "2025-07-01T10:00:00+00:00"


def crate(name, path):
    return Package(name, path, f"{path}/Cargo.toml", "0.1.0", None)


def test_ripgrep_move_from_top_level_to_crates_is_a_rename(tmp_path):
    """ripgrep 0.10 moved grep-cli/ to crates/cli/ and added a crate; both releases read from git."""
    before = {
        "Cargo.toml": fx.package("ripgrep", '[workspace]\nmembers = ["grep-cli", "globset"]\n'),
        "grep-cli/Cargo.toml": fx.package("grep-cli"),
        "globset/Cargo.toml": fx.package("globset"),
        "wincolor/Cargo.toml": fx.package("wincolor"),
    }
    after = {
        "Cargo.toml": fx.package("ripgrep", '[workspace]\nmembers = ["crates/*"]\n'),
        "crates/cli/Cargo.toml": fx.package("grep-cli"),
        "crates/globset/Cargo.toml": fx.package("globset"),
        "crates/printer/Cargo.toml": fx.package("grep-printer"),
    }
    moved_away = {"grep-cli/Cargo.toml": None, "globset/Cargo.toml": None}
    builder = RepoBuilder(tmp_path / "repo.git", bare=True)
    old = builder.commit("0.9.0", fx.with_sources(before), when=WHEN)
    new = builder.commit("0.10.0", {**fx.with_sources(after), **moved_away}, when=WHEN)
    cache = MemoryCache()
    [first] = [w for w in cargo_workspaces(builder.repo, builder.repo[old].tree, cache) if w.root == ""]
    [second] = [w for w in cargo_workspaces(builder.repo, builder.repo[new].tree, cache) if w.root == ""]
    added, removed, renamed = package_changes(first.packages, second.packages)
    assert [c.name for c in added] == ["grep-printer"]
    assert removed == ()
    assert sorted((a.path, b.path) for a, b in renamed) == [("globset", "crates/globset"), ("grep-cli", "crates/cli")]


def test_same_directory_new_name_is_a_rename():
    before = [crate("codex-core", "codex-rs/core"), crate("codex-exec", "codex-rs/exec")]
    after = [crate("codex-core", "codex-rs/core"), crate("codex-exec-server", "codex-rs/exec")]
    changes = package_changes(before, after)
    assert changes.renamed == ((before[1], after[1]),)
    assert changes.added == () and changes.removed == ()


def test_name_and_directory_both_new_is_removal_and_addition():
    changes = package_changes([crate("a", "a")], [crate("b", "b")])
    assert (changes.added, changes.removed, changes.renamed) == ((crate("b", "b"),), (crate("a", "a"),), ())


def test_ambiguous_matches_are_not_renames():
    before = [crate("x", "one"), crate("x", "two")]
    after = [crate("x", "three")]
    changes = package_changes(before, after)
    assert changes.renamed == ()
    assert len(changes.removed) == 2 and len(changes.added) == 1
