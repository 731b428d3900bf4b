"""What miner keeps between runs: the SQLite store and the object cache keyed by git object id."""
