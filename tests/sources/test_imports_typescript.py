"""TypeScript, TSX and JavaScript imports: every form, and what is not a module name."""
from __future__ import annotations

import pytest

from miner.sources.imports import parse


def _imports(grammar: str, source: str) -> list[tuple[str, int, str]]:
    return [(i.target, i.line, i.kind) for i in parse(grammar, source.encode()).imports]


FORMS = (
    'import a from "./a";\n'
    'import type { T } from "@x/types";\n'
    "import * as ns from 'node:fs';\n"
    'import "side-effect";\n'
    'export { b } from "./b.js";\n'
    'export * from "@google/gemini-cli-core/dist/x";\n'
    'const c = require("cjs-mod");\n'
    'const d = await import("./lazy");\n'
    'const t = import(`./t${x}`);\n'
    'const v = require(name);\n'
    'export type { Q } from "q";\n'
    'import { type R, s } from "mixed";\n'
)
EXPECTED = [("./a", 1, "import"), ("@x/types", 2, "type"), ("node:fs", 3, "import"), ("side-effect", 4, "import"),
            ("./b.js", 5, "export"), ("@google/gemini-cli-core/dist/x", 6, "export"), ("cjs-mod", 7, "require"),
            ("./lazy", 8, "dynamic"), ("q", 11, "type"), ("mixed", 12, "import")]


@pytest.mark.parametrize("grammar", ["typescript", "tsx"])
def test_every_form_in_typescript(grammar):
    source = FORMS + 'import e = require("ts-eq");\ntype M = typeof import("./m");\n'
    assert _imports(grammar, source) == EXPECTED + [("ts-eq", 13, "require"), ("./m", 14, "type")]


def test_every_javascript_form_in_javascript():
    javascript = "\n".join(line for line in FORMS.splitlines() if "type" not in line) + "\n"
    assert [target for target, _, _ in _imports("javascript", javascript)] == [
        "./a", "node:fs", "side-effect", "./b.js", "@google/gemini-cli-core/dist/x", "cjs-mod", "./lazy"]


def test_vitest_import_original_is_a_type_import_and_its_parse_error_keeps_the_others():
    source = 'import { a } from "./a";\nvi.mock("./b", async (o) => ({ ...(await o<typeof import("./b")>()) }));\n'
    found = parse("typescript", source.encode())
    assert [(i.target, i.kind) for i in found.imports] == [("./a", "import"), ("./b", "type")]


def test_jsx_in_a_tsx_file_parses_without_errors():
    found = parse("tsx", b'import React from "react";\nexport const V = () => <div className="x">{1}</div>;\n')
    assert not found.errors and [i.target for i in found.imports] == ["react"]
