"""Markdown sections of the report, rendered from the analysis tables.

Each section is wrapped in markers (`<!-- mine:cadence repo=codex -->` ...
`<!-- /mine:cadence -->`) so that a later run can regenerate it inside a
hand-written report without touching the text around it.  Figures are phrased
the way an analyst writes them ("100 stable releases in 9 months"), with the
typical range (interquartile) beside the full one.
"""
from __future__ import annotations

import re
from datetime import date

import pandas as pd

from miner.analyses.contributors import AGENT, ALL_LAYERS, BUCKETS, PERSON
from miner.outputs.markdown import markdown_table

BAR = "█"

# Section name -> heading ("" for the summary, which opens the report).
HEADINGS = {"summary": "", "architecture": "Architecture", "evolution": "Evolution", "cadence": "Cadence",
            "team": "Team specializations (from commit authors)", "releases": "Releases"}


def section(name: str, repo: str, body: str) -> str:
    """Wrap `body` in the markers that let `mine regenerate` find it again."""
    return f"<!-- mine:{name} repo={repo} -->\n{body.rstrip()}\n<!-- /mine:{name} -->\n"


def full_report(repo: str, tables: dict[str, pd.DataFrame], purposes: dict[str, str],
                today: date | None = None, extra: dict[str, str] | None = None) -> str:
    """The whole report: every section, each under its heading and inside its markers.

    `extra` holds Markdown to put right after a section's markers, keyed by
    section name (links to the plots, which live next to the report).
    """
    parts = [f"# {repo}: releases, architecture and team\n"]
    for name, heading in HEADINGS.items():
        parts += [f"## {heading}\n"] if heading else []
        parts.append(section(name, repo, render_section(name, tables, purposes, today)))
        if extra and name in extra:
            parts.append(extra[name] + "\n")
    return "\n".join(parts)


def render_section(name: str, tables: dict[str, pd.DataFrame], purposes: dict[str, str],
                   today: date | None = None) -> str:
    """The Markdown body of one section from an analysis's tables; KeyError for an unknown name."""
    releases = tables["releases"]
    renderers = {
        "summary": lambda: "\n\n".join(filter(None, [
            summary(releases["line"].iloc[0], releases, tables["cadence"], tables["bursts"]),
            caveats(tables.get("warnings"))])),
        "architecture": lambda: architecture(_snapshot(tables), tables, _facts(tables), purposes),
        "evolution": lambda: evolution(tables),
        "cadence": lambda: cadence_chart(tables["cadence"], today or date.today()),
        "team": lambda: team(tables),
        "releases": lambda: markdown_table(_release_rows(releases)),
    }
    return renderers[name]()


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
    names = _display_names(tables["specialization"])
    parts = [_window_sentence(tables.get("attribution_window")),
             "Core contributors per layer: the fewest people who made half of its commits, with their shares "
             "(a commit co-written by two people counts for both):", markdown_table(_core_rows(people, names)),
             f"Focus of the {min(prolific, int((tables['specialization']['kind'] == PERSON).sum()))} "
             "people with the most commits: the layer most of their commits touch and the share that do "
             "(a commit touching several layers counts in each); spread is the normalised entropy over "
             "layers, 0 = one layer only:", markdown_table(_focus_rows(tables["specialization"], prolific, names))]
    owners = _ownership_rows(tables.get("crate_ownership"), names)
    if not owners.empty:
        parts += [f"Who owns the {_count(len(owners), 'busiest crate')} (code-maat's measures over people's commits: "
                  "ownership is the main developer's share, fragmentation 0 when one person wrote it all):",
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


def _display_names(specialization: pd.DataFrame) -> dict[str, str]:
    """Author key -> name for the report; a name two people share gets the key's e-mail or login too."""
    shared = specialization["name"].value_counts()
    return {key: name if shared[name] == 1 else f"{name} <{key.split(':', 1)[-1]}>"
            for key, name in zip(specialization["author"], specialization["name"])}


def summary(line: str, releases: pd.DataFrame, cadence: pd.DataFrame, bursts: pd.DataFrame) -> str:
    """The release summary in the sample report's words."""
    stable = releases[releases["stable"]]
    pre = releases[~releases["stable"]]
    months = len(cadence)
    lines = [f"{len(stable)} stable releases in {months} month{'s' * (months != 1)} "
             f"({_day(releases['date'].iloc[0])} to {_day(releases['date'].iloc[-1])}), "
             f"on the release line `{line or '(no prefix)'}`."]
    if months:
        moments = pd.to_datetime(stable["date"], utc=True, format="ISO8601").sort_values()
        gap = moments.diff().dt.total_seconds().div(86400).mean() if len(stable) > 1 else None
        every = f"; on average one every {_num(round(gap, 1))} days" if gap is not None and gap == gap else ""
        lines.append(f"Stable releases per month: {_spread(cadence['releases'])}{every}.")
    if len(pre):
        channels = ", ".join(f"{n} {c}" for c, n in pre["channel"].value_counts().items())
        led = bursts[bursts["prereleases"] > 0]
        burst = (f" Before {len(led)} of the stable releases came a burst of {_spread(led['prereleases'])} prereleases "
                 f"over {_spread(led['days'])} days." if len(led) else "")
        lines.append(f"{len(pre)} prereleases ({channels}).{burst}")
    lines.append(f"Distinct contributors per release: {_spread(releases['contributors'])}; "
                 f"non-merge commits per release: {_spread(releases['commits'])}.")
    bots, agents = int(releases["bot_commits"].sum()), int(releases["agent_commits"].sum())
    if bots or agents:
        lines.append(f"Commits by bots in the releases' ranges: {bots}; by coding agents: {agents} "
                     "(not counted as contributors).")
    late = releases[releases["out_of_order"]]["tag"].tolist()
    if late:
        shown = ", ".join(f"`{t}`" for t in late[:8]) + (f" and {len(late) - 8} more" if len(late) > 8 else "")
        lines.append(f"Tagged out of version order ({_count(len(late), 'release')}: backports to older lines, "
                     f"or tags made late; left out of the capability counts): {shown}.")
    return "\n\n".join(lines)


def caveats(warnings: pd.DataFrame | None, shown: int = 3) -> str:
    """What mining met that makes some figures partial, in one paragraph (all of it is in warnings.csv)."""
    if warnings is None or warnings.empty:
        return ""
    counts = warnings["message"].value_counts(sort=False)
    ordered = sorted(counts.items(), key=lambda item: -item[1])
    listed = "; ".join(message + (f" (x{count})" if count > 1 else "") for message, count in ordered[:shown])
    more = f"; and {_count(len(ordered) - shown, 'other kind')}" if len(ordered) > shown else ""
    return f"Caveats: {_count(len(warnings), 'warning')} while mining (each in warnings.csv): {listed}{more}."


def architecture(release: str | None, tables: dict[str, pd.DataFrame], facts: dict[str, pd.DataFrame],
                 purposes: dict[str, str]) -> str:
    """Workspace, crate count, language mix, the Layer | Crates | Purpose table and graph facts at `release`."""
    crates = tables["crates"]
    if release is None or crates.empty:
        return "No Cargo workspace found at any release."
    at = crates[crates["release"] == release]
    if at.empty:
        return f"No Cargo workspace at {release}."
    workspace = at["workspace"].value_counts().index[0]
    main = at[at["workspace"] == workspace]
    counts = tables["workspaces"][tables["workspaces"]["workspace"] == workspace]
    parts = [f"`{workspace or '(repository root)'}` is {_article(len(main))} {len(main)}-crate Rust workspace at `{release}` "
             f"({int(main['rust_lines'].sum()):,} lines of Rust); "
             f"{_growth(counts)}. Language mix: {_languages(tables['languages'], release)}.",
             markdown_table(layer_table(main, purposes))]
    parts += _graph_lines(facts)
    return "\n\n".join(parts)


def layer_table(crates: pd.DataFrame, purposes: dict[str, str]) -> pd.DataFrame:
    """Layer | Crates | Purpose, layers in rule order, crates by directory within the workspace."""
    inside = [_inside(path, root) for path, root in zip(crates["path"], crates["workspace"])]
    grouped = pd.DataFrame({"layer": crates["layer"], "crate": inside}).groupby("layer")["crate"]
    rows = [{"Layer": layer, "Crates": ", ".join(sorted(grouped.get_group(layer))), "Purpose": purpose}
            for layer, purpose in purposes.items() if layer in grouped.groups]
    return pd.DataFrame(rows, columns=["Layer", "Crates", "Purpose"])


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
    parts.append(markdown_table(capability_table(capabilities, notes)))
    parts += _inflection_lines(tables["inflections"]) + _arc_lines(tables["latest_arc"])
    return "\n\n".join(parts)


def capability_table(capabilities: pd.DataFrame, notes: pd.DataFrame) -> pd.DataFrame:
    """Capability | First appeared | Releases mentioning it | Evidence | What it tells us (left for the analyst)."""
    labels = list(notes["release"].where(notes["release"] != "", notes["version"]))
    dates = dict(zip(labels, notes["date"]))
    rank = {label: index for index, label in enumerate(labels)}
    seen = capabilities[capabilities["releases_mentioning"] > 0]
    seen = seen.iloc[sorted(range(len(seen)), key=lambda i: rank.get(seen["first_release"].iloc[i], len(rank)))]
    rows = [{"Capability": r.capability, "First appeared": _first(r.first_release, dates.get(r.first_release, "")),
             "Releases mentioning it": int(r.releases_mentioning), "Evidence": _evidence(r.evidence),
             "What it tells us": ""} for r in seen.itertuples()]
    return pd.DataFrame(rows, columns=["Capability", "First appeared", "Releases mentioning it", "Evidence",
                                       "What it tells us"])


def cadence_chart(cadence: pd.DataFrame, today: date) -> str:
    """Stable releases per month as a text bar chart, as in the sample report."""
    if cadence.empty:
        return "No stable releases."
    width = len(str(cadence["releases"].max()))
    rows = [f"{m}: {n:>{max(width, 3)}}  {BAR * n}" for m, n in zip(cadence["month"], cadence["releases"])]
    if cadence["month"].iloc[-1] == today.strftime("%Y-%m"):
        rows[-1] += " (month in progress)"
    return "```\n" + "\n".join(rows) + "\n```"


def _snapshot(tables: dict[str, pd.DataFrame]) -> str | None:
    return tables["snapshot"]["release"].iloc[0] or None


def _facts(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {"central": tables["crate_central"], "depth": tables["crate_depth"], "cycles": tables["crate_cycles"]}


def _graph_lines(facts: dict[str, pd.DataFrame]) -> list[str]:
    lines = []
    central = facts.get("central", pd.DataFrame())
    top = central[central["dependents"] > 0].head(5) if not central.empty else central
    if len(top):
        lines.append("Most depended-upon crates: " + ", ".join(
            f"`{r.crate}` ({r.dependents} dependent{'s' * (r.dependents != 1)}, PageRank {r.pagerank:.3f})" for r in top.itertuples()) + ".")
    depth = facts.get("depth", pd.DataFrame())
    if len(depth):
        deepest = depth[depth["depth"] == depth["depth"].max()]["crate"].tolist()
        levels = int(depth["depth"].max())
        lines.append(f"Dependency depth: {levels} level{'s' * (levels != 1)} of member crates below "
                     f"{', '.join(f'`{c}`' for c in deepest)}.")
    cycles = facts.get("cycles", pd.DataFrame())
    if len(cycles):
        dev = int(cycles["dev_only"].sum())
        lines.append(f"Cycles: {_count(len(cycles), 'group')} of crates that depend on each other in a loop "
                     f"({dev} through dev-dependencies only, which Cargo allows), e.g. "
                     f"`{cycles['example_cycles'].iloc[0].split('; ')[0]}`.")
    return lines


def _growth(counts: pd.DataFrame) -> str:
    if counts.empty:
        return "no crate count over releases"
    first, last = counts.iloc[0], counts.iloc[-1]
    peak = counts.loc[counts["crates"].idxmax()]
    return (f"{_count(int(first['crates']), 'crate')} at `{first['release']}`, {int(last['crates'])} at `{last['release']}` "
            f"(peak {int(peak['crates'])} at `{peak['release']}`)")


def _languages(languages: pd.DataFrame, release: str) -> str:
    at = languages[languages["release"] == release].head(5)
    return ", ".join(f"{r.language} {r.share:.0%}" if r.share >= 0.005 else f"{r.language} <1%"
                     for r in at.itertuples()) or "no source files recognised"


def _inside(path: str, root: str) -> str:
    """A crate's directory within its workspace, as the sample report names crates."""
    if path == root:
        return "(root)"
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
    items = [f"- `{r.release}` ({_month(r.date)}): first mention of {r.capabilities}, with new crates {r.crates_added}"
             + (f"; PRs {_few(r.prs)}" if r.prs else "") for r in inflections.itertuples()]
    return ["Inflections (new crates arriving with a capability's first mention):\n\n" + "\n".join(items)]


def _arc_lines(arc: pd.DataFrame) -> list[str]:
    if arc.empty:
        return []
    releases = arc[arc["kind"] == "release"]["name"].tolist()
    crates = ", ".join(f"`{n}`" for n in arc[arc["kind"] == "crate"]["name"]) or "none"
    capabilities = ", ".join(arc[arc["kind"] == "capability"]["name"]) or "none"
    return [f"The latest arc ({releases[0]} to {releases[-1]}): new crates {crates}; first mentions: {capabilities}."]


def _few(prs: str, shown: int = 12) -> str:
    numbers = prs.split()
    return " ".join(numbers[:shown]) + (f" and {len(numbers) - shown} more" if len(numbers) > shown else "")


def _first(release: str, iso: str) -> str:
    return f"{release} ({_month(iso)})" if iso else release


def _month(iso: str) -> str:
    return pd.Timestamp(iso[:10]).strftime("%b %Y") if iso else ""


def _evidence(line: str) -> str:
    """The matching line without its list bullet and emphasis, cut to fit a table cell."""
    text = re.sub(r"(\*\*|__|\*|`)(.+?)\1", r"\2", re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", str(line))).strip()
    return text if len(text) <= 90 else text[:87] + "..."


def _release_rows(releases: pd.DataFrame) -> pd.DataFrame:
    rows = releases.assign(date=releases["date"].map(_day))
    return rows[["tag", "channel", "date", "previous", "commits", "contributors"]].iloc[::-1]


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


def _day(iso: str) -> str:
    return iso[:10]


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
        rows.append({"Layer": layer, "Commits": total, "People": len(group), "Core contributors": ", ".join(core)})
    return pd.DataFrame(rows, columns=["Layer", "Commits", "People", "Core contributors"])


def _focus_rows(specialization: pd.DataFrame, prolific: int, names: dict[str, str]) -> pd.DataFrame:
    people = specialization[specialization["kind"] == PERSON].head(prolific)
    rows = [{"Author": names.get(r.author, r.name), "Commits": r.commits, "Focus": r.top_layer,
             "Share": f"{r.top_share:.0%}", "Spread": f"{r.entropy:.2f}", "Layers": r.layers}
            for r in people.itertuples()]
    return pd.DataFrame(rows, columns=["Author", "Commits", "Focus", "Share", "Spread", "Layers"])


def _ownership_rows(ownership: pd.DataFrame | None, names: dict[str, str], shown: int = 12) -> pd.DataFrame:
    columns = ["Crate", "Layer", "Commits", "Authors", "Main developer", "Ownership", "Fragmentation"]
    if ownership is None:
        return pd.DataFrame(columns=columns)
    crates = ownership[~ownership["crate"].isin(BUCKETS) & ~ownership["crate"].str.endswith("/")
                       & (ownership["people_commits"] > 0)].head(shown)
    rows = [{"Crate": r.crate, "Layer": r.layer, "Commits": r.people_commits, "Authors": r.authors,
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
    named = ", ".join(f"{r.name} {r.commits}" for r in agents.itertuples())
    sentence = f"Coding agents authored or co-wrote {with_agent} of {commits} non-merge commits ({_share(with_agent, commits)})"
    sentence += f": {named}." if named else "."
    return sentence + (f" Bots authored {bots} ({_share(bots, commits)})." if bots else "")


def _share(part: int, whole: int) -> str:
    """A percentage with one decimal, never a "0.0%" that hides a real commit."""
    share = part / whole
    return "<0.1%" if 0 < share < 0.001 else f"{share:.1%}"
