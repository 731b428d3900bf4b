"""The source view stage: which releases are read, and one view per release."""
from __future__ import annotations

from fixtures.sourcecode import RUST
from fixtures.sources import cargo_workspaces, committed, release_trees, stable_releases
from miner.analyses.releases import select_releases
from miner.pipeline import releases_to_read, source_views
from miner.sources.tags import read_tags
from miner.store.cache import MemoryCache


def test_stable_releases_are_read_and_prereleases_only_on_request(agent_repo):
    import pygit2

    releases = select_releases(read_tags(pygit2.Repository(str(agent_repo)))).releases
    stable = releases_to_read(releases)
    assert stable and all(release.stable for release in stable)
    assert releases_to_read(releases, prereleases=True) == list(releases)
    assert len(releases) > len(stable)


def test_one_view_per_release_in_the_order_given(tmp_path):
    repo, _ = committed(tmp_path / "r.git", RUST)
    cache = MemoryCache()
    views = source_views(repo, release_trees(repo, stable_releases(repo), cache, cargo_workspaces), cache)
    assert [view.release for view in views] == ["v1.0.0"]
    assert len(views[0].edges) == 4
