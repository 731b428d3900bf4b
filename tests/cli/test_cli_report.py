"""`mine report`, `mine regenerate` and `mine compare` as a user runs them, on the fixture store."""

from tests.cli.test_cli_analyze import assert_one_line_error, mine

MARKED = """# Notes kept by hand

Intro written by a person.

<!-- mine:architecture repo=agent -->
stale
<!-- /mine:architecture -->

Closing words.
"""


def test_report_renders_from_the_store_what_analyze_wrote(store, tmp_path):
    result = mine("report", "agent", "--db", store / "s.sqlite", "--out", tmp_path, "--graphs", tmp_path / "g")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "report.md").read_text() == (store / "out" / "report.md").read_text()
    assert (tmp_path / "g" / "packages.gexf").exists()


def test_report_of_a_repository_never_analysed(store):
    assert_one_line_error(mine("report", "nope", "--db", store / "s.sqlite"), "'nope' is not in the store", "agent")


def test_regenerate_fills_sections_keeps_the_rest_and_is_idempotent(store, tmp_path):
    report = tmp_path / "report.md"
    report.write_text(MARKED)
    assert mine("regenerate", report, "--db", store / "s.sqlite", "--check").returncode == 1
    assert mine("regenerate", report, "--db", store / "s.sqlite").returncode == 0
    text = report.read_text()
    assert text.startswith("# Notes kept by hand\n\nIntro written by a person.\n\n<!-- mine:architecture repo=agent -->\n")
    assert text.endswith("<!-- /mine:architecture -->\n\nClosing words.\n")
    assert "| Server | app-server, app-server-protocol |" in text
    edited = text.replace("| Terminal interface and agent loop |", "| Our own words |")
    report.write_text(edited)
    again = mine("regenerate", report, "--db", store / "s.sqlite", "--check")
    assert again.returncode == 0, again.stderr
    assert report.read_text() == edited


def test_regenerate_rejects_an_unterminated_marker_and_leaves_the_file(store, tmp_path):
    report = tmp_path / "report.md"
    report.write_text("text\n<!-- mine:cadence repo=agent -->\nno end\n")
    result = mine("regenerate", report, "--db", store / "s.sqlite")
    assert_one_line_error(result, f"{report}:2", "never closed")
    assert report.read_text() == "text\n<!-- mine:cadence repo=agent -->\nno end\n"


def test_regenerate_of_a_report_with_no_marked_section_says_how_to_mark_one(store, tmp_path):
    report = tmp_path / "report.md"
    report.write_text("# A report written by hand\n\nNo markers yet.\n")
    result = mine("regenerate", report, "--db", store / "s.sqlite")
    assert result.returncode == 0 and result.stderr.count("\n") == 1
    assert "no section marked for miner" in result.stderr and "<!-- mine:NAME repo=REPO -->" in result.stderr
    assert "architecture" in result.stderr and report.read_text() == "# A report written by hand\n\nNo markers yet.\n"


def test_compare_keeps_unanalysed_agents_as_unknown(store):
    result = mine("compare", "--db", store / "s.sqlite", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert "\nFactory CLI,,,,,,,,no public repository\n" in result.stdout
    assert "never analysed" in result.stderr
