"""slack-address: a Slack Provider whose address cannot work (reference 3b, 3d; #1176)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from routing_support import Hit, Project, check_page, docs, hit, provider, secret

RULE = "slack-address"
API = "https://slack.com/api/chat.postMessage"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def _check(project: Project, *parts: str) -> tuple[list[Hit], list[str]]:
    project.write("slack.yaml", docs(*parts))
    report = project.validate()
    return project.of(report, RULE), project.messages(report, RULE)


def _at(project: Project, needle: str, severity: str = "error") -> list[Hit]:
    return [hit("slack.yaml", project.line("slack.yaml", needle), severity)]


def _plain(name: str = "slack-url", **values: str) -> str:
    data = "".join(f"\n  {k}: {base64.b64encode(v.encode()).decode()}" for k, v in values.items())
    return f"""
apiVersion: v1
kind: Secret
metadata:
  name: {name}
  namespace: flux-system
data:{data}
"""


# --- flagged ------------------------------------------------------------------------------


def test_no_address_and_no_secret(project: Project) -> None:
    hits, messages = _check(project, provider(secret=None, extra="\n  channel: alerts"))
    assert hits == _at(project, "type: slack")
    assert messages == [
        "this Slack Provider has no address: neither `spec.address` nor an `address` key in its Secret"
    ]


def test_secret_with_a_token_but_no_address(project: Project) -> None:
    """The bot-token set-up without the API URL (#1176: 400 "Missed timestamp")."""
    hits, messages = _check(project, provider(extra="\n  channel: alerts"), secret(token="t"))
    assert hits == _at(project, "name: slack-url")
    assert "has no address" in messages[0]


def test_address_that_is_not_a_url(project: Project) -> None:
    hits, messages = _check(
        project, provider(secret=None, extra="\n  address: hooks.slack.com/services/T0/B0/abc")
    )
    assert hits == _at(project, "address: hooks.slack.com")
    assert messages == ["the Slack address is not an absolute http(s) URL"]


def test_plain_secret_address_that_is_not_a_url(project: Project) -> None:
    hits, _ = _check(project, provider(), _plain(address="slack-webhook"))
    assert hits == _at(project, "name: slack-url")


def test_api_url_without_token(project: Project) -> None:
    extra = f"\n  address: {API}\n  channel: alerts"
    hits, messages = _check(project, provider(extra=extra), secret(channel="c"))
    assert hits == _at(project, "name: slack-url")
    assert messages == ["chat.postMessage needs a bot token, but the Secret has no `token` key"]


def test_api_url_without_secret(project: Project) -> None:
    extra = f"\n  address: {API}\n  channel: alerts"
    hits, messages = _check(project, provider(secret=None, extra=extra))
    assert hits == _at(project, "address: ")
    assert messages == ["chat.postMessage needs a bot token, but the Provider has no secretRef"]


def test_api_url_without_channel(project: Project) -> None:
    hits, messages = _check(project, provider(extra=f"\n  address: {API}"), secret(token="t"))
    assert hits == _at(project, "type: slack")
    assert messages == [
        "chat.postMessage needs `spec.channel`: Slack answers `channel_not_found` without it"
    ]


@pytest.mark.parametrize(
    "address", [API + "/", API + "?pretty=1", "http://slack.com/api/chat.postMessage"]
)
def test_api_url_not_exact_is_a_warning(project: Project, address: str) -> None:
    extra = f"\n  address: {address}\n  channel: alerts"
    hits, messages = _check(project, provider(extra=extra), secret(token="t"))
    assert hits == _at(project, "address: ", "warning")
    assert "`ok: false` answers as success" in messages[0]


# --- not flagged --------------------------------------------------------------------------


def test_webhook_in_the_secret(project: Project) -> None:
    assert _check(project, provider(extra="\n  channel: alerts"), secret(address="a"))[0] == []


def test_bot_token_set_up(project: Project) -> None:
    extra = f"\n  address: {API}\n  channel: alerts"
    assert _check(project, provider(extra=extra), secret(token="t"))[0] == []


def test_secret_address_replaces_the_api_url(project: Project) -> None:
    """The Secret's `address` key (encrypted, so unknown) wins over spec.address."""
    assert _check(project, provider(extra=f"\n  address: {API}/"), secret(address="a"))[0] == []


def test_keys_unknown_or_secret_elsewhere(project: Project) -> None:
    external = """
    apiVersion: external-secrets.io/v1
    kind: ExternalSecret
    metadata:
      name: slack-url
      namespace: flux-system
    spec:
      secretStoreRef:
        kind: ClusterSecretStore
        name: vault
      dataFrom:
        - extract:
            key: slack
    """
    assert _check(project, provider(), external)[0] == []
    # Not in the repository at all: secret-ref says so, this rule cannot tell.
    assert _check(project, provider())[0] == []


def test_not_slack_or_variable(project: Project) -> None:
    assert _check(project, provider(type_="msteams", secret=None))[0] == []
    assert _check(project, provider(secret=None, extra="\n  address: ${SLACK_URL}"))[0] == []


def test_plain_secret_with_a_webhook_url(project: Project) -> None:
    hits, _ = _check(
        project, provider(), _plain(address="https://hooks.slack.com/services/T0/B0/abc")
    )
    assert hits == []


def test_rule_page_examples(tmp_path: Path) -> None:
    """docs/rules/slack-address.md: the failing example gives the findings shown, the fixed one none."""
    check_page(RULE, tmp_path)
