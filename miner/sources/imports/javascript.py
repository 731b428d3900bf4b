"""TypeScript, TSX and JavaScript: the module specifiers a file loads.

Each `Import.target` is the specifier as written (`./util.js`, `node:fs`,
`@google/gemini-cli-core/dist/x`); resolving it to a package or a directory is
the analysis's job.  The kinds:

- "import": `import ... from 'x'` and the side-effect `import 'x'`;
- "type": `import type ... from 'x'`, `export type ... from 'x'`, and
  `typeof import('x')` in a type position (vitest's
  `importOriginal<typeof import('x')>()`): they load nothing at run time but
  need the package's types at compile time, so they are imports of it, kept
  apart so a caller can leave them out;
- "export": `export ... from 'x'`;
- "require": `require('x')` and TypeScript's `import x = require('x')`;
- "dynamic": `import('x')` with a string literal.

A `require` or `import()` of a template literal or a variable names no module
and is not reported.
"""
from __future__ import annotations

from typing import Any

from miner.model.imports import Import

_COMMON = """
(import_statement source: (string (string_fragment) @import))
(export_statement source: (string (string_fragment) @export))
(call_expression function: (identifier) @_callee arguments: (arguments . (string (string_fragment) @require))
 (#eq? @_callee "require"))
(call_expression function: (import) arguments: (arguments . (string (string_fragment) @dynamic)))
"""
_TYPESCRIPT = """
(import_require_clause source: (string (string_fragment) @require))
"""
# Nodes whose children can be read apart: no query pattern names them, and a record reads nothing above
# its statement, or above the node holding its `import()` (`miner.sources.imports.Parsed`).
SPLIT = frozenset({"class_declaration", "abstract_class_declaration", "class_body", "function_declaration",
                   "method_definition", "statement_block"})


def query(grammar_name: str) -> str:
    """The tree-sitter query the extractor reads captures of (TypeScript adds `import x = require()`)."""
    return _COMMON + ("" if grammar_name == "javascript" else _TYPESCRIPT)


def records(captures: dict[str, list[Any]]) -> list[tuple]:
    """What each capture says, as `(capture, start byte, end byte, row, (kind, specifier))`."""
    return [(captured, node.start_byte, node.end_byte, node.start_point[0], (_kind(captured, node), _text(node)))
            for captured in ("import", "export", "require", "dynamic") for node in captures.get(captured, ())]


def combine(found: list[tuple]) -> tuple[list[Import], list[str]]:
    """The specifiers the file loads, from its `records`; JavaScript binds no names that matter here."""
    return [Import(specifier, row + 1, kind) for _, _, _, row, (kind, specifier) in found], []


def _kind(captured: str, fragment: Any) -> str:
    """The import kind: "type" for a statement marked `type` and for `typeof import()`."""
    string = fragment.parent
    if captured in ("import", "export"):
        statement = string.parent
        return "type" if any(child.type == "type" for child in statement.children) else captured
    if captured == "dynamic":
        call = string.parent.parent
        holder = call.parent
        if holder is not None and (holder.type == "type_query"
                                   or holder.type == "unary_expression" and holder.child(0).type == "typeof"):
            return "type"
    return captured


def _text(node: Any) -> str:
    return node.text.decode("utf-8", "replace")
