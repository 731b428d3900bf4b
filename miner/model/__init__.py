"""Value types shared by every stage: plain frozen data, no I/O.

The five places release notes come from are named here, in miner's order of
preference, rather than in `miner.model.notes`: the command line names them in
its options, and a re-run with nothing new (`miner.rerun`) must not pay for
compiling the notes' patterns before it answers.
"""

HOSTED = "hosted"
CHANGELOG = "changelog"
TAG_MESSAGE = "tag-message"
RELEASE_COMMIT = "release-commit"
COMMITS = "commits"
DEFAULT_ORDER = (HOSTED, CHANGELOG, TAG_MESSAGE, RELEASE_COMMIT, COMMITS)
