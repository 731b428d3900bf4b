"""Reading the outside world: git objects, history, tags, clones and release notes."""
