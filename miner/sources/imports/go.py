"""Go: the import paths of a file's import specs.

Kinds say how the package is bound: "import" (`import "fmt"`, alone or in a
group), "alias" (`import f "flag"`), "dot" (`import . "strings"`) and "blank"
(`import _ "embed"`); raw-string paths (`` import `fmt` ``) are read too.
"""
from __future__ import annotations

from typing import Any

from miner.model.imports import Import

_QUERY = "(import_spec) @spec"
# Imports are top-level declarations only: nothing is read apart (`miner.sources.imports.Parsed`).
SPLIT: frozenset[str] = frozenset()
_BINDINGS = {"package_identifier": "alias", "dot": "dot", "blank_identifier": "blank"}


def query(grammar_name: str) -> str:
    """The tree-sitter query the extractor reads captures of."""
    return _QUERY


def records(captures: dict[str, list[Any]]) -> list[tuple]:
    """What each import spec says, as `(capture, start byte, end byte, row, (path, kind))`."""
    found = []
    for spec in captures.get("spec", ()):
        path, name = spec.child_by_field_name("path"), spec.child_by_field_name("name")
        if path is None or not path.named_children:
            continue
        kind = _BINDINGS.get(name.type, "import") if name is not None else "import"
        found.append(("spec", spec.start_byte, spec.end_byte, spec.start_point[0],
                      (path.named_children[0].text.decode("utf-8", "replace"), kind)))
    return found


def combine(found: list[tuple]) -> tuple[list[Import], list[str]]:
    """The import paths of the file, from its `records`; Go binds no names that matter here."""
    return [Import(path, row + 1, kind) for _, _, _, row, (path, kind) in found], []
