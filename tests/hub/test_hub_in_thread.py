"""The hub in a thread, as tests and training mode run it: it serves, stops and comes back."""

from __future__ import annotations

import httpx

from storeassist.hub.db.schema import head_revision


def test_the_hub_serves_health_and_keys_on_loopback(hub_server) -> None:
    assert hub_server.url.startswith("http://127.0.0.1:")
    health = httpx.get(f"{hub_server.url}/v1/health", timeout=5)
    assert health.status_code == 200
    assert health.json()["schema"] == head_revision()


def test_a_stopped_hub_refuses_connections_and_restarts_on_the_same_port(hub_server_fn) -> None:
    url = hub_server_fn.url
    hub_server_fn.stop()
    try:
        httpx.get(f"{url}/v1/health", timeout=2)
        reached = True
    except httpx.TransportError:
        reached = False
    assert not reached
    hub_server_fn.restart()
    assert hub_server_fn.url == url
    assert httpx.get(f"{url}/v1/health", timeout=5).status_code == 200
