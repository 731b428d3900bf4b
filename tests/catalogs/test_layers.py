"""Layer rules: loading with one-line errors for bad files, and sorting crates into layers."""
from __future__ import annotations

import pytest

from fixtures.workspaces import package, with_sources
from miner._sample.builder import RepoBuilder
from miner.catalogs.layers import UNCLASSIFIED, Layer, classify, load_layers, purposes
from miner.errors import MinerError
from miner.pipeline import analyze

GOOD = """\
[[layer]]
name = "Core"
purpose = "Agent loop"
paths = ["core", "core/*"]

[[layer]]
name = "Server"
paths = ["app-server*"]
names = ["*-server"]
"""


def rules(tmp_path, text: str):
    path = tmp_path / "layers.toml"
    path.write_text(text)
    return path


def load_error(tmp_path, text: str) -> str:
    path = rules(tmp_path, text)
    with pytest.raises(MinerError) as error:
        load_layers(path)
    message = str(error.value)
    assert "\n" not in message and str(path) in message
    return message


def test_a_rules_file_is_read_in_order(tmp_path):
    layers = load_layers(rules(tmp_path, GOOD))
    assert layers == [Layer("Core", "Agent loop", ("core", "core/*")), Layer("Server", "", ("app-server*",), ("*-server",))]
    assert list(purposes(layers)) == ["Core", "Server", UNCLASSIFIED]


def test_the_default_rules_load():
    layers = load_layers()
    assert [layer.name for layer in layers][:2] == ["Core", "Server"]
    assert all(layer.paths or layer.names for layer in layers)


def test_a_string_where_globs_belong_is_an_error_naming_file_layer_and_line(tmp_path):
    message = load_error(tmp_path, GOOD.replace('paths = ["app-server*"]', 'paths = "core"'))
    assert "layer 'Server'" in message and "paths must be a list of strings" in message
    assert f"{tmp_path / 'layers.toml'}:6:" in message  # the line of the second [[layer]]


def test_a_non_string_glob_is_an_error(tmp_path):
    message = load_error(tmp_path, GOOD.replace('names = ["*-server"]', 'names = ["*-server", 3]'))
    assert "layer 'Server': names must be a list of strings" in message


@pytest.mark.parametrize("text", ["", "# nothing here\n", "layer = []\n", '[other]\nname = "x"\n'])
def test_a_file_without_layers_is_an_error(tmp_path, text):
    assert "no [[layer]] entries" in load_error(tmp_path, text)


@pytest.mark.parametrize("text", ["layer = 5\n", 'layer = "Core"\n', '[layer]\nname = "Core"\n'])
def test_layer_that_is_not_an_array_of_tables_is_an_error(tmp_path, text):
    message = load_error(tmp_path, text)
    assert "layer must be [[layer]] tables" in message and "not iterable" not in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [("layer = [5]\n", "a layer must be a table"),
     ('[[layer]]\npurpose = "x"\npaths = ["core"]\n', "a layer has no name"),
     ('[[layer]]\nname = 7\n', "a layer has no name"),
     ('[[layer]]\nname = "Core"\npurpose = 1\n', "layer 'Core': purpose must be a string"),
     ('[[layer]]\nname = "Core"\npath = ["core"]\n', "layer 'Core': unknown field 'path'"),
     ('[[layer]]\nname = "X"\n', "layer 'X' has neither paths nor names, so no package can match it"),
     ('[[layer]]\nname = "X"\npaths = []\nnames = []\n', "layer 'X' has neither paths nor names")],
)
def test_bad_layer_tables_are_errors(tmp_path, text, expected):
    assert expected in load_error(tmp_path, text)


def test_bad_toml_and_missing_files_are_one_line_errors(tmp_path):
    assert "not valid TOML (layer rules)" in load_error(tmp_path, "[[layer]\nname = \n")
    with pytest.raises(MinerError, match="cannot read layer rules"):
        load_layers(tmp_path / "absent.toml")


def test_the_first_matching_rule_wins_and_unmatched_crates_are_unclassified():
    layers = [Layer("Core", "", ("core", "core/*")), Layer("Server", "", ("app-server*", "core/server")),
              Layer("Infra", "", names=("*-utils", "codex-core"))]
    assert classify("core/server", "codex-core-server", layers) == "Core"  # both match; Core comes first
    assert classify("app-server", "codex-app-server", layers) == "Server"
    assert classify("utils/git", "codex-git-utils", layers) == "Infra"  # by package name
    assert classify("crates/core", "codex-core", layers) == "Infra"  # "core" is not "crates/core"; the name matches
    assert classify("mcp-types", "mcp-types", layers) == UNCLASSIFIED


def test_path_globs_are_relative_to_the_workspace_root(tmp_path):
    """Codex's workspace lives in codex-rs/: `core` must match codex-rs/core, and `codex-rs/*` nothing."""
    builder = RepoBuilder(tmp_path / "r", bare=True)
    files = with_sources({
        "codex-rs/Cargo.toml": '[workspace]\nmembers = ["core", "app-server", "utils/git"]\n',
        "codex-rs/core/Cargo.toml": package("codex-core"),
        "codex-rs/app-server/Cargo.toml": package("codex-app-server"),
        "codex-rs/utils/git/Cargo.toml": package("codex-git-utils"),
    })
    builder.tag("rust-v0.1.0", builder.commit("workspace", files, when="2025-07-01T10:00:00+00:00"))
    rules = tmp_path / "layers.toml"
    rules.write_text("".join(f'[[layer]]\nname = "{name}"\npaths = ["{glob}"]\n\n' for name, glob in
                             [("Root-relative", "codex-rs/*"), ("Core", "core"), ("Server", "app-server"),
                              ("Infra", "utils/*")]), encoding="utf-8")
    tables = analyze(str(tmp_path / "r"), db=tmp_path / "s.sqlite", layers=str(rules)).tables
    crates = tables["packages"].set_index("package")
    assert crates.loc["codex-core", "path"] == "codex-rs/core"
    assert crates["layer"].to_dict() == {"codex-core": "Core", "codex-app-server": "Server", "codex-git-utils": "Infra"}


@pytest.mark.parametrize("path, glob, matched", [
    ("utils/a/b", "utils/*", False), ("utils/a", "utils/*", True), ("utils/a/b", "utils/**", True),
    ("core/tests/common", "core/*", False), ("core/tests", "core/*", True), ("app-server-client", "app-server-*", True),
])
def test_path_rules_match_as_paths_not_as_text(path, glob, matched):
    """fnmatch's `*` crosses `/`: `core/*` took the nested test crate `core/tests/common` into Core."""
    assert Layer("L", "", (glob,)).matches(path, "unrelated-name") is matched


def test_name_rules_match_any_text():
    assert Layer("L", "", (), ("@google/*",)).matches("packages/core", "@google/gemini-cli-core")
    assert Layer("L", "", (), ("*-sandbox",)).matches("x", "codex-linux-sandbox")
