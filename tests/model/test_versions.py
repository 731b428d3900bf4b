"""Tag names as real agent repositories write them, split into line and version."""
import pytest

from miner.model.versions import parse_tag, parse_version

CASES = [
    ("rust-v0.5.0", "rust-v", "0.5.0", "stable"),
    ("rust-v0.6.0-alpha.1", "rust-v", "0.6.0-alpha.1", "alpha"),
    ("rust-v0.7.0-beta.2", "rust-v", "0.7.0-beta.2", "beta"),
    ("v0.9.0-nightly.20251002.aa8b2abe", "v", "0.9.0-nightly.20251002.aa8b2abe", "nightly"),
    ("v0.9.0-preview.1", "v", "0.9.0-preview.1", "preview"),
    ("v0.1.9-rc.1", "v", "0.1.9-rc.1", "rc"),
    ("v0.1.9+nightly.040725.adc63e68", "v", "0.1.9-nightly.040725.adc63e68", "nightly"),
    ("14.1.0", "", "14.1.0", "stable"),
    ("grep-cli-0.1.5", "grep-cli-", "0.1.5", "stable"),
    ("rusty-v8-v146.4.0", "rusty-v8-v", "146.4.0", "stable"),
    ("rust-vv0.81.0-alpha.11", "rust-vv", "0.81.0-alpha.11", "alpha"),
    ("rust-vrust-v0.78.0-alpha.6", "rust-vrust-v", "0.78.0-alpha.6", "alpha"),
    ("winget-test-rust-v0.106.0-alpha.9", "winget-test-rust-v", "0.106.0-alpha.9", "alpha"),
    ("1.0.0rc1", "", "1.0.0-rc1", "rc"),
    ("v1.0.0+build.5", "v", "1.0.0+build.5", "stable"),
]


@pytest.mark.parametrize("tag, prefix, version, channel", CASES)
def test_tag_splits_into_line_and_version(tag, prefix, version, channel):
    parsed = parse_tag(tag)
    assert (parsed.prefix, str(parsed.version), parsed.version.channel) == (prefix, version, channel)


@pytest.mark.parametrize("tag", ["latest", "early-access", "MK_TAG_TEST", "alpha-cli",
                                 "codex-rs-0123456789abcdef0123456789abcdef01234567-1-rust-v0.2.0-alpha.2"])
def test_tags_without_a_release_version_are_rejected(tag):
    assert parse_tag(tag) is None


def test_date_stamped_version_is_recognised():
    stamp = parse_tag("rust-v0.0.2504291921").version.date_stamp
    assert stamp.isoformat() == "2025-04-29T19:21:00+00:00"
    assert parse_version("0.44.0").date_stamp is None


def test_semver_precedence():
    ordered = ["0.5.0-alpha.1", "0.5.0-alpha.2", "0.5.0-alpha.10", "0.5.0-beta.1", "0.5.0-rc.1", "0.5.0", "0.5.1", "0.44.0"]
    keys = [parse_version(v).sort_key for v in ordered]
    assert keys == sorted(keys)
