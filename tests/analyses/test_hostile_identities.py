"""Identities a history can chain without end: each e-mail shared with the next name joins them all."""
from __future__ import annotations

from collections import Counter

from fixtures.forged import workspace_repo
from fixtures.identities import resolver_of


def test_a_chain_of_thousands_of_identities_is_one_person(tmp_path):
    builder, _ = workspace_repo(tmp_path / "repo.git")
    seen = Counter()
    for k in range(1, 3000):
        seen[(f"Person {k - 1}", f"p{k}@example.com")] += 1
        seen[(f"Person {k}", f"p{k}@example.com")] += 1
    resolver = resolver_of(builder.repo, seen=seen)
    assert len({identity.key for identity in resolver.identities()}) == 1
    assert resolver.resolve("Person 0", "p1@example.com") == resolver.resolve("Person 2998", "p2999@example.com")
