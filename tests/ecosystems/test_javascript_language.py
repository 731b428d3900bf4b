"""A package is TypeScript when a tsconfig.json or `.ts` sources sit in its folder or `src/`, else JavaScript."""
from __future__ import annotations

import pytest

from fixtures import javascript as fx
from tests.ecosystems.test_javascript_bad_input import _read


@pytest.mark.parametrize(("extra", "language"), [
    ({"tsconfig.json": "{}"}, "TypeScript"), ({"src/index.ts": ""}, "TypeScript"), ({"main.tsx": ""}, "TypeScript"),
    ({"src/cli.mts": ""}, "TypeScript"), ({"index.d.ts": "", "index.js": ""}, "JavaScript"),
    ({"lib/deep/x.ts": ""}, "JavaScript"), ({"index.js": ""}, "JavaScript")])
def test_language_from_the_tree_listing(extra, language, tmp_path):
    files = {"pkg/package.json": fx.pkg("pkg"), **{f"pkg/{path}": text for path, text in extra.items()}}
    (workspace,) = _read(files, tmp_path)
    assert workspace.packages[0].language == language
