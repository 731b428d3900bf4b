"""Contributor identities: one canonical person, bot or coding agent per author.

A history names the same contributor in many ways: several e-mails, an old and
a new spelling of a name, a GitHub no-reply address, upper-case e-mails, and
coding agents that sign as "Claude Opus 4.6 (1M context)" one day and "Claude"
the next.  Counting raw (name, e-mail) pairs overstates the people and hides the
agents, so every pair goes through `IdentityResolver.resolve` first.

Joining needs the whole list of pairs (two e-mails are the same person only
because some commit shows the same name with both), so the resolver is built
from every (name, e-mail) the repository shows once, clusters them, and then
answers each `resolve` with a dictionary look-up.  The order of the pairs never
changes the result.  The repository's `.mailmap` is applied first, with git's
own rules (see `Mailmap`); bots and agents come from the catalog in
`miner/data/bots.toml`.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pygit2

from miner.store.cache import Cache
from miner.catalogs.toml import read_toml, string_list
from miner.errors import MinerError
from miner.model.patterns import Pattern, compile_pattern

PERSON, BOT, AGENT = "person", "bot", "agent"


@dataclass(frozen=True)
class Identity:
    """A canonical contributor; equal identities are the same contributor."""

    key: str
    name: str
    email: str
    kind: str
    login: str = ""


@dataclass(frozen=True)
class Attribution:
    """Who wrote one commit: its author and the co-authors its message credits."""

    author: Identity
    co_authors: tuple[Identity, ...] = ()

    def contributors(self) -> tuple[Identity, ...]:
        """Author first, then each distinct co-author that is not the author."""
        seen = {self.author.key}
        found = [self.author]
        for other in self.co_authors:
            if other.key not in seen:
                seen.add(other.key)
                found.append(other)
        return tuple(found)


@dataclass(frozen=True)
class AgentShare:
    """How much of a history people, bots and coding agents wrote.

    `with_agent` counts commits an agent authored or co-authored; `per_agent`
    gives that count per agent name, most active first.
    """

    commits: int
    by_people: int
    by_bots: int
    by_agents: int
    with_agent: int
    per_agent: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class CatalogEntry:
    """One bot or agent of the catalog and the spellings it goes by."""

    id: str
    name: str
    kind: str
    emails: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    logins: frozenset[str] = frozenset()
    name_patterns: tuple[Pattern, ...] = ()


class Catalog:
    """Bots, agents and generic names, as listed in a bots.toml file."""

    def __init__(self, data: dict):
        generic = _table(data, "generic")
        self.generic_names = frozenset(normal_name(n) for n in _strings(generic, "names", "[generic]"))
        self.generic_emails = frozenset(e.lower() for e in _strings(generic, "emails", "[generic]"))
        self.entries = tuple(
            _entry(entry_id, fields, kind)
            for kind, table in ((AGENT, "agents"), (BOT, "bots"))
            for entry_id, fields in _table(data, table).items()
        )
        self._by_email = _index(self.entries, "emails")
        self._by_name = _index(self.entries, "names")
        self._by_login = _index(self.entries, "logins")
        # One pass over a name finds whether any entry's pattern can match: most names match none.
        patterns = [p.pattern for e in self.entries for p in e.name_patterns]
        self._name_screen = compile_pattern("|".join(f"(?:{p})" for p in patterns), ignore_case=True) if patterns else None

    @classmethod
    def load(cls, path: str | Path | None = None) -> Catalog:
        """The catalog at `path`, or the one shipped with miner."""
        origin, _, data = read_toml(path, "bots.toml", "bot and agent catalog")
        try:
            return cls(data)
        except ValueError as error:
            raise MinerError(f"{origin}: {error}") from None

    def match(self, name: str, email: str, login: str) -> CatalogEntry | None:
        """The bot or agent a pair belongs to; agents win over bots."""
        key_name = normal_name(name)
        found = [
            self._by_email.get(email.lower()),
            self._by_name.get(key_name),
            self._by_login.get(login.lower()),
            self._by_login.get(key_name),
        ]
        if self._name_screen is not None and self._name_screen.search(name):
            found += [e for e in self.entries if any(p.search(name) for p in e.name_patterns)]
        hits = [entry for entry in found if entry is not None]
        agents = [entry for entry in hits if entry.kind == AGENT]
        return (agents or hits or [None])[0]


class Mailmap:
    """A `.mailmap`, applied the way git applies it.

    pygit2's `Mailmap` (libgit2) matches commit e-mails case-sensitively, while
    git matches both the e-mail and the old name case-insensitively; reports
    must agree with `git log --format=%aN`, so the rules are git's (mailmap.c):
    the last line wins, a line with an old name only applies to that name, and a
    simple line fills in whatever the name-specific lines leave unset.
    """

    def __init__(self, lines: Iterable[tuple[str | None, str, str | None, str | None]] = ()):
        self.lines = tuple(lines)
        self._simple: dict[str, list[str | None]] = {}
        self._named: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        for proper_name, proper_email, old_name, old_email in self.lines:
            self._add(proper_name, proper_email, old_name, old_email)

    @classmethod
    def parse(cls, text: str) -> Mailmap:
        """Every mapping line of a .mailmap, as (proper name, proper e-mail, old name, old e-mail).

        An absent part is None; an old e-mail may be empty (`<>`), a proper one may not.
        """
        return cls(filter(None, map(_mailmap_line, text.splitlines())))

    def map(self, name: str, email: str) -> tuple[str, str]:
        """The (name, e-mail) git shows for a commit signed (`name`, `email`)."""
        key = email.lower()
        proper = self._named.get((key, name.lower()))
        if proper is None:
            proper = self._simple.get(key)
        if proper is None:
            return name, email
        proper_name, proper_email = proper
        return proper_name or name, proper_email or email

    def _add(self, proper_name, proper_email, old_name, old_email) -> None:
        if old_email is None:
            old_email, proper_email = proper_email, None
        key = old_email.lower()
        if old_name is not None:
            self._named[(key, old_name.lower())] = (proper_name, proper_email)
            return
        simple = self._simple.setdefault(key, [None, None])
        simple[0] = proper_name or simple[0]
        simple[1] = proper_email or simple[1]


class IdentityResolver:
    """Resolves raw (name, e-mail) pairs of one repository to canonical identities.

    `seen` is every (name, e-mail) the history shows, one per appearance, or
    a Counter of them (the counts pick each identity's display name and
    e-mail); by default the resolver collects authors and co-authors from all
    refs of `repo` itself.
    Pairs not in `seen` still resolve: to the identity they share an e-mail,
    login or name with, or to a new one.
    """

    def __init__(
        self,
        repo: pygit2.Repository,
        *,
        seen: Iterable[tuple[str, str]] | None = None,
        catalog: Catalog | None = None,
        join_names: bool = True,
        cache: Cache | None = None,
    ):
        self.catalog = catalog or Catalog.load()
        self.join_names = join_names
        self.mailmap = mailmap_of(repo, cache)
        self._memo: dict[tuple[str, str], Identity] = {}
        counts = Counter(seen if seen is not None else contributors_of(repo))
        self._by_node = self._cluster(counts)

    def resolve(self, name: str, email: str) -> Identity:
        """The identity behind a raw author or co-author (name, e-mail)."""
        raw = (name, email)
        found = self._memo.get(raw)
        if found is None:
            found = self._memo[raw] = self._lookup(name or "", email or "")
        return found

    def attribute(self, name: str, email: str, message: str) -> Attribution:
        """The author and co-author identities of one commit."""
        others = tuple(self.resolve(n, e) for n, e in co_authors(message))
        return Attribution(self.resolve(name, email), others)

    def identities(self) -> list[Identity]:
        """Every identity found among the pairs the resolver was built from."""
        return sorted(set(self._by_node.values()), key=lambda identity: identity.key)

    def _lookup(self, name: str, email: str) -> Identity:
        pair = self._canonical(name, email)
        nodes = self._nodes(*pair)
        for node in nodes:
            if node in self._by_node:
                return self._by_node[node]
        return self._identity(nodes, Counter([pair]))

    def _canonical(self, name: str, email: str) -> tuple[str, str]:
        name, email = self.mailmap.map(name.strip(), email.strip())
        return unicodedata.normalize("NFC", name), email

    def _cluster(self, counts: Counter) -> dict[str, Identity]:
        """Union the nodes of every pair and make one identity per cluster."""
        merged: Counter = Counter()
        for (name, email), count in counts.items():
            merged[self._canonical(name or "", email or "")] += count
        sets = _DisjointSets()
        nodes_of = {pair: self._nodes(*pair) for pair in merged}
        for nodes in nodes_of.values():
            sets.union(nodes)
        if self.join_names:
            self._join_handles(sets, nodes_of)
        members: dict[str, Counter] = {}
        clusters: dict[str, set[str]] = {}
        for pair, nodes in nodes_of.items():
            root = sets.find(nodes[0])
            members.setdefault(root, Counter())[pair] += merged[pair]
            clusters.setdefault(root, set()).update(nodes)
        by_node = {}
        for root, nodes in clusters.items():
            identity = self._identity(sorted(nodes), members[root])
            by_node.update(dict.fromkeys(nodes, identity))
        return by_node

    def _join_handles(self, sets: _DisjointSets, nodes_of: dict[tuple[str, str], list[str]]) -> None:
        """Join a person who signs with a one-word name to the GitHub login of that name.

        Logins are unique where first names are not, so "galz10 <gal@google.com>"
        joins "38544478+galz10@users.noreply.github.com" but "Ayush" joins nobody.
        """
        for (name, _), nodes in nodes_of.items():
            handle = normal_name(name)
            login = "login:" + handle
            if login in sets.parent and handle not in self.catalog.generic_names \
                    and not nodes[0].startswith((f"{AGENT}:", f"{BOT}:")):
                sets.union([login, nodes[0]])

    def _nodes(self, name: str, email: str) -> list[str]:
        """The join keys of a canonical pair, the one that identifies it first.

        A bot or agent has a single node, so names and e-mails never join a
        person to a bot.  A person's e-mail comes first; an empty or generic
        e-mail falls back to the name, and a generic name to the exact pair.
        Only names of two words or more join e-mails: one-word names ("Ayush",
        "William") are shared by strangers, and join only a login equal to them.
        A no-reply address's account id joins the logins of a renamed account.
        """
        login = github_login(email)
        entry = self.catalog.match(name, email, login)
        if entry is not None:
            return [f"{entry.kind}:{entry.id}"]
        bot = _bot_login(name, email, login) or _bot_word(name, email, login)
        if bot:
            return [f"bot:{bot.removesuffix('[bot]')}"]
        key_name = normal_name(name)
        usable_name = key_name not in self.catalog.generic_names and key_name != ""
        nodes = []
        if email and email.lower() not in self.catalog.generic_emails:
            nodes.append("email:" + email.lower())
        if login:
            nodes.append("login:" + login.lower())
        account = _NOREPLY.match(email).group(1) if login else None
        if account:
            nodes.append("account:" + account)
        if usable_name and ((self.join_names and " " in key_name) or not nodes):
            nodes.append("name:" + key_name)
        return nodes or [f"pair:{key_name}\x00{email.lower()}"]

    def _identity(self, nodes: list[str], pairs: Counter) -> Identity:
        """The identity of a cluster: its key from its nodes, the rest from its pairs."""
        kind = nodes[0].partition(":")[0]
        names, emails, logins = Counter(), Counter(), Counter()
        for (n, e), count in pairs.items():
            names[n] += count
            emails[e] += count
            logins[github_login(e) or _bot_login(n, e, "")] += count
        for counts in (names, emails, logins):
            counts.pop("", None)
        name, email, login = _most_common(names), _most_common(emails), _most_common(logins)
        if kind in (AGENT, BOT):
            entry = next((e for e in self.catalog.entries if f"{e.kind}:{e.id}" == nodes[0]), None)
            name = entry.name if entry is not None else (login or name)
            return Identity(nodes[0], name, email, kind, login)
        return Identity(_person_key(nodes), name, email, PERSON, login)


def co_authors(message: str) -> list[tuple[str, str]]:
    """The (name, e-mail) pairs of every `Co-authored-by:` line of a message.

    Not only the final trailer block: GitHub squash merges list the trailers of
    each squashed commit in the middle of the message.  Values without angle
    brackets give an empty e-mail (or an empty name when they look like one).
    """
    found = []
    for line in CO_AUTHOR_LINE.findall(message):
        for value in _CO_AUTHOR_KEY.split(line):
            pair = _name_and_email(value.strip())
            if pair != ("", ""):
                found.append(pair)
    return found


def agent_share(commits: Iterable[Attribution]) -> AgentShare:
    """Commits by kind of author, and commits an agent wrote or co-wrote."""
    authors: Counter = Counter()
    per_agent: Counter = Counter()
    with_agent = 0
    for commit in commits:
        authors[commit.author.kind] += 1
        agents = {who.name for who in commit.contributors() if who.kind == AGENT}
        per_agent.update(agents)
        with_agent += bool(agents)
    return AgentShare(
        commits=sum(authors.values()),
        by_people=authors[PERSON],
        by_bots=authors[BOT],
        by_agents=authors[AGENT],
        with_agent=with_agent,
        per_agent=tuple(sorted(per_agent.items(), key=lambda item: (-item[1], item[0]))),
    )


def contributors_of(repo: pygit2.Repository) -> Iterable[tuple[str, str]]:
    """The author and co-authors of every commit reachable from any ref, once per commit."""
    stack = [oid for oid in map(_commit_of, _refs(repo)) if oid is not None]
    visited: set[pygit2.Oid] = set()
    while stack:
        oid = stack.pop()
        if oid in visited:
            continue
        visited.add(oid)
        commit = repo[oid]
        yield commit.author.name, commit.author.email
        yield from co_authors(commit.message)
        stack.extend(commit.parent_ids)


def mailmap_of(repo: pygit2.Repository, cache: Cache | None = None) -> Mailmap:
    """The repository's mailmap: the blob git reads by default in a bare repository.

    That is `mailmap.blob` from the repository's configuration, else
    `HEAD:.mailmap`.  A missing blob is an empty mailmap, as for git.
    """
    spec = _config_value(repo, "mailmap.blob") or "HEAD:.mailmap"
    try:
        blob = repo.revparse_single(spec)
    except (KeyError, ValueError, pygit2.GitError):
        return Mailmap()
    if not isinstance(blob, pygit2.Blob):
        return Mailmap()
    key = str(blob.id)
    lines = cache.get("mailmap", key) if cache is not None else None
    if lines is None:
        lines = [list(line) for line in Mailmap.parse(blob.data.decode("utf-8", "replace")).lines]
        if cache is not None:
            cache.put("mailmap", key, lines)
    return Mailmap(tuple(line) for line in lines)


def github_login(email: str) -> str:
    """The GitHub login of a no-reply e-mail (`123+login@` or `login@users.noreply.github.com`)."""
    match = _NOREPLY.match(email)
    return match.group(2) if match else ""


def normal_name(name: str) -> str:
    """A name as compared for joining: case-folded, whitespace (even U+3000) collapsed."""
    return " ".join(name.casefold().split())


_NOREPLY = re.compile(r"^\s*(?:(\d+)\+)?([^@\s]+)@users\.noreply\.github\.com\s*$", re.IGNORECASE)
_BOT_WORD = re.compile(r"(?:^|[\s_-])bot$", re.IGNORECASE)
# The value of each `Co-authored-by:` line of a message, wherever it stands (the history walk reads them too).
CO_AUTHOR_LINE = re.compile(r"^[ \t]*co-authored-by[ \t]*:(.*)$", re.IGNORECASE | re.MULTILINE)
_CO_AUTHOR_KEY = re.compile(r"\s+co-authored-by\s*:", re.IGNORECASE)
_NAME_AND_EMAIL = re.compile(r"^(.*?)\s*<([^>]*)>?")


def _name_and_email(value: str) -> tuple[str, str]:
    match = _NAME_AND_EMAIL.match(value)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    if "@" in value and " " not in value:
        return "", value
    return value, ""


def _bot_login(name: str, email: str, login: str) -> str:
    """The login of a bot named by a `[bot]` suffix on its name or e-mail, else ''."""
    if login.lower().endswith("[bot]"):
        return login.lower()
    local = email.partition("@")[0].rpartition("+")[2]
    for candidate in (name.strip(), local):
        if candidate.lower().endswith("[bot]"):
            return candidate.lower()
    return ""


def _bot_word(name: str, email: str, login: str) -> str:
    """A bot's id when its name or e-mail local part ends in the word "bot", else ''.

    "Jetski Bot", "reapr-bot" and "bot@helpdesk.ai" are bots; "Abbott" and
    "Talbot" are not, because the word must stand apart.
    """
    local = email.partition("@")[0].rpartition("+")[2]
    for candidate in (name, local):
        if _BOT_WORD.search(candidate.strip()):
            return login.lower() or normal_name(name).replace(" ", "-") or local.lower()
    return ""


def _person_key(nodes: list[str]) -> str:
    """A person's key: their GitHub login, else an e-mail, else a name (first in order)."""
    for prefix, label in (("login:", "github:"), ("email:", "email:"), ("name:", "name:")):
        for node in nodes:
            if node.startswith(prefix):
                return label + node[len(prefix):]
    return "unknown:" + nodes[0].partition(":")[2].replace("\x00", " ").strip()


def _most_common(counts: Counter) -> str:
    """The most frequent value, ties broken by the longer, then the smaller value."""
    if not counts:
        return ""
    return min(counts, key=lambda value: (-counts[value], -len(value), value))


def _entry(entry_id: str, fields: dict, kind: str) -> CatalogEntry:
    """One catalog entry; a ValueError naming it when a field has the wrong shape or a pattern does not compile."""
    where = f"[{'agents' if kind == AGENT else 'bots'}.{entry_id}]"
    if not isinstance(fields, dict):
        raise ValueError(f"{where} is not a table")
    patterns = []
    for pattern in _strings(fields, "name_patterns", where):
        try:  # RE2, as every user-written pattern (miner.model.patterns): names come from the repository
            patterns.append(compile_pattern(pattern, ignore_case=True))
        except ValueError as error:
            raise ValueError(f"{where} bad regular expression {pattern!r}: {error}") from None
    return CatalogEntry(
        id=entry_id,
        name=str(fields.get("name", entry_id)),
        kind=kind,
        emails=frozenset(e.lower() for e in _strings(fields, "emails", where)),
        names=frozenset(normal_name(n) for n in _strings(fields, "names", where)),
        logins=frozenset(login.lower() for login in _strings(fields, "logins", where)),
        name_patterns=tuple(patterns),
    )


def _table(data: dict, name: str) -> dict:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ValueError(f"[{name}] must be a table")
    return value


def _strings(fields: dict, key: str, where: str) -> list[str]:
    return string_list(fields, key, f"{where} {key}")


def _index(entries: tuple[CatalogEntry, ...], attribute: str) -> dict[str, CatalogEntry]:
    """Spelling -> entry; agents are indexed last so that they win a shared spelling."""
    index = {}
    for entry in sorted(entries, key=lambda e: e.kind == AGENT):
        index.update(dict.fromkeys(getattr(entry, attribute), entry))
    return index


def _mailmap_line(line: str) -> tuple[str | None, str, str | None, str | None] | None:
    """One .mailmap line as git reads it; None for comments and lines without an e-mail."""
    if line.startswith("#"):
        return None
    first = _bracketed(line, allow_empty=False)
    if first is None:
        return None
    name1, email1, rest = first
    name2, email2, _ = _bracketed(rest, allow_empty=True) or (None, None, "")
    return name1 or None, email1, name2 or None, email2


def _bracketed(text: str, allow_empty: bool) -> tuple[str, str, str] | None:
    """(name before '<', e-mail inside '<>', text after '>') like git's parse_name_and_email."""
    left = text.find("<")
    right = text.find(">", left + 1) if left >= 0 else -1
    if right < 0 or (right == left + 1 and not allow_empty):
        return None
    return text[:left].strip(), text[left + 1:right], text[right + 1:]


def _config_value(repo: pygit2.Repository, key: str) -> str:
    try:
        return repo.config[key]
    except KeyError:
        return ""


def _refs(repo: pygit2.Repository) -> Iterable[pygit2.Reference]:
    for name in repo.references:
        yield repo.references[name]


def _commit_of(ref: pygit2.Reference) -> pygit2.Oid | None:
    try:
        return ref.peel(pygit2.Commit).id
    except (pygit2.InvalidSpecError, pygit2.GitError, ValueError, KeyError):
        return None


class _DisjointSets:
    """Union-find over node strings."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, node: str) -> str:
        """The root of `node`'s set; the path to it is compressed.  A loop, not recursion: a history can chain
        thousands of identities (each e-mail shared with the next name) before the first `find` of one."""
        root = self.parent.setdefault(node, node)
        while self.parent[root] != root:
            root = self.parent[root]
        while node != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def union(self, nodes: list[str]) -> None:
        roots = [self.find(node) for node in nodes]
        for root in roots[1:]:
            self.parent[root] = roots[0]
