"""Writing what an analysis found: tables, the report and its sections regenerated in place, plots, graphs."""
