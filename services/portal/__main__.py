"""`python -m services.portal`: the member portal on PORTAL_PORT (8000)."""

import uvicorn

from services.portal.app import create_app
from services.portal.config import PortalSettings
from shared.logging import configure_logging

settings = PortalSettings()
configure_logging("portal", settings.log_level)
uvicorn.run(
    create_app(settings),
    host=settings.host,
    port=settings.port,
    log_config=None,
    access_log=False,
    proxy_headers=False,
)
