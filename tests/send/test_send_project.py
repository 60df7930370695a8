"""``test-send --provider`` on a project folder, in-process and through the console script."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from send_support import SECRET_PATH, TOKEN, Cli, run_script

ROOT = Path(__file__).resolve().parents[2]

PROVIDER = """\
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: slack
  namespace: flux-system
spec:
  type: slack
  channel: flux-alerts
  secretRef:
    name: slack-url
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: on-call
  namespace: flux-system
spec:
  providerRef:
    name: slack
  eventSeverity: info
  eventSources:
    - kind: Kustomization
      name: "*"
  eventMetadata:
    cluster: prod-eu
"""

PLAIN_SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: slack-url
  namespace: flux-system
stringData:
  address: {address}
  token: {token}
"""

SOPS_SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: slack-url
  namespace: flux-system
stringData:
  address: ENC[AES256_GCM,data:bm90IHJlYWw=,iv:aXY=,tag:dGFn,type:str]
sops:
  version: 3.10.2
"""


def project(tmp_path: Path, secret: str) -> Path:
    (tmp_path / "notifications.yaml").write_text(PROVIDER)
    (tmp_path / "secret.yaml").write_text(secret)
    return tmp_path


@pytest.fixture
def plain_project(tmp_path: Path, httpserver: HTTPServer) -> Path:
    address = httpserver.url_for(SECRET_PATH)
    return project(tmp_path, PLAIN_SECRET.format(address=address, token=TOKEN))


def test_provider_end_to_end(cli: Cli, httpserver: HTTPServer, plain_project: Path) -> None:
    httpserver.expect_request(SECRET_PATH).respond_with_data("ok")
    result = cli("--provider", "slack", "--root", str(plain_project), "--verbose")
    assert result.code == 0, result.err
    assert "Provider flux-system/slack from" in result.err
    assert received_payload(httpserver)["channel"] == "flux-alerts"
    assert httpserver.log[0][0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_alert_brings_its_provider_and_metadata(
    cli: Cli, httpserver: HTTPServer, plain_project: Path
) -> None:
    httpserver.expect_request(SECRET_PATH).respond_with_data("ok")
    result = cli("--alert", "on-call", "-n", "flux-system", "--root", str(plain_project))
    assert result.code == 0, result.err
    fields = received_payload(httpserver)["attachments"][0]["fields"]
    assert fields == [{"title": "cluster", "value": "prod-eu", "short": False}]


def test_alert_warns_when_its_own_filters_would_drop_the_event(
    cli: Cli, httpserver: HTTPServer, plain_project: Path
) -> None:
    httpserver.expect_request(SECRET_PATH).respond_with_data("ok")
    args = ("--alert", "on-call", "-n", "flux-system", "--root", str(plain_project))
    result = cli(*args)
    assert result.code == 0, result.err
    assert "would not send" not in result.err  # a Kustomization of flux-system: it matches
    # on-call watches Kustomizations only: the message still goes out, with a warning
    result = cli(*args, "--kind", "HelmRelease", "--name", "podinfo")
    assert result.code == 0, result.err
    assert (
        "warning: Alert flux-system/on-call would not send this event: no eventSources entry"
        " is for kind HelmRelease (eventSources[0] is Kustomization)"
    ) in result.err
    assert len(httpserver.log) == 2
    other = run_script(*args, "--object-namespace", "apps", "--dry-run")
    assert other.returncode == 0, other.stderr
    assert (
        "would not send this event: eventSources[0] watches namespace `flux-system` (the"
        " Alert's own, as it sets none); the event comes from namespace `apps`"
    ) in other.stderr


def received_payload(server: HTTPServer) -> dict[str, object]:
    assert len(server.log) == 1
    payload: dict[str, object] = server.log[0][0].get_json()
    return payload


def test_provider_end_to_end_through_the_console_script(
    httpserver: HTTPServer, plain_project: Path
) -> None:
    httpserver.expect_request(SECRET_PATH).respond_with_data("ok")
    result = run_script("--provider", "slack", "--root", str(plain_project), "--verbose")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("delivered: slack message to http://localhost:")
    assert len(httpserver.log) == 1


def test_console_script_explains_a_failure(httpserver: HTTPServer) -> None:
    httpserver.expect_request(SECRET_PATH).respond_with_data("no_service", status=404)
    result = run_script(
        "--format", "json", env={"FLUXNOTIFY_ADDRESS": httpserver.url_for(SECRET_PATH)}
    )
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"] == "no_service"
    assert len(httpserver.log) == 1


def test_sops_secret_without_sops_says_how_to_pass_the_address(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "repo").mkdir()
    root = project(tmp_path / "repo", SOPS_SECRET)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = cli("--provider", "slack", "--root", str(root))
    assert result.code == 2
    lines = result.err.splitlines()
    assert lines[0] == (
        f"fluxnotify: error: {root / 'secret.yaml'} is encrypted with SOPS and `sops` is not on "
        "the PATH"
    )
    assert lines[1].startswith("  hint: pass the address with --address URL or FLUXNOTIFY_ADDRESS")
    assert result.out == ""


def test_sops_secret_through_the_console_script(tmp_path: Path, httpserver: HTTPServer) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    project(root, SOPS_SECRET)
    empty = {"PATH": str(tmp_path / "empty")}
    refused = run_script("--provider", "slack", "--root", str(root), env=empty)
    assert refused.returncode == 2
    assert "is encrypted with SOPS and `sops` is not on the PATH" in refused.stderr
    assert "Traceback" not in refused.stderr
    # With the address given another way, the Provider's channel and type still apply.
    httpserver.expect_request(SECRET_PATH).respond_with_data("ok")
    sent = run_script(
        "--provider",
        "slack",
        "--root",
        str(root),
        env={**empty, "FLUXNOTIFY_ADDRESS": httpserver.url_for(SECRET_PATH)},
    )
    assert sent.returncode == 0, sent.stderr
    assert "warning:" in sent.stderr
    assert received_payload(httpserver)["channel"] == "flux-alerts"


def test_repository_examples_dry_run(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot-token example: address in spec, token in a SOPS Secret, token from the env."""
    monkeypatch.setenv("PATH", "")
    monkeypatch.setenv("FLUXNOTIFY_TOKEN", TOKEN)
    result = cli("--alert", "slack-bot", "--root", str(ROOT / "examples"), "--dry-run")
    assert result.code == 0, result.err
    head, body = result.out.split("\n\n", 1)
    assert head.splitlines() == [
        "POST https://slack.com/api/chat.postMessage",
        "Content-Type: application/json",
        "Authorization: Bearer <redacted>",
    ]
    payload = json.loads(body)
    assert payload["channel"] == "flux"
    assert payload["attachments"][0]["fields"] == [
        {"title": "cluster", "value": "example", "short": False}
    ]
    assert "is encrypted with SOPS" in result.err  # a warning, since the token came from env


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "no destination: give --address URL, set FLUXNOTIFY_ADDRESS"),
        (("--address", "x", "--severity", "warning"), "--severity must be info or error"),
        (("--address", "x", "--format", "xml"), "--format must be text or json"),
        (("--address", "x", "--type", "zoom"), "--type 'zoom' is not one of: slack"),
        (("--address", "x", "--type", "telegram"), "empty Telegram channel"),
        (("--address", "x", "--kind", "Deployment"), "--kind 'Deployment' is not one of"),
        (("--address", "x", "--metadata", "novalue"), "--metadata 'novalue' is not KEY=VALUE"),
        (("--address", "x", "--timeout", "1h"), "--timeout: invalid duration '1h'"),
        (
            ("--address", "x", "--flux-version", "banana"),
            "--flux-version: unsupported Flux version 'banana'",
        ),
        (
            ("--address", "x", "--flux-version", "3.0"),
            "--flux-version: unsupported Flux version '3.0'",
        ),
        (("--address", "hooks.slack.com/x"), "--address starts with no scheme; it must start"),
        (("--address", "http://x/y", "--token-env", "NOPE_NOT_SET"), "--token-env NOPE_NOT_SET"),
        (("--provider", "nope", "--root", "/nonexistent"), "--root /nonexistent: not a folder"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(
    cli: Cli, args: tuple[str, ...], message: str
) -> None:
    result = cli(*args)
    assert result.code == 2
    assert result.err.startswith(f"fluxnotify: error: {message}")
    assert "Traceback" not in result.err
    assert result.out == ""


def test_dry_run_json_sends_nothing(cli: Cli, httpserver: HTTPServer) -> None:
    result = cli(
        "--address",
        httpserver.url_for(SECRET_PATH),
        "--dry-run",
        "--format",
        "json",
        "--flux-version",
        "2.8",
        "--severity",
        "error",
        "-m",
        "revision=main@sha1:4f2c9e1d",
    )
    assert result.code == 0
    doc = json.loads(result.out)
    assert doc["url"] == f"http://localhost:{httpserver.port}/services/…"
    assert "fallback" not in doc["payload"]["attachments"][0]
    assert doc["payload"]["attachments"][0]["color"] == "danger"
    assert doc["payload"]["attachments"][0]["fields"][0]["title"] == "revision"
    assert httpserver.log == []


def test_docs_page_names_every_option(cli: Cli) -> None:
    result = cli("--help")
    assert result.code == 0
    options = set(re.findall(r"--[a-z][a-z-]+", result.out)) - {"--help"}
    assert {"--ca-file", "--cert-file", "--key-file"} <= options
    page = (ROOT / "docs" / "test-send.md").read_text(encoding="utf-8")
    assert sorted(o for o in options if not re.search(rf"{o}\b", page)) == []


@pytest.mark.parametrize(
    "address", ["https://hooks.slack.com/services/YOUR/SLACK/WEBHOOK", "<slack-webhook-url>"]
)
def test_placeholder_address_is_refused_not_sent(
    tmp_path: Path, cli: Cli, httpserver: HTTPServer, address: str
) -> None:
    """The same recogniser as plaintext-secret: a placeholder is a config error (exit 2);
    --dry-run still shows the request, with a warning."""
    root = project(tmp_path, PLAIN_SECRET.format(address=f"'{address}'", token=TOKEN))
    result = cli("--provider", "slack", "--root", str(root))
    assert result.code == 2
    assert result.err.splitlines()[-2:] == [
        "fluxnotify: error: the address of Provider flux-system/slack is a placeholder,"
        " not a real URL",
        "  hint: fill in the real address in the Secret (encrypted), or pass --address URL",
    ]
    if address.startswith("https:"):  # a URL: the request can be shown
        dry = cli("--provider", "slack", "--root", str(root), "--dry-run")
        assert dry.code == 0
        assert "is a placeholder, not a real URL: test-send will not send to it" in dry.err
    real = httpserver.url_for(SECRET_PATH)
    httpserver.expect_request(SECRET_PATH).respond_with_data("ok")
    sent = cli("--provider", "slack", "--root", str(root), "--address", real)
    assert sent.code == 0, sent.err
    assert len(httpserver.log) == 1


def test_placeholder_address_is_refused_through_the_console_script(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    root = project(
        tmp_path,
        PLAIN_SECRET.format(address="https://hooks.slack.com/services/mock", token=TOKEN),
    )
    result = run_script("--provider", "slack", "--root", str(root))
    assert result.returncode == 2
    assert (
        "fluxnotify: error: the address of Provider flux-system/slack is a placeholder,"
        " not a real URL" in result.stderr
    )
    assert "hooks.slack.com/services/mock" not in result.stderr + result.stdout
    assert httpserver.log == []
