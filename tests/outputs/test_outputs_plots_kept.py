"""A plot whose data did not change since it was published is copied, not drawn again, and has the same bytes."""
from dataclasses import replace

import pytest

import miner.outputs.publish as publishing
from miner.outputs.publish import publish
from miner.pipeline import analyze

PLOTS = {"cadence_plot": "cadence.png", "package_count_plot": "packages.png", "language_mix_plot": "languages.png",
         "author_layer_heatmap": "specialization.png"}


@pytest.fixture
def drawn(monkeypatch):
    """The plots drawn, publish after publish."""
    found: list[str] = []
    for function, name in PLOTS.items():
        def counting(*args, real=getattr(publishing, function), name=name):
            found.append(name)
            return real(*args)
        monkeypatch.setattr(publishing, function, counting)
    return found


@pytest.fixture
def analysis(agent_repo, tmp_path):
    return analyze(str(agent_repo), db=tmp_path / "s.sqlite")


def _bytes(folder):
    return {path.name: path.read_bytes() for path in folder.glob("*.png")}


def test_other_inputs_with_the_same_data_draw_nothing(analysis, tmp_path, drawn):
    out, graphs = tmp_path / "out", tmp_path / "graphs"
    publish(analysis, out, graphs)
    assert sorted(drawn) == sorted(PLOTS.values())
    before = _bytes(out)
    del drawn[:]
    assert publish(replace(analysis, inputs="other"), out, graphs).written
    assert drawn == [] and _bytes(out) == before


def test_changed_data_draws_that_plot_again(analysis, tmp_path, drawn):
    out, graphs = tmp_path / "out", tmp_path / "graphs"
    publish(analysis, out, graphs)
    cadence = analysis.tables["cadence"].copy()
    cadence.loc[cadence.index[-1], "releases"] += 1
    changed = replace(analysis, inputs="other", tables=analysis.tables | {"cadence": cadence})
    del drawn[:]
    publish(changed, out, graphs)
    assert drawn == ["cadence.png"]
    fresh = tmp_path / "fresh"
    publish(changed, fresh, tmp_path / "fresh-graphs")
    assert _bytes(out) == _bytes(fresh)


def test_an_edited_or_missing_plot_is_drawn_again(analysis, tmp_path, drawn):
    out, graphs = tmp_path / "out", tmp_path / "graphs"
    publish(analysis, out, graphs)
    before = _bytes(out)
    (out / "cadence.png").write_bytes(b"not a picture")
    (out / "packages.png").unlink()
    del drawn[:]
    publish(replace(analysis, inputs="other"), out, graphs)
    assert sorted(drawn) == ["cadence.png", "packages.png"] and _bytes(out) == before


def test_a_plot_published_by_another_version_of_the_drawing_code_is_drawn_again(analysis, tmp_path, drawn,
                                                                                 monkeypatch):
    out, graphs = tmp_path / "out", tmp_path / "graphs"
    publish(analysis, out, graphs)
    publishing._matplotlib_version.cache_clear()
    monkeypatch.setattr(publishing.metadata, "version", lambda name: "0.0")
    del drawn[:]
    publish(replace(analysis, inputs="other"), out, graphs)
    publishing._matplotlib_version.cache_clear()
    assert sorted(drawn) == sorted(PLOTS.values())
