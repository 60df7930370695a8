"""Every address, header and token a user supplies is checked before anything is sent.

Each bad value is a configuration error (exit 2) with the reason, never exit 3 and never
a request: run through the installed console script against a server that counts requests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from send_support import SECRET_PATH, SECRETS, TOKEN, run_script

API = "https://slack.com/api/chat.postMessage"

SECRET_WITH_HEADERS = """\
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: hook
  namespace: flux-system
spec:
  type: generic
  secretRef:
    name: hook
---
apiVersion: v1
kind: Secret
metadata:
  name: hook
  namespace: flux-system
stringData:
  address: {address}
  headers: |
    X-Api-Key: {value}
"""


def _bad_addresses(port: int) -> list[tuple[str, str]]:
    return [
        (f"https://127.0.0.1:99999{SECRET_PATH}", "--address has the port '99999', outside 1"),
        (f"https://127.0.0.1:0{SECRET_PATH}", "--address has the port '0', outside 1 to 65535"),
        (f"http://[::1{SECRET_PATH}", "--address has an unmatched '[' or ']'"),
        (f"http://[not-ipv6]:{port}{SECRET_PATH}", "--address has an unmatched '[' or ']'"),
        (f"http://::1:{port}{SECRET_PATH}", "--address has no host name (an IPv6 host goes in"),
        (f"http://127.0.0.1:{port}{SECRET_PATH}\n", "--address ends with a line break"),
        (f" http://127.0.0.1:{port}{SECRET_PATH}", "--address has blanks around it"),
        (f"http://127.0.0.1:{port}/a b{SECRET_PATH}", "--address contains a blank or a control"),
        (f"ftp://127.0.0.1:{port}{SECRET_PATH}", "--address starts with ftp://; it must start"),
        (f"127.0.0.1:{port}{SECRET_PATH}", "--address starts with no scheme"),
        (f"http://hoöks.example{SECRET_PATH}", "--address has non-ASCII characters in its host"),
    ]


@pytest.mark.parametrize("case", range(11))
def test_bad_address_is_exit_2_with_the_reason(httpserver: HTTPServer, case: int) -> None:
    address, says = _bad_addresses(httpserver.port)[case]
    result = run_script("--address", address)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"fluxnotify: error: {says}")
    assert result.stderr.count("\n") <= 2
    assert len(httpserver.log) == 0


@pytest.mark.parametrize(
    ("token", "says"),
    [
        (TOKEN + "\n", "ends with a line break"),
        (TOKEN + "\r\n", "ends with a line break"),
        ("xoxb-1\n-2-" + TOKEN, "contains a line break"),
        (TOKEN + "\x7f", "contains the control character U+007F"),
        (TOKEN + "é", "contains the non-ASCII character U+00E9"),
    ],
)
@pytest.mark.parametrize("source", ["FLUXNOTIFY_TOKEN", "--token-env"])
def test_bad_token_from_the_environment_is_exit_2_before_sending(
    token: str, says: str, source: str
) -> None:
    """A token with a trailing newline was sent, retried for 14 s and called a network
    failure; Go refuses such a header, so it is a configuration error."""
    env = {"FLUXNOTIFY_TOKEN": token} if source == "FLUXNOTIFY_TOKEN" else {"MY_TOKEN": token}
    flags = ("--token-env", "MY_TOKEN") if source == "--token-env" else ()
    label = "FLUXNOTIFY_TOKEN" if source == "FLUXNOTIFY_TOKEN" else "--token-env MY_TOKEN"
    result = run_script("--address", API, "--channel", "C0123ABCD", *flags, env=env)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"fluxnotify: error: the token from {label} {says}")


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("caf\\u00e9-key", "contains the non-ASCII character U+00E9"),
        ("key\\u0007", "contains the control character U+0007"),
    ],
)
def test_bad_header_in_the_secret_is_exit_2(
    tmp_path: Path, httpserver: HTTPServer, value: str, says: str
) -> None:
    address = httpserver.url_for(SECRET_PATH)
    (tmp_path / "hook.yaml").write_text(
        SECRET_WITH_HEADERS.format(address=address, value=f'"{value}"')
    )
    result = run_script("--provider", "hook", "--root", str(tmp_path))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(
        f"fluxnotify: error: the header X-Api-Key in the Secret of Provider flux-system/hook {says}"
    )
    assert len(httpserver.log) == 0


def test_bad_proxy_is_exit_2(httpserver: HTTPServer) -> None:
    result = run_script(
        "--address", httpserver.url_for(SECRET_PATH), "--proxy", "http://user:pw@proxy:70000"
    )
    assert result.returncode == 2
    assert result.stderr.startswith("fluxnotify: error: --proxy has the port '70000'")
    assert "pw" not in result.stderr
    assert len(httpserver.log) == 0


@pytest.mark.parametrize("kind", ["fifo", "folder", "binary", "missing"])
def test_a_pem_option_that_is_no_readable_text_file_is_exit_2(
    httpserver: HTTPServer, tmp_path: Path, kind: str
) -> None:
    # A FIFO used to block the read forever (run_script's timeout would fail the test).
    path = tmp_path / "ca.pem"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "binary":
        path.write_bytes(b"\xff\xfe\x00")
    result = run_script("--address", httpserver.url_for(SECRET_PATH), "--ca-file", str(path))
    assert result.returncode == 2, result.stderr
    reason = {
        "fifo": "not a regular file; give a PEM file",
        "folder": "not a regular file; give a PEM file",
        "binary": "not a PEM file (not UTF-8 text)",
        "missing": "cannot read it (No such file or directory)",
    }[kind]
    assert result.stderr == f"fluxnotify: error: --ca-file {path}: {reason}\n"
    assert len(httpserver.log) == 0


def test_the_env_token_is_not_used_where_the_type_takes_none(httpserver: HTTPServer) -> None:
    httpserver.expect_request(SECRET_PATH).respond_with_data("1")
    result = run_script(
        "--address",
        httpserver.url_for(SECRET_PATH),
        "--type",
        "msteams",
        env={"FLUXNOTIFY_TOKEN": TOKEN},
    )
    assert result.returncode == 0, result.stderr
    assert "FLUXNOTIFY_TOKEN is set but not used: msteams Providers take no token" in (
        result.stderr
    )
    assert "Authorization" not in httpserver.log[0][0].headers
    assert all(secret not in result.stderr for secret in SECRETS)


PROVIDER_WITH_SECRET = """\
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: slack
  namespace: flux-system
spec:
  type: slack
  secretRef:
    name: slack-url
---
apiVersion: v1
kind: Secret
metadata:
  name: slack-url
  namespace: flux-system
stringData:
{data}"""


@pytest.mark.parametrize(
    ("data", "says", "hint"),
    [
        (
            "  url: https://hooks.slack.com/services/T0/B0/x\n",
            "Provider flux-system/slack has no address: its Secret has a `url` key, which Flux"
            " never reads",
            "  hint: rename the key `url` to `address`",
        ),
        (
            "  address: ''\n",
            "the `address` key in the Secret of Provider flux-system/slack is empty",
            "  hint: fill it in (encrypted), or pass the address with --address URL",
        ),
    ],
)
def test_a_secret_without_a_usable_address_says_what_is_there(
    tmp_path: Path, data: str, says: str, hint: str
) -> None:
    (tmp_path / "slack.yaml").write_text(PROVIDER_WITH_SECRET.format(data=data))
    result = run_script("--provider", "slack", "--root", str(tmp_path))
    assert result.returncode == 2
    first, second = result.stderr.splitlines()
    assert first == f"fluxnotify: error: {says}"
    assert second.startswith(hint)


def test_a_bot_token_without_a_channel_gets_a_warning() -> None:
    result = run_script("--address", API, "--dry-run", env={"FLUXNOTIFY_TOKEN": TOKEN})
    assert result.returncode == 0
    assert "warning: chat.postMessage needs a channel" in result.stderr
