"""The app's one connection to the hub: a long-lived HTTP client with timeouts, retries and typed errors."""

from storeassist.client.errors import (
    DeviceRevoked,
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
    "DeviceRevoked",
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
