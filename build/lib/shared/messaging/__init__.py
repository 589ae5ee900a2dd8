"""Kafka: topics, the relay from store to topics, idempotent consumers, commands."""
