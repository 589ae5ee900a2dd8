"""Identity's own settings: which identity providers it trusts, the portal's terms, and the
mail server one-time codes go out through.

The key-encryption key its private signing keys are wrapped with is not among them: it is
`shared.keys.KekSettings` (MUTUALIS_KEK_FILE or MUTUALIS_KEK), the one every service that keeps
keys at rest reads; identity refuses to start without it (adapters/signing_keys.py)."""

from pydantic import Field, IPvAnyNetwork, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from services.identity.adapters.totp import valid_secret
from shared.notifying import NotifyingSettings


class IdentitySettings(NotifyingSettings):
    """Besides its own, the mail server and SMS gateway one-time codes go out through (ID-1;
    shared.notifying): without them the code is logged as not sent (without the code)."""

    # A refused secret must not show up in the error (and so in a log).
    model_config = SettingsConfigDict(
        env_prefix="IDENTITY_", extra="ignore", hide_input_in_errors=True
    )

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
    # `admin` account with this password (handlers/bootstrap.py): the operator's way back.
    bootstrap_admin_password: SecretStr | None = None
    # The secret of the first administrator's authenticator app (base32, RFC 6238), which every
    # staff login needs besides the password (domain/second_factors.py); required with the
    # password, and set again whenever the operator recovers `admin`. `make run` makes one in
    # data/admin-totp.
    bootstrap_admin_totp_secret: SecretStr | None = None

    # Rate limits in front of every check of a guessable credential (api/rate_limits.py), on the
    # service's clock. Per login name (and per activation login): a burst of failed attempts,
    # then one more every interval; enough for the 8 wrong passwords of ID-4 and the right one.
    login_attempts_burst: int = Field(10, ge=1)
    login_attempt_interval_s: float = Field(30.0, gt=0)
    # Per client address, across logins, PINs, activation and registration codes: higher, as a
    # household, an office or a mobile operator puts many people behind one address.
    address_attempts_burst: int = Field(30, ge=1)
    address_attempt_interval_s: float = Field(5.0, gt=0)
    # The reverse proxies (addresses or networks) whose X-Forwarded-For is believed for the
    # client's address. Empty: the connection's peer is the client, whatever headers it sends.
    trusted_proxies: list[IPvAnyNetwork] = []

    @field_validator("bootstrap_admin_totp_secret")
    @classmethod
    def _a_totp_secret(cls, secret: SecretStr | None) -> SecretStr | None:
        if secret is not None:
            valid_secret(secret.get_secret_value())
        return secret

    @model_validator(mode="after")
    def _admin_with_a_second_factor(self) -> "IdentitySettings":
        # An administrator without an authenticator could never log in.
        if self.bootstrap_admin_password and not self.bootstrap_admin_totp_secret:
            raise ValueError(
                "IDENTITY_BOOTSTRAP_ADMIN_PASSWORD needs IDENTITY_BOOTSTRAP_ADMIN_TOTP_SECRET"
            )
        return self
