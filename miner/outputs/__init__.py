"""Writing what an analysis found: tables, the report and its sections regenerated in place, plots, graphs.

The names the command line needs before it runs anything live here, so that
`mine --help` imports neither pandas nor matplotlib.
"""

FORMATS = ("md", "csv", "json")
"""What `--format` takes: md (tables as CSV, report, plots, graphs), csv (tables only), json (md plus JSON)."""
