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
from typing import Iterable

from miner.catalogs.bots import Catalog
from miner.model.identities import AGENT, BOT, PERSON, Identity, github_account, github_login, normal_name
from miner.model.mailmap import Mailmap


class IdentityResolver:
    """Resolves raw (name, e-mail) pairs of one repository to canonical identities.

    `seen` is every (name, e-mail) the history shows, one per appearance, or
    a Counter of them (the counts pick each identity's display name and
    e-mail); `mailmap` is the repository's, applied first.
    Pairs not in `seen` still resolve: to the identity they share an e-mail,
    login or name with, or to a new one.
    """

    def __init__(self, mailmap: Mailmap, seen: Iterable[tuple[str, str]], *, catalog: Catalog | None = None,
                 join_names: bool = True):
        self.catalog = catalog or Catalog.load()
        self.join_names = join_names
        self.mailmap = mailmap
        self._memo: dict[tuple[str, str], Identity] = {}
        self._by_node = self._cluster(Counter(seen))

    def resolve(self, name: str, email: str) -> Identity:
        """The identity behind a raw author or co-author (name, e-mail)."""
        raw = (name, email)
        found = self._memo.get(raw)
        if found is None:
            found = self._memo[raw] = self._lookup(name or "", email or "")
        return found

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
        account = github_account(email) if login else None
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
        name = _display_name(names, self.catalog.generic_names)
        email, login = _most_common(emails), _most_common(logins)
        if kind in (AGENT, BOT):
            entry = next((e for e in self.catalog.entries if f"{e.kind}:{e.id}" == nodes[0]), None)
            name = entry.name if entry is not None else (login or name)
            return Identity(nodes[0], name, email, kind, login)
        return Identity(_person_key(nodes), name, email, PERSON, login)


_BOT_WORD = re.compile(r"(?:^|[\s_-])bot$", re.IGNORECASE)


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


def _display_name(names: Counter, generic: frozenset[str] | set[str]) -> str:
    """The name a person is shown by: the most frequent of those written as a full name (two words or
    more), else the most frequent, placeholders ("Your Name") last.  A login some commits carry as their
    name ("ant-kurt", 22 commits of claude-code) gives way to the name the others carry ("Kurt Carpenter",
    10), as a report names people."""
    own = Counter({name: count for name, count in names.items() if normal_name(name) not in generic}) or names
    full = Counter({name: count for name, count in own.items() if len(name.split()) > 1})
    return _most_common(full or own)


def _most_common(counts: Counter) -> str:
    """The most frequent value, ties broken by the longer, then the smaller value."""
    if not counts:
        return ""
    return min(counts, key=lambda value: (-counts[value], -len(value), value))


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
