"""Python: the modules a file imports, relative ones with their dots.

Kinds: "import" for `import a.b [as c]` (one Import per module named) and
"from" for `from a.b import c, d` (`names` holds `c`, `d`, or `*`, since
`c` may be a submodule of `a.b`).  A relative import keeps its dots
(`from ..x import y` is target `..x`; `from . import y` is target `.`): what
it means depends on where the file sits, which the analysis knows and the
cached parse does not.  Every import statement counts wherever it is: inside
functions, `try`/`except ImportError` and `if TYPE_CHECKING:` blocks too, as
grimp counts them; `from __future__ import ...` names no module and is left out.
"""
from __future__ import annotations

from typing import Any

from miner.model.imports import Import

_QUERY = """
(import_statement) @import
(import_from_statement) @from
"""
# Nodes whose children can be read apart: no query pattern names them, and a record reads nothing
# above its import statement (`miner.sources.imports.Parsed`).
SPLIT = frozenset({"class_definition", "function_definition", "decorated_definition", "block"})


def query(grammar_name: str) -> str:
    """The tree-sitter query the extractor reads captures of."""
    return _QUERY


def records(captures: dict[str, list[Any]]) -> list[tuple]:
    """What each import statement says, as `(capture, start byte, end byte, row, (module, names))`:
    a module per name for `import`, the module and the names for `from`."""
    found = [("import", node.start_byte, node.end_byte, node.start_point[0], (module, ()))
             for node in captures.get("import", ()) for module in map(_module, _names(node)) if module]
    for node in captures.get("from", ()):
        module = node.child_by_field_name("module_name")
        if module is None:
            continue
        names = tuple(name for name in map(_module, _names(node)) if name)
        if any(child.type == "wildcard_import" for child in node.children):
            names += ("*",)
        found.append(("from", node.start_byte, node.end_byte, node.start_point[0],
                      (_text(module).replace(" ", ""), names)))
    return found


def combine(found: list[tuple]) -> tuple[list[Import], list[str]]:
    """The modules the file imports, from its `records`; Python binds no names that matter here."""
    return [Import(module, row + 1, capture, names) for capture, _, _, row, (module, names) in found], []


def _names(statement: Any) -> list[Any]:
    return statement.children_by_field_name("name")


def _module(node: Any) -> str:
    """The dotted name of a `name` child, the imported name of an `aliased_import`."""
    if node.type == "aliased_import":
        node = node.child_by_field_name("name")
    return _text(node) if node is not None and node.type == "dotted_name" else ""


def _text(node: Any) -> str:
    return node.text.decode("utf-8", "replace")
