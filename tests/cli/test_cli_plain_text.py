"""Text from a repository is printed as it is: Rich markup and emoji codes in paths, tags and names are
neither errors nor eaten."""
from __future__ import annotations

from fixtures.forged import workspace_repo
from tests.cli.test_cli_analyze import mine

BROKEN = "[package\n"


def test_markup_in_paths_and_names_is_printed_verbatim(tmp_path):
    files = {"Cargo.toml": '[workspace]\nmembers = ["a", "b", "x[/b]", "[red]", ":smile:"]\n',
             "x[/b]/Cargo.toml": BROKEN, "[red]/Cargo.toml": BROKEN, ":smile:/Cargo.toml": BROKEN}
    workspace_repo(tmp_path / "[bold]r.git", files)
    out = tmp_path / "out"
    result = mine("analyze", tmp_path / "[bold]r.git", "--db", tmp_path / "s.sqlite", "--out", out,
                  "--graphs", tmp_path / "g", "-v")
    assert result.returncode == 0, result.stderr
    for path in ("x[/b]/Cargo.toml", "[red]/Cargo.toml", ":smile:/Cargo.toml"):
        assert f"warning [bold]r:v0.1.0:{path}: Cargo.toml does not parse" in result.stderr
    assert "[bold]r: reading tags" in result.stderr
    assert "[bold]r: 1 releases on line 'v'" in result.stderr and (out / "report.md").exists()
    report = mine("report", "[bold]r", "--db", tmp_path / "s.sqlite", "--out", out, "--graphs", tmp_path / "g")
    assert report.returncode == 0 and f"[bold]r: wrote {out}/" in report.stderr
