"""Trees a reader can trip on: nested past the recursion limit, missing parts, byte names, symbolic links.

Each is analysed whole, with a warning naming release and path where something could not be read.
"""
from __future__ import annotations

import pygit2

from fixtures import workspaces as fx
from fixtures.forged import commit_tree, directory, nested_tree, tree_with, workspace_repo
from fixtures.workspaces import cargo_workspaces
from miner.pipeline import analyze
from miner.sources.codesize import package_lines
from miner.sources.trees import TreeView
from miner.store.cache import MemoryCache
from tests.conftest import git
from tests.ecosystems.test_cargo_bad_input import delete_object

DEPTH = 1500  # Python's recursion limit is 1000


def test_a_tree_nested_1500_levels_is_walked_whole(tmp_path):
    deep_dir = "/".join(["d"] * DEPTH)
    builder, first = workspace_repo(tmp_path / "repo.git")
    repo = builder.repo
    deep = nested_tree(repo, DEPTH, {"Cargo.toml": fx.package("deep").encode(), "lib.rs": b"fn deep() {}\n"})
    root = repo[tree_with(repo, repo[first].tree, "d", deep, pygit2.GIT_FILEMODE_TREE)]
    manifest = repo.create_blob(f'[workspace]\nmembers = ["a", "b", "{deep_dir}"]\n')
    builder.tag("v0.2.0", commit_tree(builder, tree_with(repo, root, "Cargo.toml", manifest, pygit2.GIT_FILEMODE_BLOB),
                                      "deep"))
    listed = git(repo.path, "ls-tree", "-r", "--name-only", "v0.2.0").split()
    assert f"{deep_dir}/Cargo.toml" in listed and f"{deep_dir}/lib.rs" in listed
    result = analyze(repo.path, db=tmp_path / "s.sqlite")
    crates = result.tables["packages"]
    deep_row = crates[crates["package"] == "deep"].iloc[0]
    assert (deep_row["release"], deep_row["path"], deep_row["bytes"]) == ("v0.2.0", deep_dir, len(b"fn deep() {}\n"))
    assert result.warnings == []
    work = result.tables["contributors"]
    assert work[work["package"] == "deep"]["files"].tolist() == [2]


def test_a_path_dependency_chain_longer_than_the_recursion_limit(tmp_path):
    count = 1200
    files = {f"c{i}/Cargo.toml": fx.package(f"c{i}", f'[dependencies]\nc{i + 1} = {{ path = "../c{i + 1}" }}\n')
             for i in range(count - 1)}
    files[f"c{count - 1}/Cargo.toml"] = fx.package(f"c{count - 1}")
    files["Cargo.toml"] = '[workspace]\nmembers = ["c0"]\nresolver = "2"\n'
    repo, tree = fx.commit(fx.with_sources(files), tmp_path / "repo.git")
    (workspace,) = cargo_workspaces(repo, tree, MemoryCache())
    assert len(workspace.packages) == count and workspace.warnings == ()


def test_a_missing_tree_is_named_by_its_whole_path(tmp_path):
    builder, _ = workspace_repo(tmp_path / "repo.git", {"crates/core/src/lib.rs": "fn core() {}\n",
                                                        "crates/core/Cargo.toml": fx.package("core")})
    tree = builder.repo.revparse_single("v0.1.0^{tree}")
    delete_object(builder.repo, tree["crates/core/src"].id)
    result = analyze(builder.repo.path, db=tmp_path / "s.sqlite")
    located = [(w.tag, w.path, w.message) for w in result.warnings if w.path]  # the walk warns about the commit too
    assert located == [("v0.1.0", "crates/core/src", "directory missing from the repository")]


def test_a_missing_blob_shared_by_two_releases_warns_at_each(tmp_path):
    builder, first = workspace_repo(tmp_path / "repo.git", {"a/src/lib.rs": "fn a() {}\n"})
    second = builder.commit("docs", {"README.md": "hi\n"}, when="2025-01-02T00:00:00+00:00")
    builder.tag("v0.2.0", second)
    shared = builder.repo.revparse_single("v0.1.0:a/src/lib.rs").id
    assert builder.repo.revparse_single("v0.2.0:a/src/lib.rs").id == shared
    delete_object(builder.repo, shared)
    result = analyze(builder.repo.path, db=tmp_path / "s.sqlite")
    assert [(w.tag, w.path, w.message) for w in result.warnings] == [
        (tag, "a/src/lib.rs", "missing from the repository: not counted in lines of code or language bytes")
        for tag in ("v0.1.0", "v0.2.0")]
    crates = result.tables["packages"].set_index(["release", "package"])
    assert crates.loc[("v0.2.0", "b"), "bytes"] > 0


def test_a_crate_directory_whose_name_is_not_utf8(tmp_path):
    builder, first = workspace_repo(tmp_path / "repo.git")
    repo = builder.repo
    crate = directory(repo, {"Cargo.toml": fx.package("odd").encode(), "src": directory(repo, {"lib.rs": b"fn odd() {}\n"})})
    root = repo[tree_with(repo, repo[first].tree, b"od\xffd", crate, pygit2.GIT_FILEMODE_TREE)]
    manifest = repo.create_blob('[workspace]\nmembers = ["a", "b", "od*"]\n')
    builder.tag("v0.2.0", commit_tree(builder, tree_with(repo, root, "Cargo.toml", manifest, pygit2.GIT_FILEMODE_BLOB),
                                      "a crate whose directory is no text"))
    assert '"od\\377d/src/lib.rs"' in git(repo.path, "ls-tree", "-r", "--name-only", "v0.2.0")
    db = tmp_path / "s.sqlite"
    result = analyze(repo.path, db=db)
    crates = result.tables["packages"]
    assert crates[crates["package"] == "odd"][["release", "path", "bytes"]].values.tolist() == [
        ["v0.2.0", "od\ufffdd", len(b"fn odd() {}\n")]]
    work = result.tables["contributors"]
    assert work[work["package"] == "odd"]["files"].tolist() == [2]  # the commit's paths, read by git log, agree
    again = analyze(repo.path, db=db)
    assert again.walked == 0 and again.tables["packages"].equals(crates)


def test_symbolic_links_are_no_code(tmp_path):
    builder, first = workspace_repo(tmp_path / "repo.git")
    repo = builder.repo
    source = repo[first].tree["a/src"]
    linked = tree_with(repo, source, "link.rs", repo.create_blob("fn a() {}\nfn b() {}\n"), pygit2.GIT_FILEMODE_LINK)
    crate = tree_with(repo, repo[first].tree["a"], "src", linked, pygit2.GIT_FILEMODE_TREE)
    root = repo[tree_with(repo, repo[first].tree, "a", crate, pygit2.GIT_FILEMODE_TREE)]
    assert (package_lines(TreeView(repo, root), [("a", "Rust")], MemoryCache())
            == package_lines(TreeView(repo, repo[first].tree), [("a", "Rust")], MemoryCache()))
