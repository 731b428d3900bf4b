"""Go modules and go.work workspaces, as the go command sees them, read from git objects.

The go command decides a directory's workspace by walking up to the nearest
`go.work`: if there is one, its `use` directives name the workspace's modules
(each a directory holding a `go.mod`, relative to the `go.work`), and a module
below it that it does not use belongs to nobody (go refuses to run there);
a module with no `go.work` above it is a workspace of one.  A package here is
a module: its name the `module` path, its version empty (go.mod has none).

An internal edge is a direct `require` of another member's module path, or
of a path that a `replace` (of the go.work, which wins, or of the module's own
go.mod) sends to a local directory holding a member.  `// indirect` requires
are left out: they pin versions for the module graph and say nothing about
the code of the module that lists them.

The files are parsed as `golang.org/x/mod/modfile` parses them (`Parse`, the
strict mode `go mod edit` uses): `//` comments, one directive per line or
`verb (` ... `)` blocks, interpreted `"..."` strings, canonical `v1.2.3`
versions, `replace old [version] => new [version]` where a new path starting
with `./`, `../` or `/` is a directory.  An error anywhere makes the file
unusable, as it does for go, and becomes a warning naming it; other files and
workspaces are read as usual.  Parsed files are cached by blob id, whole
results by tree id.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, replace

from miner.ecosystems import manifests as mf
from miner.model.packages import Dependency, Package, Workspace
from miner.model.repopaths import join, parent, under
from miner.sources.trees import Found, TreeView
from miner.store.cache import Cache

MOD, WORK = "go.mod", "go.work"
# Bump a version when the cached value's shape or meaning changes.
MOD_KIND = "go-mod-v1"
WORK_KIND = "go-work-v1"
WORKSPACES_KIND = "go-workspaces-v1"
# cmd/go/internal/gover: the go version a file without a `go` line is taken to say, and the first version
# whose `go` line is a requirement rather than a hint.
DEFAULT_GO_MOD_VERSION, DEFAULT_GO_WORK_VERSION, STRICT_GO_VERSION = "1.16", "1.18", "1.21"


class Go:
    """go.mod modules and go.work workspaces."""

    name = "go"
    language = "Go"
    manifests = frozenset({MOD, WORK})

    def workspaces(self, tree: TreeView, found: Found, cache: Cache) -> list[Workspace]:
        """Every go.work workspace and standalone module in `tree`, ordered by root."""
        return mf.cached_workspaces(tree, cache, WORKSPACES_KIND, lambda: _Reader(tree, found, cache).workspaces())


GO = Go()


class _Reader:
    """One tree's go.mod and go.work files and the workspaces the go command would make of them."""

    def __init__(self, tree: TreeView, found: Found, cache: Cache):
        self.links = found.links(MOD) + found.links(WORK)
        self.mods = {parent(path): mf.cached_facts(tree, path, cache, MOD_KIND, parse_mod) for path in found.paths(MOD)}
        self.works = {parent(path): mf.cached_facts(tree, path, cache, WORK_KIND, parse_work)
                      for path in found.paths(WORK)}
        self.problems: list[tuple[str, str]] = []

    def workspaces(self) -> list[Workspace]:
        self.problems += [(path, f"{posixpath.basename(path)} is a symbolic link; not followed") for path in self.links]
        for files, name in ((self.mods, MOD), (self.works, WORK)):
            self.problems += [(_path(d, name), facts["error"]) for d, facts in files.items() if "error" in facts]
        built = {root: self._workspace(root) for root, facts in self.works.items() if "error" not in facts}
        for directory in self.mods:
            if not any(under(directory, root) for root in self.works) and self._module(directory):
                built[directory] = Workspace(directory, (self._package(directory),), ecosystem=GO.name)
        return mf.with_problems(built, self.problems, GO.name)

    def _workspace(self, root: str) -> Workspace:
        packages, problems = mf.duplicate_names([self._package(d) for d in self._used(root)])
        self.problems += problems
        members = {package.path: package.name for package in packages}
        self.problems += [(_path(root, WORK), f"workspace module {old} is replaced at all versions in the go.work file")
                          for old, old_version, _, _ in self.works[root]["replaces"]
                          if not old_version and old in members.values()]
        self.problems += self._too_old(root, list(members))
        packages = [replace(p, dependencies=self._edges(p.path, members, root)) for p in packages]
        return Workspace(root, tuple(sorted(packages, key=lambda p: p.path)), ecosystem=GO.name)

    def _too_old(self, root: str, dirs: list[str]) -> list[tuple[str, str]]:
        """go refuses a workspace whose go.work `go` version is below a member's (from go 1.21 on)."""
        declared = self.works[root]["go"]
        work = declared or DEFAULT_GO_WORK_VERSION
        verb = "lists" if declared else "implicitly requires"
        return [(_path(root, WORK), f"module {d or '.'} listed in go.work requires go >= {version}, but go.work {verb} go {work}")
                for d in dirs
                if _go_order(version := self.mods[d]["go"] or DEFAULT_GO_MOD_VERSION) > _go_order(work)
                and _go_order(version) >= _go_order(STRICT_GO_VERSION)]

    def _used(self, root: str) -> list[str]:
        """The directories of the go.work's `use` directives that hold a usable module, in order, once each."""
        manifest, dirs = _path(root, WORK), []
        for use in self.works[root]["uses"]:
            directory = join(root, use)
            if directory is None:
                self.problems.append((manifest, f"use {use!r} leaves the repository"))
            elif directory in dirs:
                self.problems.append((manifest, f"use {use!r} appears more than once"))
            elif directory not in self.mods:
                if _path(directory, MOD) not in self.links:
                    self.problems.append((manifest, f"use {use!r}: no go.mod in that directory"))
            elif self._module(directory):
                dirs.append(directory)
        return dirs

    def _module(self, directory: str) -> bool:
        """Whether the go.mod in `directory` parsed and names its module; a problem when it names none."""
        facts = self.mods[directory]
        if "error" in facts:
            return False
        if facts["module"] is None:
            self.problems.append((_path(directory, MOD), "go.mod has no module directive"))
            return False
        return True

    def _package(self, directory: str) -> Package:
        return Package(self.mods[directory]["module"], directory, _path(directory, MOD), "", None, (), GO.name)

    def _edges(self, directory: str, members: dict[str, str], root: str) -> tuple[Dependency, ...]:
        """Direct requires of member paths, or of paths replaced by a member's directory."""
        facts, name = self.mods[directory], self.mods[directory]["module"]
        paths = set(members.values())
        replaces = _replacements(directory, facts["replaces"]) | _replacements(root, self.works[root]["replaces"])
        edges = set()
        for path, version, indirect in facts["requires"]:
            if indirect or path == name:
                continue
            if path in paths:
                edges.add(Dependency(path))
                continue
            local = replaces.get((path, version), replaces.get((path, "")))
            if local in members:
                self.problems.append((_path(directory, MOD), f"{path} is replaced by {local!r}, whose module is {members[local]}"))
                edges.add(Dependency(members[local]))
        return tuple(sorted(edges, key=lambda d: d.name))


def _go_order(version: str) -> tuple[int, ...]:
    """A sort key for go versions as `gover.Compare` orders them: 1.20 = 1.20.0, but 1.21 < 1.21rc1 < 1.21.0."""
    match = re.fullmatch(r"([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?([a-z]*)([0-9]*)", version)
    if match is None:
        return (-1, -1, -1, "", -1)
    major, minor, patch, kind, pre = match.groups()
    if patch is None:  # a missing patch is 0 before 1.21 (and in "1"), and sorts below 0 from 1.21 on
        patch = "0" if minor is None or (not kind and int(minor) < 21) else "-1"
    return (int(major), int(minor or 0), int(patch), kind, int(pre) if pre else -1)


def _replacements(base: str, replaces: list[list[str]]) -> dict[tuple[str, str], str | None]:
    """(old path, old version or "") -> the repository directory a directory replacement points to."""
    return {(old, old_version): join(base, new) for old, old_version, new, _ in replaces if is_directory_path(new)}


def _path(directory: str, name: str) -> str:
    return posixpath.join(directory, name) if directory else name


# Parsing: golang.org/x/mod/modfile ------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<space>[ \t\r]+)
  | (?P<comment>//[^\n]*\n?)
  | (?P<slashstar>/\*)
  | (?P<newline>\n)
  | (?P<punct>[()\[\]{},])
  | (?P<string>"(?:[^"\\\n]|\\[^\n])*"|`[^`\n]*`)
  | (?P<quote>["`])
  | (?P<ident>[^\s()\[\]{},"`](?:(?!//|/\*)[^\s()\[\]{},])*)
""", re.VERBOSE)
_GO_VERSION = re.compile(r"[1-9][0-9]*\.(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))?(?:[a-z]+[0-9]+)?")
_TOOLCHAIN = re.compile(r"default|go1(?:\..*)?", re.DOTALL)
_NUMBER = r"(?:0|[1-9][0-9]*)"
_PRERELEASE_PART = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_SEMVER = re.compile(rf"v({_NUMBER})(?:\.({_NUMBER})(?:\.({_NUMBER})(-{_PRERELEASE_PART}(?:\.{_PRERELEASE_PART})*)?"
                     r"(\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?)?")
_ESCAPES = r'\\(?:[abfnrtv\\"]|x[0-9A-Fa-f]{2}|[0-7]{3}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})'
_QUOTED = re.compile(rf'"(?:[^\\"]|{_ESCAPES})*"')
_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", '"': '"'}
_MOD_BLOCKS = frozenset({"module", "godebug", "require", "exclude", "replace", "retract", "tool", "ignore"})
_WORK_BLOCKS = frozenset({"godebug", "use", "replace"})


class _SyntaxError(Exception):
    """A go.mod or go.work error, as `file:line: message`."""


@dataclass(frozen=True)
class _Line:
    """One directive: its verb, arguments, the `//` comment ending its line, and where it is."""

    verb: str
    args: list[str]
    comment: str
    line: int


def parse_mod(data: bytes, name: str = MOD) -> dict:
    """The module path, requires [path, version, indirect] and replaces [old, old version, new, new version]
    of a go.mod, or {"error": why}; unknown directives and malformed lines are errors, as in `modfile.Parse`."""
    found: dict = {"module": None, "go": None, "requires": [], "replaces": []}
    return _interpret(data, name, _MOD_BLOCKS, found, _mod_directive)


def parse_work(data: bytes, name: str = WORK) -> dict:
    """The `use` directories and replaces of a go.work, or {"error": why}, as `modfile.ParseWork` reads them."""
    found: dict = {"go": None, "uses": [], "replaces": []}
    return _interpret(data, name, _WORK_BLOCKS, found, _work_directive)


def _interpret(data: bytes, name: str, blocks: frozenset[str], found: dict, directive) -> dict:
    try:
        lines = _lines(data.decode("utf-8"), name, blocks)
        seen: set[str] = set()
        for line in lines:
            if line.verb in ("module", "go", "toolchain"):
                if line.verb in seen:
                    raise _SyntaxError(f"{name}:{line.line}: repeated {line.verb} statement")
                seen.add(line.verb)
            directive(line, found, f"{name}:{line.line}")
    except UnicodeDecodeError as error:
        return {"error": f"{name} is not UTF-8: {error}"}
    except _SyntaxError as error:
        return {"error": str(error)}
    return found


def _mod_directive(line: _Line, found: dict, where: str) -> None:
    verb, args = line.verb, line.args
    if verb == "module":
        found["module"] = _string(_one(line, where, "usage: module module/path"), where)
    elif verb in ("require", "exclude"):
        if len(args) != 2:
            raise _SyntaxError(f"{where}: usage: {verb} module/path v1.2.3")
        path = _string(args[0], where)
        version = _version(verb, path, args[1], where, major_of=path)
        if verb == "require":
            found["requires"].append([path, version, _is_indirect(line.comment)])
    elif verb == "replace":
        found["replaces"].append(_replace(line, where))
    elif verb in ("tool", "ignore"):
        _string(_one(line, where, f"{verb} directive expects exactly one argument"), where)
    elif verb != "retract":
        _common_directive(line, where, found)


def _work_directive(line: _Line, found: dict, where: str) -> None:
    if line.verb == "use":
        found["uses"].append(_string(_one(line, where, "usage: use local/dir"), where))
    elif line.verb == "replace":
        found["replaces"].append(_replace(line, where))
    else:
        _common_directive(line, where, found)


def _common_directive(line: _Line, where: str, found: dict) -> None:
    """`go`, `toolchain` and `godebug`, checked as modfile checks them; any other verb is unknown."""
    if line.verb == "go":
        found["go"] = _one(line, where, "go directive expects exactly one argument")
        if not _GO_VERSION.fullmatch(found["go"]):
            raise _SyntaxError(f"{where}: invalid go version '{line.args[0]}': must match format 1.23.0")
    elif line.verb == "toolchain":
        if not _TOOLCHAIN.fullmatch(_one(line, where, "toolchain directive expects exactly one argument")):
            raise _SyntaxError(f"{where}: invalid toolchain version '{line.args[0]}': must match format go1.23.0 or default")
    elif line.verb == "godebug":
        if len(line.args) != 1 or any(c in line.args[0] for c in "\"`',") or "=" not in line.args[0]:
            raise _SyntaxError(f"{where}: usage: godebug key=value")
    else:
        raise _SyntaxError(f"{where}: unknown directive: {line.verb}")


def _replace(line: _Line, where: str) -> list[str]:
    """modfile's `parseReplace`: `old [v] => new [v]`; a new path without version must be a directory."""
    args = line.args
    arrow = 1 if len(args) >= 2 and args[1] == "=>" else 2
    if len(args) < arrow + 2 or len(args) > arrow + 3 or args[arrow] != "=>":
        raise _SyntaxError(f"{where}: usage: replace module/path [v1.2.3] => other/module v1.4 "
                           "or replace module/path [v1.2.3] => ../local/directory")
    old = _string(args[0], where)
    _path_major(old, "replace", where)
    old_version = _version("replace", old, args[1], where, major_of=old) if arrow == 2 else ""
    new = _string(args[arrow + 1], where)
    new_version = ""
    if len(args) == arrow + 2:
        if not is_directory_path(new):
            raise _SyntaxError(f"{where}: replacement module without version must be directory path "
                               "(rooted or starting with . or ..)")
        if "\\" in new:
            raise _SyntaxError(f"{where}: replacement directory appears to be Windows path (on a non-windows system)")
    else:
        new_version = _version("replace", new, args[arrow + 2], where)
        if is_directory_path(new):
            raise _SyntaxError(f"{where}: replacement module directory path {new!r} cannot have version")
    return [old, old_version, new, new_version]


def is_directory_path(path: str) -> bool:
    """modfile's `IsDirectoryPath`: `.`, `..`, `./x`, `../x`, rooted and drive paths, in either slash."""
    return (path in (".", "..") or path.startswith(("./", ".\\", "../", "..\\", "/", "\\"))
            or len(path) >= 2 and path[0].isascii() and path[0].isalpha() and path[1] == ":")


def _one(line: _Line, where: str, usage: str) -> str:
    if len(line.args) != 1:
        raise _SyntaxError(f"{where}: {usage}")
    return line.args[0]


def _version(verb: str, path: str, version: str, where: str, major_of: str | None = None) -> str:
    """A version as `modfile.Parse` without a fixer takes it: any semantic version, made canonical (`v1.2` is
    `v1.2.0`, build metadata dropped but `+incompatible`); with `major_of` (the module path it versions), its
    major version must agree with the path's `/vN` suffix as `module.CheckPathMajor` has it."""
    text = _string(version, where)
    match = _SEMVER.fullmatch(text)
    if match is None:
        raise _SyntaxError(f"{where}: {verb} {path}: version {text!r} invalid: must be of the form v1.2.3")
    major, minor, patch, prerelease, build = match.groups()
    incompatible = build == "+incompatible"
    canonical = f"v{major}.{minor or 0}.{patch or 0}{prerelease or ''}{'+incompatible' if incompatible else ''}"
    if major_of is not None:
        wanted = _path_major(major_of, verb, where).removesuffix("-unstable")
        if not (canonical.startswith("v0.0.0-") and wanted == ".v1"):
            if (wanted == "" and major not in ("0", "1") and not incompatible) or (wanted and wanted[2:] != major):
                should = wanted[1:] if wanted else "v0 or v1"
                raise _SyntaxError(f"{where}: {verb} {path}: version {canonical!r} invalid: should be {should}, not v{major}")
    return canonical


def _path_major(path: str, verb: str, where: str) -> str:
    """`module.SplitPathVersion`'s major suffix of a module path ("", "/v2", ".v3" for gopkg.in); an error for
    a path whose suffix is malformed (`/v1`, `/v02`, `/v2.1`, a gopkg.in path without `.vN`)."""
    if path.startswith("gopkg.in/"):
        match = re.search(r"\.v([0-9]+)(?:-unstable)?$", path)
        if match is None or (match.group(1).startswith("0") and match.group(1) != "0"):
            raise _SyntaxError(f"{where}: {verb} {path}: invalid module path")
        return match.group()
    match = re.search(r"/v([0-9.]+)$", path)
    if match is None or len(path) - len(match.group()) < 1:
        return ""
    digits = match.group(1)
    if "." in digits or digits.startswith("0") or digits == "1":
        raise _SyntaxError(f"{where}: {verb} {path}: invalid module path")
    return match.group()


def _is_indirect(comment: str) -> bool:
    """modfile's `isIndirect`: the line's comment is `// indirect`, or starts `// indirect;`."""
    fields = comment.removeprefix("//").split()
    return fields == ["indirect"] or len(fields) > 1 and fields[0] == "indirect;"


def _string(token: str, where: str) -> str:
    """modfile's `parseString`: a `"..."` token unquoted as Go does; other quotes are errors."""
    if token.startswith('"'):
        if not _QUOTED.fullmatch(token):
            raise _SyntaxError(f"{where}: invalid quoted string: {token}")
        return re.sub(_ESCAPES, _unescape, token[1:-1])
    if any(quote in token for quote in "\"'`"):
        raise _SyntaxError(f"{where}: invalid quoted string: unquoted string cannot contain quote")
    return token


def _unescape(match: re.Match) -> str:
    escape = match.group()[1:]
    if escape[0] in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[escape[0]]
    if escape[0] in "xuU":
        return chr(int(escape[1:], 16))
    return chr(int(escape, 8))


def _lines(text: str, name: str, blocks: frozenset[str]) -> list[_Line]:
    """Directives in file order, blocks flattened to one line per entry under the block's verb."""
    tokens = _tokens(text, name)
    lines, index = [], 0
    while index < len(tokens):
        kind, value, number = tokens[index]
        if kind == "eol":
            index += 1
            continue
        words, comment, index, block = _statement(tokens, index, name)
        if block is None:
            lines.append(_Line(words[0], words[1:], comment, number))
            continue
        if len(words) != 1 or words[0] not in blocks:
            raise _SyntaxError(f"{name}:{number}: unknown block type: {' '.join(words)}")
        lines += [_Line(words[0], entry, comment, line) for entry, comment, line in block]
    return lines


def _statement(tokens: list, index: int, name: str) -> tuple[list[str], str, int, list | None]:
    """The words of the statement at `index`, the comment ending its line, the index after it, and the
    entries of its block when it opens one (`verb (` then a newline; `verb ( )` is an empty block)."""
    words = []
    while True:
        kind, value, number = tokens[index] if index < len(tokens) else ("eol", "", 0)
        if kind == "eol":
            return words, value, index + 1, None
        following = [token[0] for token in tokens[index + 1:index + 3]] + ["eol", "eol"]
        if kind == "(" and following[0] == "eol":
            block, index = _block(tokens, index + 2, name, number)
            return words, "", index, block
        if kind == "(" and following[0] == ")" and following[1] == "eol":
            return words, "", index + 3, []
        words.append(value)
        index += 1


def _block(tokens: list, index: int, name: str, start: int) -> tuple[list, int]:
    """The entries of a block (words, comment, line) and the index after its closing `)` line."""
    entries = []
    while True:
        if index >= len(tokens):
            raise _SyntaxError(f"{name}:{start}: syntax error (unterminated block)")
        kind, value, number = tokens[index]
        if kind == "eol":
            index += 1
        elif kind == ")":
            if index + 1 < len(tokens) and tokens[index + 1][0] != "eol":
                raise _SyntaxError(f"{name}:{number}: syntax error (expected newline after closing paren)")
            return entries, index + 2
        else:
            words = []
            while index < len(tokens) and tokens[index][0] != "eol":
                words.append(tokens[index][1])
                index += 1
            comment = tokens[index][1] if index < len(tokens) else ""
            entries.append((words, comment, number))
            index += 1


def _tokens(text: str, name: str) -> list[tuple[str, str, int]]:
    """(kind, text, line) for every token; kind "eol" for a newline or a `//` comment (text: the comment),
    "(" and ")" for parentheses, "word" for the rest."""
    tokens, line, index = [], 1, 0
    while index < len(text):
        match = _TOKEN.match(text, index)
        if match is None:
            raise _SyntaxError(f"{name}:{line}: unexpected input character {text[index]!r}")
        kind, value = match.lastgroup, match.group()
        if kind == "slashstar":
            raise _SyntaxError(f"{name}:{line}: mod files must use // comments (not /* */ comments)")
        if kind == "quote":
            raise _SyntaxError(f"{name}:{line}: unexpected newline or end of file in string")
        if kind in ("comment", "newline"):
            tokens.append(("eol", value.rstrip("\r\n"), line))
        elif kind != "space":
            tokens.append((value if value in "()" and kind == "punct" else "word", value, line))
        line += value.count("\n")
        index = match.end()
    return tokens
