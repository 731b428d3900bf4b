"""A package that moved keeps one layer over its history: the Team tables give it one row, as packages.csv one
lineage (tokio's crate sat at the repository root, then moved to `tokio/`)."""
from __future__ import annotations

from miner._sample.builder import RepoBuilder
from miner.pipeline import analyze

ROOT = '[package]\nname = "tokio"\nversion = "0.1.0"\n'
MOVED = '[workspace]\nmembers = ["tokio", "tokio-macros"]\n'
MEMBER = '[package]\nname = "tokio"\nversion = "0.2.0"\n\n[dependencies]\ntokio-macros = { path = "../tokio-macros" }\n'
MACROS = '[package]\nname = "tokio-macros"\nversion = "0.2.0"\n'


def _repo(path):
    builder = RepoBuilder(path, bare=True)
    for day in range(1, 4):
        builder.commit(f"work {day}", {"Cargo.toml": ROOT, "src/lib.rs": f"// {day}\n"},
                       when=f"2025-01-0{day}T10:00:00+00:00")
    builder.tag("v0.1.0", builder.repo.head.target)
    builder.commit("move the crate into tokio/", {"Cargo.toml": MOVED, "src/lib.rs": None, "tokio/Cargo.toml": MEMBER,
                                                  "tokio/src/lib.rs": "// moved\n", "tokio-macros/Cargo.toml": MACROS,
                                                  "tokio-macros/src/lib.rs": "// macros\n"},
                   when="2025-02-01T10:00:00+00:00")
    for day in range(2, 5):
        builder.commit(f"more {day}", {"tokio/src/lib.rs": f"// {day}\n"}, when=f"2025-02-0{day}T10:00:00+00:00")
    builder.tag("v0.2.0", builder.repo.head.target)
    return path


def test_a_moved_package_has_the_layer_of_its_latest_release_and_one_ownership_row(tmp_path):
    tables = analyze(str(_repo(tmp_path / "r.git")), db=tmp_path / "s.sqlite", source=False).tables
    packages = tables["packages"][tables["packages"]["package"] == "tokio"]
    assert packages["path"].tolist() == ["", "tokio"] and packages["lineage"].nunique() == 1
    latest = packages[packages["release"] == "v0.2.0"]["layer"].item()
    assert packages["layer"].tolist() == [latest, latest]
    ownership = tables["package_ownership"]
    rows = ownership[ownership["package"] == "tokio"]
    assert rows["layer"].tolist() == [latest] and rows["people_commits"].item() == 7


def test_a_renamed_package_is_one_ownership_row_under_its_latest_name(tmp_path):
    """Roo-Code's root package was `claude-dev` until v3.5.1, then `roo-cline`: one lineage, one row."""
    builder = RepoBuilder(tmp_path / "r.git", bare=True)
    for day, name in ((1, "claude-dev"), (2, "claude-dev"), (3, "roo-cline")):
        builder.commit(f"work {day}", {"package.json": f'{{"name": "{name}", "version": "1.0.{day}"}}\n',
                                       "src/a.js": f"// {day}\n"}, when=f"2025-01-0{day}T10:00:00+00:00")
        builder.tag(f"v1.0.{day}", builder.repo.head.target)
    tables = analyze(str(builder.repo.path), db=tmp_path / "s.sqlite", source=False).tables
    assert tables["packages"]["lineage"].nunique() == 1
    ownership = tables["package_ownership"]
    assert ownership[~ownership["package"].str.startswith("(")]["package"].tolist() == ["roo-cline"]
    from miner.outputs.report import team

    assert "Who owns the package (code-maat's measures" in team(tables)  # not "the 1 busiest package"
