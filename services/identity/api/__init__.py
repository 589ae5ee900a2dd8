"""Identity's HTTP entry points: logins, registration, the user's own access, mandates, and
how they refuse (problem details, rate limits)."""
