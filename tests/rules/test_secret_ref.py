"""secret-ref: a Provider's or Receiver's Secret reference that nothing in the repository provides.

Providers of a Secret: v1 Secret (plain or SOPS), ExternalSecret (spec.target.name,
else its own name), SealedSecret (spec.template.metadata.name, else its own name),
kustomize secretGenerator; each in the referencing object's effective namespace.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from routing_support import (
    Project,
    check_page,
    docs,
    flux_kustomization,
    hit,
    kustomization,
    provider,
    secret,
)

RULE = "secret-ref"

RECEIVER = """
apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata:
  name: github
  namespace: flux-system
spec:
  type: github
  events: ["ping", "push"]
  resources:
    - kind: GitRepository
      name: flux-system
  secretRef:
    name: webhook-token
"""

EXTERNAL_SECRET = """
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: {name}
  namespace: flux-system
spec:
  secretStoreRef:
    kind: ClusterSecretStore
    name: onepassword
  target:
    name: {target}
  dataFrom:
    - extract:
        key: discord
"""

SEALED_SECRET = """
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: sealed-object
  namespace: flux-system
spec:
  encryptedData:
    address: AgBy3i4OJSWK+PiTySYZZA==
  template:
    metadata:
      name: slack-url
      namespace: flux-system
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


# --- flagged ------------------------------------------------------------------------------


def test_provider_secret_missing(project: Project) -> None:
    project.write("provider.yaml", provider(secret="slack-url"))
    report = project.validate()
    assert project.of(report, RULE) == [
        hit("provider.yaml", project.line("provider.yaml", "name: slack-url"), "warning")
    ]
    (finding,) = [f for f in report.findings if f.rule == RULE]
    assert finding.message == (
        "secretRef `slack-url`: nothing in the repository provides a Secret of that name"
        " in namespace flux-system"
    )
    assert finding.hint is not None
    assert "# fluxnotify: disable=secret-ref" in finding.hint


def test_receiver_secret_in_another_namespace(project: Project) -> None:
    """Like provider-ref, the message says where a Secret of that name is, and why it
    does not count."""
    project.write("receiver.yaml", RECEIVER)
    project.write("secret.yaml", secret("webhook-token", "default", token="t"))
    report = project.validate()
    assert project.of(report, RULE) == [
        hit("receiver.yaml", project.line("receiver.yaml", "name: webhook-token"), "warning")
    ]
    (finding,) = [f for f in report.findings if f.rule == RULE]
    assert finding.message == (
        "secretRef `webhook-token`: nothing in the repository provides a Secret of that name"
        " in namespace flux-system; there is one in `default`; secretRef cannot cross namespaces"
    )
    assert finding.hint == (
        "create the Secret `webhook-token` in namespace flux-system too (a copy, or an"
        " ExternalSecret or SealedSecret there), or move the Receiver"
    )


def test_a_secret_in_another_cluster_is_not_named(project: Project) -> None:
    """Two clusters: the Secret of that name lives in the other one, so it is not offered."""
    project.write("clusters/a/flux-system/receiver.yaml", RECEIVER)
    project.write(
        "clusters/b/flux-system/secret.yaml", secret("webhook-token", "default", token="t")
    )
    project.write("clusters/a/flux-system/ks.yaml", flux_kustomization("a", "./clusters/a"))
    project.write("clusters/b/flux-system/ks.yaml", flux_kustomization("b", "./clusters/b"))
    messages = project.messages(project.validate(), RULE)
    assert messages == [
        "secretRef `webhook-token`: nothing in the repository provides a Secret of that name"
        " in namespace flux-system"
    ]


def test_cert_and_proxy_secret_refs(project: Project) -> None:
    extra = "\n  certSecretRef:\n    name: my-ca\n  proxySecretRef:\n    name: my-proxy"
    project.write(
        "provider.yaml", docs(provider(extra=extra), secret("my-ca", **{"ca.crt": "c"}), secret())
    )
    report = project.validate()
    assert project.of(report, RULE) == [
        hit("provider.yaml", project.line("provider.yaml", "name: my-proxy"), "warning")
    ]
    assert project.messages(report, RULE)[0].startswith("proxySecretRef `my-proxy`")


def test_external_secret_makes_its_target_name_not_its_own(project: Project) -> None:
    """An ExternalSecret named like the reference whose target.name is something else."""
    project.write("provider.yaml", provider(secret="discord-webhook", type_="discord"))
    project.write(
        "externalsecret.yaml",
        EXTERNAL_SECRET.format(name="discord-webhook", target="discord-secret"),
    )
    assert project.hits(RULE) == [
        hit("provider.yaml", project.line("provider.yaml", "name: discord-webhook"), "warning")
    ]


def test_component_namespace_without_the_secret(project: Project) -> None:
    """The Provider's Component is pulled into two namespaces; the Secret is in one only."""
    project.write(
        "components/notify/kustomization.yaml", kustomization("provider.yaml", kind="Component")
    )
    project.write("components/notify/provider.yaml", provider("slack", None))
    project.write(
        "apps/a/kustomization.yaml",
        kustomization("secret.yaml", namespace="a", components=("../../components/notify",)),
    )
    project.write("apps/a/secret.yaml", secret(namespace=None, address="x"))
    project.write(
        "apps/b/kustomization.yaml",
        kustomization(namespace="b", components=("../../components/notify",)),
    )
    report = project.validate("components")
    line = project.line("components/notify/provider.yaml", "name: slack-url")
    assert project.of(report, RULE) == [hit("components/notify/provider.yaml", line, "warning")]
    assert project.messages(report, RULE)[0].endswith(
        "in namespace b; there is one in `a`; secretRef cannot cross namespaces"
    )


# --- not flagged --------------------------------------------------------------------------


def test_external_secret_target_name(project: Project) -> None:
    """billimek: the ExternalSecret's own name differs from the Secret it creates."""
    project.write("provider.yaml", provider(secret="discord-webhook", type_="discord"))
    project.write(
        "externalsecret.yaml", EXTERNAL_SECRET.format(name="discord", target="discord-webhook")
    )
    assert project.hits(RULE) == []


def test_external_secret_without_target_name_uses_its_own(project: Project) -> None:
    project.write("provider.yaml", provider(secret="discord-webhook", type_="discord"))
    text = EXTERNAL_SECRET.format(name="discord-webhook", target="x").replace(
        "    name: x\n", "    creationPolicy: Owner\n"
    )
    project.write("externalsecret.yaml", text)
    assert project.hits(RULE) == []


def test_sealed_secret_template_name(project: Project) -> None:
    project.write("provider.yaml", provider(secret="slack-url"))
    project.write("sealed.yaml", SEALED_SECRET)
    assert project.hits(RULE) == []


def test_sops_secret_and_receiver(project: Project) -> None:
    """rxbn, toboshii: SOPS-encrypted Secrets in the same namespace."""
    project.write("receiver.yaml", RECEIVER)
    project.write("secret.sops.yaml", secret("webhook-token", token="t"))
    project.write("provider.yaml", provider())
    project.write("slack.sops.yaml", secret(address="a"))
    assert project.hits(RULE) == []


def test_secret_generator_in_the_namespace_of_its_kustomization(project: Project) -> None:
    project.write(
        "notify/kustomization.yaml",
        kustomization(
            "provider.yaml",
            namespace="monitoring",
            extra="""
            secretGenerator:
              - name: slack-url
                literals:
                  - address=https://hooks.example.invalid/x
            generatorOptions:
              disableNameSuffixHash: true
            """,
        ),
    )
    project.write("notify/provider.yaml", provider("slack", None))
    assert project.hits(RULE) == []


def test_unknown_namespace_and_variables_stay_silent(project: Project) -> None:
    project.write("loose.yaml", provider("loose", None, secret="nowhere"))
    project.write("var.yaml", provider("var", "apps", secret="${SECRET_NAME}"))
    assert project.hits(RULE) == []


def test_suppressed_on_its_line(project: Project) -> None:
    """The hint's advice works: a Secret made out of band, silenced on the line."""
    text = provider(secret="made-by-terraform").replace(
        "name: made-by-terraform", "name: made-by-terraform  # fluxnotify: disable=secret-ref"
    )
    project.write("provider.yaml", text)
    report = project.validate()
    assert project.of(report, RULE) == []
    assert project.of(report, "unused-suppression") == []


def test_rule_page_examples(tmp_path: Path) -> None:
    """docs/rules/secret-ref.md: the failing example gives the findings shown, the fixed one none."""
    check_page(RULE, tmp_path)
