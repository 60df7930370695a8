"""Helpers for the test-send tests: secrets to look for, virtual time, local servers."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field

import pytest

from fluxnotify.__main__ import main

SECRET_PATH = "/services/T0FLUXNT/B0TEST01/s3cr3tWebhookPart"
TOKEN = "xoxb-111-222-s3cr3tT0kenValue"
#: Pieces of the webhook URL and the token that must never be printed.
SECRETS = ("T0FLUXNT", "B0TEST01", "s3cr3tWebhookPart", TOKEN, "s3cr3tT0kenValue")


@dataclass
class VirtualClock:
    offset: float = 0.0
    waits: list[float] = field(default_factory=list)

    def now(self) -> float:
        return time.monotonic() + self.offset

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.offset += seconds


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def assert_no_secrets(self) -> None:
        for secret in SECRETS:
            assert secret not in self.out, f"{secret!r} printed on stdout"
            assert secret not in self.err, f"{secret!r} printed on stderr"


class Cli:
    """``fluxnotify test-send ...`` in-process, through the real entry point."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self._capsys = capsys

    def __call__(self, *args: str) -> Result:
        self._capsys.readouterr()
        code = main(["test-send", *args])
        captured = self._capsys.readouterr()
        result = Result(code, captured.out, captured.err)
        result.assert_no_secrets()
        return result


class HangingServer:
    """Accepts connections and reads requests, never answers: a receiver gone silent."""

    def __init__(self) -> None:
        self.requests = 0
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.1)
        self.port: int = self._sock.getsockname()[1]
        self._open: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            self._open.append(conn)
            conn.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            if data:
                self.requests += 1

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        for conn in self._open:
            conn.close()
        self._sock.close()
