"""Manifests beyond the size and key-depth limits are warned about and not parsed; the rest is read."""
from __future__ import annotations

import pytest

from fixtures.hostile import manifests_beyond_limits, tagged_workspace
from miner.ecosystems.manifests import MAX_KEY_PARTS, MAX_MANIFEST_BYTES
from miner.pipeline import analyze


@pytest.mark.timeout(20)
def test_a_manifest_with_a_huge_dotted_key_or_size_is_a_warning_naming_release_and_file(tmp_path):
    """The 40 KB manifest with one key of 20,000 parts took 2.4 GB inside tomllib."""
    files = manifests_beyond_limits(parts=20_000, size=MAX_MANIFEST_BYTES + 1)
    assert len(files["crates/deep/Cargo.toml"]) < 41_000 and len(files["crates/big/Cargo.toml"]) == MAX_MANIFEST_BYTES + 1
    tagged_workspace(tmp_path / "r.git", files)
    result = analyze(str(tmp_path / "r.git"), db=tmp_path / "store.sqlite")
    assert list(result.tables["packages"]["package"]) == ["good"]
    found = {(w.tag, w.path): w.message for w in result.warnings}
    assert found == {
        ("v1.0.0", "crates/big/Cargo.toml"):
            f"Cargo.toml is {MAX_MANIFEST_BYTES + 1} bytes, over the {MAX_MANIFEST_BYTES}-byte limit",
        ("v1.0.0", "crates/deep/Cargo.toml"): f"Cargo.toml has a key of more than {MAX_KEY_PARTS} parts; not parsed",
    }


def test_keys_at_the_limit_are_parsed(tmp_path):
    files = manifests_beyond_limits(parts=MAX_KEY_PARTS, size=MAX_MANIFEST_BYTES)
    tagged_workspace(tmp_path / "r.git", files)
    result = analyze(str(tmp_path / "r.git"), db=tmp_path / "store.sqlite")
    assert list(result.tables["packages"]["package"]) == ["big", "deep", "good"] and result.warnings == []
