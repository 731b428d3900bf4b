"""The TOML catalogs a user can copy and change (layers, bots, capabilities, agents, notable dependencies),
loaded and validated before any mining starts."""
