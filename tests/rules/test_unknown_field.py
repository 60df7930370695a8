"""unknown-field: fields the schema does not have, at the key, with where they belong."""

from __future__ import annotations

from pathlib import Path

import pytest
from validate_support import at, lint, of_rule

ALERT_HEAD = """
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: a
  namespace: apps
spec:
  providerRef:
    name: p
  eventSeverity: error
  eventSources:
    - kind: Bucket
      name: b
"""

PROVIDER_HEAD = """
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: p
spec:
  type: slack
"""


@pytest.mark.parametrize(
    ("head", "extra", "key", "hint_says"),
    [
        (ALERT_HEAD, "  channel: general\n", "channel:", "belongs on the Provider"),
        (ALERT_HEAD, "  severity: error\n", "severity: error", "eventSeverity"),
        (ALERT_HEAD, "  address: https://x\n", "address:", "belongs on the Provider"),
        (ALERT_HEAD, "  secretRef:\n    name: s\n", "secretRef:", "belongs on the Provider"),
        (PROVIDER_HEAD, "  eventSeverity: error\n", "eventSeverity:", "belongs on the Alert"),
        (PROVIDER_HEAD, "  eventSources: []\n", "eventSources:", "belongs on the Alert"),
        (PROVIDER_HEAD, "  url: https://x\n", "url:", "`address`"),
    ],
)
def test_fields_that_live_elsewhere(
    head: str, extra: str, key: str, hint_says: str, tmp_path: Path
) -> None:
    text = head.lstrip("\n") + extra
    findings = of_rule(lint(tmp_path, text), "unknown-field")
    assert [(f.line, f.column) for f in findings] == [at(text, key)]
    assert hint_says in (findings[0].hint or ""), findings[0].hint


def test_provider_ref_namespace_says_same_namespace(tmp_path: Path) -> None:
    text = ALERT_HEAD.replace("    name: p\n", "    name: p\n    namespace: flux-system\n")
    findings = of_rule(lint(tmp_path, text), "unknown-field")
    assert [(f.line, f.column) for f in findings] == [at(text, "namespace: flux-system")]
    assert findings[0].message == "unknown field `spec.providerRef.namespace`"
    assert "must be in the Alert's namespace" in (findings[0].hint or "")


def test_typo_gets_did_you_mean(tmp_path: Path) -> None:
    text = ALERT_HEAD.replace("  eventSeverity: error\n", "  eventSeverty: error\n")
    findings = lint(tmp_path, text)
    unknown = of_rule(findings, "unknown-field")
    assert [(f.line, f.column) for f in unknown] == [at(text, "eventSeverty")]
    assert unknown[0].hint == "did you mean `eventSeverity`?"


def test_metadata_and_list_items_are_checked(tmp_path: Path) -> None:
    text = ALERT_HEAD.replace("  namespace: apps\n", "  namespce: apps\n").replace(
        "      name: b\n", "      name: b\n      namespaces: [x]\n"
    )
    findings = of_rule(lint(tmp_path, text), "unknown-field")
    assert [(f.line, f.column, f.message) for f in findings] == [
        (*at(text, "namespce"), "unknown field `metadata.namespce`"),
        (
            *at(text, "namespaces: [x]", "namespaces"),
            "unknown field `spec.eventSources[0].namespaces`",
        ),
    ]


def test_kustomization_validation_was_removed(tmp_path: Path) -> None:
    text = """
    apiVersion: kustomize.toolkit.fluxcd.io/v1
    kind: Kustomization
    metadata:
      name: apps
    spec:
      interval: 10m
      prune: true
      validation: client
      sourceRef:
        kind: GitRepository
        name: flux-system
    """
    findings = of_rule(lint(tmp_path, text), "unknown-field")
    assert [(f.line, f.column) for f in findings] == [at(text, "validation: client", "validation")]
    assert "removed in Kustomization v1" in (findings[0].hint or "")


def test_sops_documents_keep_checked_key_names(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Secret
    metadata:
      name: s
    stringdata:
      address: ENC[AES256_GCM,data:AAAA,iv:BBBB,tag:CCCC,type:str]
    sops:
      lastmodified: "2026-01-01T00:00:00Z"
      mac: ENC[AES256_GCM,data:AAAA,iv:BBBB,tag:CCCC,type:str]
      version: 3.10.2
    """
    findings = lint(tmp_path, text)
    assert [(f.rule, f.line, f.column) for f in findings] == [
        ("unknown-field", *at(text, "stringdata:"))
    ]
    assert findings[0].hint == "did you mean `stringData`?"


def test_status_and_kinds_without_schema_are_accepted(tmp_path: Path) -> None:
    text = ALERT_HEAD.lstrip("\n") + "status:\n  anything: [1, 2]\n"
    assert lint(tmp_path, text) == []
    config_map = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nwhatever: 1\n"
    assert lint(tmp_path, config_map, name="cm.yaml") == []
