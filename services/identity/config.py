"""Identity's own settings: which identity providers it trusts, the portal's terms, and the
mail server one-time codes go out through."""

from pydantic import SecretStr
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
    # The first administrator (login `admin`), created at start when no administrator exists
    # yet: someone must be able to log in before any staff account exists. `make run` sets it.
    # A later start that finds no usable administrator (all blocked or closed) recovers the
    # `admin` account with this password (bootstrap.py): the operator's way back.
    bootstrap_admin_password: SecretStr | None = None
    # Where one-time registration codes are mailed from (ID-1). Without a host no mail goes
    # out: the code is logged as not sent (without the code).
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_sender: str = "no-reply@mutualis.invalid"
