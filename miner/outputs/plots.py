"""PNG plots of the analysis tables, drawn with matplotlib, linked from report.md.

One function per plot: it takes DataFrames and a path, writes the PNG, and
returns the path.  matplotlib is imported only when a plot is drawn, with the
non-interactive Agg backend, so commands that draw nothing start fast, and a
broken install is one clear `MinerError`.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from miner.analyses.contributors import PERSON, display_names
from miner.analyses.timeline import in_order_stable
from miner.errors import MinerError


def author_layer_heatmap(author_layers: pd.DataFrame, specialization: pd.DataFrame, path: str | Path,
                         top: int = 25) -> Path:
    """Authors x layers: the share of each of the `top` busiest people's commits in each layer.

    From the contributor tables `author_layers` and `specialization`
    (`miner.analyses.contributors`).
    Rows are people by commits (busiest first), columns layers by commits;
    a cell is the share of the row's commits that touch the column's layer
    (a commit touching two layers counts in both), annotated in percent.
    """
    plt = _pyplot()
    people = author_layers[author_layers["kind"] == PERSON]
    if people.empty:
        raise MinerError("no commits by people to plot")
    chosen = specialization[specialization["kind"] == PERSON].head(top)
    rows = people[people["author"].isin(chosen["author"])]
    grid = rows.pivot_table(index="author", columns="layer", values="share", aggfunc="sum", fill_value=0.0)
    layer_order = people.groupby("layer")["commits"].sum().sort_values(ascending=False, kind="stable").index
    grid = grid.reindex(index=list(chosen["author"]),
                        columns=[layer for layer in layer_order if layer in grid.columns])
    names = display_names(specialization)  # as the report names them: two Abhis are told apart
    labels = [f"{names[author]} ({commits})" for author, commits in zip(chosen["author"], chosen["commits"])]
    figure, axes = plt.subplots(figsize=(max(4.5, 2.5 + 0.75 * len(grid.columns)), 1.2 + 0.35 * len(grid)))
    image = axes.imshow(grid.to_numpy(), cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto")
    axes.set_xticks(range(len(grid.columns)), labels=list(grid.columns), rotation=45, ha="right")
    axes.set_yticks(range(len(labels)), labels=labels)
    for y, values in enumerate(grid.to_numpy()):
        for x, value in enumerate(values):
            if value > 0:
                axes.text(x, y, f"{value:.0%}" if value >= 0.005 else "<1%", ha="center", va="center", fontsize=7,
                          color="white" if value > 0.6 else "black")
    axes.set_title("Share of each person's commits that touch each layer (one commit can touch several)", fontsize=9)
    figure.colorbar(image, ax=axes, fraction=0.03)
    return _save(plt, figure, path)


def cadence_plot(cadence: pd.DataFrame, path: str | Path, labels: int = 24) -> Path:
    """Stable releases and prereleases per month, stacked (the cadence chart as a picture).

    At most `labels` months are named on the axis (evenly spaced, the first and
    the last always): a label per month of a ten-year history is unreadable,
    and laying out a hundred rotated labels costs seconds.
    """
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(min(12.0, max(5.0, 0.12 * len(cadence) + 3)), 3.2))
    months = list(cadence["month"])
    edges = [index - 0.5 for index in range(len(months) + 1)]  # month i spans i - 0.5 .. i + 0.5
    # Two filled step outlines rather than a bar per month: one artist each, drawn several times faster.
    axes.stairs(cadence["releases"] + cadence["prereleases"], edges, fill=True, label="prereleases",
                color="#aec7e8")
    axes.stairs(cadence["releases"], edges, fill=True, label="stable", color="#1f77b4")
    step = max(1, -(-len(months) // labels))
    shown = sorted(set(range(0, len(months), step)) | ({len(months) - 1} if months else set()))
    axes.set_xticks(shown, labels=[months[i] for i in shown], rotation=90, fontsize=7)
    axes.set_xlim(-0.6, len(months) - 0.4)
    axes.set_ylabel("releases")
    axes.set_title("Releases per month", fontsize=9)
    handles, labels = axes.get_legend_handles_labels()
    axes.legend(handles[::-1], labels[::-1], fontsize=7)  # stable first, as stacked
    return _save(plt, figure, path)


def package_count_plot(workspaces: pd.DataFrame, releases: pd.DataFrame, path: str | Path) -> Path:
    """Packages per workspace (of every ecosystem) over the stable releases, by release date."""
    plt = _pyplot()
    stable = releases[in_order_stable(releases)][["tag", "date"]]
    rows = workspaces.merge(stable, left_on="release", right_on="tag")
    figure, axes = plt.subplots(figsize=(6.0, 3.2))
    for (ecosystem, workspace), group in rows.groupby(["ecosystem", "workspace"]):
        axes.step(group["date"], group["packages"], where="post", label=f"{workspace or '(root)'} ({ecosystem})")
    axes.set_ylabel("packages")
    axes.set_title("Packages per workspace over stable releases", fontsize=9)
    if len(rows.groupby(["ecosystem", "workspace"])) > 1:
        axes.legend(fontsize=7)
    figure.autofmt_xdate()
    return _save(plt, figure, path)


def language_mix_plot(languages: pd.DataFrame, releases: pd.DataFrame, path: str | Path, top: int = 5) -> Path:
    """Each language's share of the code over the stable releases, by release date, stacked to 100%: the
    figure that settles "is this a rewrite?".  The `top` languages by bytes at the latest of them are drawn,
    the rest summed as "other"."""
    plt = _pyplot()
    shown = language_shares(languages, releases, top)
    figure, axes = plt.subplots(figsize=(6.0, 3.2))
    axes.stackplot(shown.index, *(shown[column] for column in shown.columns), labels=list(shown.columns), step="post")
    axes.set_ylim(0, 1)
    axes.yaxis.set_major_formatter(plt.FuncFormatter(lambda value, _: f"{value:.0%}"))
    axes.set_ylabel("share of bytes")
    axes.set_title("Language mix over stable releases", fontsize=9)
    axes.legend(fontsize=7, loc="lower left")
    figure.autofmt_xdate()
    return _save(plt, figure, path)


def language_shares(languages: pd.DataFrame, releases: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """The language mix plot's data: a row per stable release date, a column per language drawn ("other" for
    the rest), shares summing to 1.  Releases tagged in one second (Claude Code's v2.1.101 and v2.1.104)
    share a point: the later one's shares stand there, not the two releases' summed to 200%."""
    stable = releases[in_order_stable(releases)][["tag", "date"]]
    rows = languages.merge(stable.drop_duplicates("date", keep="last"), left_on="release", right_on="tag")
    if rows.empty:
        raise MinerError("no stable release with source files to plot")
    grid = rows.pivot_table(index="date", columns="language", values="share", aggfunc="sum", fill_value=0.0)
    grid = grid.sort_index()  # release dates are UTC datetimes already
    chosen = list(grid.iloc[-1].sort_values(ascending=False, kind="stable").index[:top])
    return grid[chosen].assign(other=grid.drop(columns=chosen).sum(axis=1)) if len(grid.columns) > top else grid[chosen]


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise MinerError("plots need matplotlib, which did not import: reinstall miner") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _save(plt, figure, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    # tight_layout leaves a placeholder layout engine behind, for which savefig would lay the figure out by
    # drawing it once more before drawing it into the PNG: that draw changes nothing and costs a third.
    figure.set_layout_engine(None)
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path
