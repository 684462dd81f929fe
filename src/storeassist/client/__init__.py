"""The app's one connection to the hub: a long-lived HTTP client with timeouts, retries and typed errors."""

from storeassist.client.errors import (
    HubAuthError,
    HubConnectionError,
    HubError,
    HubNotFound,
    HubProtocolError,
    HubRejected,
    HubServerError,
    HubTimeout,
    HubUnreachable,
    StaffSessionRequired,
)
from storeassist.client.hub_client import HubClient

__all__ = [
    "HubAuthError",
    "HubClient",
    "HubConnectionError",
    "HubError",
    "HubNotFound",
    "HubProtocolError",
    "HubRejected",
    "HubServerError",
    "HubTimeout",
    "HubUnreachable",
    "StaffSessionRequired",
]
