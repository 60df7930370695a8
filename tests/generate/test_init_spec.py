"""Checking init's inputs: each bad value is one UsageError that says how to fix it."""

from __future__ import annotations

import pytest

from fluxnotify.errors import ConfigError, UsageError
from fluxnotify.generate.providers import SLACK_API_ADDRESS
from fluxnotify.generate.spec import (
    EventSource,
    InitRequest,
    Route,
    SecretMode,
    Severity,
    check_regex,
    parse_event_source,
    parse_metadata,
    parse_route,
    resolve,
    resolve_flux_version,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kustomization/*", EventSource("Kustomization", "*")),
        ("HelmRelease/podinfo", EventSource("HelmRelease", "podinfo")),
        ("Kustomization/apps.prod", EventSource("Kustomization", "apps", "prod")),
        ("kustomization/*", EventSource("Kustomization", "*")),
        ("GitRepository/*.flux-system", EventSource("GitRepository", "*", "flux-system")),
    ],
)
def test_event_source_is_read_as_the_flux_cli_reads_it(text: str, expected: EventSource) -> None:
    assert parse_event_source(text, "2.9") == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Kustomisation/*", "did you mean Kustomization"),
        ("Deployment/*", "not an Alert source kind"),
        ("Kustomization", "KIND/NAME"),
        ("/apps", "KIND/NAME"),
        ("Kustomization/app-*", "glob"),
        ("Kustomization/apps.*", "not a namespace wildcard"),
        ("Kustomization/Apps", "not a valid object name"),
    ],
)
def test_bad_event_source_says_what_to_write(text: str, words: str) -> None:
    with pytest.raises(UsageError, match=words) as caught:
        parse_event_source(text, "2.9")
    assert f"--event-source {text!r}" in caught.value.message


def test_event_source_kind_follows_the_flux_version() -> None:
    assert parse_event_source("ExternalArtifact/*", "2.8").kind == "ExternalArtifact"
    with pytest.raises(UsageError, match=r"needs Flux 2\.8 or newer"):
        parse_event_source("ExternalArtifact/*", "2.7")


@pytest.mark.parametrize("pattern", ["(?=x)", r"(a)\1", "a++", "[", "(?<!foo)bar"])
def test_regexes_are_checked_as_re2(pattern: str, capfd: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(UsageError, match="not a valid RE2 regex"):
        check_regex(pattern, "--exclude")
    assert capfd.readouterr().err == ""  # RE2's own logging stays quiet


def test_re2_regexes_pass() -> None:
    assert check_regex(r"^Dependencies do not meet ready condition.*", "--exclude")


def test_routes_and_metadata() -> None:
    assert parse_route("error=#devops-alerts") == Route(Severity.ERROR, "#devops-alerts")
    assert parse_route("INFO = gitops") == Route(Severity.INFO, "gitops")
    for bad in ("warn=#x", "error", "error="):
        with pytest.raises(UsageError, match="SEVERITY=CHANNEL"):
            parse_route(bad)
    assert parse_metadata(["cluster=prod-eu", "note=a=b"]) == (
        ("cluster", "prod-eu"),
        ("note", "a=b"),
    )
    with pytest.raises(UsageError, match="given twice"):
        parse_metadata(["a=1", "a=2"])
    with pytest.raises(UsageError, match="KEY=VALUE"):
        parse_metadata(["=x"])


def test_flux_version() -> None:
    assert resolve_flux_version(None) == "2.9"
    assert resolve_flux_version("v2.1.3") == "2.1"
    assert resolve_flux_version("2.x") == "2.9"
    for bad in ("1.0", "latest", "2.12", "3.0"):
        with pytest.raises(ConfigError, match="--flux-version: unsupported Flux version"):
            resolve_flux_version(bad)


def test_type_is_checked_against_the_target_version() -> None:
    assert resolve(InitRequest(provider_type="Slack")).provider_type == "slack"
    with pytest.raises(UsageError, match="did you mean msteams"):
        resolve(InitRequest(provider_type="msteam"))
    with pytest.raises(UsageError, match=r"needs Flux 2\.7 or newer"):
        resolve(InitRequest(provider_type="zulip", channel="a/b", flux_version="2.6"))


def test_defaults() -> None:
    spec = resolve(InitRequest())
    assert spec.provider_type == "slack"
    assert spec.name == "slack"
    assert spec.namespace == "flux-system"
    assert spec.secret_name == "slack-webhook"
    assert spec.secret_mode is SecretMode.SOPS
    assert spec.routes == (Route(Severity.ERROR, ""),)
    assert [str(s) for s in spec.event_sources] == ["Kustomization/*", "HelmRelease/*"]
    assert [str(s) for s in resolve(InitRequest(provider_type="github")).event_sources] == [
        "Kustomization/*"
    ]


def test_slack_token_mode_needs_a_channel_and_uses_the_api_address() -> None:
    with pytest.raises(UsageError, match="--channel is missing"):
        resolve(InitRequest(slack_token=True))
    spec = resolve(InitRequest(slack_token=True, channel="#flux"))
    assert spec.info.spec_address == SLACK_API_ADDRESS
    assert list(spec.info.keys) == ["token"]
    assert spec.secret_name == "slack-token"


def test_routes_on_slack_use_a_bot_token() -> None:
    spec = resolve(InitRequest(routes=["error=#a", "info=#b"]))
    assert spec.slack_token
    with pytest.raises(UsageError, match="needs a Slack bot token"):
        resolve(InitRequest(routes=["error=#a"], slack_token=False))


@pytest.mark.parametrize(
    ("request_", "words"),
    [
        (InitRequest(routes=["error=#a"], channel="#b"), "--channel and --route"),
        (InitRequest(routes=["error=#a"], event_severity=Severity.INFO), "--event-severity"),
        (InitRequest(routes=["error=#a", "info=#a"]), "routed twice"),
        (InitRequest(provider_type="msteams", routes=["error=#a"]), "run init once per webhook"),
        (InitRequest(provider_type="msteams", channel="x"), "does not read a channel"),
        (InitRequest(provider_type="telegram"), "Telegram chat ID"),
        (InitRequest(provider_type="zulip", channel="nochannel"), "channel/topic"),
        (InitRequest(provider_type="generic", username="bot"), "--username"),
        (InitRequest(provider_type="generic", slack_token=True), "--type slack only"),
        (InitRequest(name="Slack"), "--name 'Slack' is not a valid name"),
        (InitRequest(namespace="flux_system"), "--namespace"),
        (InitRequest(secret_name="-x"), "--secret-name"),
        (InitRequest(event_sources=["Kustomization/*", "kustomization/*"]), "given twice"),
        (InitRequest(routes=["error=" + "a" * 60]), "no usable object name"),
    ],
)
def test_bad_combinations(request_: InitRequest, words: str) -> None:
    from fluxnotify.generate.manifests import build

    with pytest.raises(UsageError, match=words) as caught:
        build(resolve(request_))
    assert "\n" not in caught.value.message
