"""PNG plots: written when matplotlib is there, one clear error when it is not."""
from __future__ import annotations

import sys

import pandas as pd
import pytest

from miner.errors import MinerError
from miner.outputs.plots import author_layer_heatmap

LAYERS = pd.DataFrame([["a", "Ada", "person", "Core", 3, 0.75], ["a", "Ada", "person", "Server", 1, 0.25],
                       ["g", "Grace", "person", "Server", 2, 1.0], ["b", "bot", "bot", "(ci)", 9, 1.0]],
                      columns=["author", "name", "kind", "layer", "commits", "share"])
SPECIALIZATION = pd.DataFrame([["b", "bot", "bot", 9], ["a", "Ada", "person", 4], ["g", "Grace", "person", 2]],
                              columns=["author", "name", "kind", "commits"])


def test_heatmap_is_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    path = author_layer_heatmap(LAYERS, SPECIALIZATION, tmp_path / "plots" / "heat.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_heatmap_without_people_is_an_error(tmp_path):
    pytest.importorskip("matplotlib")
    with pytest.raises(MinerError, match="no commits by people"):
        author_layer_heatmap(LAYERS[LAYERS["kind"] == "bot"], SPECIALIZATION, tmp_path / "heat.png")


def test_missing_matplotlib_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MinerError, match=r"plots need matplotlib"):
        author_layer_heatmap(LAYERS, SPECIALIZATION, tmp_path / "heat.png")


def test_cadence_and_crate_count_plots_are_pngs(agent_repo, tmp_path):
    from miner.outputs.plots import cadence_plot, package_count_plot
    from miner.pipeline import analyze

    tables = analyze(str(agent_repo), db=tmp_path / "s.sqlite").tables
    for path in (cadence_plot(tables["cadence"], tmp_path / "c.png"),
                 package_count_plot(tables["workspaces"], tables["releases"], tmp_path / "k.png")):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_language_mix_plot_is_a_png_and_wants_a_stable_release(tmp_path):
    pytest.importorskip("matplotlib")
    from miner.outputs.plots import language_mix_plot
    releases = pd.DataFrame({"tag": ["v1", "v2", "v3-rc"], "stable": [True, True, False], "out_of_order": False,
                             "date": ["2025-01-01T00:00:00+00:00", "2025-02-01T00:00:00+01:00", "2025-03-01T00:00:00Z"]})
    languages = pd.DataFrame([[tag, language, 1, share] for tag, mix in
                              [("v1", {"Rust": 0.6, "Shell": 0.4}), ("v2", {"Rust": 0.5, "TypeScript": 0.3, "C": 0.1,
                                                                             "Go": 0.05, "Lua": 0.03, "Nix": 0.02})]
                              for language, share in mix.items()], columns=["release", "language", "bytes", "share"])
    path = language_mix_plot(languages, releases, tmp_path / "languages.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(MinerError, match="no stable release"):
        language_mix_plot(languages[languages["release"] == "v3-rc"], releases, tmp_path / "none.png")


def test_releases_tagged_in_one_second_share_one_point_of_the_language_mix():
    """Claude Code tagged v2.1.101 and v2.1.104 in one second: the plot showed their shares summed, a spike."""
    from miner.outputs.plots import language_shares
    same = "2026-04-13T19:03:35+00:00"
    releases = pd.DataFrame({"tag": ["v1", "v2", "v3"], "stable": True, "out_of_order": False,
                             "date": pd.to_datetime(["2026-04-01T00:00:00+00:00", same, same], utc=True)})
    languages = pd.DataFrame([["v1", "Shell", 10, 0.6], ["v1", "Python", 7, 0.4], ["v2", "Python", 3, 0.3],
                              ["v2", "Shell", 7, 0.7], ["v3", "Python", 8, 0.8], ["v3", "Shell", 2, 0.2]],
                             columns=["release", "language", "bytes", "share"])
    shares = language_shares(languages, releases)
    assert len(shares) == 2 and shares.sum(axis=1).round(9).eq(1.0).all()
    assert shares.iloc[-1].to_dict() == {"Python": 0.8, "Shell": 0.2}


def test_the_heatmap_names_people_as_the_report_does_and_shows_a_small_share(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    from matplotlib.axes import Axes

    layers = pd.DataFrame([["e:abhi@a.io", "Abhi", "person", "Core", 199, 0.99], ["e:abhi@a.io", "Abhi", "person",
                            "Server", 1, 0.005 - 1e-9], ["e:abhi@b.io", "Abhi", "person", "Server", 2, 1.0]],
                          columns=["author", "name", "kind", "layer", "commits", "share"])
    people = pd.DataFrame([["e:abhi@a.io", "Abhi", "person", 200], ["e:abhi@b.io", "Abhi", "person", 2]],
                          columns=["author", "name", "kind", "commits"])
    seen = {"ticks": [], "texts": []}
    monkeypatch.setattr(Axes, "set_yticks", lambda self, ticks, labels=None: seen["ticks"].extend(labels))
    monkeypatch.setattr(Axes, "text", lambda self, x, y, text, **_: seen["texts"].append(text))
    author_layer_heatmap(layers, people, tmp_path / "heat.png")
    assert seen["ticks"] == ["Abhi <abhi@a.io> (200)", "Abhi <abhi@b.io> (2)"]
    assert sorted(seen["texts"]) == ["100%", "99%", "<1%"]
