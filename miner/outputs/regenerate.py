"""Regenerating the marked sections of a hand-written Markdown report in place.

A report mixes an analyst's prose with tables miner computes.  `mine report`
wraps each computed block in markers (`<!-- mine:architecture repo=codex -->`
... `<!-- /mine:architecture -->`, see `miner.outputs.report.section`), and this
module replaces only what lies between them: every byte outside the markers,
line endings included, stays as the author wrote it.  Inside a regenerated
table the columns people write (`Purpose`, `What it tells us`) keep their old
text row by row, matched by the first column, so a refresh updates the counts
without erasing the commentary.  Any problem with the markers is reported with
the file and line before anything is written.
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

from miner.errors import MinerError
from miner.outputs.report import Rendered

Render = Callable[[str, str, str], str]
"""(section name, repo, old body) -> new body; raises KeyError for an unknown section name."""

HUMAN_COLUMNS = ("Purpose", "What it tells us")
"""Table columns an analyst writes: their old text survives a regeneration."""


@dataclass(frozen=True)
class Block:
    """One marked section: where its body starts and ends in the file, and what it asks for."""

    name: str
    repo: str
    line: int  # 1-based line of the opening marker
    start: int  # offset of the body's first character
    end: int  # offset of the closing marker's line
    newline: str  # the line ending of the opening marker, used for the new body


@dataclass(frozen=True)
class Outcome:
    """What `regenerate_file` did: whether the file was (or would be) changed, and the diff."""

    path: Path
    sections: int
    changed: bool
    written: bool
    diff: str = ""


def regenerate(text: str, render: Render, *, known: Iterable[str] | None = None,
               human: Iterable[str] = HUMAN_COLUMNS, origin: str = "<text>") -> str:
    """`text` with every marked section's body replaced by what `render` returns.

    `known` lists the section names the renderer can produce, for an error that
    names them; `human` the table columns whose old text is kept; `origin`
    names the file in error messages.
    """
    known = tuple(known) if known is not None else None
    human = tuple(human)
    parts, done = [], 0
    for block in find_blocks(text, origin):
        old = text[block.start:block.end]
        new = _body(block, old, _rendered(block, old, render, known, origin), human)
        parts += [text[done:block.start], new]
        done = block.end
    return "".join(parts) + text[done:]


def regenerate_file(path: str | Path, render: Render, *, check: bool = False, diff: bool = False,
                    known: Iterable[str] | None = None, human: Iterable[str] = HUMAN_COLUMNS) -> Outcome:
    """Regenerate the report at `path` in place, atomically, unless `check` or `diff` asks for a dry run.

    With `check` or `diff` nothing is written; the outcome says whether the
    file is out of date (the CLI exits non-zero on it under `--check`) and,
    with `diff`, holds the unified diff of what would change.
    """
    path = Path(path)
    text = _read(path)
    new = regenerate(text, render, known=known, human=human, origin=str(path))
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
        closing, name, repo = marker
        if not closing and open_ is not None:
            raise MinerError(f"{origin}:{number}: marker 'mine:{name}' nested inside 'mine:{open_[0]}' "
                             f"opened at line {open_[2]}; close it first with <!-- /mine:{open_[0]} -->")
        if not closing:
            open_ = (name, repo, number, offset, _ending(line))
        elif open_ is None:
            raise MinerError(f"{origin}:{number}: closing marker '/mine:{name}' without an opening marker")
        elif name != open_[0]:
            raise MinerError(f"{origin}:{number}: closing marker '/mine:{name}' does not match "
                             f"'mine:{open_[0]}' opened at line {open_[2]}")
        else:
            blocks.append(Block(open_[0], open_[1], open_[2], open_[3], offset - len(line), open_[4]))
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
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")


def _lines(text: str) -> list[str]:
    """The lines of `text` with their endings, split on newlines only (CR stays with its line)."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def _marker(line: str, origin: str, number: int) -> tuple[bool, str, str] | None:
    """(closing, name, repo) when `line` is a marker line; None for any other line."""
    if not _MARKER_START.match(line):
        return None
    if found := _CLOSING.match(line):
        return True, found[1], ""
    found = _OPENING.match(line)
    if not found:
        raise MinerError(f"{origin}:{number}: malformed marker {line.strip()!r} "
                         "(expected <!-- mine:NAME repo=REPO --> or <!-- /mine:NAME --> alone on its line)")
    attributes = dict(_ATTRIBUTE.findall(found[2]))
    unknown = sorted(set(attributes) - {"repo"})
    if unknown:
        raise MinerError(f"{origin}:{number}: unknown marker attribute {unknown[0]!r} (known: repo)")
    return False, found[1], attributes.get("repo", "")


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


def _body(block: Block, old: str, new: str, human: tuple[str, ...]) -> str:
    """The new body in the file's line endings, with the old blank-line padding and human cells kept."""
    old_lf = old.replace("\r\n", "\n")
    before = re.match(r"(?:[ \t]*\n)*", old_lf)[0]
    trailing = re.search(r"\n((?:[ \t]*\n)*)\Z", old_lf[len(before):])
    after = trailing[1] if trailing else ""
    content = new.replace("\r\n", "\n").strip("\n").rstrip()
    content = carry_over(old_lf, content, human) if human else content
    body = before + content + "\n" + after if content else before + after
    return body.replace("\n", block.newline) if block.newline != "\n" else body


# -- tables ------------------------------------------------------------------

_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


@dataclass(frozen=True)
class _Table:
    """A Markdown table in a body: its header cells and its rows as (line index, cells)."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]


def carry_over(old: str, new: str, human: Iterable[str]) -> str:
    """`new` with the `human` columns of its Markdown tables filled from the same rows of `old`.

    Tables are paired by their header's first column (and their order among
    tables with that key column); rows by the text of their first cell.  An
    old cell that is empty never replaces a new one.
    """
    human = set(human)
    lines = new.split("\n")
    previous = _index(_tables(old.split("\n")))
    seen: dict[str, int] = {}
    for table in _tables(lines):
        key = table.header[0]
        seen[key] = seen.get(key, -1) + 1
        match = previous.get((key, seen[key]))
        columns = [i for i, column in enumerate(table.header) if column in human and i > 0]
        if match is None or not columns:
            continue
        for index, cells in table.rows:
            kept = _kept_cells(cells, match, table.header, columns)
            if kept != cells:
                lines[index] = "| " + " | ".join(kept) + " |"
    return "\n".join(lines)


def _kept_cells(cells: tuple[str, ...], old: _Table, header: tuple[str, ...], columns: list[int]) -> tuple[str, ...]:
    row = next((c for _, c in old.rows if c and cells and c[0] == cells[0]), None)
    if row is None:
        return cells
    kept = list(cells)
    for i in columns:
        if header[i] in old.header:
            j = old.header.index(header[i])
            if j < len(row) and row[j] and i < len(kept):
                kept[i] = row[j]
    return tuple(kept)


def _tables(lines: list[str]) -> list[_Table]:
    """Every pipe table in `lines`: a header row, a rule row, then rows until a line without a pipe."""
    tables, i = [], 0
    while i + 1 < len(lines):
        if "|" in lines[i] and _RULE.match(lines[i + 1]) and "-" in lines[i + 1]:
            header, rows, j = _cells(lines[i]), [], i + 2
            while j < len(lines) and "|" in lines[j] and lines[j].strip():
                rows.append((j, _cells(lines[j])))
                j += 1
            tables.append(_Table(header, tuple(rows)))
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
