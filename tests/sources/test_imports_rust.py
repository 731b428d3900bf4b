"""Rust imports read with tree-sitter: use trees, extern crate, qualified paths, attributes, macro bodies."""
from __future__ import annotations

import pytest

from miner.sources.imports import parse


def _roots(source: str) -> list[tuple[str, int, str]]:
    return [(i.target, i.line, i.kind) for i in parse("rust", source.encode()).imports]


@pytest.mark.parametrize("source, expected", [
    ("use std::collections::{HashMap, HashSet};", [("std", 1, "use")]),
    ("use codex_core::config::{self, Config as C};", [("codex_core", 1, "use")]),
    ("use {anyhow::Result, serde_json};", [("anyhow", 1, "use"), ("serde_json", 1, "use")]),
    ("pub use ::tokio::sync as s;", [("tokio", 1, "use")]),
    ("use ::{alpha, beta::gamma};", [("alpha", 1, "use"), ("beta", 1, "use")]),
    ("use a::{b::{c, d::e}, f};", [("a", 1, "use")]),
    ("use crate::x;\nuse self::y;\nuse super::*;", [("crate", 1, "use"), ("self", 2, "use"), ("super", 3, "use")]),
    ("use foo::bar::*;", [("foo", 1, "use")]),
    ("extern crate alloc;\nextern crate serde as s;", [("alloc", 1, "extern"), ("serde", 2, "extern")]),
])
def test_use_trees_and_extern_crates_name_their_roots(source, expected):
    assert _roots(source) == expected


def test_qualified_paths_in_expressions_types_bounds_and_attributes():
    source = (
        "#[tokio::main]\n"
        "async fn main() -> anyhow::Result<()> {\n"
        "    let c: Vec<codex_protocol::Op> = codex_core::config::load();\n"
        "    serde_json::json!({});\n"
        "    Ok(())\n"
        "}\n"
        "impl<T: futures::Stream> Wrapper<T> {}\n"
        "#[derive(serde::Serialize)]\nstruct S;\n"
    )
    assert _roots(source) == [("tokio", 1, "path"), ("anyhow", 2, "path"), ("codex_core", 3, "path"),
                              ("codex_protocol", 3, "path"), ("serde_json", 4, "path"), ("futures", 7, "path"),
                              ("serde", 8, "attr")]


def test_a_path_root_the_file_binds_is_local_and_each_root_is_reported_once():
    source = (
        "use std::fs;\nmod config;\nuse other as renamed;\n"
        "fn f() { fs::read(); config::load(); renamed::x(); u32::MAX; Self::new(); T::default(); }\n"
        "fn g() { tracing::info!(); tracing::warn!(); }\n"
    )
    found = parse("rust", source.encode())
    assert [(i.target, i.line, i.kind) for i in found.imports] == [
        ("std", 1, "use"), ("other", 3, "use"), ("tracing", 5, "path")]
    assert found.modules == ("config",)


def test_a_crate_named_only_inside_a_macro_body_is_kind_macro():
    source = (
        "macro_rules! m { () => { use not_parsed::X; } }\n"
        "fn f() { select! { _ = hidden_dep::wait() => {} } quote!(::abs::path); }\n"
        "fn g() { seen::f(); log!(seen::x); }\n"
    )
    assert _roots(source) == [("not_parsed", 1, "macro"), ("hidden_dep", 2, "macro"), ("seen", 3, "path")]


def test_only_derive_lists_hold_paths_other_attribute_arguments_are_token_streams():
    source = (
        '#[cfg_attr(feature = "serde", derive(serde::Serialize))]\n'
        "#[diagnostic(code(nu::parse::error))]\n"
        "struct S;\n"
    )
    assert _roots(source) == [("serde", 1, "attr"), ("nu", 2, "macro")]


def test_a_module_declared_inside_a_macro_is_a_local_module():
    found = parse("rust", b"cfg_rt! { mod runtime; pub(crate) mod task; }\nfn f() { runtime::Builder::new(); }\n")
    assert found.modules == ("runtime", "task") and found.imports == ()
