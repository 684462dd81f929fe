"""Running the hub in-process: a uvicorn server in a daemon thread on a loopback port.

Tests, the app's training mode and the benchmarks use :func:`start_in_thread`; the CLI's ``serve``
runs uvicorn in the foreground with :func:`serve_forever`. Both refuse a database whose schema is
not at head (:class:`~storeassist.hub.db.schema.SchemaOutOfDate`).

Both serve the same app with the same settings (:func:`_config`): one uvicorn worker, and the
app's own cap on the threads that run sync routes (``create_app``'s ``request_threads``: 2 on
SQLite, 16 on PostgreSQL, see ``hub.api.app.default_request_threads``), set in its lifespan on
whichever event loop serves it. The scan → profile routes run their database work inline on the
loop on SQLite (``hub.api.deps.run_database_work``).
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import uvicorn

from storeassist.hub.db.schema import require_current

if TYPE_CHECKING:
    from storeassist.hub.recommend import Recommender

#: How long start-up may take before we give up (the app and database are local).
STARTUP_TIMEOUT_S = 20.0
SHUTDOWN_TIMEOUT_S = 10.0


class HubStartFailed(RuntimeError):
    """The server thread ended or timed out before it was serving."""


class PortInUse(RuntimeError):
    """Something else already listens on the port ``serve`` was asked to use."""


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _config(db_url: str, host: str, port: int, log_level: str, *, serve_docs: bool = False) -> uvicorn.Config:
    """The one server configuration, for the CLI and the in-process hub alike."""
    from storeassist.hub.api import create_app

    return uvicorn.Config(
        create_app(db_url, serve_docs=serve_docs),
        host=host,
        port=port,
        workers=1,
        log_level=log_level,
        access_log=False,  # request lines can carry search terms (names, phones)
        lifespan="on",
    )


@dataclass
class RunningHub:
    """A hub serving on ``url`` from a background thread."""

    url: str
    port: int
    host: str
    db_url: str
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self) -> None:
        """Stop serving and wait for the thread (bounded). Safe to call twice."""
        self._server.should_exit = True
        self._thread.join(SHUTDOWN_TIMEOUT_S)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(SHUTDOWN_TIMEOUT_S)

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and self._server.started

    def wait_for_recommendations(self, timeout_s: float) -> bool:
        """Whether the recommender's first model is built within ``timeout_s`` (the hub builds it
        on a thread when it starts; until then a kiosk greets shoppers without suggestions)."""
        from fastapi import FastAPI

        app = self._server.config.app
        assert isinstance(app, FastAPI)  # _config serves the app object create_app made
        recommender: Recommender = app.state.recommender
        return recommender.wait_until_built(timeout_s)

    def restart(self) -> RunningHub:
        """Stop, then serve the same database on the same port again (a new :class:`RunningHub`)."""
        self.stop()
        return start_in_thread(self.db_url, host=self.host, port=self.port)


def start_in_thread(
    db_url: str,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    log_level: str = "warning",
    serve_docs: bool = False,
) -> RunningHub:
    """Serve the hub for ``db_url`` on ``host:port`` (0: a free port) and return once it accepts
    connections. Raises :class:`SchemaOutOfDate` for an old database, :class:`HubStartFailed` if
    uvicorn does not come up."""
    require_current(db_url)
    if port == 0:
        port = _free_port(host)
    server = uvicorn.Server(_config(db_url, host, port, log_level, serve_docs=serve_docs))
    # uvicorn installs signal handlers only when run on the main thread, so Ctrl-C stays the caller's.
    thread = threading.Thread(target=server.run, name=f"hub-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive():
            raise HubStartFailed(f"the hub stopped during start-up on {host}:{port} (port taken?)")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise HubStartFailed(f"the hub did not start within {STARTUP_TIMEOUT_S:.0f} s")
        thread.join(0.01)  # wait for the thread to finish or for the next look at ``started``
    return RunningHub(f"http://{host}:{port}", port, host, db_url, server, thread)


def serve_forever(
    db_url: str,
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    log_level: str = "info",
    serve_docs: bool = False,
) -> None:
    """Serve in the foreground until interrupted (the CLI's ``serve``); ``serve_docs`` adds the
    interactive ``/docs`` and ``/redoc`` pages."""
    require_current(db_url)
    try:
        # Bind first: uvicorn reports a taken port by logging and exiting the process.
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((host, port))
    except OSError as exc:
        raise PortInUse(
            f"Cannot serve on {host}:{port}: {exc.strerror or exc}. Pick another --port."
        ) from None
    uvicorn.Server(_config(db_url, host, port, log_level, serve_docs=serve_docs)).run()
