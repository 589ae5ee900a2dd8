"""The `mutualis` command line's own settings: where a staff member's session is kept and where
the services answer when they are not on this machine's default ports."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import ServiceSettings


class ToolSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MUTUALIS_", extra="ignore")

    # MUTUALIS_SESSION_FILE; else <XDG_CONFIG_HOME or ~/.config>/mutualis/session.json.
    session_file: Path | None = None
    # MUTUALIS_FEDERATION, as the services read it: the federation the demo households join.
    federation: str = "socialist"
    config_home: Path = Field(
        default_factory=lambda: Path.home() / ".config",
        validation_alias=AliasChoices("XDG_CONFIG_HOME"),
    )
    # MUTUALIS_<SERVICE>_URL: a service elsewhere than its own host and port.
    identity_url: str | None = None
    dossier_url: str | None = None
    payments_url: str | None = None
    einvoicing_url: str | None = None
    complaints_url: str | None = None
    monitoring_url: str | None = None

    def session_path(self) -> Path:
        return self.session_file or self.config_home / "mutualis" / "session.json"

    def service_url(self, name: str) -> str:
        configured = getattr(self, f"{name}_url", None)
        if configured:
            return configured
        settings = ServiceSettings.for_service(name)
        return f"http://{settings.host}:{settings.port}"
