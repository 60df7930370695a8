"""plaintext-secret: a credential committed in an unencrypted Secret; and, for every output
format, that the new rules carry their positions and no Secret value is ever printed."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from routing_support import Project, alert, check_page, docs, hit, provider, secret
from validate_support import cli, console

RULE = "plaintext-secret"

#: The secret parts of the credentials below: none may ever be printed.
WEBHOOK_SECRET = "Zq9sEcReTpArT0123456789a"
TOKEN_SECRET = "AcxW0gG1ouEu1h7pGGE5BFcy"
OPAQUE_SECRET = "Kq81zPw0aLm3-42"
WEBHOOK = f"https://hooks.slack.com/services/T0123ABCD/B0123ABCD/{WEBHOOK_SECRET}"
TOKEN = f"xoxb-482910375612-739105826473-{TOKEN_SECRET}"
SECRET_PARTS = (WEBHOOK_SECRET, TOKEN_SECRET, OPAQUE_SECRET)


def plain(
    name: str = "slack-url", namespace: str = "flux-system", *, b64: bool = False, **values: str
) -> str:
    section = "data" if b64 else "stringData"
    body = "".join(
        f"\n  {k}: {base64.b64encode(v.encode()).decode() if b64 else repr(v)}"
        for k, v in values.items()
    )
    return f"""
apiVersion: v1
kind: Secret
metadata:
  name: {name}
  namespace: {namespace}
{section}:{body}
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


# --- flagged ------------------------------------------------------------------------------


def test_webhook_url_in_string_data(project: Project) -> None:
    project.write("secret.yaml", plain(address=WEBHOOK))
    report = project.validate()
    assert project.of(report, RULE) == [
        hit("secret.yaml", project.line("secret.yaml", "address:"), "error")
    ]
    (finding,) = [f for f in report.findings if f.rule == RULE]
    assert finding.column == 3  # the key, not the value
    assert finding.message == "`address` holds a Slack webhook in plain text"


def test_slack_token_in_base64_data(project: Project) -> None:
    project.write("secret.yaml", plain("bot", b64=True, token=TOKEN, channel="alerts"))
    report = project.validate()
    assert project.of(report, RULE) == [
        hit("secret.yaml", project.line("secret.yaml", "token:"), "error")
    ]
    assert project.messages(report, RULE) == ["`token` holds a Slack token in plain text"]


def test_any_credential_key_read_by_a_provider_or_receiver(project: Project) -> None:
    """A value that does not look like anything is still a credential when a Provider reads it."""
    project.write(
        "notify.yaml",
        docs(
            provider(type_="generic-hmac", extra="\n  address: https://hooks.acme-ops.net/flux"),
            plain(token=OPAQUE_SECRET),
        ),
    )
    report = project.validate()
    assert project.of(report, RULE) == [
        hit("notify.yaml", project.line("notify.yaml", "token:"), "error")
    ]
    assert project.messages(report, RULE) == [
        "`token` holds a credential read by Provider/slack in plain text"
    ]


@pytest.mark.parametrize(
    "value",
    [
        "<slack-webhook-url>",
        "REPLACE_ME",
        "https://hooks.slack.com/services/XXXX/XXXX/XXXXXXXX",
        "${SLACK_WEBHOOK}",
    ],
)
def test_placeholder_is_a_warning(project: Project, value: str) -> None:
    project.write("notify.yaml", docs(provider(), plain(address=value)))
    report = project.validate()
    assert project.of(report, RULE) == [
        hit("notify.yaml", project.line("notify.yaml", "address:"), "warning")
    ]
    (finding,) = [f for f in report.findings if f.rule == RULE]
    assert finding.message == "`address` is a placeholder in an unencrypted Secret"
    assert finding.hint is not None
    assert "sops --encrypt" in finding.hint


@pytest.mark.parametrize(
    ("key", "value"),
    [
        # the forms documentation and templates write (issue 15): each was an error before
        ("address", "YOUR/SLACK/WEBHOOK"),
        ("token", "xoxb-1234567890-1234567890-..."),
        ("proxy", "http://username:password@proxy_url:proxy_port"),
        ("address", "https://hooks.slack.com/services/mock"),
        (
            "address",
            "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/FakeFakeFakeFakeFakeFake",
        ),
        ("token", "xoxb-000000000000-000000000000-xxxxxxxxxxxxxxxxxxxxxxxx"),
    ],
)
def test_documentation_placeholders_are_warnings(project: Project, key: str, value: str) -> None:
    project.write("notify.yaml", docs(provider(), plain(**{key: value})))
    report = project.validate()
    assert project.of(report, RULE) == [
        hit("notify.yaml", project.line("notify.yaml", f"{key}:"), "warning")
    ]
    assert project.messages(report, RULE) == [f"`{key}` is a placeholder in an unencrypted Secret"]
    if key == "address":  # no "not an absolute URL" error on top: it is to be filled in
        assert "slack-address" not in {f.rule for f in report.findings}


def test_slack_token_of_the_wrong_shape_is_a_placeholder(project: Project) -> None:
    """A Slack Provider's token is an xoxb- bot token; anything else cannot post."""
    project.write("notify.yaml", docs(provider(), plain(token="slack-bot-token-goes-here")))
    assert project.messages(project.validate(), RULE) == [
        "`token` is a placeholder in an unencrypted Secret"
    ]


def test_googlepubsub_headers_are_message_attributes(project: Project) -> None:
    """googlepubsub sends the Secret's `headers` as Pub/Sub attributes and reads the project
    ID from `address`: neither is a credential; its service-account key (`token`) is."""
    project.write(
        "notify.yaml",
        docs(
            provider(
                "pubsub", type_="googlepubsub", secret="pubsub", extra="\n  channel: flux-events"
            ),
            plain(
                "pubsub",
                address="acme-platform-prod",
                headers="team: platform\ncluster: eu-west-1\n",
                token='{"type": "service_account", "private_key_id": "Kq81zPw0aLm3Vq7r"}',
            ),
        ),
    )
    report = project.validate()
    assert project.of(report, RULE) == [
        hit("notify.yaml", project.line("notify.yaml", "token:"), "error")
    ]


@pytest.mark.parametrize(
    ("address", "severity"),
    [
        ("http://alertmanager-operated.monitoring.svc:9093/api/v2/alerts", None),
        ("https://flux:Vq7rT2wLp9xZ@alertmanager.acme-ops.net/api/v2/alerts", "error"),
        ("https://alertmanager.acme-ops.net/api/v2/alerts?token=FkHBLa5iNK2QU24a", "error"),
    ],
)
def test_alertmanager_address_is_a_credential_only_with_one_in_it(
    project: Project, address: str, severity: str | None
) -> None:
    project.write(
        "notify.yaml",
        docs(provider("am", type_="alertmanager", secret="am"), plain("am", address=address)),
    )
    line = project.line("notify.yaml", "address:")
    expected = [hit("notify.yaml", line, severity)] if severity else []
    assert project.hits(RULE) == expected


@pytest.mark.parametrize(
    ("proxy", "severity"),
    [
        ("http://squid.egress.svc:3128", None),
        ("http://flux:Vq7rT2wLp9xZ@squid.egress.svc:3128", "error"),
    ],
)
def test_a_proxy_url_is_a_credential_only_with_a_password(
    project: Project, proxy: str, severity: str | None
) -> None:
    project.write("notify.yaml", docs(provider(), plain(address=WEBHOOK, proxy=proxy)))
    report = project.validate()
    proxies = [
        h for h in project.of(report, RULE) if h.line == project.line("notify.yaml", "proxy:")
    ]
    expected = (
        [hit("notify.yaml", project.line("notify.yaml", "proxy:"), severity)] if severity else []
    )
    assert proxies == expected


# --- not flagged --------------------------------------------------------------------------


def test_sops_encrypted_secret(project: Project) -> None:
    project.write("notify.yaml", docs(provider(), secret(address="a", token="t")))
    assert project.hits(RULE) == []


def test_plain_secret_without_credentials(project: Project) -> None:
    """Unreferenced, and nothing in it looks like a credential."""
    project.write(
        "secret.yaml",
        plain("settings", username="admin", address="http://alertmanager.monitoring:9093"),
    )
    assert project.hits(RULE) == []


def test_provider_in_another_namespace_does_not_read_it(project: Project) -> None:
    project.write(
        "notify.yaml", docs(provider(), plain(namespace="apps", token=OPAQUE_SECRET, address=""))
    )
    assert project.hits(RULE) == []


def test_other_kinds_and_empty_values(project: Project) -> None:
    config_map = (
        plain(address=WEBHOOK)
        .replace("kind: Secret", "kind: ConfigMap")
        .replace("stringData", "data")
    )
    project.write("configmap.yaml", config_map)
    project.write("notify.yaml", docs(provider(), plain(address="", token=" ")))
    assert project.hits(RULE) == []


# --- every output format: the new rules with positions, and no Secret value ---------------

BROKEN_ALERT = alert("broken", provider_ref="missing", severity=None)


def _leaky_project(project: Project) -> None:
    project.write("secret.yaml", plain(address=WEBHOOK, token=TOKEN))
    project.write("b64.yaml", plain("other", b64=True, token=TOKEN))
    project.write(
        "provider.yaml",
        provider("hook", secret="slack-url", extra=f"\n  address: {WEBHOOK}\n  channel: c"),
    )
    project.write(
        "alert.yaml",
        BROKEN_ALERT.replace("  eventSources:", "  eventSources:  # fluxnotify: disable=regex"),
    )


def _expected(project: Project) -> set[tuple[str, str, int, int]]:
    """(path, rule, line, column) for the findings the leaky project must produce."""

    def col(name: str, needle: str, token: str) -> tuple[int, int]:
        line = project.line(name, needle)
        text = (project.root / name).read_text().splitlines()[line - 1]
        return line, text.index(token) + 1

    return {
        ("secret.yaml", RULE, *col("secret.yaml", "address:", "address")),
        ("secret.yaml", RULE, *col("secret.yaml", "token:", "token")),
        ("b64.yaml", RULE, *col("b64.yaml", "token:", "token")),
        ("provider.yaml", "address-in-spec", *col("provider.yaml", "address:", "https")),
        ("alert.yaml", "provider-ref", *col("alert.yaml", "name: missing", "missing")),
        ("alert.yaml", "event-severity", *col("alert.yaml", "spec:", "spec")),
        ("alert.yaml", "unused-suppression", *col("alert.yaml", "fluxnotify:", "#")),
    }


def _assert_no_secret(*outputs: str) -> None:
    for output in outputs:
        for part in SECRET_PARTS:
            assert part not in output


def test_json_format_positions_and_no_secret(project: Project) -> None:
    _leaky_project(project)
    result = cli("validate", "--root", ".", "--format", "json", ".", cwd=project.root)
    assert result.code == 1
    _assert_no_secret(result.stdout, result.stderr)
    found = {
        (f["path"], f["rule"], f["line"], f["column"])
        for f in json.loads(result.stdout)["findings"]
        if f["rule"] != "secret-ref"
    }
    assert found == _expected(project)


def test_parsable_format(project: Project) -> None:
    _leaky_project(project)
    result = cli("validate", "--root", ".", "--format", "parsable", ".", cwd=project.root)
    _assert_no_secret(result.stdout, result.stderr)
    found = {
        (m["path"], m["rule"], int(m["line"]), int(m["col"]))
        for m in re.finditer(
            r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<col>\d+): \w+ \[(?P<rule>[a-z-]+)\]",
            result.stdout,
            re.M,
        )
    }
    assert _expected(project) <= found


def test_text_format(project: Project) -> None:
    _leaky_project(project)
    result = cli("validate", "--root", ".", "--format", "text", ".", cwd=project.root)
    _assert_no_secret(result.stdout, result.stderr)
    found = set()
    path = ""
    for line in result.stdout.splitlines():
        if line and not line.startswith(" ") and line.endswith(".yaml"):
            path = line
        match = re.match(r"^  (\d+):(\d+)  +\w+  .*\[([a-z-]+)\]$", line)
        if match:
            found.add((path, match[3], int(match[1]), int(match[2])))
    assert _expected(project) <= found


def test_github_format(project: Project) -> None:
    _leaky_project(project)
    result = cli("validate", "--root", ".", "--format", "github", ".", cwd=project.root)
    _assert_no_secret(result.stdout, result.stderr)
    found = {
        (m["path"], m["rule"], int(m["line"]), int(m["col"]))
        for m in re.finditer(
            r"^::\w+ file=(?P<path>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),title=fluxnotify (?P<rule>[a-z-]+)::",
            result.stdout,
            re.M,
        )
    }
    assert _expected(project) <= found
    assert "::notice file=alert.yaml" in result.stdout  # info findings are notices


def test_console_script_prints_no_secret(project: Project) -> None:
    _leaky_project(project)
    for output_format in ("json", "text"):
        result = console(
            "validate", "--format", output_format, "--root", project.root, ".", cwd=project.root
        )
        assert result.code == 1, result.stderr
        _assert_no_secret(result.stdout, result.stderr)
    assert "plaintext-secret" in result.stdout


def test_schema_messages_do_not_print_credentials(project: Project) -> None:
    """A v1beta1 Provider's address must match ^(http|https)://: the schema message about a
    webhook without its scheme must not quote it."""
    no_scheme = WEBHOOK.removeprefix("https://")
    text = provider(secret=None, extra=f"\n  address: {no_scheme}\n  channel: c")
    project.write("provider.yaml", text.replace("v1beta3", "v1beta1"))
    result = cli(
        "validate",
        "--root",
        ".",
        "--flux-version",
        "2.6",
        "--format",
        "json",
        ".",
        cwd=project.root,
    )
    assert "address-in-spec" in result.stdout
    _assert_no_secret(result.stdout, result.stderr)


def test_rule_page_examples(tmp_path: Path) -> None:
    """docs/rules/plaintext-secret.md: the failing example gives the findings shown, the fixed one none."""
    check_page(RULE, tmp_path)
