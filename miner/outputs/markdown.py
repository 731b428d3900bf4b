"""Markdown tables, the one format every report table is written in.

Shared by the report, the cross-agent comparison and the team section, and
read back by `mine regenerate`, which pairs rows by their first cell: cells
are kept on one line and pipes inside them escaped so a table always parses.
"""
from __future__ import annotations

import pandas as pd


def markdown_table(frame: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table; pipes in cells are escaped."""
    if frame.empty:
        return "_None._"
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def _cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")
