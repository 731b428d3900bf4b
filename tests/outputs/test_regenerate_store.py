"""Sections drawn from the stored tables of an analysed fixture repository, without re-mining."""
from __future__ import annotations

from datetime import date

import pytest

from miner.errors import MinerError
from miner.outputs.markdown import markdown_table
from miner.outputs.regenerate import regenerate, stored_renderer
from miner.outputs.report import cadence_chart
from miner.pipeline import analyze, load

REPORT = """\
Intro by hand.

<!-- mine:cadence repo=agent -->
stale
<!-- /mine:cadence -->

<!-- mine:releases repo=agent -->
| tag | note |
|---|---|
<!-- /mine:releases -->
"""


@pytest.fixture
def store(agent_repo, tmp_path):
    analyze(str(agent_repo), db=tmp_path / "db.sqlite", line="rust-v")
    return lambda repo: load(repo, tmp_path / "db.sqlite")


def sections():
    return {
        "cadence": lambda analysis: cadence_chart(analysis.tables["cadence"], date(2030, 1, 1)),
        "releases": lambda analysis: markdown_table(analysis.tables["releases"][["tag"]].assign(note="")),
    }


def test_sections_come_from_the_stored_tables(store):
    new = regenerate(REPORT, stored_renderer(store, sections()), known=sections())
    cadence = store("agent").tables["cadence"]
    assert f"{cadence['month'].iloc[0]}: " in new
    assert "stale" not in new
    assert new.startswith("Intro by hand.\n\n<!-- mine:cadence repo=agent -->\n```\n")
    tags = [line.split(" | ")[0][2:] for line in new.splitlines() if line.startswith("| rust-v")]
    assert tags == list(store("agent").tables["releases"]["tag"])
    assert regenerate(new, stored_renderer(store, sections())) == new


def test_a_repo_the_store_does_not_know_is_a_located_error(store):
    text = "x\n<!-- mine:cadence repo=codex -->\n<!-- /mine:cadence -->\n"
    with pytest.raises(MinerError, match=r"^report.md:2: section 'mine:cadence' repo=codex: repository 'codex' "
                                         r"is not in the store .* \(analysed: agent\)$"):
        regenerate(text, stored_renderer(store, sections()), origin="report.md")


def test_an_unknown_section_lists_the_known_ones(store):
    text = "<!-- mine:team repo=agent -->\n<!-- /mine:team -->\n"
    with pytest.raises(MinerError, match=r"^r.md:1: unknown section 'mine:team' \(known: cadence, releases\)$"):
        regenerate(text, stored_renderer(store, sections()), known=sections(), origin="r.md")


def test_real_sections_keep_the_analysts_row_and_give_only_the_table(store):
    from miner.catalogs.layers import purposes
    from miner.outputs.report import render_section
    real = {name: (lambda analysis, name=name: render_section(name, analysis, purposes(analysis.layers)))
            for name in ("architecture", "team")}
    text = ("Our sentence about the workspace.\n\n<!-- mine:architecture repo=agent only=table -->\n"
            "| Layer | Crates | Purpose |\n|---|---|---|\n| Core | cli | Our words |\n"
            "| SDK | (external sdk/ dir) | Python SDK for the app-server API |\n<!-- /mine:architecture -->\n\n"
            "<!-- mine:team repo=agent -->\n| Author | Commits |\n|---|---|\n| Someone gone | 1 |\n<!-- /mine:team -->\n")
    new = regenerate(text, stored_renderer(store, real))
    architecture = new.split("only=table -->\n")[1].split("<!-- /mine:architecture -->")[0]
    assert architecture.startswith("| Layer | Packages | Purpose |\n|---|---|---|\n| Core | cli, codex-cli, core | Our words |\n")
    assert "| SDK | (external sdk/ dir) | Python SDK for the app-server API <!-- kept --> |\n" in architecture
    assert "workspace at" not in architecture and "Most depended-upon" not in architecture
    assert "Someone gone" not in new and "| Grace Hopper |" in new
    assert regenerate(new, stored_renderer(store, real)) == new
