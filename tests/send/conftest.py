"""Fixtures for test-send: virtual time for retries, local servers, and the CLI runner.

Retries run in virtual time (``fluxnotify.send.http.SEAM``): waits advance a clock
instead of sleeping, so the controller's 2s/4s/8s backoff is exercised in full while the
tests stay fast. Deadlines still use real time plus the virtual waits.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator

import pytest
from send_support import Cli, HangingServer, VirtualClock

from fluxnotify.send import http


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> VirtualClock:
    virtual = VirtualClock()
    monkeypatch.setattr(http, "SEAM", http.Seam(now=virtual.now, sleep=virtual.sleep))
    return virtual


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FLUXNOTIFY_ADDRESS", "FLUXNOTIFY_TOKEN", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    # werkzeug logs request lines (with the secret path) to stderr; not our output.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(capsys)


@pytest.fixture
def hanging_server() -> Iterator[HangingServer]:
    server = HangingServer()
    yield server
    server.close()


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
