"""The catalog of notable external dependencies: miner's own, a user's, and bad ones as one-line errors."""
from __future__ import annotations

import pytest

from miner.catalogs.notable import load_notable
from miner.errors import MinerError


def test_the_default_catalog_answers_the_v8_question():
    catalog = load_notable()
    assert "V8" in catalog[("cargo", "v8")]
    assert {registry for registry, _ in catalog} == {"cargo", "npm", "python", "go"}


def test_a_users_catalog_replaces_it(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('[npm]\n"@x/y" = "does x"\n')
    assert load_notable(path) == {("npm", "@x/y"): "does x"}


@pytest.mark.parametrize("text, message", [
    ('[pypi]\nx = "y"\n', "[pypi] is not a registry"),
    ('cargo = "x"\n', "cargo must be a table"),
    ("[cargo]\nv8 = 1\n", "[cargo] v8 must be a string"),
    ("[cargo\n", "not valid TOML"),
])
def test_a_bad_catalog_is_one_line_naming_the_file(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(MinerError, match=message.replace("[", r"\[")) as raised:
        load_notable(path)
    assert str(path) in str(raised.value) and "\n" not in str(raised.value)
