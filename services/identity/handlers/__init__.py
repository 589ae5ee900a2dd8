"""What identity does: its commands (accounts, mandates), the access decisions it takes on the
dossier's events and timers, registration, sessions and its start-up."""
