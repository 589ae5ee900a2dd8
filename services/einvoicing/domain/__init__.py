"""The einvoicing domain: pure decisions, no infrastructure."""
