"""Pure functions from mined values to the facts the outputs show: no git, no store, no subprocess."""
