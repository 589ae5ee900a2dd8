"""Identity's own settings: which identity providers it trusts, and the portal's terms."""

from pydantic_settings import BaseSettings, SettingsConfigDict


class IdentitySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IDENTITY_", extra="ignore")

    # Issuer URLs whose ID tokens prove a digital key (eID, itsme, CSAM), e.g. the local
    # provider `make run` starts. Empty: nobody can register with a digital key.
    identity_providers: list[str] = []
    # The audience our registration asks the providers to sign for.
    audience: str = "mutualis-portal"
    # The version of the portal terms a registration accepts (ID-2).
    terms_version: str = "2026-01"
