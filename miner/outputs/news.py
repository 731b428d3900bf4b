"""The news of `mine news` as Markdown: one `<!-- mine:news repo=REPO -->` section per repository.

The body lists, in the order an analyst reads them, what `analyses.news.compare`
found; `mine regenerate` renders the same body again from the last run the
store recorded, so a report's news section shows the last daily run.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from miner.analyses.news import News
from miner.outputs.markdown import markdown_text
from miner.outputs.report import section

_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
_LIMIT = 12  # names listed in one line before "and N more"
_BURSTS = 5  # the largest bursts named; a daily run meets one or two


def news_sections(found: Iterable[News]) -> str:
    """Every repository's news, each in its marked section."""
    return "\n".join(section("news", news.repo, news_markdown(news)) for news in found)


def news_markdown(news: News) -> str:
    """The body of one repository's news section."""
    lines = [f"**{markdown_text(news.repo)}**: new since {markdown_text(news.since)}", ""]
    if news.empty:
        return "\n".join([*lines, "_Nothing new._"]) + "\n"
    stable = [r.tag for r in news.releases if r.stable]
    pre = [r.tag for r in news.releases if not r.stable]
    if stable:
        lines.append(f"- Releases: {_names(stable)}")
    if pre:
        lines.append(f"- Prereleases: {_names(pre)}")
    lines += [f"- Trigger: {burst.words} ({burst.first} to {burst.last})" for burst in news.bursts[:_BURSTS]]
    if len(news.bursts) > _BURSTS:
        lines.append(f"- {len(news.bursts) - _BURSTS} smaller bursts of prereleases")
    lines += [f"- New release line: first {_code(line.line + '*')} tag: {markdown_text(line.first_tag)}"
              + (f" ({line.first_date[:10]})" if line.first_date else "") for line in news.lines]
    for ecosystem in dict.fromkeys(change.ecosystem for change in news.packages):
        words = [_change(c) for c in news.packages if c.ecosystem == ecosystem]
        lines.append(f"- Packages ({ecosystem}): {'; '.join(words)}")
    lines += [f"- First mention of {markdown_text(c.capability)} in {markdown_text(c.release)}: "
              f"{markdown_text(_one_line(c.evidence))}" for c in news.capabilities]
    if news.newcomers:
        lines.append("- First contribution: " + _names(f"{p.name} ({p.first_release})" for p in news.newcomers))
    if news.stopped:
        lines.append("- Stopped: " + _names(f"{p.name} (last in {p.last_release}, {p.last_date[:10]})"
                                            for p in news.stopped))
    lines += [f"- Languages: {s.language} {s.before:g}% to {s.after:g}% ({s.after - s.before:+.1f} points)"
              for s in news.languages]
    lines += [f"- New notable dependency: {_code(n.dependency)} used by {markdown_text(n.packages)} "
              f"({markdown_text(n.signals)})" for n in news.notable]
    return "\n".join(lines) + "\n"


def nothing_new(found: list[News]) -> str:
    """The one line a cron job prints when no repository has news."""
    since = sorted({news.since for news in found})
    return f"nothing new since {since[0]}" if len(since) == 1 else \
        "nothing new: " + ", ".join(f"{news.repo} since {news.since}" for news in found)


def _change(change) -> str:
    if change.change == "renamed":
        return f"renamed {markdown_text(change.old_package)} ({markdown_text(change.old_path)}) to " \
               f"{markdown_text(change.package)} ({markdown_text(change.path)})"
    return f"{change.change} {markdown_text(change.package)} ({markdown_text(change.path)})"


def _names(names: Iterable[str]) -> str:
    listed = [markdown_text(name) for name in names]
    more = len(listed) - _LIMIT
    return ", ".join(listed[:_LIMIT]) + (f" and {more} more" if more > 0 else "") + f" ({len(listed)})"


def _code(text: str) -> str:
    """`text` as a code span, or escaped text when it holds a backtick (a code span shows escapes as typed)."""
    return f"`{text}`" if "`" not in text and "\n" not in text else markdown_text(text)


def _one_line(text: str) -> str:
    """Evidence on one line, without the list marker it had in the notes."""
    return _LIST_ITEM.sub("", " ".join(str(text).split()))
