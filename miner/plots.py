"""PNG plots of the analysis tables, drawn with matplotlib (the optional `plots` extra).

One function per plot: it takes DataFrames and a path, writes the PNG, and
returns the path.  matplotlib is imported only when a plot is drawn, with the
non-interactive Agg backend, so the rest of miner runs without it and a
missing install is one clear `MinerError`.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from miner.errors import MinerError

PERSON = "person"


def author_layer_heatmap(author_layers: pd.DataFrame, specialization: pd.DataFrame, path: str | Path,
                         top: int = 25) -> Path:
    """Authors x layers: the share of each of the `top` busiest people's commits in each layer.

    From the contributor tables `author_layers` and `specialization`
    (`miner.contributors`).
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
    labels = [f"{name} ({commits})" for name, commits in zip(chosen["name"], chosen["commits"])]
    figure, axes = plt.subplots(figsize=(max(4.5, 2.5 + 0.75 * len(grid.columns)), 1.2 + 0.35 * len(grid)))
    image = axes.imshow(grid.to_numpy(), cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto")
    axes.set_xticks(range(len(grid.columns)), labels=list(grid.columns), rotation=45, ha="right")
    axes.set_yticks(range(len(labels)), labels=labels)
    for y, values in enumerate(grid.to_numpy()):
        for x, value in enumerate(values):
            if value > 0:
                axes.text(x, y, f"{value:.0%}", ha="center", va="center", fontsize=7,
                          color="white" if value > 0.6 else "black")
    axes.set_title("Share of commits per layer", fontsize=9)
    figure.colorbar(image, ax=axes, fraction=0.03)
    return _save(plt, figure, path)


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise MinerError("plots need matplotlib: pip install 'miner[plots]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _save(plt, figure, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path
