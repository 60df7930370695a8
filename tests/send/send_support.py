"""Helpers for the test-send tests: secrets to look for, virtual time, local servers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from fluxnotify.__main__ import main

SECRET_PATH = "/services/T0FLUXNT/B0TEST01/s3cr3tWebhookPart"
TOKEN = "xoxb-111-222-s3cr3tT0kenValue"
#: Pieces of the webhook URL and the token that must never be printed.
SECRETS = ("T0FLUXNT", "B0TEST01", "s3cr3tWebhookPart", TOKEN, "s3cr3tT0kenValue")
FLUXNOTIFY = Path(sys.executable).with_name("fluxnotify")


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

    def assert_no_secrets(self, secrets: Sequence[str] = SECRETS) -> None:
        for secret in secrets:
            assert secret not in self.out, f"{secret!r} printed on stdout"
            assert secret not in self.err, f"{secret!r} printed on stderr"


class Cli:
    """``fluxnotify test-send ...`` in-process, through the real entry point.

    Every run is checked for ``secrets`` in its output.
    """

    def __init__(
        self, capsys: pytest.CaptureFixture[str], secrets: Sequence[str] = SECRETS
    ) -> None:
        self._capsys = capsys
        self._secrets = secrets

    def __call__(self, *args: str) -> Result:
        self._capsys.readouterr()
        code = main(["test-send", *args])
        captured = self._capsys.readouterr()
        result = Result(code, captured.out, captured.err)
        result.assert_no_secrets(self._secrets)
        return result


def run_script(
    *args: str, env: dict[str, str] | None = None, secrets: Sequence[str] = SECRETS
) -> subprocess.CompletedProcess[str]:
    """The installed console script, as users run it; checked for ``secrets`` too."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("FLUXNOTIFY_")}
    result = subprocess.run(
        [str(FLUXNOTIFY), "test-send", *args],
        capture_output=True,
        text=True,
        env={**base, "NO_PROXY": "127.0.0.1,localhost", **(env or {})},
        timeout=60,
        check=False,
    )
    Result(result.returncode, result.stdout, result.stderr).assert_no_secrets(secrets)
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
