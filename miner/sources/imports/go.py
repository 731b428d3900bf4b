"""Go: the import paths of a file's import specs.

Kinds say how the package is bound: "import" (`import "fmt"`, alone or in a
group), "alias" (`import f "flag"`), "dot" (`import . "strings"`) and "blank"
(`import _ "embed"`); raw-string paths (`` import `fmt` ``) are read too.
"""
from __future__ import annotations

from typing import Any

from miner.model.imports import Import

_QUERY = "(import_spec) @spec"
_BINDINGS = {"package_identifier": "alias", "dot": "dot", "blank_identifier": "blank"}


def query(grammar_name: str) -> str:
    """The tree-sitter query the extractor reads captures of."""
    return _QUERY


def extract(compiled: Any, root: Any) -> tuple[list[Import], list[str]]:
    """The import paths of the file; Go binds no names that matter here."""
    from tree_sitter import QueryCursor

    imports = []
    for spec in QueryCursor(compiled).captures(root).get("spec", ()):
        path, name = spec.child_by_field_name("path"), spec.child_by_field_name("name")
        if path is None or not path.named_children:
            continue
        kind = _BINDINGS.get(name.type, "import") if name is not None else "import"
        imports.append(Import(path.named_children[0].text.decode("utf-8", "replace"), spec.start_point[0] + 1, kind))
    return imports, []
