"""Pure functions from mined values to findings and tables: no git, no store, no subprocess."""
