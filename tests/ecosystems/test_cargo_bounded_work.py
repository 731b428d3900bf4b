"""Many crates: the work follows their number, not its square.

Each size here took minutes before (`members = ["**"]` over 20,000 crates:
211 s for one release), a second or two now; the time limit fails a regression.
"""
from __future__ import annotations

import pytest

from fixtures.hostile import glob_everything, tagged_workspace
from miner.analyses.architecture import package_changes
from miner.analyses.contributors import OTHER, WORKSPACE, PackageMap, Place
from miner.model.packages import Package
from miner.pipeline import analyze


@pytest.mark.timeout(15)
def test_a_glob_taking_every_directory_over_thousands_of_crates(tmp_path):
    """5,000 crates: 31 s before (tree lookups re-parsing `crates/`, nested-crate scans), 1.5 s now."""
    tagged_workspace(tmp_path / "r.git", glob_everything(5_000))
    result = analyze(str(tmp_path / "r.git"), db=tmp_path / "store.sqlite")
    crates = result.tables["packages"]
    assert len(crates) == 5_000 and set(crates["workspace"]) == {""}
    assert crates["path"].iloc[-1] == "crates/c04999" and len(set(crates["bytes"])) == 1 and crates["bytes"].iloc[0] > 0


@pytest.mark.timeout(10)
def test_every_crate_moved_between_two_releases_is_one_rename_each():
    before = [Package(f"c{n}", f"crates/c{n}", f"crates/c{n}/Cargo.toml", "0.1.0", None) for n in range(20_000)]
    after = [Package(f"c{n}", f"c{n}", f"c{n}/Cargo.toml", "0.1.0", None) for n in range(20_000)]
    added, removed, renamed = package_changes(before, after)
    assert added == removed == () and len(renamed) == 20_000
    assert renamed[-1] == (before[-1], after[-1])


@pytest.mark.timeout(10)
def test_files_outside_thousands_of_standalone_crates_are_placed_by_their_own_directory():
    rows = ([("v1", f"p{n}", f"pkgs/p{n}", "Core", f"pkgs/p{n}") for n in range(20_000)]
            + [("v1", "tool", "tools/cli/tool", "Core", "tools/cli")])
    places = PackageMap(rows)
    counts = places.count("v1", [f"scripts/s{n}/run.sh" for n in range(20_000)] + ["tools/cli/Cargo.lock",
                                                                                  "pkgs/p7/src/lib.rs"])
    assert counts == {Place("scripts/", OTHER): 20_000, Place(WORKSPACE, WORKSPACE): 1, Place("p7", "Core"): 1}
