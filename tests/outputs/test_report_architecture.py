"""The Architecture section describes the workspaces of every ecosystem, as an analyst would."""
from __future__ import annotations

import pandas as pd

from miner.catalogs.layers import load_layers, purposes
from miner.outputs.report import architecture

PURPOSES = purposes(load_layers())


def tables(packages, counts=None, releases=("v1", "v2")):
    """packages: (ecosystem, workspace root, directory, name, layer) at the last release; counts: the main
    workspace's package count at each release (default: the same at every release)."""
    last = releases[-1]
    rows = pd.DataFrame([{"release": last, "ecosystem": e, "package": n, "path": p, "language": "", "layer": layer,
                          "workspace": root} for e, root, p, n, layer in packages])
    ecosystem, root = packages[0][0], packages[0][1]
    size = sum(1 for e, r, *_ in packages if (e, r) == (ecosystem, root))
    counts = counts or [size] * len(releases)
    workspaces = pd.DataFrame([{"release": tag, "ecosystem": ecosystem, "workspace": root, "packages": n, "edges": 0,
                                "bytes": 0} for tag, n in zip(releases, counts)])
    languages = pd.DataFrame([{"release": tag, "language": "Rust", "bytes": 10, "share": 1.0} for tag in releases])
    return {"packages": rows, "workspaces": workspaces, "languages": languages,
            "releases": pd.DataFrame({"tag": list(releases), "stable": True, "out_of_order": False})}


def test_codex_is_a_cargo_workspace_with_a_pnpm_workspace_and_python_projects_beside_it():
    packages = ([("cargo", "codex-rs", f"codex-rs/{d}", f"codex-{d}", "Core") for d in ("cli", "core", "tui")]
                + [("pnpm", "", "", "codex-monorepo", "SDK"), ("pnpm", "", "codex-cli", "@openai/codex", "SDK")]
                + [("python", "sdk/python", "sdk/python", "codex-sdk", "SDK"),
                   ("python", "sdk/python-runtime", "sdk/python-runtime", "codex-runtime", "SDK")])
    text = architecture("v2", tables(packages, counts=[2, 3]), PURPOSES)
    assert text.startswith("`codex-rs` is a 3-crate Rust workspace at `v2`; beside it, a 2-package pnpm workspace at "
                           "the root and 2 Python projects under `sdk/`; 2 crates at `v1`, 3 at `v2`")
    # A standalone project's row names its folder, not "(root)".
    assert "| SDK | (root), codex-cli, sdk/python, sdk/python-runtime |" in text


def test_a_single_project_is_one_project_not_a_one_package_workspace():
    text = architecture("v2", tables([("python", "", "", "mistral-vibe", "Core")]), PURPOSES)
    assert text.startswith("The repository root is one Python project at `v2`; 1 project at every release since `v1`.")
    assert "| Core | (root) |" in text


def test_an_npm_workspace_at_the_root_is_the_repository_root():
    packages = [("npm", "", "", "@google/gemini-cli", "Core"), ("npm", "", "packages/cli", "@google/gemini-cli", "Core"),
                ("npm", "", "packages/core", "@google/gemini-cli-core", "Core")]
    text = architecture("v2", tables(packages, counts=[2, 3]), PURPOSES)
    assert text.startswith("The repository root is a 3-package npm workspace at `v2`; 2 packages at `v1`, 3 at `v2` "
                           "(peak 3 at `v2`). Language mix: Rust 100%. Rust has been the main language since `v1`")


def test_declared_edges_named_only_in_macros_are_told_apart_from_those_never_imported():
    """tokio's `pub use tokio_macros::main;` sits inside `cfg_macros! { ... }`: the sentence may not call
    tokio-macros never imported, nor count it as imported."""
    from miner.outputs.report import _unused

    at = pd.DataFrame({"package": ["tokio", "tokio-macros"]})

    def edges(*pairs):
        return pd.DataFrame([{"package": a, "path": a, "depends_on": b, "depends_on_path": b} for a, b in pairs])

    macros = edges(("tokio", "tokio-macros"))
    assert _unused(edges(), macros, "crate", at, 1) == (
        "every declared dependency between crates is imported, 1 of them only inside macro bodies, which "
        "tree-sitter reads as plain tokens (`tokio` → `tokio-macros`)")
    assert _unused(edges(("tokio-macros", "tokio")), macros, "crate", at, 2) == (
        "1 declared dependency is never imported (`tokio-macros` → `tokio`); 1 more is named only inside "
        "macro bodies, which tree-sitter reads as plain tokens (`tokio` → `tokio-macros`)")
    assert _unused(edges(), edges(), "crate", at, 3) == "every declared dependency between crates is imported"
    assert _unused(edges(), edges(), "crate", at, 0) == "none of the crates declares a dependency on another"


def test_the_growth_stops_at_the_described_release_and_leaves_prereleases_out():
    packages = [("npm", "", f"packages/{n}", n, "Core") for n in "abc"]
    given = tables(packages, counts=[1, 5, 2, 3, 8], releases=("v1", "v2-nightly.1", "v2", "v3", "v4-nightly.1"))
    given["releases"]["stable"] = [True, False, True, True, False]
    given["packages"]["release"] = "v3"
    text = architecture("v3", given, PURPOSES)
    assert "1 package at `v1`, 3 at `v3` (peak 3 at `v3`)." in text
    given["packages"]["release"] = "v1"
    assert "; no stable release before it holds that workspace." in architecture("v1", given, PURPOSES)
