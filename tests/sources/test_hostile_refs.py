"""Refs under `refs/tags/` that git ignores (invalid names, dangling symbolic refs) or whose names are no
text are listed in skipped.csv with the reason; a symbolic tag ref that resolves is a tag like any other."""
from __future__ import annotations

import subprocess

import pytest

from fixtures.forged import loose_ref, workspace_repo
from miner.errors import MinerError
from miner.pipeline import analyze
from tests.conftest import git


def skipped_reasons(result) -> dict[str, str]:
    return dict(zip(result.tables["skipped"]["tag"], result.tables["skipped"]["reason"]))


@pytest.mark.parametrize("name", [b"v0..2", b"v0.4 0", b"v0.5\x01", b"v0:6", b"v0.7^", b"v0.8.0."])
def test_a_ref_name_git_refuses_is_skipped(tmp_path, name):
    builder, first = workspace_repo(tmp_path / "repo.git")
    loose_ref(builder.repo, b"refs/tags/" + name, f"{first}\n".encode())
    listed = subprocess.run(["git", "--git-dir", builder.repo.path, "for-each-ref", "refs/tags"],
                            capture_output=True, text=True)
    assert listed.stdout.count("refs/tags/") == 1 and "ignoring ref with broken name" in listed.stderr
    result = analyze(builder.repo.path, db=tmp_path / "s.sqlite")
    assert skipped_reasons(result) == {name.decode(): "not a valid ref name: git ignores it"}
    assert result.tables["releases"]["tag"].tolist() == ["v0.1.0"]


def test_a_dangling_symbolic_tag_ref_is_skipped(tmp_path):
    builder, _ = workspace_repo(tmp_path / "repo.git")
    loose_ref(builder.repo, b"refs/tags/v0.9.0", b"ref: refs/tags/nowhere\n")
    assert git(builder.repo.path, "for-each-ref", "--format=%(refname)", "refs/tags").split() == ["refs/tags/v0.1.0"]
    result = analyze(builder.repo.path, db=tmp_path / "s.sqlite")
    assert skipped_reasons(result) == {
        "v0.9.0": "a symbolic ref to 'refs/tags/nowhere', which resolves to nothing: git ignores it"}


def test_a_symbolic_tag_ref_is_the_tag_it_resolves_to(tmp_path):
    builder, first = workspace_repo(tmp_path / "repo.git")
    loose_ref(builder.repo, b"refs/tags/v0.9.0", b"ref: refs/tags/v0.1.0\n")
    assert git(builder.repo.path, "rev-parse", "v0.9.0").strip() == str(first)
    result = analyze(builder.repo.path, db=tmp_path / "s.sqlite")
    assert result.tables["releases"]["tag"].tolist() == ["v0.1.0", "v0.9.0"]
    assert set(result.tables["releases"]["commit"]) == {str(first)}


def test_a_tag_name_that_is_not_utf8_is_skipped_and_written_as_text(tmp_path):
    builder, first = workspace_repo(tmp_path / "repo.git")
    loose_ref(builder.repo, b"refs/tags/v0.2.0-\xff", f"{first}\n".encode())
    assert git(builder.repo.path, "for-each-ref", "--format=%(refname)", "refs/tags").count("refs/tags/") == 2
    db = tmp_path / "s.sqlite"
    result = analyze(builder.repo.path, db=db)
    assert skipped_reasons(result) == {"v0.2.0-\ufffd": "its name is not UTF-8 text"}
    assert analyze(builder.repo.path, db=db).walked == 0  # saved, and the saved fingerprint matched


def test_a_truncated_pack_says_its_objects_are_unreadable(agent_repo, tmp_path):
    copy = tmp_path / "agent.git"
    subprocess.run(["git", "clone", "-q", "--bare", "--mirror", str(agent_repo), str(copy)], check=True)
    git(copy, "repack", "-adq")
    git(copy, "pack-refs", "--all")
    pack = next((copy / "objects" / "pack").glob("*.pack"))
    with open(pack, "r+b") as file:
        file.truncate(pack.stat().st_size // 2)
    with pytest.raises(MinerError, match=r"^agent: no readable release: \d+ version tags point at objects the "
                                         r"repository cannot read \(\S+ points at"):
        analyze(str(copy), db=tmp_path / "s.sqlite")
