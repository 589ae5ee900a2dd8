"""Code every service stands on: contracts, event store, messaging, timers, settings."""
