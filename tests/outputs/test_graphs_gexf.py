"""packages.gexf and authors.gexf are GEXF 1.3 as its schemas define it, with days in UTC, one step per day."""
from __future__ import annotations

import subprocess
from datetime import datetime, timezone

import networkx as nx
import pytest
from lxml import etree

from fixtures.contributors import contributors_repo
from fixtures.graphs import time_zone_repo
from miner.outputs.graphs import write_gexf
from miner.outputs.publish import publish
from miner.pipeline import analyze
from tests.outputs.gexf_schema import GEXF, gexf_errors


def published_graphs(repo, folder):
    """`mine analyze` of `repo` as the command line does it; the graphs folder."""
    publish(analyze(str(repo), db=folder / "s.sqlite"), folder / "out", folder / "graphs")
    return folder / "graphs"


@pytest.mark.timeout(120)
def test_the_gexf_files_of_the_agent_sample_are_valid_gexf_13(agent_repo, tmp_path):
    graphs = published_graphs(agent_repo, tmp_path)
    for name in ("packages.gexf", "authors.gexf"):
        assert gexf_errors(graphs / name) == [], name
        text = (graphs / name).read_text(encoding="utf-8")
        assert 'version="1.3"' in text and "lastmodifieddate" not in text, name
        assert nx.read_gexf(graphs / name).number_of_nodes() == text.count("<node "), name


@pytest.mark.timeout(120)
def test_hostile_names_and_paths_stay_valid_xml(tmp_path):
    """The contributor fixture's author and path that are not UTF-8, its empty e-mail, its bot and agent."""
    contributors_repo(tmp_path / "fx.git")
    graphs = published_graphs(tmp_path / "fx.git", tmp_path)
    assert gexf_errors(graphs / "authors.gexf") == []
    assert gexf_errors(graphs / "packages.gexf") == []


def test_text_is_escaped_and_characters_xml_cannot_hold_are_replaced(tmp_path):
    label = 'a "quoted" <b> & c\nnext\x01line\udcff'
    graph = nx.DiGraph()
    graph.add_node("n&1", label=label, note=label, spells=[("2025-01-01", None)])
    graph.add_edge("n&1", "n&1", spells=[("2025-01-01", "2025-02-01")])
    path = write_gexf(graph, tmp_path / "g.gexf", "<described> & so on")
    assert gexf_errors(path) == []
    node = etree.parse(str(path)).find(f"{GEXF}graph/{GEXF}nodes/{GEXF}node")
    assert node.get("id") == "n&1"
    assert node.get("label") == 'a "quoted" <b> & c\nnext\ufffdline\ufffd'


@pytest.mark.timeout(120)
def test_days_are_taken_in_utc_and_the_releases_of_one_day_are_one_step(tmp_path):
    repo = time_zone_repo(tmp_path / "tz.git")
    graphs = published_graphs(repo, tmp_path)
    assert gexf_errors(graphs / "packages.gexf") == []
    assert gexf_errors(graphs / "authors.gexf") == []
    days = utc_tag_days(repo)
    assert days == {"v0.1.0": "2026-01-27", "v0.2.0": "2026-01-27", "v0.3.0": "2026-02-03"}
    spells = {node.get("label"): [(spell.get("start"), spell.get("end")) for spell in node.iter(f"{GEXF}spell")]
              for node in etree.parse(str(graphs / "packages.gexf")).iter(f"{GEXF}node")}
    assert spells["tz-extra"] == [(days["v0.1.0"], days["v0.3.0"])]  # only in v0.1.0, a day it shares with v0.2.0
    assert spells["tz-core"] == [(days["v0.1.0"], None)]
    for name in ("packages.gexf", "authors.gexf"):
        document = etree.parse(str(graphs / name))
        moments = {value for element in document.iter(f"{GEXF}spell", f"{GEXF}attvalue")
                   for value in (element.get("start"), element.get("end")) if value}
        assert moments == set(days.values()), name


def utc_tag_days(repo) -> dict[str, str]:
    """Each tag's day in UTC, from its tagger date as git prints it."""
    lines = subprocess.run(["git", "--git-dir", str(repo), "for-each-ref", "refs/tags",
                            "--format=%(refname:short) %(taggerdate:iso-strict)"],
                           check=True, capture_output=True, text=True).stdout.split("\n")
    pairs = [line.split(" ") for line in lines if line]
    return {tag: datetime.fromisoformat(when).astimezone(timezone.utc).date().isoformat() for tag, when in pairs}
