"""The portal's settings (PORTAL_*): where it listens, where the services it reads and sends
to are (each one's own <SERVICE>_HOST/<SERVICE>_PORT, as `make run` sets them, unless
PORTAL_<SERVICE>_URL says otherwise), and the key its session cookies are sealed with."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import DEFAULT_PORTS, KafkaSettings

SERVICES = ("identity", "dossier", "payments", "einvoicing", "complaints")


def _url_of(name: str) -> str:
    host = os.environ.get(f"{name.upper()}_HOST", "127.0.0.1")
    port = os.environ.get(f"{name.upper()}_PORT", str(DEFAULT_PORTS[name]))
    return f"http://{host}:{port}"


class PortalSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PORTAL_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORTS["portal"]
    identity_url: str = ""
    dossier_url: str = ""
    payments_url: str = ""
    einvoicing_url: str = ""
    complaints_url: str = ""
    # The identity provider a member proves who they are with (eID, itsme, CSAM); locally the
    # stand-in `make run` starts.
    idp_url: str = ""
    # The audience identity expects in an assertion made for the portal.
    audience: str = "mutualis-portal"
    # A Fernet key (32 url-safe base64 bytes) sealing the session cookie; made once under the
    # data folder when unset, as `make run` keeps its other local secrets.
    session_key: SecretStr | None = None
    data_dir: Path = Field(Path("data"), validation_alias=AliasChoices("MUTUALIS_DATA_DIR"))
    # The federation the deployment serves: its access policy is what the pages explain (ID-7).
    federation: str = Field("socialist", validation_alias=AliasChoices("MUTUALIS_FEDERATION"))
    log_level: str = Field("INFO", validation_alias=AliasChoices("LOG_LEVEL"))
    # The staff console sends staff commands as `mutualis staff` does: over Kafka, sealed for
    # the service's key, which the trust root (its public key only) proves is the service's,
    # at the system's time (a clock file moves it in tests and demos, as for the services).
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    trust_dir: Path | None = Field(None, validation_alias=AliasChoices("MUTUALIS_TRUST_DIR"))
    clock_file: Path | None = Field(None, validation_alias=AliasChoices("MUTUALIS_CLOCK_FILE"))
    # How long a staff command may wait for the service's outcome before the page says so.
    command_timeout_s: float = 30.0

    @property
    def trust_folder(self) -> Path:
        return self.trust_dir or self.data_dir / "trust"

    @model_validator(mode="after")
    def _service_urls(self) -> PortalSettings:
        for name in SERVICES:
            if not getattr(self, f"{name}_url"):
                setattr(self, f"{name}_url", _url_of(name))
        if not self.idp_url:
            self.idp_url = f"http://127.0.0.1:{os.environ.get('MUTUALIS_IDP_PORT', '8010')}"
        return self
