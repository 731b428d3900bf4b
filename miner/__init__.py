"""miner: mine the git history of software projects into publishable facts."""
