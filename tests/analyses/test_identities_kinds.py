"""Bots and coding agents are told apart from people, by the catalog and the [bot] suffix."""
import pytest

from fixtures.identities import (
    ACTIONS,
    COPILOT,
    CURSOR,
    DEPENDABOT,
    NOT_BOTS,
    identities_repo_for,
    resolver_for,
    resolver_of,
)
from miner._sample.builder import RepoBuilder
from miner.catalogs.bots import Catalog

repo = pytest.fixture(scope="module", name="repo")(identities_repo_for)
resolver = pytest.fixture(scope="module", name="resolver")(resolver_for)


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    """A resolver that knows no history: each pair is classified on its own."""
    builder = RepoBuilder(tmp_path_factory.mktemp("empty") / "r.git", bare=True)
    return resolver_of(builder.repo, seen=[])


def test_bot_suffix_in_name_or_email(resolver):
    dependabot = {resolver.resolve(p.name, p.email) for p in DEPENDABOT}
    assert len(dependabot) == 1
    (bot,) = dependabot
    assert (bot.key, bot.kind, bot.login) == ("bot:dependabot", "bot", "dependabot[bot]")


def test_catalog_joins_a_bot_without_the_suffix(resolver):
    actions = {resolver.resolve(p.name, p.email).key for p in ACTIONS}
    assert actions == {"bot:github-actions"}


def test_names_containing_bot_are_people(resolver, bare):
    for person in NOT_BOTS:
        assert resolver.resolve(person.name, person.email).kind == "person"
    assert bare.resolve("Kim Talbot", "kim@example.com").kind == "person"


@pytest.mark.parametrize("name, email", [
    ("Jetski Bot", "jetski-bot@google.example"),
    ("auto", "bot@local"),
    ("REAPR Bot", "reapr-bot@users.noreply.github.com"),
    ("renovate-bot", "renovate@example.com"),
])
def test_names_ending_in_the_word_bot_are_bots(bare, name, email):
    assert bare.resolve(name, email).kind == "bot"


def test_word_bot_keys(bare):
    assert bare.resolve("Jetski Bot", "jetski-bot@google.example").key == "bot:jetski-bot"
    assert bare.resolve("Atlas Executor", "atlas-bot@users.noreply.github.com").key == "bot:atlas-bot"


def test_agents_from_the_fixture(resolver):
    copilot = resolver.resolve(COPILOT.name, COPILOT.email)
    assert (copilot.key, copilot.kind, copilot.name) == ("agent:copilot", "agent", "GitHub Copilot")
    assert resolver.resolve(CURSOR.name, CURSOR.email).key == "agent:cursor"


@pytest.mark.parametrize("name, email, key", [
    # Spellings seen in the histories of gemini-cli, claude-code and ripgrep.
    ("Claude", "noreply@anthropic.com", "agent:claude"),
    ("Claude Opus 4.6 (1M context)", "noreply@anthropic.com", "agent:claude"),
    ("Claude (GLM-4.7)", "noreply@anthropic.com", "agent:claude"),
    ("anthropic-code-agent[bot]", "242468646+Claude@users.noreply.github.com", "agent:claude"),
    ("claude[bot]", "209825114+claude[bot]@users.noreply.github.com", "agent:claude"),
    ("Codex", "codex@openai.com", "agent:codex"),
    ("chatgpt-codex-connector[bot]", "199175422+chatgpt-codex-connector[bot]@users.noreply.github.com",
     "agent:codex"),
    ("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com", "agent:copilot"),
    ("Copilot", "175728472+Copilot@users.noreply.github.com", "agent:copilot"),
    ("Copilot Autofix powered by AI", "62310815+github-advanced-security[bot]@users.noreply.github.com",
     "agent:copilot"),
    ("Cursor", "cursoragent@cursor.com", "agent:cursor"),
    ("GitHub Copilot", "noreply@github.com", "agent:copilot"),  # the agent wins over the web-flow bot
    ("GitHub", "noreply@github.com", "bot:github"),
    ("devin-ai-integration[bot]", "158243242+devin-ai-integration[bot]@users.noreply.github.com",
     "agent:devin"),
    ("gemini-code-assist[bot]", "176961590+gemini-code-assist[bot]@users.noreply.github.com",
     "agent:gemini"),
    ("gemini-cli[bot]", "218312386+gemini-cli[bot]@users.noreply.github.com", "agent:gemini"),
    ("Gemini CLI", "gemini-cli@google.com", "agent:gemini"),
    ("google-labs-jules[bot]", "161369871+google-labs-jules[bot]@users.noreply.github.com", "agent:jules"),
    ("aider (gpt-4o)", "noreply@aider.chat", "agent:aider"),
    ("Paul Gauthier (aider)", "paul@example.com", "agent:aider"),
    ("openhands", "openhands@all-hands.dev", "agent:openhands"),
    ("Amp", "amp@ampcode.com", "agent:amp"),
    ("factory-droid[bot]", "138933559+factory-droid[bot]@users.noreply.github.com", "agent:factory"),
    ("Oz", "oz-agent@warp.dev", "agent:warp"),
    ("Cascade", "cascade@windsurf.ai", "agent:windsurf"),
    ("Sisyphus", "clio-agent@sisyphuslabs.ai", "agent:sisyphus"),
    ("Google Gemini", "noreply@google.com", "agent:gemini"),
    ("Kiro Agent", "244629292+kiro-agent@users.noreply.github.com", "agent:kiro"),
    ("Mistral Vibe", "vibe@mistral.ai", "agent:vibe"),  # Mistral Vibe's Co-authored-by trailers
    ("github-advanced-security[bot]", "62310815+github-advanced-security[bot]@users.noreply.github.com",
     "bot:github-advanced-security"),
    ("gemini-cli-robot", "224641728+gemini-cli-robot@users.noreply.github.com", "bot:gemini-cli-robot"),
    ("gemini-cli-robot", "gemini-cli-robot@google.com", "bot:gemini-cli-robot"),
    ("R00-B0T", "github-actions@github.com", "bot:github-actions"),  # Roo-Code's release bot, from a workflow
    ("R00-B0T", "110429663+R00-B0T@users.noreply.github.com", "bot:roo-code-release"),
    ("Release Workflow", "github-actions@github.com", "bot:github-actions"),
    ("cloudflare-workers-and-pages[bot]",
     "73139402+cloudflare-workers-and-pages[bot]@users.noreply.github.com", "bot:cloudflare-workers-and-pages"),
    ("Renovate", "29139614+renovate[bot]@users.noreply.github.com", "bot:renovate"),
    ("Jules YZERD", "newtonlormont@gmail.com", "email:newtonlormont@gmail.com"),
    ("Claude AGI", "claude-agi@example.com", "email:claude-agi@example.com"),
    ("sidhantgoyal-droid", "sidhantgoyal@google.com", "email:sidhantgoyal@google.com"),
])
def test_real_spellings(bare, name, email, key):
    assert bare.resolve(name, email).key == key


def test_agent_identity_is_the_catalog_name(bare):
    variants = [("Claude Opus 4.5", "noreply@anthropic.com"), ("Claude Sonnet 4.6", "noreply@anthropic.com")]
    assert {bare.resolve(*pair).name for pair in variants} == {"Claude"}


def test_catalog_file_can_be_replaced(tmp_path, repo):
    path = tmp_path / "bots.toml"
    path.write_text('[bots.ci]\nname = "CI"\nnames = ["Build Robot"]\n')
    custom = resolver_of(repo, catalog=Catalog.load(path))
    assert custom.resolve("Build Robot", "ci@example.com").key == "bot:ci"
    # Without the agent catalog, Copilot's GitHub App is only a bot.
    assert custom.resolve(COPILOT.name, COPILOT.email).kind == "bot"
    assert custom.resolve("Cursor Agent", "cursoragent@cursor.com").kind == "person"
