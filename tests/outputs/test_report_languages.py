"""The language mix over releases: one report sentence on the main language's share since the first stable
release, and the plot beside the package count."""
from __future__ import annotations

import pandas as pd
import pytest

from miner.outputs.report import _language_shift


def releases(*tags, stable=None, out_of_order=()):
    stable = stable or [True] * len(tags)
    return pd.DataFrame({"tag": list(tags), "stable": stable, "out_of_order": [t in out_of_order for t in tags],
                         "date": [f"2025-0{i + 1}-01T00:00:00+00:00" for i in range(len(tags))]})


def languages(rows):
    """rows: (release, language, share) with shares of one release largest first, as the table has them."""
    return pd.DataFrame([[r, lang, int(share * 1000), share] for r, lang, share in rows],
                        columns=["release", "language", "bytes", "share"])


def test_a_language_first_since_the_first_release_says_so_with_both_shares():
    """Codex: "doing a Rust rewrite"? Rust led at its first release already."""
    mix = languages([("rust-v0.1.0", "Rust", 0.81), ("rust-v0.1.0", "TypeScript", 0.19),
                     ("rust-v0.2.0", "Rust", 0.96), ("rust-v0.2.0", "TypeScript", 0.04)])
    assert _language_shift(mix, releases("rust-v0.1.0", "rust-v0.2.0"), "rust-v0.2.0") == (
        "Rust has been the main language since `rust-v0.1.0`, the first stable release: 81% of the code then, "
        "96% at `rust-v0.2.0`.")


def test_a_new_main_language_is_said_with_the_one_it_overtook():
    mix = languages([("v1", "TypeScript", 0.7), ("v1", "Rust", 0.3), ("v2", "Rust", 0.6), ("v2", "TypeScript", 0.4)])
    assert _language_shift(mix, releases("v1", "v2"), "v2") == (
        "Rust, the main language at `v2` (60%), was 30% of the code at `v1`, the first stable release, when "
        "TypeScript led with 70%.")


def test_a_language_absent_at_the_first_release_was_none_of_it():
    mix = languages([("v1", "Python", 1.0), ("v2", "Go", 0.55), ("v2", "Python", 0.45)])
    assert "Go, the main language at `v2` (55%), was 0% of the code at `v1`" in _language_shift(
        mix, releases("v1", "v2"), "v2")


@pytest.mark.parametrize("tags, stable, out_of_order", [(("v1",), None, ()), (("v0-rc", "v1"), [False, True], ()),
                                                        (("v1-late", "v1"), None, ("v1-late",))])
def test_no_earlier_stable_release_no_sentence(tags, stable, out_of_order):
    """A prerelease and a stable release tagged out of version order are not the first stable release."""
    mix = languages([(tag, "Rust", 0.5 + 0.1 * i) for i, tag in enumerate(tags)])
    assert _language_shift(mix, releases(*tags, stable=stable, out_of_order=out_of_order), tags[-1]) == ""


def test_the_report_says_it_and_links_the_plot(agent_repo, tmp_path):
    from miner.outputs.publish import publish
    from miner.pipeline import analyze

    analysis = analyze(str(agent_repo), db=tmp_path / "s.sqlite")
    folder = publish(analysis, tmp_path / "out", tmp_path / "graphs", "md").folder
    report = (folder / "report.md").read_text(encoding="utf-8")
    architecture = report.split("<!-- mine:architecture")[1].split("<!-- /mine:architecture -->")[1].split("##")[0]
    assert "![languages](languages.png)" in architecture
    assert "has been the main language since" in report or "the main language at" in report
    assert (folder / "languages.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_tree_without_packages_still_gets_its_language_mix():
    """Claude Code holds plugins and scripts, no package: the section says so and gives the mix anyway."""
    from miner.outputs.report import architecture

    mix = languages([("v1", "Shell", 0.6), ("v1", "Python", 0.4), ("v2", "Python", 0.7), ("v2", "Shell", 0.3)])
    tables = {"packages": pd.DataFrame(columns=["release"]), "languages": mix, "releases": releases("v1", "v2")}
    text = architecture("v2", tables, {})
    assert text.startswith("No package of any ecosystem")
    assert "Language mix at `v2`: Python 70%, Shell 30%." in text
    assert "Python, the main language at `v2` (70%), was 40% of the code at `v1`" in text
    assert architecture(None, tables, {}) == (
        "No package of any ecosystem (Cargo, npm, pnpm, bun, yarn, Python, Go) found at any release.")
