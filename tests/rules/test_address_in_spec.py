"""address-in-spec: a credential in a Provider's spec.address (reference 3b, 6 and 8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from routing_support import Project, check_page, docs, hit, provider, secret

RULE = "address-in-spec"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


@pytest.mark.parametrize(
    ("provider_type", "address", "kind"),
    [
        (
            "slack",
            "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/Zq9sEcReTpArT0123456789a",
            "Slack webhook",
        ),
        (
            "discord",
            "https://discord.com/api/webhooks/1183746590271839465/"
            "yZMFIb_dNiqr2KNIp5vj0uVHSoOiJnmj3LRai--jb_XA05OmagaLSCZEDDhzbdw5zUqS",
            "Discord webhook",
        ),
        (
            "msteams",
            "https://contoso.webhook.office.com/webhookb2/6405beac-465f-419e-a751-5e30a9fae55a"
            "@6a684071-0237-4be2-b937-69cca6f99e06/IncomingWebhook/b40ebcb5df9eaf42dd01c6c0d3f91604"
            "/8bf4b889-07a2-4824-b227-45112946c522",
            "Microsoft Teams webhook",
        ),
        (
            "alertmanager",
            "https://admin:Vq7rT2wLp9xZ@alertmanager.monitoring.svc:9093/api/v2/alerts",
            "URL with a user name and password",
        ),
        (
            "generic",
            "https://hooks.acme-ops.net/flux?token=FkHBLa5iNK2QU24a",
            "URL with a token in its query",
        ),
    ],
)
def test_credential_in_spec_address(
    project: Project, provider_type: str, address: str, kind: str
) -> None:
    project.write(
        "provider.yaml", provider(type_=provider_type, secret=None, extra=f"\n  address: {address}")
    )
    report = project.validate()
    assert project.of(report, RULE) == [
        hit("provider.yaml", project.line("provider.yaml", "address:"), "warning")
    ]
    (finding,) = [f for f in report.findings if f.rule == RULE]
    assert finding.message == f"`spec.address` holds a {kind}, which is a credential"
    assert finding.column == len("  address: ") + 1
    assert "sEcReTpArT" not in finding.message + (finding.hint or "")


@pytest.mark.parametrize(
    "address",
    [
        "https://slack.com/api/chat.postMessage",
        "http://alertmanager-operated.monitoring.svc:9093/api/v2/alerts",
        "https://github.com/org/repo",
        "https://hooks.slack.com/services/<your-webhook>",
        "https://hooks.slack.com/services/XXXX/XXXX/XXXXXXXX",
        "${SLACK_WEBHOOK_URL}",
    ],
)
def test_not_a_credential(project: Project, address: str) -> None:
    project.write(
        "provider.yaml",
        docs(provider(extra=f"\n  address: {address}\n  channel: c"), secret(token="t")),
    )
    assert project.hits(RULE) == []


def test_webhook_in_the_secret_is_the_fix(project: Project) -> None:
    project.write("provider.yaml", docs(provider(), secret(address="a")))
    assert project.hits(RULE) == []


def test_rule_page_examples(tmp_path: Path) -> None:
    """docs/rules/address-in-spec.md: the failing example gives the findings shown, the fixed one none."""
    check_page(RULE, tmp_path)


@pytest.mark.parametrize(
    ("provider_type", "address"),
    [
        ("slack", "https://hooks.slack.com/services/mock"),
        ("slack", "https://hooks.slack.com/services/YOUR/SLACK/WEBHOOK"),
        ("discord", "https://discord.com/api/webhooks/000000000000000000/token"),
        ("alertmanager", "http://username:password@proxy_url:proxy_port/api/v2/alerts"),
    ],
)
def test_placeholder_address_is_no_credential(
    project: Project, provider_type: str, address: str
) -> None:
    project.write(
        "provider.yaml", provider(type_=provider_type, secret=None, extra=f"\n  address: {address}")
    )
    assert project.hits(RULE) == []
