"""Monitoring: follows every service's event stream; counts, lag, and (later) SLA breaches."""
