"""The bot and coding-agent catalog (`miner/data/bots.toml`): the names, e-mails and logins they commit as.

Coding agents sign as "Claude Opus 4.6 (1M context)" one day and "Claude" the
next, bots as `dependabot[bot]` or `github-actions`; the catalog lists the
spellings seen in real histories, and a user's own file replaces it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from miner.catalogs.toml import read_toml, string_list
from miner.errors import MinerError
from miner.model.identities import AGENT, BOT, normal_name
from miner.model.patterns import Pattern, compile_pattern


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
