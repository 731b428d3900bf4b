"""Property: any Cargo workspace miner reads from git is the one `cargo metadata --no-deps` reports.

Workspaces are drawn from a pool of crate directories: a root that is virtual
or a package, in the repository root or in `ws/`; members by literal path and
by glob (`*`, `?`, `[..]`, `**`); excludes; path dependencies that pull in
implicit members, reach excluded crates, a workspace of their own, or leave the
workspace directory; a member outside it that points back with
`package.workspace`; `workspace = true` inheritance of dependencies, version
and description; renamed dependencies; normal, dev and build dependencies
(either spelling, inline or as `[dependencies.NAME]` tables), optional ones,
under `[target.X]` tables; registry dependencies as noise.  Some draws are shapes
Cargo refuses (a literal member with no manifest, an inherited field the
workspace does not define): there miner must warn, not stay silent.

Each draw is written to disk for Cargo and committed for `miner.ecosystems.cargo`; members
(name, manifest, version, description) and internal edges (kind, target,
optional, rename) must be equal.  Cargo costs a few tens of milliseconds per
run; run longer with `HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_props_workspaces.py`.
"""
from __future__ import annotations

import posixpath
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixtures import workspaces as fx
from miner.store.cache import MemoryCache
from tests.conftest import examples, time_limit

PLACES = ("crates/a", "crates/b", "crates/c", "crates/old", "plugins/p1", "plugins/p22", "deep/leaf",
          "deep/x/y/leaf", "support/helpers", "tools/alpha", "tools/beta")
# Globs and the PLACES they match: a glob never names a directory without a manifest.  One that
# matches nothing Cargo reads as a literal path, and refuses; `unmatched` draws it now and then.
GLOBS = {
    "crates/*": ("crates/a", "crates/b", "crates/c", "crates/old"),
    "plugins/p?": ("plugins/p1",),
    "deep/**/leaf": ("deep/leaf", "deep/x/y/leaf"),
    "tools/[ab]*": ("tools/alpha", "tools/beta"),
    "tools/*": ("tools/alpha", "tools/beta"),
    "support/*": ("support/helpers",),
}
EXCLUDES = ("crates/old", "tools/beta", "deep")
TARGETS = (None, None, "cfg(unix)", "cfg(windows)", "x86_64-pc-windows-gnu", 'cfg(all(unix, not(target_os = "macos")))')
# One draw in ten, and shrinking towards False (hypothesis draws the ends of an integer range far more often).
RARELY = st.sampled_from((False,) * 9 + (True,))
KINDS = {"normal": "dependencies", "dev": "dev-dependencies", "build": "build-dependencies"}


@st.composite
def workspaces(draw):
    """The files of a drawn workspace, {path: text}, sources included."""
    root = draw(st.sampled_from(["", "ws"]))
    places = draw(st.lists(st.sampled_from(PLACES), min_size=1, max_size=5, unique=True))
    crates = [posixpath.join(root, place) for place in places]
    rooted = draw(st.booleans())  # the root manifest is a package too
    if rooted:
        crates.insert(0, root)
    outside = root and draw(st.sampled_from(["", "reached", "pointing"]))
    if outside:  # reached by a path dependency that leaves `ws/`, or a member pointing back with package.workspace
        crates.append("outside/ext")
    if draw(RARELY):
        crates.append("nested/xtask")  # a workspace of its own inside the root's directory
    prefix = draw(st.sampled_from(["", "acme-"]))
    names = {}
    for directory in crates:
        base = prefix + (posixpath.basename(directory) or "top")
        names[directory] = base if base not in names.values() else f"{base}2"
    shared = {field: draw(st.booleans()) for field in ("version", "description")}
    shared_deps: dict[str, str] = {}
    inherits = {d for d in crates if d != "nested/xtask" and (d != "outside/ext" or outside == "pointing")}
    manifests = {directory: _package(draw, directory, names, shared, directory in inherits, root, shared_deps)
                 for directory in crates}
    if "nested/xtask" in manifests:
        manifests["nested/xtask"] += "[workspace]\n"
    if outside == "pointing":
        manifests["outside/ext"] = manifests["outside/ext"].replace("[package]\n", '[package]\nworkspace = "../../ws"\n', 1)
    matching = tuple(glob for glob, matched in GLOBS.items() if set(matched) & set(places))
    members = draw(st.lists(st.sampled_from(matching + tuple(places)), max_size=4, unique=True))
    if outside == "pointing":
        members.append("../outside/ext")
    if draw(RARELY):  # Cargo refuses: a member without a manifest, or a glob that matches nothing
        members.append(draw(st.sampled_from(["missing/crate", *sorted(set(GLOBS) - set(matching))])))
    excludes = draw(st.lists(st.sampled_from(EXCLUDES), max_size=2, unique=True))
    workspace = _workspace(members, excludes, shared, shared_deps)
    manifests[root] = (manifests.get(root, "") + "\n" + workspace) if rooted else workspace
    return fx.with_sources({posixpath.join(d, "Cargo.toml"): text for d, text in manifests.items()})


def _package(draw, directory: str, names: dict, shared: dict, inside: bool, root: str, shared_deps: dict) -> str:
    """A `[package]` manifest for `directory` with drawn fields and dependencies."""
    lines = ["[package]", f'name = "{names[directory]}"', 'edition = "2021"']
    for field, literal in (("version", '"0.3.1"'), ("description", '"its own words"')):
        form = draw(st.sampled_from(["literal", "inherited", "absent"] if inside else ["literal", "absent"]))
        if form == "literal":
            lines.append(f"{field} = {literal}")
        elif form == "inherited" and (shared[field] or draw(RARELY)):  # else Cargo refuses
            lines.append(f"{field}.workspace = true")
    tables: dict[tuple, dict[str, str]] = {}
    for _ in range(draw(st.integers(0, 3))):
        target = draw(st.sampled_from([d for d in names if d != directory] or [None]))
        if target is None:
            break
        kind = draw(st.sampled_from(list(KINDS)))
        platform = draw(st.sampled_from(TARGETS))
        renamed = draw(st.booleans())
        key = f"{names[target]}-alias" if renamed else names[target]
        package = f'package = "{names[target]}", ' if renamed else ""
        optional = ", optional = true" if kind != "dev" and draw(st.booleans()) else ""
        if inside and draw(st.booleans()):  # through [workspace.dependencies]
            shared_deps[key] = f'{{ {package}path = "{_relative(target, root)}" }}'
            value = f"{{ workspace = true{optional} }}"
        else:
            value = f'{{ {package}path = "{_relative(target, directory)}"{optional} }}'
        tables.setdefault((platform, kind), {})[key] = value
    if draw(st.booleans()):
        tables.setdefault((None, "normal"), {})["serde"] = '"1"'
    spelling = {kind: draw(st.sampled_from([table, table.replace("-", "_")])) for kind, table in KINDS.items()}
    for (platform, kind), entries in tables.items():
        header = f"target.'{platform}'.{spelling[kind]}" if platform else spelling[kind]
        apart = {key for key, value in entries.items() if value.startswith("{") and draw(st.booleans())}
        lines += [f"[{header}]"] + [f"{key} = {value}" for key, value in entries.items() if key not in apart]
        for key in sorted(apart):  # `[dependencies.NAME]` with the fields below it
            lines += [f"[{header}.{key}]", *entries[key].strip("{} ").split(", ")]
    return "\n".join(lines) + "\n"


def _workspace(members: list[str], excludes: list[str], shared: dict, shared_deps: dict) -> str:
    lines = ["[workspace]", f"members = {_array(members)}", 'resolver = "2"']
    if excludes:
        lines.append(f"exclude = {_array(excludes)}")
    lines.append("[workspace.package]")
    if shared["version"]:
        lines.append('version = "2.3.4"')
    if shared["description"]:
        lines.append('description = "shared words"')
    lines.append("[workspace.dependencies]")
    lines += [f"{key} = {value}" for key, value in shared_deps.items()]
    return "\n".join(lines) + "\n"


def _relative(target: str, start: str) -> str:
    return posixpath.relpath(target or ".", start or ".")


def _array(items: list[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


@pytest.mark.skipif(not fx.cargo_available(), reason="cargo is not on PATH or has no toolchain to run offline")
@pytest.mark.timeout(time_limit(120))
@settings(max_examples=examples(100))
@given(workspaces())
def test_members_and_edges_equal_cargo_metadata_and_refusals_are_warned(files):
    with tempfile.TemporaryDirectory() as scratch:
        fx.write(files, Path(scratch) / "work")
        cargo = fx.cargo_view(Path(scratch) / "work")
        repo, tree = fx.commit(files, Path(scratch) / "repo.git")
        found = fx.cargo_workspaces(repo, tree, MemoryCache())
    ours = fx.parser_view(found)  # lists no workspace without members, as Cargo's empty virtual ones
    for root, view in cargo.items():
        if not view["members"]:
            continue
        assert ours.get(root) == view, root
    for workspace in found:
        if workspace.packages and workspace.root not in cargo:
            assert workspace.warnings, f"Cargo refuses the workspace at {workspace.root!r}; miner says nothing"

