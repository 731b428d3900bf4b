"""Bad markers and unknown sections: one-line errors naming file and line, and the report left untouched."""
from __future__ import annotations

import pytest

from fixtures.reports import SECTIONS, render
from miner.errors import MinerError
from miner.outputs.regenerate import regenerate_file

CASES = {
    "unterminated": ("intro\n<!-- mine:cadence repo=codex -->\nbody\n", 2, "never closed"),
    "nested": ("<!-- mine:cadence repo=codex -->\n\n<!-- mine:evolution repo=codex -->\n"
               "<!-- /mine:evolution -->\n<!-- /mine:cadence -->\n", 3, "nested inside 'mine:cadence' opened at line 1"),
    "closing without opening": ("text\n\n<!-- /mine:cadence -->\n", 3, "without an opening marker"),
    "mismatched names": ("<!-- mine:cadence repo=codex -->\nx\n<!-- /mine:evolution -->\n", 3,
                         "does not match 'mine:cadence' opened at line 1"),
    "unknown section": ("a\nb\n<!-- mine:timeline repo=codex -->\n<!-- /mine:timeline -->\n", 3,
                        "unknown section 'mine:timeline' (known: architecture, evolution, cadence)"),
    "malformed marker": ("<!-- mine:cadence repo=codex\n<!-- /mine:cadence -->\n", 1, "malformed marker"),
    "unknown attribute": ("<!-- mine:cadence repo=codex release=v1 -->\n<!-- /mine:cadence -->\n", 1,
                          "unknown marker attribute 'release' (known: repo, only)"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_markers_name_file_and_line_and_leave_the_file_untouched(tmp_path, case):
    text, line, message = CASES[case]
    path = tmp_path / "report.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MinerError) as error:
        regenerate_file(path, render, known=SECTIONS)
    assert str(error.value).startswith(f"{path}:{line}: ")
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert path.read_text(encoding="utf-8") == text


def test_an_error_in_a_later_section_writes_nothing(tmp_path):
    text = "<!-- mine:cadence repo=codex -->\nold\n<!-- /mine:cadence -->\n<!-- mine:nope repo=codex -->\n<!-- /mine:nope -->\n"
    path = tmp_path / "report.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MinerError, match=r":4: unknown section 'mine:nope'$"):
        regenerate_file(path, render)
    assert path.read_text(encoding="utf-8") == text


def test_a_renderer_error_about_the_repo_is_located(tmp_path):
    def unknown_repo(name, repo, old):
        raise MinerError(f"repository '{repo}' is not in the store")
    path = tmp_path / "report.md"
    path.write_text("\n<!-- mine:cadence repo=gone -->\n<!-- /mine:cadence -->\n", encoding="utf-8")
    with pytest.raises(MinerError, match=rf"^{path}:2: section 'mine:cadence' repo=gone: repository 'gone' is not in the store$"):
        regenerate_file(path, unknown_repo)


def test_a_missing_table_inside_the_renderer_is_not_an_unknown_section(tmp_path):
    def needs_table(name, repo, old):
        return {}["capabilities"]
    path = tmp_path / "report.md"
    path.write_text("<!-- mine:evolution repo=codex -->\n<!-- /mine:evolution -->\n", encoding="utf-8")
    with pytest.raises(MinerError, match=r":1: section 'mine:evolution' repo=codex: missing 'capabilities'"):
        regenerate_file(path, needs_table)


def test_a_missing_file_and_a_binary_file_are_one_line_errors(tmp_path):
    with pytest.raises(MinerError, match="cannot read report"):
        regenerate_file(tmp_path / "absent.md", render)
    binary = tmp_path / "report.md"
    binary.write_bytes(b"ok\n\xff\xfe\n")
    with pytest.raises(MinerError, match=r"report.md:2: not UTF-8"):
        regenerate_file(binary, render)
