"""secret-type: a referenced Secret of a built-in type without the keys the type requires."""

from __future__ import annotations

from pathlib import Path

import pytest
from routing_support import Project, check_page, docs, hit

RULE = "secret-type"

PROVIDER = """
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: events
  namespace: monitoring
spec:
  type: generic
  address: https://events.internal.acme-ops.net/flux
  {field}:
    name: {secret}
"""

RECEIVER = """
apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata:
  name: gitlab
  namespace: monitoring
spec:
  type: gitlab
  events: ["Push Hook"]
  resources:
    - kind: GitRepository
      name: platform
  secretRef:
    name: {secret}
"""


def secret(name: str, secret_type: str, namespace: str = "monitoring", **keys: str) -> str:
    body = "".join(f"\n  {k}: {v!r}" for k, v in keys.items())
    data = f"\nstringData:{body}" if keys else ""
    return f"""
apiVersion: v1
kind: Secret
metadata:
  name: {name}
  namespace: {namespace}
type: {secret_type}{data}
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


@pytest.mark.parametrize(
    ("field", "secret_type", "keys", "message"),
    [
        (
            "certSecretRef",
            "kubernetes.io/tls",
            {"ca.crt": "-----BEGIN CERTIFICATE-----"},
            "this `kubernetes.io/tls` Secret has no `tls.crt` and `tls.key`, which the type"
            " requires: the API server refuses it, so Provider/events (certSecretRef) never gets it",
        ),
        (
            "certSecretRef",
            "kubernetes.io/tls",
            {"tls.crt": "-----BEGIN CERTIFICATE-----"},
            "this `kubernetes.io/tls` Secret has no `tls.key`, which the type requires: the API"
            " server refuses it, so Provider/events (certSecretRef) never gets it",
        ),
        (
            "proxySecretRef",
            "kubernetes.io/basic-auth",
            {"address": "http://squid.egress.svc:3128"},
            "this `kubernetes.io/basic-auth` Secret has no `username` or `password`, one of"
            " which the type requires: the API server refuses it, so Provider/events"
            " (proxySecretRef) never gets it",
        ),
        (
            "secretRef",
            "kubernetes.io/dockerconfigjson",
            {"token": "Kq81zPw0aLm3"},
            "this `kubernetes.io/dockerconfigjson` Secret has no `.dockerconfigjson`, which the"
            " type requires: the API server refuses it, so Provider/events (secretRef) never gets it",
        ),
    ],
)
def test_missing_required_keys(
    project: Project, field: str, secret_type: str, keys: dict[str, str], message: str
) -> None:
    project.write(
        "events.yaml",
        docs(
            PROVIDER.format(field=field, secret="events-auth"),
            secret("events-auth", secret_type, **keys),
        ),
    )
    report = project.validate()
    assert project.of(report, RULE) == [
        hit("events.yaml", project.line("events.yaml", f"type: {secret_type}"), "error")
    ]
    assert project.messages(report, RULE) == [message]


def test_a_ca_bundle_alone_is_told_to_be_opaque(project: Project) -> None:
    project.write(
        "events.yaml",
        docs(
            PROVIDER.format(field="certSecretRef", secret="ca"),
            secret("ca", "kubernetes.io/tls", **{"ca.crt": "pem"}),
        ),
    )
    (finding,) = [f for f in project.validate().findings if f.rule == RULE]
    assert finding.hint == (
        "add `tls.crt` and `tls.key`, or make it `type: Opaque`: a CA bundle alone"
        " (`ca.crt`) needs no key pair"
    )


@pytest.mark.parametrize(
    ("secret_type", "keys"),
    [
        ("kubernetes.io/tls", {"tls.crt": "pem", "tls.key": "pem", "ca.crt": "pem"}),
        ("kubernetes.io/basic-auth", {"username": "flux"}),
        ("kubernetes.io/basic-auth", {"password": "Kq81zPw0aLm3"}),
        ("Opaque", {"ca.crt": "pem"}),
        ("kubernetes.io/dockerconfigjson", {".dockerconfigjson": "{}"}),
    ],
)
def test_complete_secrets(project: Project, secret_type: str, keys: dict[str, str]) -> None:
    project.write(
        "events.yaml",
        docs(PROVIDER.format(field="certSecretRef", secret="s"), secret("s", secret_type, **keys)),
    )
    assert project.hits(RULE) == []


def test_receiver_secret_and_unreferenced_secrets(project: Project) -> None:
    """A Receiver's Secret is checked; one that no notification object reads in its
    namespace (here the same name in another namespace) is not this rule's business."""
    project.write(
        "receiver.yaml",
        docs(
            RECEIVER.format(secret="gitlab-token"),
            secret("gitlab-token", "kubernetes.io/basic-auth", token="Kq81zPw0aLm3"),
            secret("gitlab-token", "kubernetes.io/basic-auth", "apps", token="Kq81zPw0aLm3"),
        ),
    )
    report = project.validate()
    assert project.messages(report, RULE) == [
        "this `kubernetes.io/basic-auth` Secret has no `username` or `password`, one of which"
        " the type requires: the API server refuses it, so Receiver/gitlab (secretRef) never"
        " gets it"
    ]


def test_sops_secret_key_names_are_read(project: Project) -> None:
    sops = secret("ca", "kubernetes.io/tls", **{"ca.crt": "ENC[AES256_GCM,data:Zm9v,type:str]"})
    project.write(
        "events.yaml",
        docs(
            PROVIDER.format(field="certSecretRef", secret="ca"), sops + "sops:\n  version: 3.9.0\n"
        ),
    )
    assert len(project.hits(RULE)) == 1


def test_rule_page_examples(tmp_path: Path) -> None:
    """docs/rules/secret-type.md: the failing example gives the findings shown, the fixed one none."""
    check_page(RULE, tmp_path)
