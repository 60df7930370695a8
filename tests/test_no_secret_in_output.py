"""No output of any command, in any failure, shows a webhook path or token it was given.

One marker secret goes through every option and error path of every command: on the
command line (in the right place and the wrong one), in the environment
(FLUXNOTIFY_TOKEN, FLUXNOTIFY_ADDRESS, --token-env), and in a Secret in the project. Each
run is the installed console script; stdout and stderr are searched for the marker, and
no run may exit 3 (a bug) for what a user typed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

FLUXNOTIFY = Path(sys.executable).with_name("fluxnotify")
MARK = "Mk7s3cr3tQ9"
URL = f"https://hooks.slack.com/services/T0MARK0/B0MARK0/{MARK}Path"
TOKEN = f"xoxb-1234-5678-{MARK}Tok"
API = "https://slack.com/api/chat.postMessage"
REV = "revision=main@sha1:" + "a" * 40

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
  eventSeverity: error
  eventSources:
    - kind: Kustomization
      name: "*"
"""
SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: slack-url
  namespace: flux-system
stringData:
  address: {address}
  token: "{token}"
{extra}"""


@pytest.fixture(scope="module")
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, closed_port: int) -> Path:
    """Projects whose Secret holds the marker: usable, a bad header, a token with a newline."""
    root = tmp_path_factory.mktemp("projects")
    local = f"http://127.0.0.1:{closed_port}/services/T0MARK0/B0MARK0/{MARK}Path"
    variants = {
        "plain": SECRET.format(address=local, token=TOKEN, extra=""),
        "header": SECRET.format(
            address=local, token=TOKEN, extra=f'  headers: |\n    X-Key: "{MARK}\\u00e9"\n'
        ),
        "newline": SECRET.format(address=local, token=TOKEN + "\\n", extra=""),
        "webhook-in-spec": SECRET.format(address=URL, token=TOKEN, extra=""),
        # types whose address is an API URL, not a credential: from a Secret it is one
        "alertmanager": SECRET.format(address=local, token=TOKEN, extra=""),
        "github": SECRET.format(address=URL, token=TOKEN, extra=""),
        # a token pasted into a field that is echoed in findings
        "token-in-field": SECRET.format(address=URL, token=TOKEN, extra=""),
        # a file migrate changes, its Secret in the diff's context
        "migrate": SECRET.format(address=URL, token=TOKEN, extra=""),
    }
    changed = {
        "header": ("type: slack", "type: generic"),  # Secret headers: generic Providers only
        "alertmanager": ("type: slack", "type: alertmanager"),
        "github": ("type: slack", "type: github"),
        "token-in-field": ("eventSeverity: error", f"eventSeverity: {TOKEN}"),
        "migrate": ("v1beta3", "v1beta2"),
    }
    for name, secret in variants.items():
        folder = root / name
        folder.mkdir()
        provider = PROVIDER.replace(*changed[name]) if name in changed else PROVIDER
        if name == "migrate":
            provider, secret = secret + "---\n" + provider, ""
        (folder / "notifications.yaml").write_text(provider)
        if secret:
            (folder / "secret.yaml").write_text(secret)
    return root


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("FLUXNOTIFY_")}
    return subprocess.run(
        [str(FLUXNOTIFY), *args],
        cwd=cwd,
        env={**base, "NO_PROXY": "127.0.0.1,localhost", **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def cases(port: int) -> list[tuple[str, list[str], dict[str, str]]]:
    local = f"http://127.0.0.1:{port}/services/T0MARK0/B0MARK0/{MARK}Path"
    return [
        # test-send: the URL or token in the wrong place
        ("send-bare-url", ["test-send", URL], {}),
        ("send-provider-eats-flag", ["test-send", "--provider", "--address", URL], {}),
        ("send-typo-flag", ["test-send", f"--adress={URL}"], {}),
        ("send-token-as-timeout", ["test-send", "--address", local, "--timeout", TOKEN], {}),
        ("send-token-as-type", ["test-send", "--address", local, "--type", TOKEN], {}),
        ("send-token-as-word", ["test-send", "--address", local, TOKEN], {}),
        # test-send: addresses that cannot be sent to, and one nobody answers
        ("send-bad-port", ["test-send", "--address", URL.replace(".com/", ".com:99999/")], {}),
        ("send-bad-ipv6", ["test-send", "--address", URL.replace("hooks.slack.com", "[::1")], {}),
        ("send-newline", ["test-send", "--address", URL + "\n"], {}),
        ("send-refused", ["test-send", "--address", local, "--timeout", "1s"], {}),
        ("send-refused-verbose", ["test-send", "--address", local, "-v", "--timeout", "1s"], {}),
        ("send-dry-run", ["test-send", "--address", URL, "--dry-run", "-v"], {}),
        ("send-dry-run-json", ["test-send", "--address", URL, "--dry-run", "--format", "json"], {}),
        (
            "send-proxy",
            ["test-send", "--address", URL, "--proxy", f"http://u:{MARK}@127.0.0.1:1"],
            {},
        ),
        ("send-bad-proxy", ["test-send", "--address", URL, "--proxy", f"http://u:{MARK}@h:0"], {}),
        # test-send: from the environment
        ("send-env-address", ["test-send", "--dry-run", "-v"], {"FLUXNOTIFY_ADDRESS": URL}),
        (
            "send-env-token-api",
            ["test-send", "--address", API, "--channel", "C0123ABCD", "--dry-run", "-v"],
            {"FLUXNOTIFY_TOKEN": TOKEN},
        ),
        (
            "send-env-token-webhook",
            ["test-send", "--address", local, "-v", "--timeout", "1s"],
            {"FLUXNOTIFY_TOKEN": TOKEN},
        ),
        (
            "send-env-token-newline",
            ["test-send", "--address", API, "--channel", "C0123ABCD"],
            {"FLUXNOTIFY_TOKEN": TOKEN + "\n"},
        ),
        (
            "send-token-env",
            ["test-send", "--address", local, "--token-env", "MY_TOKEN", "-v", "--timeout", "1s"],
            {"MY_TOKEN": TOKEN},
        ),
        (
            "send-token-env-non-ascii",
            ["test-send", "--address", API, "--channel", "C0123ABCD", "--token-env", "MY_TOKEN"],
            {"MY_TOKEN": TOKEN + "é"},
        ),
        # test-send: from a Secret in the project
        (
            "send-secret",
            ["test-send", "--provider", "slack", "--root", "{plain}", "-v", "--timeout", "1s"],
            {},
        ),
        (
            "send-secret-dry",
            [
                "test-send",
                "--provider",
                "slack",
                "--root",
                "{plain}",
                "--dry-run",
                "--format",
                "json",
            ],
            {},
        ),
        (
            "send-secret-alert",
            [
                "test-send",
                "--alert",
                "on-call",
                "--root",
                "{plain}",
                "--severity",
                "error",
                "-v",
                "--timeout",
                "1s",
            ],
            {},
        ),
        ("send-secret-header", ["test-send", "--provider", "slack", "--root", "{header}"], {}),
        (
            "send-secret-api-url-dry",
            ["test-send", "--provider", "slack", "--root", "{alertmanager}", "--dry-run", "-v"],
            {},
        ),
        (
            "send-secret-api-url",
            ["test-send", "--provider", "slack", "--root", "{alertmanager}", "--timeout", "1s"],
            {},
        ),
        (
            "send-secret-bad-repository",
            ["test-send", "--provider", "slack", "--root", "{github}", "--dry-run", "-m", REV],
            {},
        ),
        (
            "send-url-as-repository",
            ["test-send", "--address", URL, "--type", "github", "--dry-run", "-m", REV],
            {},
        ),
        ("send-secret-newline", ["test-send", "--provider", "slack", "--root", "{newline}"], {}),
        ("send-secret-missing", ["test-send", "--provider", "nope", "--root", "{plain}"], {}),
        # init
        ("init-bare-url", ["init", URL], {}),
        ("init-url-as-severity", ["init", "--event-severity", URL, "--stdout"], {}),
        ("init-token-as-name", ["init", "--name", TOKEN, "--stdout"], {}),
        ("init-token-as-type", ["init", "--type", TOKEN, "--stdout"], {}),
        ("init-url-as-route", ["init", "--route", f"error={URL}", "--stdout"], {}),
        (
            "init-none",
            ["init", "--secret-mode", "none", "--channel", "c", "--output-dir", "o"],
            {"FLUXNOTIFY_ADDRESS": URL},
        ),
        (
            "init-none-blank",
            ["init", "--secret-mode", "none", "--channel", "c", "--stdout"],
            {"FLUXNOTIFY_ADDRESS": URL + " "},
        ),
        (
            "init-none-token",
            ["init", "--slack-token-mode", "--secret-mode", "none", "--channel", "c", "--stdout"],
            {"FLUXNOTIFY_TOKEN": TOKEN},
        ),
        (
            "init-sops-env-unused",
            ["init", "--channel", "c", "--stdout"],
            {"FLUXNOTIFY_ADDRESS": URL},
        ),
        # validate
        ("validate-plaintext", ["validate", "{webhook-in-spec}"], {}),
        *(
            (f"validate-plaintext-{fmt}", ["validate", "-f", fmt, "{webhook-in-spec}"], {})
            for fmt in ("parsable", "json", "github", "sarif", "junit", "gitlab")
        ),
        ("validate-url-as-path", ["validate", URL], {}),
        ("validate-url-as-root", ["validate", "--root", URL, "{plain}"], {}),
        *(
            (f"validate-token-in-field-{fmt}", ["validate", "-f", fmt, "{token-in-field}"], {})
            for fmt in ("text", "json", "sarif", "junit", "gitlab")
        ),
        ("migrate-secret-in-context", ["migrate", "{migrate}"], {}),
        ("validate-webhook-as-repository", ["validate", "--no-cache", "{github}"], {}),
        ("validate-token-as-version", ["validate", "--flux-version", TOKEN, "{plain}"], {}),
        ("validate-token-as-rule", ["validate", "--disable", TOKEN, "{plain}"], {}),
        # the other commands and none
        ("rules-token", ["rules", TOKEN], {}),
        ("migrate-url", ["migrate", URL], {}),
        ("route-url", ["route", URL], {}),
        ("no-command", [URL], {}),
        ("no-command-token", [TOKEN, "--help"], {}),
    ]


@pytest.mark.parametrize("case", range(len(cases(1))), ids=[c[0] for c in cases(1)])
def test_the_marker_never_shows_and_nothing_is_a_bug(
    case: int, closed_port: int, project: Path, tmp_path: Path
) -> None:
    name, args, env = cases(closed_port)[case]
    args = [arg.format(**{p.name: str(p) for p in project.iterdir()}) for arg in args]
    result = run(args, tmp_path, **env)
    output = result.stdout + result.stderr
    assert MARK not in output, f"{name}: the marker was printed:\n{output}"
    for piece in ("T0MARK0", "B0MARK0"):
        assert piece not in output, f"{name}: {piece} was printed:\n{output}"
    assert result.returncode != 3, f"{name}: exit 3:\n{output}"
    assert "Traceback" not in output
    if result.returncode == 2:
        assert result.stderr.startswith("fluxnotify: error: ") or "Usage:" in output


@pytest.mark.parametrize("provider_type", ["alertmanager", "grafana", "webex", "matrix"])
def test_a_webhook_given_to_a_type_with_a_public_address_is_still_hidden(
    tmp_path: Path, provider_type: str
) -> None:
    """These types' addresses show whole; a Slack webhook pasted as one must not."""
    webhook = "https://hooks.slack.com/services/T0MARKER/B0MARKER/WebhookSecretMARKER1234"
    result = run(
        ["test-send", "--type", provider_type, "--address", webhook, "--dry-run"], tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "hooks.slack.com" in result.stdout + result.stderr
    assert "MARKER" not in result.stdout + result.stderr
