"""Rust: the crates a file's paths start from.

A crate is named in four places, each an `Import` kind:

- "use": the root of each `use` tree, grouped, renamed and nested ones
  (`use a::{b::c, d as e}` names `a`; `use {x::y, z}` names `x` and `z`);
  `crate`, `self` and `super` are kept as roots (the analysis reads them as
  the file's own crate);
- "extern": `extern crate foo [as bar]` names `foo`;
- "path": the root of a qualified path anywhere in code: expressions
  (`codex_core::config::load()`), types, trait bounds, patterns, attribute
  paths (`#[tokio::main]`) and macro paths (`serde_json::json!`);
- "attr": a path root in a derive list (`#[derive(serde::Serialize)]`, also
  inside `cfg_attr`);
- "macro": a path root anywhere else in a token tree: a macro's body
  (`tokio::select! { _ = a::b() => .. }`) or another attribute's arguments,
  reported only when the file names it nowhere else.  tree-sitter leaves these
  as flat tokens, so such a root may be a crate, a module, a metavariable's
  text or no path at all: the analysis counts these apart instead of guessing.

A path root is only a crate when nothing local has that name, so roots bound
in the file are dropped: modules it declares (`mod config;` makes
`config::load()` local; so does `mod x;` inside a macro such as tokio's
`cfg_rt! { mod runtime; }`), names its `use` items bind (`use std::fs;` makes
`fs::read` local) and `extern crate` aliases; so are names starting with a
capital (types, `Self`, generic parameters: crate names are lower case) and
primitive types (`u32::MAX`).  The modules the file declares are returned
too, so the analysis can drop path roots naming them anywhere in the crate
(a child module file reaching its parent's modules through `use super::*`).
"""
from __future__ import annotations

from typing import Any

from miner.model.imports import Import

_QUERY = """
(use_declaration argument: (_) @use)
(extern_crate_declaration) @extern
(mod_item name: (identifier) @mod)
(token_tree "mod" . (identifier) @mod)
(scoped_identifier path: (identifier) @path)
(scoped_type_identifier path: (identifier) @path)
(token_tree (identifier) @token . "::")
"""
_PRIMITIVES = frozenset(
    "bool char str u8 u16 u32 u64 u128 usize i8 i16 i32 i64 i128 isize f32 f64".split()
)
_INTERNAL = ("crate", "self", "super")
# Nodes whose children can be read apart: no query pattern names them, and a record reads nothing
# above its capture but the token tree or attribute holding it (`miner.sources.imports.Parsed`).
SPLIT = frozenset({"impl_item", "trait_item", "declaration_list", "function_item", "block"})


def query(grammar_name: str) -> str:
    """The tree-sitter query the extractor reads captures of."""
    return _QUERY


def records(captures: dict[str, list[Any]]) -> list[tuple]:
    """What each capture says, as `(capture, start byte, end byte, row, value)` (see `combine`)."""
    found = [("use", node.start_byte, node.end_byte, node.start_point[0],
              (tuple(_roots(node)), tuple(_bindings(node, None)))) for node in captures.get("use", ())]
    for node in captures.get("extern", ()):
        name, alias = node.child_by_field_name("name"), node.child_by_field_name("alias")
        found.append(("extern", node.start_byte, node.end_byte, node.start_point[0],
                      (None if name is None else _text(name), None if alias is None else _text(alias))))
    found += [(capture, node.start_byte, node.end_byte, node.start_point[0], _text(node))
              for capture in ("mod", "path") for node in captures.get(capture, ())]
    found += [("token", node.start_byte, node.end_byte, node.start_point[0], (_token_tree_kind(node), _text(node)))
              for node in captures.get("token", ()) if node.prev_sibling is None or node.prev_sibling.type != "::"]
    return found


def combine(found: list[tuple]) -> tuple[list[Import], list[str]]:
    """The crates the file names, and the modules it declares, from the `records` of all its captures
    (see the module docstring).

    A path, attribute or macro root is reported once per file, on its first line.
    """
    by_capture: dict[str, list[tuple]] = {}
    for record in found:
        by_capture.setdefault(record[0], []).append(record)
    uses = by_capture.get("use", [])
    modules = {record[4] for record in by_capture.get("mod", ())}
    imports, bound = _declared(uses, by_capture.get("extern", ()))
    bound |= modules
    imports = [i for i in imports if i.target in _INTERNAL or i.kind == "extern" or _crate_like(i.target, bound)]
    seen = {i.target for i in imports}
    spans = sorted((start, end) for _, start, end, _, _ in uses)
    for _, start, _, row, name in sorted(by_capture.get("path", ()), key=lambda record: record[1]):
        if name not in seen and _crate_like(name, bound) and not _inside(start, spans):
            imports.append(Import(name, row + 1, "path"))
            seen.add(name)
    hidden: dict[str, Import] = {}
    tokens = sorted(by_capture.get("token", ()), key=lambda record: (record[4][0] != "attr", record[1]))
    for _, _, _, row, (kind, name) in tokens:
        if name not in seen and name not in hidden and _crate_like(name, bound):
            hidden[name] = Import(name, row + 1, kind)
    return imports + list(hidden.values()), sorted(modules)


def _declared(uses: list[tuple], externs: list[tuple]) -> tuple[list[Import], set[str]]:
    """The roots of `use` items and `extern crate`s, and the names they bind other than those roots."""
    imports, bound = [], set()
    for _, _, _, row, (roots, bindings) in uses:
        imports += [Import(name, row + 1, "use") for name in roots]
        bound.update(set(bindings) - set(roots))
    for _, _, _, row, (name, alias) in externs:
        if name is not None:
            imports.append(Import(name, row + 1, "extern"))
        if alias is not None:
            bound.add(alias)
    return imports, bound


def _roots(node: Any) -> list[str]:
    """The leftmost segment(s) of a `use` argument: one, or one per member of a top-level group.

    A global path (`::tokio::sync`, `::{a, b}`) has no `path` field at its
    left end; its root is the name (or the group) after the `::`.
    """
    kind = node.type
    if kind in ("identifier", "crate", "self", "super"):
        return [_text(node)]
    if kind == "use_list":
        return [root for child in node.named_children for root in _roots(child)]
    if kind == "use_wildcard":
        return _roots(node.named_children[0]) if node.named_children else []
    if kind not in ("scoped_identifier", "scoped_use_list", "use_as_clause"):
        return []
    after_colons = "name" if kind == "scoped_identifier" else "list"
    inner = node.child_by_field_name("path") or node.child_by_field_name(after_colons)
    return _roots(inner) if inner is not None else []


def _bindings(node: Any, parent: str | None) -> list[str]:
    """Names a `use` argument brings into scope; `parent` is the last segment before a group."""
    kind = node.type
    if kind == "identifier":
        return [_text(node)] if parent is not None else []  # `use tokio;` binds the crate itself
    if kind == "self":
        return [parent] if parent is not None else []
    if kind == "scoped_identifier":
        name = node.child_by_field_name("name")
        return [_text(name)] if name is not None else []
    if kind == "use_as_clause":
        alias = node.child_by_field_name("alias")
        return [_text(alias)] if alias is not None else []
    if kind == "use_list":
        return [name for child in node.named_children for name in _bindings(child, parent)]
    if kind == "scoped_use_list":
        path, inner = node.child_by_field_name("path"), node.child_by_field_name("list")
        last = _last_segment(path) if path is not None else None
        return _bindings(inner, last or parent) if inner is not None else []
    return []


def _last_segment(node: Any) -> str | None:
    if node.type == "scoped_identifier":
        name = node.child_by_field_name("name")
        return _text(name) if name is not None else None
    return _text(node) if node.type == "identifier" else None


def _token_tree_kind(node: Any) -> str:
    """"attr" for a path in a `derive(...)` list, "macro" for a token anywhere else in a token tree.

    Only derive lists hold paths for certain: other attributes' arguments are
    token streams their macro reads as it likes (`#[diagnostic(code(nu::parse))]`
    is an error code, not a path).
    """
    derive = node.parent.prev_sibling
    return "attr" if derive is not None and derive.type == "identifier" and derive.text == b"derive" else "macro"


def _crate_like(name: str, bound: set[str]) -> bool:
    return name[:1].islower() and name not in _PRIMITIVES and name not in bound and name not in _INTERNAL


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    """Whether byte `position` falls in one of the sorted, disjoint `spans`."""
    low, high = 0, len(spans)
    while low < high:
        middle = (low + high) // 2
        start, end = spans[middle]
        if position < start:
            high = middle
        elif position >= end:
            low = middle + 1
        else:
            return True
    return False


def _text(node: Any) -> str:
    return node.text.decode("utf-8", "replace")
