"""Tooling around the services: the launcher, staff commands, monitoring on the terminal."""
