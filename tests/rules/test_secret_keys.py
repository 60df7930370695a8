"""secret-keys: the keys of the referenced Secret cannot work for the Provider type (reference 3b)."""

from __future__ import annotations

from pathlib import Path

import pytest
from routing_support import Hit, Project, check_page, docs, hit, provider, secret

RULE = "secret-keys"
API = "\n  address: https://slack.com/api/chat.postMessage\n  channel: alerts"

EXTERNAL_SECRET = """
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: slack
  namespace: flux-system
spec:
  secretStoreRef:
    kind: ClusterSecretStore
    name: vault
  target:
    name: slack-url
{body}
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def _check(
    project: Project, *parts: str, flux_version: str | None = None
) -> tuple[list[Hit], list[str]]:
    project.write("notify.yaml", docs(*parts))
    report = project.validate(flux_version=flux_version)
    return project.of(report, RULE), project.messages(report, RULE)


def _at(project: Project, needle: str = "name: slack-url") -> list[Hit]:
    return [hit("notify.yaml", project.line("notify.yaml", needle), "error")]


# --- flagged ------------------------------------------------------------------------------


def test_url_instead_of_address(project: Project) -> None:
    hits, messages = _check(project, provider(), secret(url="u"))
    assert hits == _at(project)
    assert messages == [
        "secretRef `slack-url`: the Secret has `url`, a key the controller never reads"
    ]
    (finding,) = [f for f in project.validate().findings if f.rule == RULE]
    assert finding.hint is not None
    assert "did you mean `address`" in finding.hint


def test_webhook_url_with_a_token_but_no_address_anywhere(project: Project) -> None:
    hits, messages = _check(project, provider(type_="discord"), secret(webhook_url="u", token="t"))
    line = project.line("notify.yaml", "name: slack-url")
    assert hits == [hit("notify.yaml", line, "error"), hit("notify.yaml", line, "warning")]
    assert sorted(messages) == [
        "secretRef `slack-url`: the Secret has `token`, which a `discord` Provider never reads",
        "secretRef `slack-url`: the Secret has `webhook_url`, a key the controller never reads",
    ]


def test_slack_secret_without_address_or_token(project: Project) -> None:
    hits, messages = _check(project, provider(), secret(channel="c"))
    assert hits == _at(project)
    assert messages == [
        "secretRef `slack-url`: the Secret has neither `address` nor `token`, and `spec.address` is empty"
    ]


def test_username_without_password_drops_the_token(project: Project) -> None:
    hits, messages = _check(project, provider(extra=API), secret(token="t", username="bot"))
    assert hits == _at(project)
    assert "`username` without `password`" in messages[0]
    assert "`token` included" in messages[0]


def test_password_without_username(project: Project) -> None:
    hits, messages = _check(
        project,
        provider(type_="alertmanager", extra="\n  address: http://am:9093"),
        secret(password="p"),
    )
    assert hits == _at(project)
    assert "`password` without `username`" in messages[0]


@pytest.mark.parametrize("provider_type", ["telegram", "opsgenie", "datadog", "generic-hmac"])
def test_required_token_missing(project: Project, provider_type: str) -> None:
    hits, messages = _check(
        project, provider(type_=provider_type, extra="\n  channel: c"), secret(address="https://x")
    )
    # telegram posts to api.telegram.org: an address in its Secret is never read.
    ignored = provider_type == "telegram"
    assert [h.severity for h in hits] == ["error", "warning"] if ignored else ["error"]
    assert messages[0] == (
        f"secretRef `slack-url`: a `{provider_type}` Provider needs the key `token` in its Secret"
    )


def test_github_without_token_or_complete_app_keys(project: Project) -> None:
    extra = "\n  address: https://github.com/org/repo"
    hits, messages = _check(
        project,
        provider(type_="github", extra=extra),
        secret(githubAppID="1", githubAppPrivateKey="k"),
    )
    assert hits == _at(project)
    assert "needs `token`, or the GitHub App keys" in messages[0]


def test_generic_without_address(project: Project) -> None:
    hits, messages = _check(project, provider(type_="generic"), secret(headers="h"))
    assert hits == _at(project)
    assert "needs an address" in messages[0]


def test_sealed_secret_and_external_secret_keys_are_known(project: Project) -> None:
    sealed = """
    apiVersion: bitnami.com/v1alpha1
    kind: SealedSecret
    metadata:
      name: slack-url
      namespace: flux-system
    spec:
      encryptedData:
        webhook: AgBy3i4OJSWK+PiTySYZZA==
    """
    hits, _ = _check(project, provider(), sealed)
    assert hits == _at(project)
    body = "  data:\n    - secretKey: url\n      remoteRef:\n        key: slack"
    hits, _ = _check(project, provider(), EXTERNAL_SECRET.format(body=body))
    assert hits == _at(project)


# --- not flagged --------------------------------------------------------------------------


def test_github_app_keys(project: Project) -> None:
    """haraldkoch: a github Provider authenticated with a GitHub App instead of a token."""
    extra = "\n  address: https://github.com/org/repo"
    app = {"githubAppID": "1", "githubAppInstallationID": "2", "githubAppPrivateKey": "k"}
    assert _check(project, provider(type_="github", extra=extra), secret(**app))[0] == []


def test_github_app_installation_owner(project: Project) -> None:
    """fluxcd/pkg git/github finds the installation from its owner instead of its ID."""
    extra = "\n  address: https://github.com/org/repo"
    app = {"githubAppID": "1", "githubAppInstallationOwner": "org", "githubAppPrivateKey": "k"}
    assert _check(project, provider(type_="github", extra=extra), secret(**app))[0] == []


def test_keys_unknown_with_data_from(project: Project) -> None:
    body = "  dataFrom:\n    - extract:\n        key: slack"
    assert _check(project, provider(), EXTERNAL_SECRET.format(body=body))[0] == []


def test_template_data_replaces_the_keys(project: Project) -> None:
    body = (
        "    template:\n      data:\n        address: '{{ .url }}'\n"
        "  data:\n    - secretKey: url\n      remoteRef:\n        key: slack"
    )
    assert _check(project, provider(), EXTERNAL_SECRET.format(body=body))[0] == []


def test_leftover_url_key_next_to_a_working_setup(project: Project) -> None:
    """spec.address is the bot API and the Secret has the token: an extra `url` is ignored."""
    assert _check(project, provider(extra=API), secret(token="t", url="u"))[0] == []
    assert (
        _check(project, provider(extra="\n  address: https://hooks.slack.com/x"), secret(url="u"))[
            0
        ]
        == []
    )


def test_username_with_password_or_old_flux(project: Project) -> None:
    # The pair is read (the username posts as); Slack has no use for the password.
    hits, messages = _check(
        project, provider(extra=API), secret(token="t", username="u", password="p")
    )
    assert [h.severity for h in hits] == ["warning"]
    assert "`password`, which a `slack` Provider never reads" in messages[0]
    # Flux 2.6 (notification-controller 1.6) read `username` on its own.
    assert (
        _check(project, provider(extra=API), secret(token="t", username="bot"), flux_version="2.6")[
            0
        ]
        == []
    )


def test_missing_secret_is_left_to_secret_ref(project: Project) -> None:
    project.write("notify.yaml", docs(provider()))
    report = project.validate()
    assert project.of(report, RULE) == []
    assert [f.rule for f in report.findings if f.rule in (RULE, "secret-ref")] == ["secret-ref"]


def test_one_of_two_possible_secrets_is_fine(project: Project) -> None:
    """Two clusters' worth of Secrets with one name (a shared Provider folder, no entry points):
    a problem is reported only if every candidate has it."""
    project.write("a/secret.yaml", secret(url="u"))
    project.write("b/secret.yaml", secret(address="a"))
    project.write("notify.yaml", docs(provider()))
    assert project.hits(RULE, "notify.yaml") == []


def test_rule_page_examples(tmp_path: Path) -> None:
    """docs/rules/secret-keys.md: the failing example gives the findings shown, the fixed one none."""
    check_page(RULE, tmp_path)


# --- reported on the Secret when only the Secret is checked (pre-commit) -------------------


def test_only_the_secret_changed(project: Project) -> None:
    project.write("provider.yaml", docs(provider()))
    project.write("secret.yaml", docs(secret(url="u")))
    report = project.validate("secret.yaml")
    assert project.of(report, RULE) == [
        hit("secret.yaml", project.line("secret.yaml", "url:"), "error")
    ]
    assert project.messages(report, RULE) == [
        "read by Provider `slack`: the Secret has `url`, a key the controller never reads"
    ]


def test_only_the_secret_changed_among_many_providers(project: Project) -> None:
    """The Providers reading a Secret are looked up by the name they reference: those in
    its namespace that name it are heard, the rest (another name, another namespace,
    another API group's Provider) are not."""
    crossplane = provider("cloud", type_="github").replace(
        "notification.toolkit.fluxcd.io/v1beta3", "pkg.crossplane.io/v1"
    )
    project.write(
        "providers.yaml",
        docs(
            provider("slack"),
            provider("other", type_="github", secret="other-url"),
            provider("gh", type_="github"),
            provider("elsewhere", "apps", type_="github"),
            crossplane,
        ),
    )
    project.write("secret.yaml", docs(secret(url="u")))
    messages = project.messages(project.validate("secret.yaml"), RULE)
    assert sorted(m.split(":")[0] for m in messages) == [
        "read by Provider `gh`",
        "read by Provider `slack`",
    ]
    assert "read by Provider `slack`: the Secret has `url`, a key the controller never reads" in (
        messages
    )
    assert any(
        m.startswith("read by Provider `gh`: a `github` Provider needs `token`") for m in messages
    )


def test_reported_once_when_both_are_checked(project: Project) -> None:
    project.write("provider.yaml", docs(provider()))
    project.write("secret.yaml", docs(secret(url="u")))
    hits = project.of(project.validate("provider.yaml", "secret.yaml"), RULE)
    assert hits == [hit("provider.yaml", project.line("provider.yaml", "name: slack-url"), "error")]


def test_a_secret_no_provider_reads_is_left_alone(project: Project) -> None:
    project.write("provider.yaml", docs(provider(secret="other")))
    project.write("secret.yaml", docs(secret(url="u")))
    assert project.of(project.validate("secret.yaml"), RULE) == []


def test_a_missing_key_points_at_the_secret_name(project: Project) -> None:
    project.write("provider.yaml", docs(provider(type_="telegram", extra="\n  channel: '123'")))
    project.write("secret.yaml", docs(secret(address="a")))
    hits = project.of(project.validate("secret.yaml"), RULE)
    assert hits == [
        hit("secret.yaml", project.line("secret.yaml", "name: slack-url"), "error"),
        hit("secret.yaml", project.line("secret.yaml", "address:"), "warning"),
    ]


# --- every type, from the facts table -------------------------------------------------------


@pytest.mark.parametrize(
    ("provider_type", "keys", "message"),
    [
        ("gitlab", {"address": "https://gitlab.com/g/p"}, "needs `token` or `password`"),
        ("bitbucket", {"address": "https://bitbucket.org/w/r"}, "needs the key `token`"),
        ("zulip", {"address": "https://z.example"}, "needs the key `username`"),
        ("bitbucketserver", {"address": "https://b/scm/P/r.git"},
         "needs `token` or `username` and `password`"),
    ],
)  # fmt: skip
def test_required_keys_of_every_type(
    project: Project, provider_type: str, keys: dict[str, str], message: str
) -> None:
    hits, messages = _check(project, provider(type_=provider_type), secret(**keys))
    assert hits
    assert {h.severity for h in hits} == {"error"}
    assert any(message in m for m in messages), messages


def test_the_documented_bitbucket_server_set_up_is_flagged(project: Project) -> None:
    """`password` in the Secret and the user in spec.username: Flux drops the password."""
    extra = "\n  username: flux\n  address: https://bb.example.com/scm/P/r.git"
    project.write(
        "notify.yaml", docs(provider(type_="bitbucketserver", extra=extra), secret(password="p"))
    )
    report = project.validate()
    found = [f for f in report.findings if f.rule == RULE and "without `username`" in f.message]
    assert [f.severity.value for f in found] == ["error"]
    assert found[0].hint
    assert "put `username` in the Secret" in found[0].hint


def test_keys_no_type_reads_are_left_alone(project: Project) -> None:
    """A Secret shared with a GitRepository (identity, known_hosts) is not this rule's business."""
    extra = "\n  address: https://github.com/org/repo"
    hits, _ = _check(
        project,
        provider(type_="github", extra=extra),
        secret(token="t", identity="k", known_hosts="h"),
    )
    assert hits == []
