"""Tags that are not releases are listed with a reason, never fatal."""
from miner.pipeline import analyze


def test_odd_tags_are_skipped_with_reasons(agent_repo, tmp_path):
    skipped = analyze(str(agent_repo), db=tmp_path / "s.sqlite").tables["skipped"]
    reasons = dict(zip(skipped["tag"], skipped["reason"]))
    assert reasons["latest"] == "no version in the tag name"
    assert reasons["alpha-cli"] == "no version in the tag name"
    assert reasons["tree-snapshot"] == "no version in the tag name"
    assert reasons["blob-v1.0.0"] == "points at a blob, not a commit"
    assert "commit id" in next(r for t, r in reasons.items() if t.startswith("codex-rs-"))
    assert "not the analysed line" in reasons["rust-vv0.7.0-alpha.1"]
    assert "not the analysed line" in reasons["rusty-v8-v146.4.0"]
    assert "not the analysed line" in reasons["rust-v.0.0.2504291921"]


def test_line_option_selects_another_line(crate_repo, tmp_path):
    result = analyze(str(crate_repo), db=tmp_path / "s.sqlite", line="rgx-cli-")
    assert result.tables["releases"]["tag"].tolist() == ["rgx-cli-0.1.1", "rgx-cli-0.2.1", "rgx-cli-0.3.1"]


def test_unprefixed_line_is_the_main_line_of_a_crate_repository(crate_repo, tmp_path):
    result = analyze(str(crate_repo), db=tmp_path / "s.sqlite")
    assert result.line == "" and result.tables["releases"]["tag"].tolist() == ["0.1.0", "0.2.0", "0.3.0"]


def test_tags_regex_selects_releases(agent_repo, tmp_path):
    result = analyze(str(agent_repo), db=tmp_path / "s.sqlite", tags=r"^rust-v0\.[56]\.\d+$")
    assert result.tables["releases"]["tag"].tolist() == ["rust-v0.5.0", "rust-v0.6.0", "rust-v0.6.1"]
