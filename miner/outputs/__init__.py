"""Writing what an analysis found: tables, the report and its sections regenerated in place, plots, graphs.

The names the command line needs before it runs anything live here, so that
`mine --help` imports neither pandas nor matplotlib.
"""

FORMATS = ("md", "csv", "json")
"""What `--format` takes: md (tables as CSV, report, plots, graphs), csv (tables only), json (md plus JSON)."""

# The names of the files publish leaves in a report folder (see `miner.outputs.publish`), which a re-run with
# nothing new reads without importing pandas (`miner.rerun`).
STAMP = ".mine-outputs.json"
"""Lists the files a run wrote and the inputs they came from, so an unchanged analysis need not rewrite them."""
JOURNAL = ".mine-publish.json"
"""The moves that put a run's files in place, written once they are all complete."""
SCRATCH_PREFIX, SCRATCH_SUFFIX = ".mine-", ".partial"
"""What miner names the entries it writes aside; one found under a folder's lock is left by a killed run."""
