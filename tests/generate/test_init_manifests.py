"""The builders and the renderer: right objects for each type and version, written as people do."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from init_support import type_flags

from fluxnotify.fluxversion import FLUX_VERSIONS, provider_types
from fluxnotify.generate.choices import SecretMode
from fluxnotify.generate.manifests import build, notification_api_version
from fluxnotify.generate.render import render
from fluxnotify.generate.spec import InitRequest, resolve


def objects(request: InitRequest) -> list[dict[str, Any]]:
    """The rendered stream read back by a YAML 1.1 reader, as Kubernetes reads it."""
    return list(yaml.safe_load_all(render(build(resolve(request)).documents)))


def by_kind(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if d["kind"] == kind]


@pytest.mark.parametrize("version", FLUX_VERSIONS)
def test_api_versions_follow_the_flux_version(version: str) -> None:
    expected = "v1beta3" if version not in ("2.0", "2.1") else "v1beta2"
    for kind in ("Alert", "Provider"):
        assert notification_api_version(kind, version).endswith(expected)


def test_one_provider_per_channel_sharing_one_secret_and_one_alert_per_route() -> None:
    docs = objects(InitRequest(routes=["error=#devops-alerts", "info=#gitops-updates"]))
    secrets = by_kind(docs, "Secret")
    providers = by_kind(docs, "Provider")
    alerts = by_kind(docs, "Alert")
    assert len(secrets) == 1
    assert [p["spec"]["channel"] for p in providers] == ["#devops-alerts", "#gitops-updates"]
    assert {p["spec"]["secretRef"]["name"] for p in providers} == {secrets[0]["metadata"]["name"]}
    assert [(a["spec"]["providerRef"]["name"], a["spec"]["eventSeverity"]) for a in alerts] == [
        ("slack-devops-alerts", "error"),
        ("slack-gitops-updates", "info"),
    ]


def test_info_alert_says_it_also_receives_errors() -> None:
    text = render(build(resolve(InitRequest(routes=["error=#ops", "info=#dev"]))).documents)
    assert "info also receives errors: Flux has no info-only level." in text
    assert "So errors reach #dev as well as #ops." in text


@pytest.mark.parametrize(
    ("request_", "keys", "spec_fields"),
    [
        (InitRequest(), ["address"], {"type": "slack"}),
        (
            InitRequest(slack_token=True, channel="#flux"),
            ["token"],
            {
                "type": "slack",
                "channel": "#flux",
                "address": "https://slack.com/api/chat.postMessage",
            },
        ),
        (
            InitRequest(provider_type="telegram", channel="-100123"),
            ["token"],
            {"channel": "-100123"},
        ),
        (InitRequest(provider_type="generic-hmac"), ["address", "token"], {}),
        (InitRequest(provider_type="opsgenie"), ["address", "token"], {}),
        (InitRequest(provider_type="datadog"), ["address", "token"], {}),
        (
            InitRequest(provider_type="zulip", channel="ops/flux"),
            ["address", "username", "password"],
            {},
        ),
    ],
)
def test_secret_keys_are_right_for_the_type(
    request_: InitRequest, keys: list[str], spec_fields: dict[str, str]
) -> None:
    docs = objects(request_)
    (secret,) = by_kind(docs, "Secret")
    assert list(secret["stringData"]) == keys
    assert set(secret["stringData"].values()) == {""}  # never a value in plain text
    (provider,) = by_kind(docs, "Provider")
    assert spec_fields.items() <= provider["spec"].items()


def test_external_secret_targets_the_secret_the_provider_names() -> None:
    docs = objects(InitRequest(secret_mode=SecretMode.EXTERNAL, provider_type="generic-hmac"))
    (external,) = by_kind(docs, "ExternalSecret")
    (provider,) = by_kind(docs, "Provider")
    assert external["spec"]["target"]["name"] == provider["spec"]["secretRef"]["name"]
    assert [d["secretKey"] for d in external["spec"]["data"]] == ["address", "token"]
    assert not by_kind(docs, "Secret")


def test_secret_mode_none_writes_no_secret() -> None:
    docs = objects(InitRequest(secret_mode=SecretMode.NONE))
    assert [d["kind"] for d in docs] == ["Provider", "Alert"]


def test_strings_stay_strings_for_yaml_1_1_readers() -> None:
    docs = objects(
        InitRequest(
            metadata=["on=yes", "version=1.10", "empty=", "null=~", "star=*"],
            username="no",
            channel="0x1f",
            exclusions=["^true$"],
        )
    )
    (alert,) = by_kind(docs, "Alert")
    assert alert["spec"]["eventMetadata"] == {
        "on": "yes",
        "version": "1.10",
        "empty": "",
        "null": "~",
        "star": "*",
    }
    (provider,) = by_kind(docs, "Provider")
    assert provider["spec"]["username"] == "no"
    assert provider["spec"]["channel"] == "0x1f"


def test_layout_is_the_hand_written_one() -> None:
    text = render(build(resolve(InitRequest())).documents)
    provider = text.split("---\n")[1]
    assert provider.splitlines()[:2] == [
        "apiVersion: notification.toolkit.fluxcd.io/v1beta3",
        "kind: Provider",
    ]
    assert "  eventSources:\n    - kind: Kustomization\n      name: '*'\n" in text


@pytest.mark.parametrize("version", ["2.9", "2.1"])
def test_every_type_builds_stable_output(version: str) -> None:
    for provider_type in provider_types(version):
        flags = type_flags(provider_type)
        channel = flags[flags.index("--channel") + 1] if "--channel" in flags else None
        spec = resolve(
            InitRequest(provider_type=provider_type, flux_version=version, channel=channel)
        )
        first = render(build(spec).documents)
        assert first == render(build(spec).documents)
