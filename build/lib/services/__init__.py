"""The services of the back office, each with its own event store and projections."""
