"""Markdown tables, the one format every report table is written in.

Shared by the report, the cross-agent comparison and the team section, and
read back by `mine regenerate`, which pairs rows by their first cell: cells
are kept on one line and pipes inside them escaped so a table always parses.
Angle brackets are escaped too: `Abhi <abhipatel12>` is a name and a login,
which a renderer would otherwise take for an HTML tag and drop.
"""
from __future__ import annotations

import re

import pandas as pd


def markdown_table(frame: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table whose cells render as the text they hold."""
    if frame.empty:
        return "_None._"
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(markdown_text(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


# What inline Markdown would read as markup: backslash, pipe, HTML and autolink brackets, emphasis,
# strikethrough, links, code spans and entities; `_` only where it can open or close emphasis (not
# inside `snake_case`, so that Python package names stay readable in the source).
_MARKUP = re.compile(r"[\\|<>*~\[\]`&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def markdown_text(value) -> str:
    """`value` as inline Markdown on one line that renders as the text itself, markup characters escaped."""
    return _MARKUP.sub(lambda found: "\\" + found.group(), str(value).replace("\n", " "))


def plain_text(markdown: str) -> str:
    """What `markdown_text` escaped, unescaped: the text a cell says, however it was escaped when written."""
    return _ESCAPED.sub(r"\1", markdown)
