"""The advice table in docs/test-send.md is where every meaning and fix comes from.

The test walks the table row by row: a local server answers as the row says (a webhook's
status and code, the Web API's ``ok: false``), or the failure is produced for real where
that is cheap (a closed port, an unresolvable host, redirects), else the row's failure is
handed to ``explain``; each report must print the row's meaning and fix, word for word.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from send_support import SECRET_PATH, TOKEN, Cli
from test_send_cli import ToLocal, slack_api  # noqa: F401 - the fixture, used by name

from fluxnotify.redact import Scrubber
from fluxnotify.send.explain import ADVICE_PAGE, advice_table, explain, parse_advice
from fluxnotify.send.http import Delivery

PAGE = Path(__file__).resolve().parents[2] / "docs" / ADVICE_PAGE
TABLE = parse_advice(PAGE.read_text(encoding="utf-8"))
API = "https://slack.com/api/chat.postMessage"


def rows(kind: str) -> list[tuple[str, tuple[str, str]]]:
    return sorted(getattr(TABLE, kind).items())


def said(result_err: str) -> tuple[str, str]:
    lines = result_err.splitlines()
    meaning = next(line for line in lines if line.startswith("  meaning: "))
    fix = next(line for line in lines if line.startswith("  fix: "))
    return meaning.removeprefix("  meaning: "), fix.removeprefix("  fix: ")


def test_the_package_reads_the_page_in_the_repository() -> None:
    assert advice_table() == TABLE
    assert len(TABLE.webhook) >= 10
    assert len(TABLE.bot) >= 10
    assert len(TABLE.failure) >= 10


def webhook_status(code: str) -> int:
    line = next(line for line in PAGE.read_text().splitlines() if f" {code}` | webhook" in line)
    return int(re.search(r"HTTP (\d+)", line)[1])  # type: ignore[index]


@pytest.mark.parametrize(("code", "words"), rows("webhook"), ids=[r[0] for r in rows("webhook")])
def test_webhook_rows(cli: Cli, httpserver: HTTPServer, code: str, words: tuple[str, str]) -> None:
    httpserver.expect_request(SECRET_PATH).respond_with_data(code, status=webhook_status(code))
    result = cli("--address", httpserver.url_for(SECRET_PATH))
    assert result.code == 1
    assert said(result.err) == words


@pytest.mark.parametrize(("code", "words"), rows("bot"), ids=[r[0] for r in rows("bot")])
def test_bot_token_rows(
    cli: Cli,
    httpserver: HTTPServer,
    slack_api: ToLocal,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    code: str,
    words: tuple[str, str],
) -> None:
    monkeypatch.setenv("FLUXNOTIFY_TOKEN", TOKEN)
    httpserver.expect_request("/api/chat.postMessage").respond_with_json(
        {"ok": False, "error": code}
    )
    result = cli("--address", API, "--channel", "C0123ABCD")
    assert result.code == 1
    assert said(result.err) == words


@pytest.mark.parametrize(("code", "words"), rows("bot_no_channel"))
def test_bot_token_rows_without_a_channel(
    cli: Cli,
    httpserver: HTTPServer,
    slack_api: ToLocal,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    code: str,
    words: tuple[str, str],
) -> None:
    monkeypatch.setenv("FLUXNOTIFY_TOKEN", TOKEN)
    httpserver.expect_request("/api/chat.postMessage").respond_with_json(
        {"ok": False, "error": code}
    )
    result = cli("--address", API)
    assert result.code == 1
    assert said(result.err) == words


@pytest.mark.parametrize(("status", "words"), rows("status"), ids=[r[0] for r in rows("status")])
def test_status_rows(cli: Cli, httpserver: HTTPServer, status: str, words: tuple[str, str]) -> None:
    """A status with a body that names no code: the status row applies."""
    httpserver.expect_request(SECRET_PATH).respond_with_data(
        "<html>nope</html>", status=503 if status == "5xx" else int(status)
    )
    result = cli("--address", httpserver.url_for(SECRET_PATH))
    assert result.code == 1
    assert said(result.err) == words


def test_live_failure_rows(
    cli: Cli,
    httpserver: HTTPServer,
    closed_port: int,
    slack_api: ToLocal,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    failure = TABLE.failure
    assert said(cli("--address", "https://hooks.invalid/services/x/y").err) == failure["dns"]
    refused = cli("--address", f"http://127.0.0.1:{closed_port}/services/x/y")
    assert said(refused.err) == failure["refused"]
    httpserver.expect_request("/r300").respond_with_data("", status=300)
    assert said(cli("--address", httpserver.url_for("/r300")).err) == failure["redirect"]
    httpserver.expect_request("/loop").respond_with_data(
        "", status=307, headers={"Location": "/loop"}
    )
    assert said(cli("--address", httpserver.url_for("/loop")).err) == failure["redirect-loop"]
    httpserver.expect_request("/get").respond_with_data("", status=302, headers={"Location": "/g"})
    httpserver.expect_request("/g").respond_with_data("ok")
    assert said(cli("--address", httpserver.url_for("/get")).err) == failure["redirect-get"]
    monkeypatch.setenv("FLUXNOTIFY_TOKEN", TOKEN)
    httpserver.expect_request("/api/chat.postMessage").respond_with_data("<html>", status=200)
    unreadable = cli("--address", API, "--channel", "C0123ABCD")
    assert said(unreadable.err) == failure["unreadable"]


@pytest.mark.parametrize(("kind", "words"), rows("failure"), ids=[r[0] for r in rows("failure")])
def test_every_failure_row_as_explain_puts_it(kind: str, words: tuple[str, str]) -> None:
    """Failures that need a broken network (a proxy, a TLS handshake) to happen for real."""
    delivery = Delivery(host="hooks.example", failure=kind, status=300)
    report = explain(
        delivery,
        destination="https://hooks.example/…",
        provider_type="slack",
        timeout=15,
        scrub=Scrubber([]),
    )
    assert (report.meaning, report.fix) == words
