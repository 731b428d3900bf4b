"""Tag names and commit subjects are read in time linear in their length, however they repeat.

Found by hypothesis (the fuzz tests): under Python's `re` the lazy
prefixes of the tag and release-title patterns made a 32 KB tag name take
3.7 s and a 24 KB subject 1.7 s, growing with the square of the length; a
tag name has no length limit in packed-refs, nor has a subject.  At 400 KB
each would take minutes.
"""
import pytest

from miner.model.notes import normalise_version
from miner.model.versions import parse_tag
from miner.sources.messages import subject_notes

LONG = 50_000


@pytest.mark.timeout(10)
@pytest.mark.parametrize("unit", ["1.2.3-a.", "1.1-", "v1.2-", "a1.1-1"])
def test_a_long_tag_name_of_a_repeated_unit_is_no_version_and_costs_little(unit):
    name = unit * LONG + "!"
    assert parse_tag(name) is None
    assert normalise_version(name) is None
    assert parse_tag(name + "/v1.2.3").version.numbers == (1, 2, 3)


@pytest.mark.timeout(10)
@pytest.mark.parametrize("unit", ["a-1.1-", "v1.2-"])
def test_a_long_subject_of_a_repeated_unit_is_no_release_title(unit):
    subject = unit * LONG + "!"
    assert subject_notes([subject]).text == f"- {subject}"
