"""Paths go to the crate holding them at the commit's release, else to a named bucket."""
from collections import Counter
from datetime import datetime, timezone

import pytest

from miner._sample.builder import RepoBuilder
from miner._sample.people import GRACE
from miner.analyses.contributors import PackageMap, Place, releases_of_commits
from miner.analyses.releases import commit_ranges
from miner.model.releases import Release
from miner.model.versions import parse_tag
from miner.pipeline import analyze
from tests.conftest import git

# (release, package, directory, layer, workspace root), as `architecture.place_rows` gives them.
CRATES = [("v1", "fx-core", "rs/core", "Core", "rs"), ("v1", "fx-common", "rs/core/tests/common", "Infra", "rs"),
          ("v1", "fx-sandbox", "rs/sandbox", "Sandbox", "rs"),
          ("v2", "fx-core", "rs/core", "Core", "rs"), ("v2", "fx-sandbox", "rs/linux-sandbox", "Sandbox", "rs"),
          ("r1", "rgx", "", "Core", ""), ("r1", "rgx-cli", "crates/cli", "Core", "")]


@pytest.mark.parametrize("release, path, crate, layer", [
    ("v1", "rs/core/src/lib.rs", "fx-core", "Core"),
    ("v1", "rs/core/tests/common/lib.rs", "fx-common", "Infra"),  # the longest crate prefix wins
    ("v1", "rs/core/README.md", "fx-core", "Core"),                 # a crate's own docs stay in the crate
    ("v1", "rs/sandbox/src/lib.rs", "fx-sandbox", "Sandbox"),
    ("v2", "rs/sandbox/src/lib.rs", "(workspace)", "(workspace)"),  # moved away by v2
    ("v2", "rs/linux-sandbox/src/lib.rs", "fx-sandbox", "Sandbox"),
    ("v1", "rs/Cargo.lock", "(workspace)", "(workspace)"),
    ("v1", "rs/docs/config.md", "(docs)", "(docs)"),
    ("v1", ".github/workflows/ci.yml", "(ci)", "(ci)"),
    ("v1", ".gitlab-ci.yml", "(ci)", "(ci)"),
    ("v1", "README.md", "(docs)", "(docs)"),
    ("v1", "LICENSE", "(root)", "(root)"),
    ("v1", "sdk/python/client.py", "sdk/", "(other)"),
    ("v1", "packages/core/src/index.ts", "packages/core/", "(other)"),
    ("v1", "rs/core/src/caf\ufffd.rs", "fx-core", "Core"),
    ("nope", "rs/core/src/lib.rs", "rs/", "(other)"),                  # a release without crates
    ("r1", "src/main.rs", "rgx", "Core"),                              # a root package holds the rest
    ("r1", "crates/cli/src/lib.rs", "rgx-cli", "Core"),
    ("r1", ".github/workflows/ci.yml", "(ci)", "(ci)"),                # but not CI or docs
    ("r1", "GUIDE.md", "(docs)", "(docs)"),
    ("r1", "Cargo.lock", "rgx", "Core"),
])
def test_place_of_path(release, path, crate, layer):
    assert PackageMap(CRATES).place(release, path) == Place(crate, layer)


@pytest.mark.parametrize("path, crate", [
    ("rs/sandbox/src/lib.rs", "fx-sandbox"),        # worked on before the crate moved within v2's cycle
    ("rs/linux-sandbox/src/lib.rs", "fx-sandbox"),  # and after
    ("rs/core/src/lib.rs", "fx-core"),
    ("rs/Cargo.lock", "(workspace)"),               # held by no crate at either release: v2's buckets
])
def test_a_path_no_crate_holds_at_the_release_goes_to_the_crate_that_held_it_before(path, crate):
    [(place, files)] = PackageMap(CRATES).count("v2", [path], before="v1").items()
    assert (place.package, files) == (crate, 1)


def test_a_move_within_a_release_cycle_keeps_the_work_in_its_crate(tmp_path):
    """ripgrep moved `globset/` to `crates/globset/` within 12.0.0: earlier commits stay with globset (git as oracle)."""
    builder = RepoBuilder(tmp_path / "repo.git", bare=True)
    manifest = '[package]\nname = "{}"\nversion = "0.1.0"\n'
    builder.commit("start", {"Cargo.toml": manifest.format("tool") + '[workspace]\nmembers = ["globset"]\n',
                             "src/main.rs": "fn main() {}\n", "globset/Cargo.toml": manifest.format("globset"),
                             "globset/src/lib.rs": "// v1\n"}, when="2025-01-01T10:00:00+00:00")
    builder.tag("1.0.0", builder.repo.head.target)
    builder.commit("globset: faster", {"globset/src/lib.rs": "// v2\n"}, when="2025-01-02T10:00:00+00:00",
                   author=GRACE)
    builder.commit("move crates under crates/", {
        "Cargo.toml": manifest.format("tool") + '[workspace]\nmembers = ["crates/globset"]\n',
        "globset/Cargo.toml": None, "globset/src/lib.rs": None, "crates/globset/Cargo.toml": manifest.format("globset"),
        "crates/globset/src/lib.rs": "// v2\n"}, when="2025-01-03T10:00:00+00:00")
    builder.commit("globset: fix", {"crates/globset/src/lib.rs": "// v3\n"}, when="2025-01-04T10:00:00+00:00",
                   author=GRACE)
    builder.tag("2.0.0", builder.repo.head.target)
    tables = analyze(str(tmp_path / "repo.git"), db=tmp_path / "s.sqlite").tables
    rows = tables["contributors"]
    credited = dict(zip(rows[rows["package"] == "globset"]["name"], rows[rows["package"] == "globset"]["commits"]))
    expected = Counter(git(tmp_path / "repo.git", "log", "--no-merges", "--format=%aN", "2.0.0", "--",
                           "globset", "crates/globset").splitlines())
    assert credited == dict(expected) == {"Grace Hopper": 2, "Ada Lovelace": 2}


def test_commits_belong_to_the_earliest_release_whose_range_holds_them(agent_repo):
    def release(tag, previous):
        commit = git(agent_repo, "rev-parse", f"{tag}^{{commit}}").strip()
        return Release(tag, "rust-v", parse_tag(tag).version, datetime.now(timezone.utc), commit, False, previous)

    releases = [release("rust-v0.1.0", ""), release("rust-v0.2.0", "rust-v0.1.0"),
                release("rust-v0.5.0-alpha.1", "rust-v0.2.0"), release("rust-v0.5.0", "rust-v0.2.0")]  # by date
    parents = {}
    for line in git(agent_repo, "log", "--all", "--format=%H %P").splitlines():
        sha, *rest = line.split()
        parents[sha] = tuple(rest)
    release_of = releases_of_commits(releases, parents, commit_ranges(tuple(releases), parents))
    shown, expected = set(), {}
    for tag, previous in [("rust-v0.1.0", ""), ("rust-v0.2.0", "rust-v0.1.0"), ("rust-v0.5.0-alpha.1", "rust-v0.2.0"),
                          ("rust-v0.5.0", "rust-v0.2.0")]:
        spec = [f"{previous}..{tag}"] if previous else [tag]
        expected[tag] = set(git(agent_repo, "rev-list", *spec).split()) - shown
        shown |= expected[tag]
    later = set(parents) - shown
    expected["rust-v0.5.0"] |= later
    assert later and all(expected.values())
    for tag, shas in expected.items():
        assert {sha for sha, t in release_of.items() if t == tag} == shas, tag
