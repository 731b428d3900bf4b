"""`--check` and `--diff` never write; a real run writes atomically, keeps the file mode, and only when needed."""
from __future__ import annotations

import os
import stat
import subprocess

from fixtures.reports import REPORT, render
from miner.outputs.regenerate import regenerate, regenerate_file


def report(tmp_path, text=REPORT):
    path = tmp_path / "report.md"
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_check_reports_an_out_of_date_file_and_leaves_it_alone(tmp_path):
    path = report(tmp_path)
    before = path.stat()
    outcome = regenerate_file(path, render, check=True)
    assert (outcome.changed, outcome.written, outcome.sections) == (True, False, 3)
    assert path.read_text(encoding="utf-8") == REPORT
    assert path.stat().st_mtime_ns == before.st_mtime_ns


def test_check_passes_once_the_file_is_regenerated(tmp_path):
    path = report(tmp_path)
    assert regenerate_file(path, render).written
    assert regenerate_file(path, render, check=True).changed is False


def test_an_up_to_date_file_is_not_rewritten(tmp_path):
    path = report(tmp_path, regenerate(REPORT, render))
    inode = path.stat().st_ino
    outcome = regenerate_file(path, render)
    assert (outcome.changed, outcome.written) == (False, False)
    assert path.stat().st_ino == inode


def test_diff_is_what_git_diff_shows_and_nothing_is_written(tmp_path):
    path = report(tmp_path)
    shown = regenerate_file(path, render, diff=True).diff
    assert "\\ No newline at end of file" in shown
    new = tmp_path / "new.md"
    new.write_text(regenerate(REPORT, render), encoding="utf-8", newline="")
    oracle = subprocess.run(["git", "diff", "--no-index", "--no-color", "-U3", str(path), str(new)],
                            capture_output=True, text=True).stdout
    assert _hunks(shown) == _hunks(oracle)
    assert "+| Server | app-server, app-server-client | Client-server architecture — the central architectural bet |" in shown


def test_diff_of_an_up_to_date_file_is_empty(tmp_path):
    path = report(tmp_path, regenerate(REPORT, render))
    assert regenerate_file(path, render, diff=True).diff == ""


def test_write_replaces_the_file_atomically_and_keeps_its_mode(tmp_path):
    path = report(tmp_path)
    os.chmod(path, 0o640)
    inode = path.stat().st_ino
    regenerate_file(path, render)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.stat().st_ino != inode  # a new file moved into place, not an in-place rewrite
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]  # no temporary file left


def test_a_symlinked_report_is_regenerated_through_the_link(tmp_path):
    target = report(tmp_path)
    link = tmp_path / "link.md"
    link.symlink_to(target)
    regenerate_file(link, render)
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == regenerate(REPORT, render)


def _hunks(diff: str) -> list[str]:
    """The diff from its first hunk on: headers name the files differently."""
    lines = [line.rpartition("@@")[0] + "@@" if line.startswith("@@") else line for line in diff.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("@@"))
    return lines[start:]
