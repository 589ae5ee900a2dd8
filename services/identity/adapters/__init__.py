"""What identity's handlers use to reach the world and its own tables: password hashing, the
identity providers' assertions, mail and SMS, TOTP, signing keys and tokens, and the
read-model adapters of its private tables."""
