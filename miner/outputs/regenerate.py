"""Regenerating the marked sections of a hand-written Markdown report in place.

A report mixes an analyst's prose with tables miner computes.  `mine report`
wraps each computed block in markers (`<!-- mine:architecture repo=codex -->`
... `<!-- /mine:architecture -->`, see `miner.outputs.report.section`), and this
module replaces only what lies between them: every byte outside the markers,
line endings and a byte-order mark included, stays as the author wrote it.

An opening marker takes attributes, `name=value` without spaces in the value:

- `repo=REPO`: the stored analysis the section is drawn from (the cross-agent
  `agents` section, drawn from every analysed agent, needs none);
- `only=table`: the section's tables alone, without the sentences miner writes
  around them, for a report whose own prose introduces the table.  A body with
  no table this time ("_None._", "No package ... found") is kept as miner says it.

Inside a regenerated table the analyst's work survives, rows matched by their
first cell (and tables by their first column's header):

- the columns people write (`Purpose`, `What it tells us`) keep their old text;
- a cell miner cannot fill (`unknown`: a closed-source agent's figures) keeps
  the analyst's text;
- a row miner does not write (the sample's `SDK | (external sdk/ dir) | ...`)
  is kept, laid out in the new table's columns, right after the row it
  followed that miner still writes (at the top when no row above it is left);
  several such rows in a run keep their order.

A row holding cells miner did not write ends its last cell with `<!-- kept -->`:
unseen on the rendered page, plain in the source and in a diff, and recognised
by the next regenerate.  Once miner writes that row itself and knows its cells,
the mark goes and miner's cells replace the analyst's, except in the human
columns.  The tables of the `SELECTIONS` sections show a choice that moves as
history grows (the busiest people and packages, the releases listed): a row
that falls out of the choice leaves, unless it carries the mark, which an
analyst may write there to keep a row.  Any problem with the markers is
reported with the file and line before anything is written.
"""
from __future__ import annotations

import difflib
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from miner.analyses.compare import UNKNOWN
from miner.errors import MinerError
from miner.outputs.markdown import plain_text
from miner.outputs.report import Rendered

Render = Callable[[str, str, str], str]
"""(section name, repo, old body) -> new body; raises KeyError for an unknown section name."""

HUMAN_COLUMNS = ("Purpose", "What it tells us")
"""Table columns an analyst writes: their old text survives a regeneration."""

SELECTIONS = ("team", "releases")
"""Sections whose tables list a selection that moves with the history (the people with the most
commits, the busiest packages, the releases shown): a row miner leaves out is dropped unless marked kept."""

KEPT = "<!-- kept -->"
"""The mark at the end of a row's last cell that says the row holds cells miner did not write."""


@dataclass(frozen=True)
class Block:
    """One marked section: where its body starts and ends in the file, and what it asks for."""

    name: str
    repo: str
    line: int  # 1-based line of the opening marker
    start: int  # offset of the body's first character
    end: int  # offset of the closing marker's line
    newline: str  # the line ending of the opening marker, used for the new body
    only: str = ""  # "table": the rendered body's tables alone


@dataclass(frozen=True)
class Outcome:
    """What `regenerate_file` did: whether the file was (or would be) changed, and the diff."""

    path: Path
    sections: int
    changed: bool
    written: bool
    diff: str = ""


def regenerate(text: str, render: Render, *, known: Iterable[str] | None = None,
               human: Iterable[str] = HUMAN_COLUMNS, selections: Iterable[str] = SELECTIONS,
               origin: str = "<text>") -> str:
    """`text` with every marked section's body replaced by what `render` returns.

    `known` lists the section names the renderer can produce, for an error that
    names them; `human` the table columns whose old text is kept; `selections`
    the sections whose rows miner leaves out are dropped unless marked kept;
    `origin` names the file in error messages.
    """
    known = tuple(known) if known is not None else None
    human, selections = tuple(human), tuple(selections)
    parts, done = [], 0
    for block in find_blocks(text, origin):
        old = text[block.start:block.end]
        new = _body(block, old, _rendered(block, old, render, known, origin), human,
                    keep_rows=block.name not in selections)
        parts += [text[done:block.start], new]
        done = block.end
    return "".join(parts) + text[done:]


def regenerate_file(path: str | Path, render: Render, *, check: bool = False, diff: bool = False,
                    known: Iterable[str] | None = None, human: Iterable[str] = HUMAN_COLUMNS,
                    selections: Iterable[str] = SELECTIONS) -> Outcome:
    """Regenerate the report at `path` in place, atomically, unless `check` or `diff` asks for a dry run.

    With `check` or `diff` nothing is written; the outcome says whether the
    file is out of date (the CLI exits non-zero on it under `--check`) and,
    with `diff`, holds the unified diff of what would change.
    """
    path = Path(path)
    text = _read(path)
    new = regenerate(text, render, known=known, human=human, selections=selections, origin=str(path))
    changed = new != text
    shown = _unified_diff(path, text, new) if diff and changed else ""
    write = changed and not (check or diff)
    if write:
        _write_atomically(path, new)
    return Outcome(path, len(find_blocks(text, str(path))), changed, write, shown)


def find_blocks(text: str, origin: str = "<text>") -> list[Block]:
    """The marked sections of `text`, in order; a MinerError naming the line for any bad marker.

    Outside the sections, a marker inside a fenced code block is an example
    of the syntax, not a marker; inside a section only its closing marker counts.
    """
    blocks, open_, fence = [], None, None
    offset = 0
    for number, line in enumerate(_lines(text), 1):
        offset += len(line)
        if open_ is None and (fence or _FENCE.match(line)):
            fence = _fence(fence, line)
            if fence or _FENCE.match(line):
                continue
        marker = _marker(line, origin, number)
        if marker is None:
            continue
        closing, name, attributes = marker
        if not closing and open_ is not None:
            raise MinerError(f"{origin}:{number}: marker 'mine:{name}' nested inside 'mine:{open_[0]}' "
                             f"opened at line {open_[2]}; close it first with <!-- /mine:{open_[0]} -->")
        if not closing:
            open_ = (name, attributes, number, offset, _ending(line))
        elif open_ is None:
            raise MinerError(f"{origin}:{number}: closing marker '/mine:{name}' without an opening marker")
        elif name != open_[0]:
            raise MinerError(f"{origin}:{number}: closing marker '/mine:{name}' does not match "
                             f"'mine:{open_[0]}' opened at line {open_[2]}")
        else:
            name, attributes, opened, start, newline = open_
            blocks.append(Block(name, attributes.get("repo", ""), opened, start, offset - len(line), newline,
                                attributes.get("only", "")))
            open_ = None
    if open_ is not None:
        raise MinerError(f"{origin}:{open_[2]}: marker 'mine:{open_[0]}' is never closed "
                         f"(no <!-- /mine:{open_[0]} --> before the end of the file)")
    return blocks


def stored_renderer(load: Callable[[str], Rendered], sections: Mapping[str, Callable[[Rendered], str]]) -> Render:
    """A `Render` that draws each section from the stored analysis of its repo, without re-mining.

    `load` gives the stored analysis of a repository name (a MinerError listing
    the known ones when there is none); `sections` maps a section name to a
    function of that analysis returning the section's Markdown body.  Each
    repository is loaded once.
    """
    loaded: dict[str, Rendered] = {}

    def render(name: str, repo: str, old: str) -> str:
        draw = sections[name]
        if repo not in loaded:
            loaded[repo] = load(repo)
        return draw(loaded[repo])

    return render


# -- markers -----------------------------------------------------------------

_MARKER_START = re.compile(r"^\ufeff?[ \t]*<!--\s*/?mine:")
_OPENING = re.compile(r"^\ufeff?[ \t]*<!--\s*mine:([A-Za-z0-9_.-]+)((?:\s+[A-Za-z_]+=\S+?)*)\s*-->[ \t]*\r?\n?$")
_CLOSING = re.compile(r"^\ufeff?[ \t]*<!--\s*/mine:([A-Za-z0-9_.-]+)\s*-->[ \t]*\r?\n?$")
_ATTRIBUTE = re.compile(r"([A-Za-z_]+)=(\S+)")
_VALUES = {"repo": None, "only": ("table",)}  # attribute -> the values it takes (None: any)
_FENCE = re.compile(r"^\ufeff?[ \t]{0,3}(`{3,}|~{3,})")


def _lines(text: str) -> list[str]:
    """The lines of `text` with their endings, split on newlines only (CR stays with its line)."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def _marker(line: str, origin: str, number: int) -> tuple[bool, str, dict[str, str]] | None:
    """(closing, name, attributes) when `line` is a marker line; None for any other line."""
    if not _MARKER_START.match(line):
        return None
    if found := _CLOSING.match(line):
        return True, found[1], {}
    found = _OPENING.match(line)
    if not found:
        raise MinerError(f"{origin}:{number}: malformed marker {line.strip()!r} "
                         "(expected <!-- mine:NAME repo=REPO --> or <!-- /mine:NAME --> alone on its line)")
    attributes = dict(_ATTRIBUTE.findall(found[2]))
    unknown = sorted(set(attributes) - set(_VALUES))
    if unknown:
        raise MinerError(f"{origin}:{number}: unknown marker attribute {unknown[0]!r} (known: {', '.join(_VALUES)})")
    for name, value in attributes.items():
        if _VALUES[name] is not None and value not in _VALUES[name]:
            raise MinerError(f"{origin}:{number}: marker attribute {name}={value!r} not understood "
                             f"(known: {', '.join(f'{name}={v}' for v in _VALUES[name])})")
    return False, found[1], attributes


def _fence(fence: str | None, line: str) -> str | None:
    """The fence open after `line`: a fence closes on a line of at least as many of its characters."""
    found = _FENCE.match(line)
    if fence is None:
        return found[1] if found else None
    closes = found and found[1][0] == fence[0] and len(found[1]) >= len(fence) and not line[found.end():].strip()
    return None if closes else fence


def _ending(line: str) -> str:
    return "\r\n" if line.endswith("\r\n") else "\n"


def _rendered(block: Block, old: str, render: Render, known: tuple[str, ...] | None, origin: str) -> str:
    """The renderer's body for `block`, its failures turned into errors that name file and line."""
    where = f"{origin}:{block.line}"
    if known is not None and block.name not in known:
        raise MinerError(f"{where}: unknown section 'mine:{block.name}' (known: {', '.join(known)})")
    try:
        return render(block.name, block.repo, old)
    except KeyError as error:
        if error.args[:1] != (block.name,):
            raise MinerError(f"{where}: section 'mine:{block.name}' repo={block.repo or '(none)'}: "
                             f"missing {error} in the stored tables (re-run `mine analyze`)") from None
        listed = f" (known: {', '.join(known)})" if known else ""
        raise MinerError(f"{where}: unknown section 'mine:{block.name}'{listed}") from None
    except MinerError as error:
        raise MinerError(f"{where}: section 'mine:{block.name}' repo={block.repo or '(none)'}: {error}") from None


def _body(block: Block, old: str, new: str, human: tuple[str, ...], *, keep_rows: bool) -> str:
    """The new body in the file's line endings, with the old blank-line padding and the analyst's cells
    and rows kept."""
    old_lf = old.replace("\r\n", "\n")
    before = re.match(r"(?:[ \t]*\n)*", old_lf)[0]
    trailing = re.search(r"\n((?:[ \t]*\n)*)\Z", old_lf[len(before):])
    after = trailing[1] if trailing else ""
    content = new.replace("\r\n", "\n").strip("\n").rstrip()
    content = tables_only(content) if block.only == "table" else content
    content = carry_over(old_lf, content, human, keep_rows=keep_rows)
    body = before + content + "\n" + after if content else before + after
    return body.replace("\n", block.newline) if block.newline != "\n" else body


# -- tables ------------------------------------------------------------------

_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_MARK = re.compile(r"\s*<!--\s*kept\s*-->\s*$")


@dataclass(frozen=True)
class _Table:
    """A Markdown table in a body: its header cells, its rows as (line index, cells), and the lines it spans."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    start: int  # index of the header line
    stop: int  # index of the first line after the last row


def tables_only(body: str) -> str:
    """The Markdown tables of `body`, one blank line apart; `body` itself when it holds none."""
    lines = body.split("\n")
    tables = _tables(lines)
    return "\n\n".join("\n".join(lines[t.start:t.stop]) for t in tables) if tables else body


def carry_over(old: str, new: str, human: Iterable[str], *, keep_rows: bool = True) -> str:
    """`new` with the analyst's work in the Markdown tables of `old` carried into the same tables.

    Tables are paired by their header's first column (and their order among
    tables with that key column); rows by the text of their first cell, in
    order when a key repeats.  A paired row takes the `human` columns and the
    cells miner writes as unknown from its old row, when the old cell is not
    empty.  An old row left unpaired is kept after the row it followed (see
    the module docstring) when `keep_rows`, or when it carries the kept mark.
    """
    human = set(human)
    lines = new.split("\n")
    previous = _index(_tables(old.split("\n")))
    seen: dict[str, int] = {}
    merged, done = [], 0
    for table in _tables(lines):
        key = table.header[0]
        seen[key] = seen.get(key, -1) + 1
        match = previous.get((key, seen[key]))
        if match is None:
            continue
        merged += lines[done:table.start + 2] + _merged_rows(lines, table, match, human, keep_rows)
        done = table.stop
    return "\n".join(merged + lines[done:])


def _merged_rows(lines: list[str], table: _Table, old: _Table, human: set[str], keep_rows: bool) -> list[str]:
    """The lines of `table`'s rows with `old`'s cells carried over and its unpaired rows placed among them."""
    columns = _columns(table.header, old.header)
    pairs = _pairs(table, old)
    paired = {o: n for n, o in pairs.items()}
    after: dict[int, list[str]] = {}  # new row position (-1: above the first) -> kept rows that follow it
    anchor = -1
    for o, (_, cells) in enumerate(old.rows):
        if o in paired:
            anchor = paired[o]
        elif keep_rows or _marked(cells):
            laid = [cells[j] if j is not None and j < len(cells) else "" for j in columns]
            after.setdefault(anchor, []).append(_row(_unmarked(laid), marked=True))
    rows = list(after.get(-1, []))
    for n, (index, cells) in enumerate(table.rows):
        rows.append(_paired_row(lines[index], cells, old.rows[pairs[n]][1], table.header, columns, human)
                    if n in pairs else lines[index])
        rows += after.get(n, [])
    return rows


def _columns(header: tuple[str, ...], old: tuple[str, ...]) -> list[int | None]:
    """For each new column, the old column holding its cells: the one of its name, else a renamed one in its
    place ("Crates" became "Packages" when a second ecosystem arrived); None when the old table had none."""
    def source(i: int, name: str) -> int | None:
        if name in old:
            return old.index(name)
        return i if i < len(old) and old[i] not in header else None
    return [source(i, name) for i, name in enumerate(header)]


def _pairs(table: _Table, old: _Table) -> dict[int, int]:
    """New row position -> old row position, each old row used once, first come first paired; first cells
    are compared as the text they say (a report written before miner escaped `<` still pairs)."""
    waiting: dict[str, list[int]] = {}
    for o, (_, cells) in enumerate(old.rows):
        waiting.setdefault(plain_text(_unmarked(cells)[0]), []).append(o)
    pairs = {}
    for n, (_, cells) in enumerate(table.rows):
        key = plain_text(cells[0])
        if waiting.get(key):
            pairs[n] = waiting[key].pop(0)
    return pairs


def _paired_row(line: str, cells: tuple[str, ...], old: tuple[str, ...], header: tuple[str, ...],
                columns: list[int | None], human: set[str]) -> str:
    """Miner's row with the old row's human cells, and its old cells where miner's say unknown (marked)."""
    old = _unmarked(old)
    kept, filled = list(cells), False
    for i, j in enumerate(columns):
        if i == 0 or i >= len(kept) or j is None or j >= len(old) or not old[j]:
            continue
        if header[i] in human:
            kept[i] = old[j]
        elif kept[i] == UNKNOWN and old[j] != UNKNOWN:
            kept[i], filled = old[j], True
    return _row(kept, marked=filled) if filled or tuple(kept) != cells else line


def _row(cells: list[str], *, marked: bool) -> str:
    if marked:
        cells = [*cells[:-1], f"{cells[-1]} {KEPT}".lstrip()]
    return "| " + " | ".join(cells) + " |"


def _marked(cells: tuple[str, ...]) -> bool:
    return any(_MARK.search(cell) for cell in cells)


def _unmarked(cells: Iterable[str]) -> list[str]:
    return [_MARK.sub("", cell) for cell in cells]


def _tables(lines: list[str]) -> list[_Table]:
    """Every pipe table in `lines`: a header row, a rule row, then rows until a line without a pipe."""
    tables, i = [], 0
    while i + 1 < len(lines):
        if "|" in lines[i] and _RULE.match(lines[i + 1]) and "-" in lines[i + 1]:
            header, rows, j = _cells(lines[i]), [], i + 2
            while j < len(lines) and "|" in lines[j] and lines[j].strip():
                rows.append((j, _cells(lines[j])))
                j += 1
            tables.append(_Table(header, tuple(rows), i, j))
            i = j
        else:
            i += 1
    return tables


def _index(tables: list[_Table]) -> dict[tuple[str, int], _Table]:
    found: dict[tuple[str, int], _Table] = {}
    counts: dict[str, int] = {}
    for table in tables:
        counts[table.header[0]] = counts.get(table.header[0], -1) + 1
        found[(table.header[0], counts[table.header[0]])] = table
    return found


def _cells(line: str) -> tuple[str, ...]:
    """The cells of a table row, split at unescaped pipes; escapes stay as written."""
    text = line.strip()
    text = text[1:] if text.startswith("|") else text
    text = text[:-1] if text.endswith("|") and not text.endswith("\\|") else text
    return tuple(cell.strip() for cell in re.split(r"(?<!\\)\|", text))


# -- files -------------------------------------------------------------------

def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as error:
        raise MinerError(f"{path}: cannot read report: {error.strerror}") from None
    except UnicodeDecodeError as error:
        line = path.read_bytes()[:error.start].count(b"\n") + 1
        raise MinerError(f"{path}:{line}: not UTF-8 text") from None


def _write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file in the same directory, so a reader never sees half a report."""
    target = Path(os.path.realpath(path))
    mode = stat.S_IMODE(target.stat().st_mode)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _unified_diff(path: Path, old: str, new: str) -> str:
    """A unified diff as git prints it, including its note on a last line without a newline."""
    lines = difflib.unified_diff(_lines(old), _lines(new), str(path), str(path))
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
