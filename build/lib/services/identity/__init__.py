"""Identity: portal accounts, logins, blocks, and the tokens every service verifies."""
