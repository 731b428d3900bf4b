from dataclasses import replace

"""An unchanged analysis leaves its published files alone; any change to them, the inputs or the options rewrites."""
import os

from miner.outputs.publish import STAMP, publish
from miner.pipeline import analyze
from tests.cli.test_cli_analyze import mine


def _times(folder):
    return {path.name: path.stat().st_mtime_ns for path in folder.iterdir() if path.name != STAMP}


def test_second_publish_of_the_same_inputs_writes_nothing(agent_repo, tmp_path):
    result = analyze(str(agent_repo), db=tmp_path / "s.sqlite")
    out, graphs = tmp_path / "out", tmp_path / "graphs"
    assert publish(result, out, graphs).written
    before = _times(out), _times(graphs)
    again = publish(result, out, graphs)
    assert not again.written and again.folder == out
    assert (_times(out), _times(graphs)) == before


def test_a_deleted_or_edited_file_is_written_again(agent_repo, tmp_path):
    result = analyze(str(agent_repo), db=tmp_path / "s.sqlite")
    out, graphs = tmp_path / "out", tmp_path / "graphs"
    publish(result, out, graphs)
    (graphs / "authors.gexf").unlink()
    assert publish(result, out, graphs).written
    assert (graphs / "authors.gexf").exists()
    report = out / "report.md"
    report.write_text(report.read_text() + "my note\n")
    assert publish(result, out, graphs).written
    assert "my note" not in report.read_text()


def test_other_inputs_or_options_write_again(agent_repo, tmp_path):
    result = analyze(str(agent_repo), db=tmp_path / "s.sqlite")
    out, graphs = tmp_path / "out", tmp_path / "graphs"
    publish(result, out, graphs)
    assert publish(replace(result, inputs="other"), out, graphs).written
    assert publish(replace(result, inputs="other"), out, graphs, fmt="json").written
    assert (out / "releases.json").exists()
    assert publish(replace(result, inputs=""), out, graphs).written  # no inputs: nothing to compare with


def test_cli_says_when_the_files_were_up_to_date(agent_repo, tmp_path):
    args = ["analyze", agent_repo, "--out", tmp_path / "out", "--graphs", tmp_path / "g", "--db", tmp_path / "s.sqlite"]
    first, second = mine(*args), mine(*args)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert f"wrote {tmp_path / 'out'}/" in first.stderr
    assert f"{tmp_path / 'out'}/ was up to date" in second.stderr
    os.remove(tmp_path / "out" / "cadence.png")
    assert "wrote" in mine(*args).stderr and (tmp_path / "out" / "cadence.png").exists()


def test_other_inputs_replace_only_the_files_whose_bytes_changed(agent_repo, tmp_path):
    result = analyze(str(agent_repo), db=tmp_path / "s.sqlite")
    out, graphs = tmp_path / "out", tmp_path / "graphs"
    publish(result, out, graphs)
    before = _times(out)
    tables = dict(result.tables, releases=result.tables["releases"].iloc[:-1])
    assert publish(replace(result, inputs="other", tables=tables), out, graphs).written
    after = _times(out)
    assert after["releases.csv"] != before["releases.csv"]
    assert after["packages.csv"] == before["packages.csv"] and after["bursts.csv"] == before["bursts.csv"]
    assert not [path for path in out.iterdir() if path.name.startswith(".mine-") and path.name != STAMP]
    assert not publish(replace(result, inputs="other", tables=tables), out, graphs).written
