"""Raw (name, e-mail) pairs join into one identity per person, and only where they should."""
import subprocess

import pytest

from fixtures.identities import (
    ALAN,
    ANONYMOUS,
    GENERIC,
    GRACE,
    JEROME,
    LINUS,
    MARGARET,
    NAMELESS_EMAIL,
    NOT_ALAN,
    NOT_BOTS,
    RENAMED,
    RYO,
    SHARED_FIRST_NAME,
    identities_repo_for,
    resolver_for,
    resolver_of,
    signatures,
)
from miner.analyses.identities import IdentityResolver
from miner.model.mailmap import Mailmap

repo = pytest.fixture(scope="module", name="repo")(identities_repo_for)
resolver = pytest.fixture(scope="module", name="resolver")(resolver_for)


@pytest.fixture(scope="module")
def unjoined(repo):
    return resolver_of(repo, join_names=False)


def keys(resolver, people):
    return {resolver.resolve(p.name, p.email).key for p in people}


def git_log(repo, fmt):
    return subprocess.run(["git", "-C", repo.path, "log", "--all", f"--format={fmt}"], check=True,
                          capture_output=True, text=True).stdout


def test_mailmap_joins_emails_and_spellings(resolver):
    grace = {resolver.resolve(p.name, p.email) for p in GRACE}
    assert len(grace) == 1
    (identity,) = grace
    assert (identity.name, identity.email, identity.kind) == ("Grace Hopper", "grace@navy.example", "person")


def test_mailmap_line_for_one_old_name_leaves_others_apart(resolver):
    assert len(keys(resolver, ALAN)) == 1
    assert resolver.resolve(ALAN[0].name, ALAN[0].email).name == "Alan Turing"
    assert keys(resolver, ALAN) != keys(resolver, [NOT_ALAN])


def test_email_case_does_not_split_a_person(unjoined):
    # Different names: only the case-insensitive e-mail joins them.
    assert len(keys(unjoined, LINUS)) == 1


def test_noreply_emails_join_through_the_login(unjoined):
    noreply = [MARGARET[0], MARGARET[2]]
    assert keys(unjoined, noreply) == {"github:mhamilton"}
    assert unjoined.resolve(MARGARET[0].name, MARGARET[0].email).login == "mhamilton"


def test_same_name_joins_other_emails(resolver, unjoined):
    for people in (MARGARET, JEROME, RYO):
        assert len(keys(resolver, people)) == 1, people
        assert len(keys(unjoined, people)) > 1, people
    margaret = resolver.resolve(MARGARET[3].name, MARGARET[3].email)
    assert (margaret.key, margaret.name, margaret.login) == ("github:mhamilton", "Margaret Hamilton", "mhamilton")


def test_one_word_names_do_not_join(resolver):
    assert len(keys(resolver, SHARED_FIRST_NAME)) == 2


def test_renamed_github_account_joins_through_its_id(unjoined):
    assert len(keys(unjoined, RENAMED)) == 1


def test_name_equal_to_a_login_joins_that_login(repo):
    seen = [("Gal Zahavi", "38544478+galz10@users.noreply.github.com"), ("galz10", "galzahavi@google.example")]
    joined = resolver_of(repo, seen=seen)
    assert len({joined.resolve(*pair).key for pair in seen}) == 1
    apart = resolver_of(repo, seen=seen, join_names=False)
    assert len({apart.resolve(*pair).key for pair in seen}) == 2


def test_generic_names_and_emails_never_join(resolver):
    assert len(keys(resolver, GENERIC)) == len(GENERIC)
    assert len(keys(resolver, NOT_BOTS)) == 2


def test_empty_email_and_empty_name(resolver):
    anonymous = resolver.resolve(ANONYMOUS, "")
    assert (anonymous.key, anonymous.name, anonymous.email) == ("name:anonymous coward", ANONYMOUS, "")
    nameless = resolver.resolve("", NAMELESS_EMAIL)
    assert (nameless.key, nameless.name) == (f"email:{NAMELESS_EMAIL}", "")
    assert resolver.resolve("", "").key
    assert resolver.resolve(None, None).key == resolver.resolve("", "").key


def test_unseen_pairs_join_known_identities(resolver):
    grace = resolver.resolve(GRACE[0].name, GRACE[0].email)
    assert resolver.resolve("Whoever", "GHOPPER@old.example") == grace
    assert resolver.resolve("Grace  HOPPER", "grace@elsewhere.example") == grace
    fresh = resolver.resolve("Fresh Person", "Fresh@Example.com")
    assert (fresh.key, fresh.kind) == ("email:fresh@example.com", "person")


def test_resolve_is_memoised(repo, monkeypatch):
    resolver = resolver_of(repo)
    calls = []
    lookup = resolver._lookup
    monkeypatch.setattr(resolver, "_lookup", lambda *pair: calls.append(pair) or lookup(*pair))
    for _ in range(3):
        resolver.resolve(LINUS[1].name, LINUS[1].email)
    assert calls == [(LINUS[1].name, LINUS[1].email)]


def test_order_of_pairs_does_not_matter(repo):
    seen = signatures(repo)
    forward = resolver_of(repo, seen=seen)
    backward = resolver_of(repo, seen=seen[::-1])
    assert forward.identities() == backward.identities()
    assert all(forward.resolve(*pair) == backward.resolve(*pair) for pair in seen)


def test_people_after_joining(resolver, repo):
    raw_emails = {row.lower() for row in git_log(repo, "%ae").splitlines()}
    people = [i for i in resolver.identities() if i.kind == "person"]
    # Grace, Alan, Someone Else, Linus, Margaret, Jerome, Ryo, two Ayushes, the renamed account,
    # Abbott, Talbot, two roots, Your Name, xavier, the anonymous and the nameless committer.
    assert len(people) == 18
    assert len(raw_emails) > len(people)


def test_a_name_written_with_and_without_accents_is_one_person(repo):
    """Mistral Vibe's "Clément Sirieix" and "Clement Sirieix" (two e-mails): one person, not a departure."""
    seen = [("Clément Sirieix", "clement.sirieix@mistral.example"), ("Clement Sirieix", "csirieix@home.example"),
            ("Zoë Keating", "zoe@one.example"), ("Zoe Keating", "zoe@two.example")]
    resolver = resolver_of(repo, seen=seen)
    assert len({resolver.resolve(*pair).key for pair in seen[:2]}) == 1
    assert len({resolver.resolve(*pair).key for pair in seen[2:]}) == 1
    assert resolver.resolve(*seen[0]).key != resolver.resolve(*seen[2]).key


def test_a_login_used_as_a_name_gives_way_to_the_full_name():
    """claude-code's shape: 22 commits as "ant-kurt", 10 as "Kurt Carpenter", one e-mail."""
    seen = [("ant-kurt", "kurt@example.com")] * 22 + [("Kurt Carpenter", "kurt@example.com")] * 10
    resolver = IdentityResolver(Mailmap(), seen)
    assert resolver.resolve("ant-kurt", "kurt@example.com").name == "Kurt Carpenter"
    only_logins = IdentityResolver(Mailmap(), [("kurt", "k@example.com")] * 3 + [("kc", "k@example.com")])
    assert only_logins.resolve("kc", "k@example.com").name == "kurt"  # no full name: the most frequent
    placeholder = IdentityResolver(Mailmap(), [("jlitt", "j@example.com")] * 5 + [("Your Name", "j@example.com")])
    assert placeholder.resolve("Your Name", "j@example.com").name == "jlitt"
