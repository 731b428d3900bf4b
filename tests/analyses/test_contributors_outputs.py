"""The dynamic author-crate GEXF and the "Team specializations" Markdown."""
from __future__ import annotations

import re

import networkx as nx
import pandas as pd
import pytest

from fixtures.contributors import contributors_repo, mined
from fixtures.late_tags import backport
from miner.analyses.contributors import AGENT_COLUMNS, AUTHOR_LAYER_COLUMNS, SPECIALIZATION_COLUMNS
from miner.outputs.graphs import write_author_package_gexf
from miner.outputs.report import team as team_markdown
from miner.pipeline import analyze


@pytest.fixture(scope="module")
def mined_repo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("outputs")
    contributors_repo(folder / "fx.git")
    releases = analyze(str(folder / "fx.git"), db=folder / "s.sqlite").tables["releases"]
    return mined(folder / "fx.git", folder / "s.sqlite"), releases, folder


def test_gexf_is_bipartite_with_spells_and_commit_weights(mined_repo):
    tables, releases, folder = mined_repo
    path = write_author_package_gexf(tables, releases, folder / "graphs" / "fx" / "authors.gexf")
    graph = nx.read_gexf(path)
    parts = nx.get_node_attributes(graph, "bipartite")
    assert set(parts.values()) == {0, 1}
    assert all(parts[u] != parts[v] for u, v in graph.edges)
    rows = tables["contributors"]
    edge = graph.edges["author:email:ada@example.com", "package:fx-app-server"]
    expected = rows[(rows["author"] == "email:ada@example.com") & (rows["package"] == "fx-app-server")]["commits"].sum()
    assert edge["weight"] == expected == 2
    text = path.read_text()
    assert 'mode="dynamic"' in text and "<spell " in text
    days = dict(zip(releases["tag"], releases["date"].dt.strftime("%Y-%m-%d")))
    claude = graph.nodes["author:agent:claude"]
    assert claude["kind"] == "agent"
    assert days["rust-v0.2.0-alpha.1"] in text


def test_team_markdown_names_core_contributors_and_focus(mined_repo):
    tables, _, _ = mined_repo
    text = team_markdown(tables)
    core = next(line for line in text.splitlines() if line.startswith("| Core |"))
    layer = tables["author_layers"]
    people = layer[(layer["layer"] == "Core") & (layer["kind"] == "person")].sort_values("commits", ascending=False)
    top = people.iloc[0]
    assert f"{top['name']} {top['commits'] / people['commits'].sum():.0%}" in core
    assert "| Author | Credits | Focus |" in text
    assert "Coding agents authored or co-wrote 2 of" in text and "Claude 1" in text
    assert "dependabot" not in text.split("Coding agents")[0]


def test_team_markdown_without_people(mined_repo):
    tables, _, _ = mined_repo
    empty = {name: frame.iloc[0:0] for name, frame in tables.items()}
    assert team_markdown(empty) == "No commits by people in the analysed range."


def _layer_tables(counts: dict[str, int], names: dict[str, str] | None = None) -> dict:
    """Minimal contributor tables: one layer, people with the given commits (key -> commits)."""
    names = names or {key: key.title() for key in counts}
    layers = pd.DataFrame([[key, names[key], "person", "Core", n, 0, n, 1.0] for key, n in counts.items()],
                          columns=AUTHOR_LAYER_COLUMNS)
    special = pd.DataFrame([[key, names[key], "person", n, "Core", 1.0, 0.0, 1, 1] for key, n in counts.items()],
                           columns=SPECIALIZATION_COLUMNS)
    return {"author_layers": layers, "specialization": special,
            "agent_work": pd.DataFrame(columns=AGENT_COLUMNS)}


def test_core_contributors_beyond_five_are_summed_up_to_half():
    text = team_markdown(_layer_tables({f"p{i:02d}": 1 for i in range(12)}))
    core = next(line for line in text.splitlines() if line.startswith("| Core |"))
    assert core.endswith("| P00 8%, P01 8%, P02 8%, P03 8%, P04 8%, 1 more 8% |")  # six of twelve make half


def test_two_people_with_one_name_are_told_apart():
    text = team_markdown(_layer_tables({"email:a@x": 3, "email:b@y": 2}, {"email:a@x": "Alice", "email:b@y": "Alice"}))
    assert "Alice \\<a@x\\>" in text and "Alice \\<b@y\\>" in text  # escaped: a renderer shows them, not tags


def test_the_window_is_stated(mined_repo, tmp_path):
    tables, releases, folder = mined_repo
    window = mined(folder / "fx.git", tmp_path / "w.sqlite", since="2025-01-01", until="2030-12-31")
    assert "(window: since 2025-01-01, until 2030-12-31)." in team_markdown(window)
    row = tables["attribution_window"].iloc[0]
    assert f"From {row['commits']:,} non-merge commits, {row['first']} to {row['last']}." in team_markdown(tables)


def test_gexf_keeps_the_work_of_late_tags_and_steps_by_day(tmp_path):
    tables = analyze(str(backport(tmp_path / "r.git")), db=tmp_path / "s.sqlite").tables
    assert tables["releases"]["out_of_order"].any()
    late = set(tables["releases"][tables["releases"]["out_of_order"]]["tag"])
    assert late & set(tables["release_contributors"]["release"]), "the fixture credits work to a late tag"
    graph = nx.read_gexf(write_author_package_gexf(tables, tables["releases"], tmp_path / "authors.gexf"))
    assert sum(weight for _, _, weight in graph.edges(data="weight")) == tables["contributors"]["commits"].sum()
    text = (tmp_path / "authors.gexf").read_text()
    spans = [(m[0], m[1]) for m in re.findall(r'<spell start="([^"]+)" end="([^"]+)"', text)]
    assert all(start < end for start, end in spans)


def test_team_markdown_says_who_owns_the_busiest_crates(mined_repo):
    tables, _, _ = mined_repo
    text = team_markdown(tables)
    owned = tables["package_ownership"].set_index("package").loc["fx-core"]
    row = next(line for line in text.splitlines() if line.startswith("| fx-core |"))
    assert row == (f"| fx-core | {owned['layer']} | {owned['people_commits']} | {owned['authors']} | "
                   f"{owned['main_developer_name']} | {owned['ownership']:.0%} | {owned['fragmentation']:.2f} |")
    assert "| (ci) |" not in text.split("Who owns")[1]
