"""Markdown sections of the report, rendered from the analysis tables.

Each section is wrapped in markers (`<!-- mine:cadence repo=codex -->` ...
`<!-- /mine:cadence -->`) so that a later run can regenerate it inside a
hand-written report without touching the text around it.  Figures are phrased
the way an analyst writes them ("100 stable releases in 9 months"), with the
typical range (interquartile) beside the full one.
"""
from __future__ import annotations

from datetime import date
from typing import Protocol

import pandas as pd

from miner.analyses.capabilities import UNTAGGED, quoted
from miner.analyses.contributors import AGENT, ALL_LAYERS, BUCKETS, PERSON, display_names
from miner.analyses.dates import day as _day
from miner.analyses.timeline import (
    CONTRIBUTORS_DEFINITION,
    contributors_per_release,
    in_order_stable,
    people_with_coauthors,
    stable_commits,
)
from miner.catalogs.layers import Layer
from miner.outputs.markdown import markdown_table, markdown_text

BAR = "█"

# Section name -> heading ("" for the summary, which opens the report).
HEADINGS = {"summary": "", "architecture": "Architecture", "evolution": "Evolution", "cadence": "Cadence",
            "team": "Team specializations (from commit authors)", "releases": "Releases"}


# How the report names one package and several, per ecosystem ("crate" for Cargo, as Rust people say).
_NOUNS = {"cargo": ("crate", "Rust workspace"), "python": ("project", "uv workspace"), "go": ("module", "Go workspace")}
_LABELS = {"python": "Python", "go": "Go", "cargo": "Rust"}


class Rendered(Protocol):
    """An analysis as the report reads it: its name, tables, the release its architecture describes, the
    layer rules it was made with, and the fingerprint of its inputs."""

    repo: str
    tables: dict[str, pd.DataFrame]
    snapshot: str | None
    layers: tuple[Layer, ...]
    inputs: str
    as_of: str | None
    all_releases: bool


def report_day(analysis: Rendered) -> date:
    """The day the report describes: its `--as-of` day, or today."""
    return date.fromisoformat(analysis.as_of) if analysis.as_of else date.today()


def section(name: str, repo: str, body: str) -> str:
    """Wrap `body` in the markers that let `mine regenerate` find it again."""
    return f"<!-- mine:{name} repo={repo} -->\n{body.rstrip()}\n<!-- /mine:{name} -->\n"


def full_report(analysis: Rendered, purposes: dict[str, str], today: date | None = None,
                extra: dict[str, str] | None = None) -> str:
    """The whole report: every section, each under its heading and inside its markers.

    `extra` holds Markdown to put right after a section's markers, keyed by
    section name (links to the plots, which live next to the report).
    """
    parts = [f"# {analysis.repo}: releases, architecture and team\n"]
    for name, heading in HEADINGS.items():
        parts += [f"## {heading}\n"] if heading else []
        parts.append(section(name, analysis.repo, render_section(name, analysis, purposes, today)))
        if extra and name in extra:
            parts.append(extra[name] + "\n")
    return "\n".join(parts)


def render_section(name: str, analysis: Rendered, purposes: dict[str, str], today: date | None = None) -> str:
    """The Markdown body of one section from an analysis; KeyError for an unknown name."""
    tables = analysis.tables
    releases = tables["releases"]
    renderers = {
        "summary": lambda: "\n\n".join(filter(None, [
            summary(releases["line"].iloc[0], releases, tables["cadence"], tables["bursts"]),
            caveats(tables.get("warnings"))])),
        "architecture": lambda: architecture(analysis.snapshot, tables, purposes),
        "evolution": lambda: evolution(tables),
        "cadence": lambda: cadence_chart(tables["cadence"], today or report_day(analysis)),
        "team": lambda: team(tables),
        "releases": lambda: release_list(releases, analysis.all_releases),
    }
    return renderers[name]()


def compare_markdown(table: pd.DataFrame) -> str:
    """The cross-agent comparison as a Markdown table, medians written like counts (12, 12.5)."""
    shown = table.drop(columns=["Evidence"], errors="ignore")
    return markdown_table(shown.map(_text))


def team(tables: dict[str, pd.DataFrame], prolific: int = 10) -> str:
    """The body of the report's "Team specializations (from commit authors)" section.

    What was attributed (the window), then per layer its core contributors:
    the fewest people who made at least half of the layer's credited commits
    (five named, the rest of them summed), with their shares.  Then the focus
    of the `prolific` people with the most commits, and what agents co-wrote.
    """
    layers = tables["author_layers"]
    people = layers[layers["kind"] == PERSON]
    if people.empty:
        return "No commits by people in the analysed range."
    names = display_names(tables["specialization"])
    parts = [_window_sentence(tables.get("attribution_window")),
             "Core contributors per layer: the fewest people who made half of its credits, with their shares "
             "(Credits counts a commit once for each person who wrote it, author or co-author, so it exceeds the "
             "layer's commits where people write together):", markdown_table(_core_rows(people, names)),
             f"Focus of the {min(prolific, int((tables['specialization']['kind'] == PERSON).sum()))} "
             "people with the most credits (the commits each authored or co-wrote): the layer most of their "
             "commits touch and the share that do "
             "(a commit touching several layers counts in each); spread is the normalised entropy over "
             "layers, 0 = one layer only:", markdown_table(_focus_rows(tables["specialization"], prolific, names))]
    packages = tables.get("packages")
    noun = _noun(packages) if packages is not None and not packages.empty else "package"
    owners = _ownership_rows(tables.get("package_ownership"), names, noun)
    if not owners.empty:
        which = _count(len(owners), 'busiest ' + noun) if len(owners) > 1 else noun
        parts += [f"Who owns the {which} (code-maat's measures over people's credits, "
                  "so a commit two people wrote counts for each: ownership is the main developer's share, "
                  "fragmentation 0 when one person wrote it all):",
                  markdown_table(owners)]
    agents = _agent_sentence(tables)
    if agents:
        parts.append(agents)
    return "\n\n".join(filter(None, parts))


def _window_sentence(window: pd.DataFrame | None) -> str:
    if window is None or window.empty or not window["commits"].iloc[0]:
        return ""
    row = window.iloc[0]
    asked = ", ".join(f"{name} {row[name]}" for name in ("since", "until") if row[name])
    return (f"From {int(row['commits']):,} non-merge commits, {row['first']} to {row['last']}"
            + (f" (window: {asked})." if asked else "."))


def summary(line: str, releases: pd.DataFrame, cadence: pd.DataFrame, bursts: pd.DataFrame) -> str:
    """The release summary in the sample report's words."""
    stable = releases[releases["stable"]]
    pre = releases[~releases["stable"]]
    cadence = _stable_span(cadence)
    months = len(cadence)
    spanned = (stable if len(stable) else releases)["date"]  # a nightly after the last stable aside
    lines = [f"{len(stable)} stable releases in {months} month{'s' * (months != 1)} "
             f"({_day(spanned.min())} to {_day(spanned.max())}), "
             f"on the release line `{line or '(no prefix)'}`."]
    if months:
        moments = stable["date"].sort_values()
        gap = moments.diff().dt.total_seconds().div(86400).mean() if len(stable) > 1 else None
        every = f"; on average one every {_num(round(gap, 1))} days" if gap is not None and gap == gap else ""
        lines.append(f"Stable releases per month: {_per_month(cadence)}{every}.")
    if len(pre):
        channels = ", ".join(f"{n} {c}" for c, n in pre["channel"].value_counts().items())
        lines.append(f"{len(pre)} prereleases ({channels}).{_bursts(bursts[bursts['prereleases'] > 0])}")
    lines.append(_contributors_sentence(releases))
    bots, agents = stable_commits(releases, "new_bot_commits"), stable_commits(releases, "new_agent_commits")
    if bots or agents:
        lines.append(f"Commits authored by bots in the stable releases' ranges: {bots}; by coding agents: {agents} "
                     "(neither counted as contributors; the Team section also counts the commits agents co-wrote).")
    late = releases[releases["out_of_order"]]["tag"].tolist()
    if late:
        shown = ", ".join(f"`{t}`" for t in late[:8]) + (f" and {len(late) - 8} more" if len(late) > 8 else "")
        lines.append(f"Out of version order ({_count(len(late), 'release')}: tagged after a higher version, as a "
                     "backport to an older line or a tag made late is, or a stray tag that alone would put later "
                     "releases out of order; git alone cannot tell these apart; counted above, the previous "
                     "release of no release tagged in order, left out of the capability counts): "
                     f"{shown}.")
    return "\n\n".join(lines)


def _bursts(led: pd.DataFrame) -> str:
    """The prereleases before stable releases: their spread over the releases they led to, or the one run's
    figures when only one stable release had any (no median of one value)."""
    if led.empty:
        return ""
    if len(led) == 1:
        one = led.iloc[0]
        return (f" Before 1 stable release, `{one['tag']}`, came {_count(int(one['prereleases']), 'prerelease')} "
                f"over {_num(float(one['days']))} day{'s' * (float(one['days']) != 1)}.")
    return (f" Before {len(led)} of the stable releases came a burst of {_spread(led['prereleases'])} prereleases "
            f"over {_spread(led['days'])} days.")


def caveats(warnings: pd.DataFrame | None, shown: int = 3) -> str:
    """What mining met that makes some figures partial, in one paragraph (all of it is in warnings.csv)."""
    if warnings is None or warnings.empty:
        return ""
    counts = warnings["message"].value_counts(sort=False)
    ordered = sorted(counts.items(), key=lambda item: -item[1])
    first = warnings.drop_duplicates("message").set_index("message")
    listed = "; ".join(_warned_at(first.loc[message], count) + markdown_text(message)
                       for message, count in ordered[:shown])
    more = f"; and {_count(len(ordered) - shown, 'other kind')}" if len(ordered) > shown else ""
    return f"Caveats: {_count(len(warnings), 'warning')} while mining (each in warnings.csv): {listed}{more}."


def _warned_at(warning: pd.Series, count: int) -> str:
    """"v2.1.2, package.json: " before a warning's message: the release and file of its first instance, and
    how many there are when more than one (escaped text, not code spans, in which escapes would show)."""
    place = ", ".join(markdown_text(value) for value in (warning.get("tag"), warning.get("path"))
                      if isinstance(value, str) and value)
    times = f"{count} times, first at " if count > 1 else "at "
    return f"{times}{place}: " if place else (f"{count} times: " if count > 1 else "")


def architecture(release: str | None, tables: dict[str, pd.DataFrame], purposes: dict[str, str]) -> str:
    """The workspaces of every ecosystem at `release`, their growth, the language mix, the Layer | Packages |
    Purpose table and the graph facts."""
    packages = tables["packages"]
    if release is None or packages.empty:
        return ("No package of any ecosystem (Cargo, npm, pnpm, bun, yarn, Python, Go) found at any release."
                + _mix_without_packages(tables, release))
    at = packages[packages["release"] == release]
    if at.empty:
        return f"No package of any ecosystem at {release}."
    workspaces = tables["workspaces"]
    shift = _language_shift(tables["languages"], tables["releases"], release)
    parts = [_workspaces_sentence(at, release, tables.get("package_lines")) + " "
             + _growth(workspaces, at, tables["releases"], release)
             + f". Language mix: {_languages(tables['languages'], release)}."
             + (f" {shift}" if shift else ""),
             markdown_table(layer_table(at, purposes))]
    parts += _graph_lines(tables, at)
    parts += source_lines(tables, release, at)
    return "\n\n".join(parts)


def source_lines(tables: dict[str, pd.DataFrame], release: str, at: pd.DataFrame) -> list[str]:
    """What the sources add at `release`, when the source view read it: imports between packages beside the
    declared edges ("14 declared dependencies are never imported; `codex-tui` imports `codex-login` without
    declaring it"), the notable dependencies imported, and for a project of one package its subpackage graph."""
    counts = tables.get("source_counts")
    if counts is None or release not in set(counts["release"]):
        return []
    noun = _noun(at)
    read = counts[counts["release"] == release].iloc[0]
    declared = tables["source_declared"][tables["source_declared"]["release"] == release]
    used = declared[declared["status"].isin(["declared and used", "used, undeclared"])]
    unused = declared[declared["status"] == "declared, never used"]
    in_macros = declared[declared["status"] == "declared, named only in macros"]
    undeclared = declared[declared["status"] == "used, undeclared"]
    files = f"{int(read['files']):,} files read with tree-sitter"
    if len(at) > 1:
        imported = (f"import {_count(len(used), 'edge')} between {noun}s" if len(used)
                    else f"import no {noun} from another")
        lines = [f"The sources at `{release}` ({files}) {imported}; "
                 f"{_unused(unused, in_macros, noun, at, int((declared['status'] != 'used, undeclared').sum()))}; "
                 f"{_undeclared(undeclared, at)}."]
    else:
        lines = [f"The sources at `{release}`: {files}."]
    notable = tables["source_notable"][tables["source_notable"]["release"] == release]
    if len(notable):
        rows = pd.DataFrame({"Dependency": notable["dependency"].tolist(),
                             "What importing it says": notable["signals"].tolist(),
                             "Imported by": notable["packages"].tolist(), "Files": notable["files"].tolist()})
        lines += ["Notable dependencies the sources import (from the catalog of notable dependencies, `--notable`):",
                  markdown_table(rows)]
    else:
        lines.append("No package imports a dependency of the notable catalog (V8, Deno, PyO3, sandboxes, MCP SDKs, "
                     "...).")
    if len(at) == 1:
        lines += _subpackage_lines(tables, release)
    return lines


def _unused(unused: pd.DataFrame, in_macros: pd.DataFrame, noun: str, at: pd.DataFrame, edges: int) -> str:
    """The declared edges never imported, and apart from them those named only inside macro bodies: tree-sitter
    reads a macro's body as tokens, so such a use is likely but not certain (`edges`: how many are declared)."""
    tokens = f"which tree-sitter reads as plain tokens ({_pairs(in_macros, at)})"
    if unused.empty:
        if in_macros.empty:
            return (f"every declared dependency between {noun}s is imported" if edges
                    else f"none of the {noun}s declares a dependency on another")
        return (f"every declared dependency between {noun}s is imported, {len(in_macros)} of them only inside macro "
                f"bodies, {tokens}")
    many = len(unused) != 1
    found = (f"{len(unused)} declared dependenc{'ies' if many else 'y'} {'are' if many else 'is'} never imported "
             f"({_pairs(unused, at)})")
    if in_macros.empty:
        return found
    verb = "are" if len(in_macros) != 1 else "is"
    return f"{found}; {len(in_macros)} more {verb} named only inside macro bodies, {tokens}"


def _pairs(edges: pd.DataFrame, at: pd.DataFrame, shown: int = 3) -> str:
    """The first `shown` of some edges, "e.g. `a` → `b`, `c` → `d`" ("`a` → `b`" alone when it is the only
    one), named as the release names its packages."""
    listed = ", ".join(f"{_named_package(r.package, r.path, at)} → "
                       f"{_named_package(r.depends_on, r.depends_on_path, at)}" for r in edges.head(shown).itertuples())
    return listed if len(edges) == 1 else f"e.g. {listed}"


def _undeclared(undeclared: pd.DataFrame, at: pd.DataFrame) -> str:
    noun = _noun(at)
    if undeclared.empty:
        required = ", as the Rust compiler requires" if set(at["ecosystem"]) == {"cargo"} else ""
        return f"no {noun} imports another without declaring it{required}"
    first = undeclared.iloc[0]
    more = f" ({len(undeclared) - 1} more such import{'s' * (len(undeclared) != 2)})" if len(undeclared) > 1 else ""
    return (f"{_named_package(first['package'], first['path'], at)} imports "
            f"{_named_package(first['depends_on'], first['depends_on_path'], at)} without declaring it "
            f"({first['example']}){more}")


def _named_package(name: str, path: str, at: pd.DataFrame) -> str:
    """`name`, with its directory where two packages of the release share the name."""
    shared = (at["package"] == name).sum() > 1
    return f"`{name}` ({f'`{path}`' if path else 'the root'})" if shared else f"`{name}`"


def _subpackage_lines(tables: dict[str, pd.DataFrame], release: str) -> list[str]:
    """A project of one package: its top-level subpackages are its architecture units, with their imports."""
    nodes = tables["subpackages"][tables["subpackages"]["release"] == release]
    if nodes["subpackage"].nunique() < 2:
        return []
    edges = tables["subpackage_edges"][tables["subpackage_edges"]["release"] == release]
    rows = []
    for (package, node), _ in nodes.groupby(["package", "subpackage"], sort=True):
        out = edges[(edges["package"] == package) & (edges["subpackage"] == node)]
        into = edges[(edges["package"] == package) & (edges["imports"] == node)]
        rows.append({"Subpackage": node, "Imports": ", ".join(f"{t} ({f})" for t, f in zip(out["imports"], out["files"])),
                     "Imported by": ", ".join(sorted(into["subpackage"]))})
    packages = ", ".join(f"`{p}`" for p in sorted(set(nodes["package"])))
    return [f"One package, {packages}: its subpackages are its architecture units, with the imports between them "
            "(importing files in parentheses):", markdown_table(pd.DataFrame(rows))]


def layer_table(packages: pd.DataFrame, purposes: dict[str, str]) -> pd.DataFrame:
    """Layer | Crates (or Packages) | Purpose, layers in rule order, packages by directory within their
    workspace ("Crates" where every package is Cargo's)."""
    column = _noun(packages).capitalize() + "s"
    inside = [_inside(path, root) for path, root in zip(packages["path"], packages["workspace"])]
    grouped = pd.DataFrame({"layer": packages["layer"], "package": inside}).groupby("layer")["package"]
    rows = [{"Layer": layer, column: ", ".join(sorted(set(grouped.get_group(layer)))), "Purpose": purpose}
            for layer, purpose in purposes.items() if layer in grouped.groups]
    return pd.DataFrame(rows, columns=["Layer", column, "Purpose"])


def _workspaces_sentence(at: pd.DataFrame, release: str, lines: pd.DataFrame | None) -> str:
    """"`codex-rs` is a 73-crate Rust workspace at `rust-v0.116.0` (412,000 non-blank lines of Rust in its
    packages, tests included); beside it, a 5-package pnpm workspace at the root and 2 Python projects under
    `sdk/`."""
    groups = at.groupby(["ecosystem", "workspace"], sort=False).size().sort_values(ascending=False, kind="stable")
    (ecosystem, root), size = groups.index[0], int(groups.iloc[0])
    lines_at = lines[(lines["release"] == release) & (lines["ecosystem"] == ecosystem)] if lines is not None else None
    main = at[(at["ecosystem"] == ecosystem) & (at["workspace"] == root)]
    counted = lines_at[lines_at["path"].isin(main["path"])]["lines"].sum() if lines_at is not None else 0
    language = main["language"].iloc[0]
    code = f" ({int(counted):,} non-blank lines of {language} in its packages, tests included)" if counted else ""
    where = f"`{root}`" if root else "The repository root"
    if size == 1:  # one project is no workspace: "The repository root is one Python project"
        what = f"one {_LABELS.get(ecosystem, ecosystem)} {_NOUNS.get(ecosystem, ('package',))[0]}"
    else:
        what = f"{_article(size)} {size}-{_noun(main)} {_kind(ecosystem)}"
    first = f"{where} is {what} at `{release}`{code}"
    others = [(e, r, int(n)) for (e, r), n in groups.iloc[1:].items()]
    if not others:
        return first + ";"
    return first + "; beside it, " + _others(others) + ";"


def _others(others: list[tuple[str, str, int]]) -> str:
    """The other workspaces, standalone packages of one ecosystem grouped by their common folder."""
    phrases = []
    singles: dict[str, list[str]] = {}
    for ecosystem, root, size in others:
        if size == 1:
            singles.setdefault(ecosystem, []).append(root)
        else:
            phrases.append(f"{_article(size)} {size}-{_NOUNS.get(ecosystem, ('package',))[0]} {_kind(ecosystem)} "
                           f"{_where(root)}")
    for ecosystem, roots in singles.items():
        noun = _NOUNS.get(ecosystem, ("package",))[0]
        common = _common_folder(roots)
        where = f"under `{common}/`" if common else _where(roots[0]) if len(roots) == 1 else "in several folders"
        label = _LABELS.get(ecosystem, ecosystem)
        phrases.append(f"{_count(len(roots), label + ' ' + noun)} {where}")
    return ", ".join(phrases[:-1]) + (" and " if len(phrases) > 1 else "") + phrases[-1]


def _kind(ecosystem: str) -> str:
    return _NOUNS[ecosystem][1] if ecosystem in _NOUNS else f"{ecosystem} workspace"


def _where(root: str) -> str:
    return f"in `{root}`" if root else "at the root"


def _common_folder(roots: list[str]) -> str:
    parts = [root.split("/")[:-1] for root in roots]
    common = []
    for level in zip(*parts):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return "/".join(common)


def _noun(packages: pd.DataFrame) -> str:
    """"crate" where every package is Cargo's, "package" otherwise."""
    return "crate" if set(packages["ecosystem"]) == {"cargo"} else "package"


def evolution(tables: dict[str, pd.DataFrame]) -> str:
    """The capability table, the inflections and the latest arc, with how the notes were found."""
    notes, capabilities = tables["notes"], tables["capabilities"]
    stable = notes[notes["stable"]]
    late = int(stable["out_of_order"].sum())
    tagged = int(stable["tagged"].sum()) - late
    untagged = len(stable) - tagged - late
    coverage = tables["notes_coverage"]
    found = ", ".join(f"{r.source} {r.releases}" for r in coverage.itertuples() if r.releases)
    parts = [f"Traced through {_count(tagged, 'stable release')}"
             + (f" and {_count(untagged, 'changelog version')} without a tag" if untagged else "")
             + " by grepping their notes for first appearances"
             + (f" ({_count(late, 'release')} tagged out of version order left out)" if late else "")
             + f". Notes per tagged release by source: {found}."]
    parts.append(markdown_table(capability_table(capabilities)))
    parts += _first_marks_note(capabilities)
    parts += _inflection_lines(tables["inflections"]) + _arc_lines(tables["latest_arc"])
    return "\n\n".join(parts)


def capability_table(capabilities: pd.DataFrame) -> pd.DataFrame:
    """Capability | First appeared | Releases mentioning it | Evidence | What it tells us (left for the analyst),
    in order of first appearance; "First appeared" marks a changelog version without a tag ("untagged") and a
    first release whose range holds the whole earlier history ("whole history")."""
    seen = capabilities[capabilities["releases_mentioning"] > 0]
    rows = [{"Capability": r.capability, "First appeared": _first_appeared(r),
             "Releases mentioning it": int(r.releases_mentioning), "Evidence": quoted(r.evidence, 90),
             "What it tells us": ""} for r in seen.itertuples()]
    return pd.DataFrame(rows, columns=["Capability", "First appeared", "Releases mentioning it", "Evidence",
                                       "What it tells us"])


def _stable_span(cadence: pd.DataFrame) -> pd.DataFrame:
    """The months from the first stable release's to the last's, where there are stable releases: months of
    prereleases alone before or after them are no months of the stable line."""
    held = cadence.index[cadence["releases"] > 0]
    return cadence.loc[held[0]:held[-1]] if len(held) else cadence


def _per_month(cadence: pd.DataFrame) -> str:
    """The spread of stable releases per month; where most months have none (ripgrep: "median 0, typically
    0"), how many months had none and the busiest month instead."""
    counts = cadence["releases"]
    if counts.median() > 0:
        return _spread(counts)
    busiest = cadence.loc[counts.idxmax()]
    return (f"none in {int((counts == 0).sum())} of {len(counts)} months, at most {int(busiest['releases'])} "
            f"(in {busiest['month']})")


def cadence_chart(cadence: pd.DataFrame, today: date, months: int = 36) -> str:
    """Stable releases per month as a text bar chart, as in the sample report; per quarter for a history of
    more than `months` months (ripgrep's ten years would be 119 lines, most of them empty)."""
    if cadence.empty:
        return "No stable releases."
    labels, counts, now = cadence["month"].tolist(), cadence["releases"].tolist(), today.strftime("%Y-%m")
    period = "month"
    if len(labels) > months:
        period, now = "quarter", _quarter(now)
        quarters = pd.Series(counts).groupby([_quarter(month) for month in labels], sort=False).sum()
        labels, counts = quarters.index.tolist(), [int(n) for n in quarters]
    width = max(len(str(max(counts))), 3)
    rows = [f"{label}: {n:>{width}}  {BAR * n}" for label, n in zip(labels, counts)]
    if labels[-1] == now:
        rows[-1] += f" ({period} in progress)"
    return "```\n" + "\n".join(rows) + "\n```"


def _quarter(month: str) -> str:
    """`2016-09` -> `2016-Q3`."""
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def _graph_lines(tables: dict[str, pd.DataFrame], at: pd.DataFrame) -> list[str]:
    """The graph facts at the described release (`at`: its packages), a package sharing its name named with its
    directory."""
    lines, noun = [], _noun(at)
    central = tables.get("package_central", pd.DataFrame())
    top = central[central["dependents"] > 0].head(5) if not central.empty else central
    if len(top):
        lines.append(f"Most depended-upon {noun}s: " + ", ".join(
            f"{_named_package(r.package, r.path, at)} ({r.dependents} dependent{'s' * (r.dependents != 1)}, "
            f"PageRank {r.pagerank:.3f})" for r in top.itertuples()) + ".")
    depth = tables.get("package_depth", pd.DataFrame())
    if len(depth) and int(depth["depth"].max()):
        deepest = depth[depth["depth"] == depth["depth"].max()]
        levels = int(depth["depth"].max())
        lines.append(f"Dependency depth: {levels} level{'s' * (levels != 1)} of member {noun}s below "
                     f"{', '.join(_named_package(r.package, r.path, at) for r in deepest.itertuples())}.")
    cycles = tables.get("package_cycles", pd.DataFrame())
    if len(cycles):
        dev = int(cycles["dev_only"].sum())
        lines.append(f"Cycles: {_count(len(cycles), 'group')} of {noun}s that depend on each other in a loop "
                     f"({dev} through dev-dependencies only, which package managers allow), e.g. "
                     f"`{cycles['example_cycles'].iloc[0].split('; ')[0]}`.")
    return lines


def _growth(workspaces: pd.DataFrame, at: pd.DataFrame, releases: pd.DataFrame, release: str) -> str:
    """How the main workspace grew up to `release`: its package count at the first stable release it exists
    at, at `release`, and at its peak; a prerelease only where it is the release described."""
    ecosystem, root = at.groupby(["ecosystem", "workspace"], sort=False).size().idxmax()
    tags = releases["tag"].tolist()  # in date order
    shown = releases[in_order_stable(releases) | (releases["tag"] == release)]["tag"]
    upto = set(tags[:tags.index(release) + 1] if release in tags else tags) & set(shown)
    counts = workspaces[(workspaces["ecosystem"] == ecosystem) & (workspaces["workspace"] == root)
                        & workspaces["release"].isin(upto)]
    if counts.empty:
        return "no count over releases"
    noun = _NOUNS.get(ecosystem, ("package",))[0]
    if len(counts) == 1:
        return "no stable release before it holds that workspace"
    first, last = counts.iloc[0], counts.iloc[-1]
    peak = counts.loc[counts["packages"].idxmax()]
    if counts["packages"].nunique() == 1:
        return f"{_count(int(first['packages']), noun)} at every release since `{first['release']}`"
    return (f"{_count(int(first['packages']), noun)} at `{first['release']}`, {int(last['packages'])} at "
            f"`{last['release']}` (peak {int(peak['packages'])} at `{peak['release']}`)")


def _languages(languages: pd.DataFrame, release: str) -> str:
    at = languages[languages["release"] == release].head(5)
    return ", ".join(f"{r.language} {r.share:.0%}" if r.share >= 0.005 else f"{r.language} <1%"
                     for r in at.itertuples()) or "no source files recognised"


def _mix_without_packages(tables: dict[str, pd.DataFrame], release: str | None) -> str:
    """The language mix of a tree with no package (Claude Code's plugins and scripts), where one was read."""
    languages = tables.get("languages")
    if release is None or languages is None or release not in set(languages["release"]):
        return ""
    shift = _language_shift(languages, tables["releases"], release)
    return f" Language mix at `{release}`: {_languages(languages, release)}." + (f" {shift}" if shift else "")


def _language_shift(languages: pd.DataFrame, releases: pd.DataFrame, release: str) -> str:
    """How the main language's share of the code moved since the first stable release ("Rust has been the main
    language since `rust-v0.5.0`, the first stable release: 81% of the code then, 96% at `rust-v0.116.0`."),
    the figure that says whether a project is being rewritten; "" with no earlier release to compare."""
    stable = releases[in_order_stable(releases)]["tag"]
    read = languages[languages["release"].isin(stable)]["release"].drop_duplicates()
    now = languages[languages["release"] == release]
    if read.empty or now.empty or read.iloc[0] == release:
        return ""
    first = read.iloc[0]
    main, share = now["language"].iloc[0], float(now["share"].iloc[0])
    then = languages[languages["release"] == first]
    before = float(then[then["language"] == main]["share"].sum())
    leader = then["language"].iloc[0]
    if leader != main:
        return (f"{main}, the main language at `{release}` ({share:.0%}), was {before:.0%} of the code at "
                f"`{first}`, the first stable release, when {leader} led with {float(then['share'].iloc[0]):.0%}.")
    return (f"{main} has been the main language since `{first}`, the first stable release: {before:.0%} of the "
            f"code then, {share:.0%} at `{release}`.")


def _inside(path: str, root: str) -> str:
    """A package's directory within its workspace, as the sample report names crates; a workspace's root
    package by the workspace's directory (a standalone project under `sdk/python` is `sdk/python`)."""
    if path == root:
        return root or "(root)"
    return path[len(root) + 1:] if root and path.startswith(root + "/") else path


def _article(number: int) -> str:
    """"a" or "an" before a number said aloud: an 8, an 11, an 18, an 80; a 1, a 100."""
    said = str(number)
    return "an" if said.startswith("8") or (said[:2] in ("11", "18") and len(said) % 3 == 2) else "a"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def _inflection_lines(inflections: pd.DataFrame) -> list[str]:
    if inflections.empty:
        return []
    items = [f"- `{r.release}` ({_month(r.date)}): first mention of {r.capabilities}, with new packages "
             f"{r.packages_added}" + (f"; PRs {_few(r.prs)}" if r.prs else "") for r in inflections.itertuples()]
    return ["Inflections (new packages arriving with a capability's first mention):\n\n" + "\n".join(items)]


def _arc_lines(arc: pd.DataFrame) -> list[str]:
    if arc.empty:
        return []
    releases = arc[arc["kind"] == "release"]["name"].tolist()
    packages = ", ".join(f"`{n}`" for n in arc[arc["kind"] == "package"]["name"]) or "none"
    capabilities = ", ".join(arc[arc["kind"] == "capability"]["name"]) or "none"
    return [f"The latest arc ({releases[0]} to {releases[-1]}): new packages {packages}; "
            f"first mentions: {capabilities}."]


def _few(prs: str, shown: int = 12) -> str:
    numbers = prs.split()
    return " ".join(numbers[:shown]) + (f" and {len(numbers) - shown} more" if len(numbers) > shown else "")


_UNTAGGED_MARK, _WHOLE_HISTORY_MARK = "untagged", "whole history"


def _first_appeared(row) -> str:
    """`v0.44.0 (Oct 2025)`, `2.0.12 (Oct 2025, untagged)`, `v0.1.6 (Jun 2025, whole history)`."""
    marks = [_month(row.first_date)]
    marks += [_UNTAGGED_MARK] * (row.first_kind == UNTAGGED) + [_WHOLE_HISTORY_MARK] * bool(row.whole_history)
    inside = ", ".join(mark for mark in marks if mark)
    return f"{row.first_release} ({inside})" if inside else str(row.first_release)


def _first_marks_note(capabilities: pd.DataFrame) -> list[str]:
    """What the marks of "First appeared" mean, for those the table uses."""
    seen = capabilities[capabilities["releases_mentioning"] > 0]
    said = []
    if (seen["first_kind"] == UNTAGGED).any():
        said.append(f'"{_UNTAGGED_MARK}" is a changelog version that no tag names')
    if seen["whole_history"].astype(bool).any():
        said.append(f'"{_WHOLE_HISTORY_MARK}" is the first release counted, whose range holds all the history '
                    "before it: the capability may be older than that release")
    return ["First appeared: " + "; ".join(said) + "."] if said else []


def _month(moment) -> str:
    return "" if pd.isna(moment) else moment.strftime("%b %Y")


def release_list(releases: pd.DataFrame, every: bool = False) -> str:
    """The releases, newest first: the stable ones, or with `every` (`--all-releases`) the prereleases too.

    A line with hundreds of alpha tags would bury its stable releases: the
    prereleases are counted in a sentence and listed in releases.csv.
    """
    shown = releases if every else releases[releases["stable"]]
    rows = shown.assign(date=shown["date"].map(_day))
    table = markdown_table(rows[["tag", "channel", "date", "previous", "commits", "contributors"]].iloc[::-1])
    hidden = len(releases) - len(shown)
    if not hidden:
        return table
    them = "it" if hidden == 1 else "them"
    return (f"{_count(len(shown), 'stable release')}, newest first; {_count(hidden, 'prerelease')} "
            f"{'is' if hidden == 1 else 'are'} in releases.csv (`--all-releases` lists {them} here too).\n\n" + table)


def _contributors_sentence(releases: pd.DataFrame) -> str:
    """Contributors and commits per stable release, the figure `mine compare` gives, with its definition."""
    stable = releases[releases["stable"]]
    commits = f"non-merge commits per stable release: {_spread(stable['commits'].dropna())}."
    median, bots = contributors_per_release(releases)
    if median is None:
        return f"Contributors per stable release: unknown; {commits}"
    spread = _spread(stable["contributors"].dropna())
    if bots:
        return f"{bots[0].upper()}{bots[1:]}; authors other than bots per stable release: {spread}; {commits}"
    return (f"Contributors per stable release ({CONTRIBUTORS_DEFINITION}): {spread}; {commits}"
            f"{_with_coauthors(releases)}")


def _with_coauthors(releases: pd.DataFrame) -> str:
    """The people per stable release counting `Co-authored-by:` trailers, where they raise the median: Mistral
    Vibe's releases are one squashed commit each, with the team in its trailers (an analysis stored before the
    column existed says nothing)."""
    credited = people_with_coauthors(releases)
    if credited.empty or credited.median() <= releases.loc[releases["stable"], "contributors"].dropna().median():
        return ""
    return (" Counting the `Co-authored-by:` co-authors too, people (bots and coding agents left out) per stable "
            f"release: {_spread(credited)}.")


def _spread(values: pd.Series) -> str:
    """`median M (typically A–B, range C–D)` for a series of counts."""
    values = pd.Series(values, dtype=float)
    if values.empty:
        return "none"
    low, high = values.quantile([0.25, 0.75], interpolation="nearest")
    median = values.median()
    typical = _num(low) if _num(low) == _num(high) else f"{_num(low)}–{_num(high)}"
    return f"median {_num(median)} (typically {typical}, range {_num(values.min())}–{_num(values.max())})"


def _num(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _core_rows(people: pd.DataFrame, names: dict[str, str], named: int = 5) -> pd.DataFrame:
    rows = []
    totals = people.groupby("layer")["commits"].sum()
    order = sorted(totals.index, key=lambda layer: (layer in BUCKETS, -totals[layer], layer))
    for layer in order:
        group = people[people["layer"] == layer].sort_values(["commits", "author"], ascending=[False, True])
        total, covered, core, unnamed, unnamed_commits = int(totals[layer]), 0, [], 0, 0
        for row in group.itertuples():
            if covered * 2 >= total:
                break
            covered += row.commits
            if len(core) < named:
                core.append(f"{names.get(row.author, row.name)} {row.commits / total:.0%}")
            else:
                unnamed, unnamed_commits = unnamed + 1, unnamed_commits + row.commits
        if unnamed:
            core.append(f"{unnamed} more {unnamed_commits / total:.0%}")
        rows.append({"Layer": layer, "Credits": total, "People": len(group), "Core contributors": ", ".join(core)})
    return pd.DataFrame(rows, columns=["Layer", "Credits", "People", "Core contributors"])


def _focus_rows(specialization: pd.DataFrame, prolific: int, names: dict[str, str]) -> pd.DataFrame:
    people = specialization[specialization["kind"] == PERSON].head(prolific)
    rows = [{"Author": names.get(r.author, r.name), "Credits": r.commits, "Focus": r.top_layer,
             "Share": f"{r.top_share:.0%}", "Spread": f"{r.entropy:.2f}", "Layers": r.layers}
            for r in people.itertuples()]
    return pd.DataFrame(rows, columns=["Author", "Credits", "Focus", "Share", "Spread", "Layers"])


def _ownership_rows(ownership: pd.DataFrame | None, names: dict[str, str], noun: str,
                    shown: int = 12) -> pd.DataFrame:
    columns = [noun.capitalize(), "Layer", "Credits", "Authors", "Main developer", "Ownership", "Fragmentation"]
    if ownership is None:
        return pd.DataFrame(columns=columns)
    crates = ownership[~ownership["package"].isin(BUCKETS) & ~ownership["package"].str.endswith("/")
                       & (ownership["people_commits"] > 0)].head(shown)
    rows = [{columns[0]: r.package, "Layer": r.layer, "Credits": r.people_commits, "Authors": r.authors,
             "Main developer": names.get(r.main_developer, r.main_developer_name), "Ownership": f"{r.ownership:.0%}",
             "Fragmentation": f"{r.fragmentation:.2f}"} for r in crates.itertuples()]
    return pd.DataFrame(rows, columns=columns)


def _agent_sentence(tables: dict[str, pd.DataFrame]) -> str:
    work = tables["agent_work"]
    every = work[work["layer"] == ALL_LAYERS]
    commits, with_agent, bots = int(every["commits"].sum()), int(every["with_agent"].sum()), int(every["by_bots"].sum())
    if not commits or not (with_agent or bots):
        return ""
    agents = tables["specialization"][tables["specialization"]["kind"] == AGENT]
    named = ", ".join(f"{markdown_text(r.name)} {r.commits}" for r in agents.itertuples())
    sentence = (f"Coding agents authored or co-wrote {with_agent:,} of {commits:,} non-merge commits "
                f"({_share(with_agent, commits)})")
    sentence += f": {named}." if named else "."
    return sentence + (f" Bots authored {bots:,} ({_share(bots, commits)})." if bots else "")


def _share(part: int, whole: int) -> str:
    """A percentage with one decimal, never a "0.0%" that hides a real commit."""
    share = part / whole
    return "<0.1%" if 0 < share < 0.001 else f"{share:.1%}"


def _text(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
