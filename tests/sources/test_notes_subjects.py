"""Commit subjects of a release's range as notes, with their PR numbers."""
from __future__ import annotations

import subprocess

from fixtures.notes import codex_repo
from miner.model.notes import pr_numbers
from miner.sources.messages import subject_notes


def git_subjects(repo_path, spec):
    """The range's subjects as git itself lists them (oracle)."""
    out = subprocess.run(["git", "-C", str(repo_path), "log", "--format=%s", spec], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


def test_subjects_of_a_codex_range_give_notes_and_prs(tmp_path):
    codex_repo(tmp_path / "r")
    subjects = git_subjects(tmp_path / "r", "rust-v0.79.0..rust-v0.80.0")
    notes = subject_notes(subjects)
    assert notes.source == "commits"
    assert notes.prs == (4480, 4471)
    assert notes.text == ("- Merge pull request #4480 from openai/ws-transport\n"
                          "- Split app-server from mcp-server (#4471)")  # the "Release 0.80.0" title is left out


def test_only_release_titles_or_nothing_give_no_notes():
    assert subject_notes([]) is None
    assert subject_notes(["Release 0.44.0", "  ", "chore(release): v0.1.9-rc.1"]) is None


def test_pr_number_forms():
    text = ("- fix: x (#4471)\n- Merge pull request #123 from a/b\n"
            "- y by @u in [#28116](https://github.com/o/r/pull/28116)\n"
            "- z in https://github.com/o/r/pull/77\n- Fixes #999 and (#4471) again")
    assert pr_numbers(text) == (4471, 123, 28116, 77)
