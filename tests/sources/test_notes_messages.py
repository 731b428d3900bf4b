"""Notes in annotated tag messages and in the tagged release commit's message."""
from __future__ import annotations

import subprocess

from fixtures.notes import CODEX_NOTES, W1, annotated_notes_repo, claude_repo, codex_repo, raw_tag
from miner._sample.builder import RepoBuilder
from miner.sources.messages import release_commit_message, tag_message


def git_tag_contents(repo_path, tag):
    """Git's own reading of the tag message (oracle), without signature."""
    out = subprocess.run(["git", "-C", str(repo_path), "tag", "-l", "--format=%(contents:body)", tag],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_annotated_tag_message_without_title_and_trailers(tmp_path):
    builder = annotated_notes_repo(tmp_path / "r")
    notes = tag_message(builder.repo, "v1.0.0")
    assert notes == "Highlights:\n- Hooks for every tool call (#12)"
    assert git_tag_contents(tmp_path / "r", "v1.0.0").startswith(notes)


def test_title_only_signed_and_lightweight_tags_have_no_notes(tmp_path):
    builder = annotated_notes_repo(tmp_path / "r")
    assert tag_message(builder.repo, "v1.0.1") is None  # "Release 1.0.1"
    assert tag_message(builder.repo, "refs/tags/v1.0.2") is None  # signed "chore(release): v1.0.2"
    assert tag_message(builder.repo, "v1.0.4") is None  # lightweight
    assert tag_message(builder.repo, "v7.7.7") is None  # absent


def test_a_tag_message_that_is_not_a_title_is_kept_whole(tmp_path):
    builder = annotated_notes_repo(tmp_path / "r")
    assert tag_message(builder.repo, "v1.0.3") == "Plugin marketplace preview\n\nTry `/plugin install`."


def test_codex_release_commit_message_holds_the_notes(tmp_path):
    builder = codex_repo(tmp_path / "r")
    assert release_commit_message(builder.repo, "rust-v0.80.0") == CODEX_NOTES.strip()
    assert tag_message(builder.repo, "rust-v0.80.0") is None  # "Release 0.80.0"
    assert release_commit_message(builder.repo, "rust-v0.79.0") is None  # bare title


def test_a_tag_on_an_ordinary_commit_has_no_release_commit_notes(tmp_path):
    builder = claude_repo(tmp_path / "r")
    assert release_commit_message(builder.repo, "v2.1.239") is None  # "chore: Update CHANGELOG.md"


def test_non_utf8_messages_are_replaced_with_a_warning(tmp_path):
    builder = RepoBuilder(tmp_path / "r", bare=True)
    head = builder.commit(b"Release 1.0.0\n\nCaf\xe9 notes\n", {"a": "1\n"}, when=W1)
    builder.tag("v1.0.0", head)
    raw_tag(builder, "v1.0.1", head, b"v1.0.1\n\nNa\xefve notes\n")
    warnings = []
    assert release_commit_message(builder.repo, "v1.0.0", warnings) == "Caf\ufffd notes"
    assert tag_message(builder.repo, "v1.0.1", warnings) == "Na\ufffdve notes"
    assert [(w.tag, "not valid UTF-8" in w.message) for w in warnings] == [("v1.0.0", True), ("v1.0.1", True)]
