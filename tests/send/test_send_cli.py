"""``fluxnotify test-send`` end to end against real servers on 127.0.0.1 (reference 3d, 8).

Each case asserts the exit code, the message and how many requests the server received;
the ``cli`` fixture also checks that neither stdout nor stderr shows the secret part of
the webhook path or the token, quietly and with ``--verbose``.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import trustme
from pytest_httpserver import HTTPServer
from send_support import SECRET_PATH, TOKEN, Cli, HangingServer, VirtualClock
from werkzeug import Request, Response

from fluxnotify.send import http


@pytest.fixture(params=[(), ("--verbose",)], ids=["quiet", "verbose"])
def flags(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> tuple[str, ...]:
    # A token is set for every case, so every case checks it never shows.
    monkeypatch.setenv("FLUXNOTIFY_TOKEN", TOKEN)
    return tuple(request.param)


def hook(server: HTTPServer) -> str:
    return server.url_for(SECRET_PATH)


def received(server: HTTPServer) -> int:
    return len(server.log)


def test_ok(cli: Cli, httpserver: HTTPServer, flags: tuple[str, ...]) -> None:
    httpserver.expect_request(SECRET_PATH, method="POST").respond_with_data("ok")
    result = cli("--address", hook(httpserver), *flags)
    assert result.code == 0
    assert result.out.startswith(
        f"delivered: slack message to http://localhost:{httpserver.port}/services/… (HTTP 200, "
    )
    lines = result.out.splitlines()
    assert lines[1] == (
        "  proves: the address, its credentials and the message work from this machine"
    )
    assert lines[2].startswith("  does not prove: that the cluster reaches it: its DNS, egress")
    check = lines[3].strip()
    assert check.startswith(
        "kubectl run fluxnotify-check --namespace flux-system --rm -i --restart=Never"
        " --image=curlimages/curl -- curl -sS -X POST -H 'Content-Type: application/json'"
        ' --data-binary \'{"channel":'
    )
    assert check.endswith(f" 'http://localhost:{httpserver.port}/services/…'")
    assert len(lines) == 4
    assert received(httpserver) == 1
    request = httpserver.log[0][0]
    assert request.headers["Content-Type"] == "application/json"
    # FLUXNOTIFY_TOKEN, left in the environment, does not go to a webhook.
    assert "Authorization" not in request.headers
    assert "warning: FLUXNOTIFY_TOKEN is set but not used: a Slack incoming webhook" in result.err
    assert request.get_json()["attachments"][0]["author_name"] == (
        "kustomization/fluxnotify-test.flux-system"
    )
    if flags:
        assert "Authorization" not in result.err
        assert "attempt 1: HTTP 200" in result.err


def test_token_env_sends_the_token_even_to_a_webhook(
    cli: Cli, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MY_TOKEN", TOKEN)
    httpserver.expect_request(SECRET_PATH, method="POST").respond_with_data("ok")
    result = cli("--address", hook(httpserver), "--token-env", "MY_TOKEN", "--verbose")
    assert result.code == 0
    assert httpserver.log[0][0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert "Authorization: Bearer <redacted>" in result.err
    assert "is set but not used" not in result.err


@pytest.mark.parametrize(
    ("status", "code", "meaning"),
    [
        (400, "invalid_payload", "Slack could not read the body as JSON"),
        (403, "action_prohibited", "the workspace forbids this post"),
        (404, "no_service", "the webhook was revoked, or its URL is mistyped"),
        (410, "channel_is_archived", "the channel was archived"),
    ],
)
def test_slack_webhook_errors_are_explained_and_not_retried(
    cli: Cli,
    httpserver: HTTPServer,
    flags: tuple[str, ...],
    status: int,
    code: str,
    meaning: str,
) -> None:
    httpserver.expect_request(SECRET_PATH).respond_with_data(code, status=status)
    result = cli("--address", hook(httpserver), *flags)
    assert result.code == 1
    assert f"answered HTTP {status} {code}" in result.err
    assert f"meaning: {meaning}" in result.err
    assert "fix: " in result.err
    assert received(httpserver) == 1


def test_no_service_says_how_to_fix(cli: Cli, httpserver: HTTPServer) -> None:
    httpserver.expect_request(SECRET_PATH).respond_with_data("no_service", status=404)
    result = cli("--address", hook(httpserver))
    assert "fix: create a new incoming webhook" in result.err


def test_429_honours_retry_after(
    cli: Cli, httpserver: HTTPServer, flags: tuple[str, ...], clock: VirtualClock
) -> None:
    httpserver.expect_oneshot_request(SECRET_PATH).respond_with_data(
        "rate_limited", status=429, headers={"Retry-After": "3"}
    )
    httpserver.expect_request(SECRET_PATH).respond_with_data("ok")
    result = cli("--address", hook(httpserver), *flags)
    assert result.code == 0
    assert "2 attempts" in result.out
    assert clock.waits == [3.0]
    assert received(httpserver) == 2


def test_429_retry_after_beyond_the_timeout_gives_up(
    cli: Cli, httpserver: HTTPServer, flags: tuple[str, ...], clock: VirtualClock
) -> None:
    httpserver.expect_request(SECRET_PATH).respond_with_data(
        "rate_limited", status=429, headers={"Retry-After": "120"}
    )
    result = cli("--address", hook(httpserver), *flags)
    assert result.code == 1
    assert "answered HTTP 429 rate_limited" in result.err
    assert "it asked to wait 120s" in result.err
    assert "the next retry, in 120s, would pass the 15s timeout" in result.err
    assert "meaning: rate limited" in result.err
    assert clock.waits == []
    assert received(httpserver) == 1


def test_500_then_200_one_retry_succeeds(
    cli: Cli, httpserver: HTTPServer, flags: tuple[str, ...], clock: VirtualClock
) -> None:
    httpserver.expect_oneshot_request(SECRET_PATH).respond_with_data("rollup_error", status=500)
    httpserver.expect_request(SECRET_PATH).respond_with_data("ok")
    result = cli("--address", hook(httpserver), *flags)
    assert result.code == 0
    assert clock.waits == [2.0]
    assert received(httpserver) == 2


def test_500_forever_backs_off_2_4_8_then_gives_up(
    cli: Cli, httpserver: HTTPServer, clock: VirtualClock
) -> None:
    httpserver.expect_request(SECRET_PATH).respond_with_data("rollup_error", status=500)
    result = cli("--address", hook(httpserver))
    assert result.code == 1
    assert "answered HTTP 500 rollup_error (4 attempts" in result.err
    assert "the next retry, in 16s, would pass the 15s timeout" in result.err
    assert clock.waits == [2.0, 4.0, 8.0]
    assert received(httpserver) == 4


def test_501_is_not_retried(cli: Cli, httpserver: HTTPServer) -> None:
    httpserver.expect_request(SECRET_PATH).respond_with_data("", status=501)
    assert cli("--address", hook(httpserver)).code == 1
    assert received(httpserver) == 1


def test_hanging_receiver_times_out(
    cli: Cli, hanging_server: HangingServer, flags: tuple[str, ...]
) -> None:
    address = f"http://127.0.0.1:{hanging_server.port}{SECRET_PATH}"
    result = cli("--address", address, "--timeout", "0.5", *flags)
    assert result.code == 1
    assert f"no answer from 127.0.0.1:{hanging_server.port} within the 0.5s timeout" in result.err
    assert "context deadline exceeded" in result.err
    assert hanging_server.requests == 1


def test_closed_port_is_refused_and_retried(
    cli: Cli, closed_port: int, flags: tuple[str, ...], clock: VirtualClock
) -> None:
    result = cli("--address", f"http://127.0.0.1:{closed_port}{SECRET_PATH}", *flags)
    assert result.code == 1
    assert f"127.0.0.1:{closed_port} refused the connection (4 attempts" in result.err
    assert clock.waits == [2.0, 4.0, 8.0]


def test_dns_failure_names_the_host(cli: Cli) -> None:
    result = cli("--address", f"https://hooks.invalid{SECRET_PATH}", "--format", "json")
    assert result.code == 1
    report = json.loads(result.out)
    assert report["problem"].startswith("cannot resolve the host hooks.invalid")
    assert report["delivered"] is False


@pytest.mark.parametrize("status", [307, 308])
def test_307_and_308_repeat_the_post_with_its_body(
    cli: Cli, httpserver: HTTPServer, status: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Go's client follows the redirect with the same method and body; the Authorization
    header goes along to the same host."""
    monkeypatch.setenv("MY_TOKEN", TOKEN)
    final = "/final/s3cr3tWebhookPart"
    httpserver.expect_request(SECRET_PATH).respond_with_data(
        "", status=status, headers={"Location": final}
    )
    httpserver.expect_request(final, method="POST").respond_with_data("ok")
    result = cli("--address", hook(httpserver), "--token-env", "MY_TOKEN")
    assert result.code == 0, result.err
    assert [entry[0].method for entry in httpserver.log] == ["POST", "POST"]
    first, second = (entry[0] for entry in httpserver.log)
    assert second.get_data() == first.get_data() != b""
    assert second.headers["Authorization"] == f"Bearer {TOKEN}"
    assert f"; redirects followed as Flux does: HTTP {status} to localhost:{httpserver.port}" in (
        result.out
    )


@pytest.mark.parametrize("status", [301, 302, 303])
def test_301_302_303_turn_the_post_into_a_get_and_nothing_is_posted(
    cli: Cli, httpserver: HTTPServer, status: int
) -> None:
    final = "/final/s3cr3tWebhookPart"
    httpserver.expect_request(SECRET_PATH).respond_with_data(
        "", status=status, headers={"Location": final}
    )
    httpserver.expect_request(final, method="GET").respond_with_data("ok")
    result = cli("--address", hook(httpserver))
    assert result.code == 1
    second = httpserver.log[1][0]
    assert (second.method, second.get_data()) == ("GET", b"")
    assert "Content-Type" not in second.headers
    assert (
        "answered HTTP 200 only after a redirect turned the POST into a GET without the"
        " message; Flux would count it as sent, yet nothing was posted" in result.err
    )
    assert f"HTTP {status} to localhost:{httpserver.port} (now GET without the message)" in (
        result.err
    )


def test_authorization_is_not_sent_to_another_host(
    cli: Cli, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """localhost and 127.0.0.1 are different hosts to Go: the token stays behind."""
    monkeypatch.setenv("MY_TOKEN", TOKEN)
    final = httpserver.url_for("/final").replace("localhost", "127.0.0.1")
    httpserver.expect_request(SECRET_PATH).respond_with_data(
        "", status=308, headers={"Location": final}
    )
    httpserver.expect_request("/final", method="POST").respond_with_data("ok")
    result = cli("--address", hook(httpserver), "--token-env", "MY_TOKEN", "-v")
    assert result.code == 0, result.err
    assert httpserver.log[0][0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert "Authorization" not in httpserver.log[1][0].headers
    assert f"HTTP 308 to 127.0.0.1:{httpserver.port} (Authorization not sent: another host)" in (
        result.out
    )
    assert f"redirect: HTTP 308 to 127.0.0.1:{httpserver.port}" in result.err


def test_more_than_10_redirects_is_a_failure_not_retried(cli: Cli, httpserver: HTTPServer) -> None:
    httpserver.expect_request(SECRET_PATH).respond_with_data(
        "", status=307, headers={"Location": SECRET_PATH}
    )
    result = cli("--address", hook(httpserver))
    assert result.code == 1
    assert "redirected more than 10 times" in result.err
    assert received(httpserver) == 11  # the request and 10 redirects followed


def test_a_redirect_go_does_not_follow_is_reported(
    cli: Cli, httpserver: HTTPServer, flags: tuple[str, ...]
) -> None:
    httpserver.expect_request(SECRET_PATH).respond_with_data("", status=300)
    result = cli("--address", hook(httpserver), *flags)
    assert result.code == 1
    assert "answered HTTP 300, a redirect to " in result.err
    assert "that Go's client does not follow" in result.err
    assert received(httpserver) == 1


class ToLocal(httpx.BaseTransport):
    """Answers for https://slack.com from a local server; the request URL is untouched."""

    def __init__(self, server: HTTPServer) -> None:
        self._server = server
        self._inner = httpx.HTTPTransport()
        self.urls: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        request.url = request.url.copy_with(
            scheme="http", host=self._server.host, port=self._server.port
        )
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


@pytest.fixture
def slack_api(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, clock: VirtualClock
) -> ToLocal:
    transport = ToLocal(httpserver)
    seam = http.Seam(now=clock.now, sleep=clock.sleep, mounts={"https://slack.com": transport})
    monkeypatch.setattr(http, "SEAM", seam)
    return transport


def test_api_mode_ok_false_is_a_failure(
    cli: Cli, httpserver: HTTPServer, slack_api: ToLocal, flags: tuple[str, ...]
) -> None:
    httpserver.expect_request("/api/chat.postMessage").respond_with_json(
        {"ok": False, "error": "not_in_channel"}
    )
    result = cli("--address", "https://slack.com/api/chat.postMessage", "--channel", "C1", *flags)
    assert result.code == 1
    assert "answered HTTP 200 with ok: false, error not_in_channel" in result.err
    assert "fix: invite the bot" in result.err
    assert slack_api.urls == ["https://slack.com/api/chat.postMessage"]
    assert received(httpserver) == 1
    assert httpserver.log[0][0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_api_mode_ok_true_is_delivered(
    cli: Cli, httpserver: HTTPServer, slack_api: ToLocal
) -> None:
    httpserver.expect_request("/api/chat.postMessage").respond_with_json({"ok": True})
    result = cli("--address", "https://slack.com/api/chat.postMessage", "--channel", "C1")
    assert result.code == 0
    assert "https://slack.com/api/chat.postMessage (HTTP 200" in result.out


def test_ok_false_counts_only_on_the_exact_api_url(
    cli: Cli, httpserver: HTTPServer, slack_api: ToLocal
) -> None:
    """3d: Flux counts ``ok: false`` at a slightly different URL as sent; nothing was posted,
    so test-send says not delivered, and why Flux would not notice."""
    httpserver.expect_request("/api/chat.postMessage/").respond_with_json(
        {"ok": False, "error": "not_in_channel"}
    )
    result = cli("--address", "https://slack.com/api/chat.postMessage/", "--channel", "C1")
    assert result.code == 1
    assert "is not exactly https://slack.com/api/chat.postMessage" in result.err
    assert "delivered:" not in result.out + result.err.replace("not delivered:", "")
    assert (
        "answered HTTP 200 with ok: false, error not_in_channel; nothing was posted, yet Flux"
        " would count it as sent" in result.err
    )


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_server(ca: trustme.CA) -> Iterator[HTTPServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("localhost").configure_cert(context)
    server = HTTPServer(host="localhost", ssl_context=context)
    server.start()
    yield server
    server.clear()
    server.stop()


def test_tls_private_ca_refused_without_it_accepted_with_it(
    cli: Cli, tls_server: HTTPServer, ca: trustme.CA, tmp_path: Path, flags: tuple[str, ...]
) -> None:
    tls_server.expect_request(SECRET_PATH).respond_with_data("ok")
    address = tls_server.url_for(SECRET_PATH)
    assert address.startswith("https://localhost:")
    refused = cli("--address", address, *flags)
    assert refused.code == 1
    assert f"TLS: localhost:{tls_server.port} presented a certificate that is not trusted" in (
        refused.err
    )
    assert "certSecretRef" in refused.err
    assert "attempts" not in refused.err  # certificate errors are not retried
    assert received(tls_server) == 0
    ca_file = tmp_path / "ca.crt"
    ca.cert_pem.write_to_path(str(ca_file))
    accepted = cli("--address", address, "--ca-file", str(ca_file), *flags)
    assert accepted.code == 0
    assert received(tls_server) == 1


def test_http_proxy(cli: Cli, httpserver: HTTPServer) -> None:
    seen: list[str] = []

    def handler(request: Request) -> Response:
        seen.append(request.host)
        return Response("ok")

    httpserver.expect_request(SECRET_PATH).respond_with_handler(handler)
    address = f"http://hooks.invalid{SECRET_PATH}"
    result = cli("--address", address, "--proxy", httpserver.url_for("/"))
    assert result.code == 0
    assert seen == ["hooks.invalid"]


def test_socks_proxy_without_socksio_is_a_clear_config_error(cli: Cli) -> None:
    try:
        import socksio  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("socksio is installed")
    result = cli(
        "--address", f"https://hooks.invalid{SECRET_PATH}", "--proxy", "socks5://127.0.0.1:1080"
    )
    assert result.code == 2
    assert result.err.splitlines() == [
        "fluxnotify: error: a SOCKS proxy needs the optional 'socksio' package",
        "  hint: install it with: pip install 'fluxnotify[socks]'",
    ]


def test_json_format_is_one_object(cli: Cli, httpserver: HTTPServer) -> None:
    httpserver.expect_request(SECRET_PATH).respond_with_data("no_service", status=404)
    result = cli("--address", hook(httpserver), "--format", "json", "--verbose")
    assert result.code == 1
    report = json.loads(result.out)
    assert report["delivered"] is False
    assert report["status"] == 404
    assert report["error"] == "no_service"
    assert report["destination"] == f"http://localhost:{httpserver.port}/services/…"
    assert report["attempts"] == 1


@pytest.mark.parametrize("status", [404, 400])
def test_webhook_channel_not_found_means_a_new_webhook(
    cli: Cli, httpserver: HTTPServer, status: int
) -> None:
    """A webhook is bound to its channel: inviting a bot or setting a channel cannot help."""
    httpserver.expect_request(SECRET_PATH).respond_with_data("channel_not_found", status=status)
    result = cli("--address", hook(httpserver))
    assert result.code == 1
    assert result.err.splitlines()[1:] == [
        "  meaning: the channel the webhook posts to was deleted or archived",
        "  fix: create a new incoming webhook for the channel and put its URL in the Secret's"
        " `address`",
    ]


def test_bot_token_channel_not_found_is_about_the_channel_and_the_bot(
    cli: Cli, httpserver: HTTPServer, slack_api: ToLocal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLUXNOTIFY_TOKEN", TOKEN)
    httpserver.expect_request("/api/chat.postMessage").respond_with_json(
        {"ok": False, "error": "channel_not_found"}
    )
    result = cli("--address", "https://slack.com/api/chat.postMessage", "--channel", "C0123ABCD")
    assert result.code == 1
    assert "meaning: the channel does not exist, or the bot cannot see it" in result.err
    assert "invite the bot" in result.err
    assert "new incoming webhook" not in result.err
