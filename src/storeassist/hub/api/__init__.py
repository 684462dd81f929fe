"""The hub's HTTP API (``/v1``): FastAPI routers per area over the hub's services.

Entry point: :func:`create_app`. See docs/api.md for the paths.
"""

from storeassist.hub.api.app import create_app

__all__ = ["create_app"]
