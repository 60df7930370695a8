"""schema: values the API server rejects, and what the rule deliberately accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
from validate_support import at, lint, of_rule

ALERT = """
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: a
spec:
  providerRef:
    name: p
  eventSeverity: {severity}
  eventSources:
    - kind: {kind}
      name: b
"""


def test_warn_says_what_the_levels_are(tmp_path: Path) -> None:
    text = ALERT.format(severity="warn", kind="Bucket")
    findings = of_rule(lint(tmp_path, text), "schema")
    assert [(f.line, f.column) for f in findings] == [at(text, "eventSeverity: warn", "warn")]
    assert "allowed values are info, error" in findings[0].message
    assert "there is no warn" in (findings[0].hint or "")


def test_enum_typo_suggests_the_value(tmp_path: Path) -> None:
    text = ALERT.format(severity="error", kind="GitRepo")
    findings = of_rule(lint(tmp_path, text), "schema")
    assert [(f.line, f.column) for f in findings] == [at(text, "kind: GitRepo", "GitRepo")]
    assert findings[0].hint == "did you mean `GitRepository`?"


@pytest.mark.parametrize(
    "value", ["${SEVERITY}", "${SEVERITY:=error}", "${SEVERITY:-error}", "'${A}${B}'"]
)
def test_post_build_variables_are_accepted(value: str, tmp_path: Path) -> None:
    text = ALERT.format(severity=value, kind="${SOURCE_KIND}")
    assert of_rule(lint(tmp_path, text), "schema") == []


def test_post_build_variable_does_not_excuse_a_missing_field(tmp_path: Path) -> None:
    text = """
    apiVersion: notification.toolkit.fluxcd.io/v1beta3
    kind: Alert
    metadata:
      name: ${CLUSTER}-alert
    spec:
      providerRef:
        name: ${PROVIDER}
    """
    findings = of_rule(lint(tmp_path, text), "schema")
    assert [f.message for f in findings] == ["missing required field `spec.eventSources`"]


def test_sops_values_are_not_checked_but_plain_values_are(tmp_path: Path) -> None:
    enc = "ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]"
    text = f"""
    apiVersion: v1
    kind: Secret
    metadata:
      name: s
    immutable: {enc}
    data:
      address: {enc}
    sops:
      mac: {enc}
      version: 3.10.2
    """
    assert lint(tmp_path, text) == []
    plain = text.replace(f"immutable: {enc}", "immutable: sometimes").replace("sops:", "other:")
    findings = lint(tmp_path, plain, name="plain.yaml")
    rules = sorted(f.rule for f in findings)
    assert "schema" in rules  # immutable must be a boolean; data must be base64


def test_version_gated_provider_type(tmp_path: Path) -> None:
    text = """
    apiVersion: notification.toolkit.fluxcd.io/v1beta3
    kind: Provider
    metadata:
      name: p
    spec:
      type: zulip
    """
    old = of_rule(lint(tmp_path, text, flux_version="2.6"), "schema")
    assert [(f.line, f.column) for f in old] == [at(text, "type: zulip", "zulip")]
    assert "needs Flux 2.7" in old[0].message
    assert of_rule(lint(tmp_path, text, flux_version="2.7"), "schema") == []


def test_version_gated_source_kind(tmp_path: Path) -> None:
    text = ALERT.format(severity="error", kind="ArtifactGenerator")
    old = of_rule(lint(tmp_path, text, flux_version="2.7"), "schema")
    assert [(f.line, f.column) for f in old] == [
        at(text, "kind: ArtifactGenerator", "ArtifactGenerator")
    ]
    assert "needs Flux 2.8" in old[0].message
    assert of_rule(lint(tmp_path, text, flux_version="2.8"), "schema") == []


def test_timeout_with_hours_gets_a_hint(tmp_path: Path) -> None:
    text = """
    apiVersion: notification.toolkit.fluxcd.io/v1beta3
    kind: Provider
    metadata:
      name: p
    spec:
      type: slack
      timeout: 1h
    """
    findings = of_rule(lint(tmp_path, text), "schema")
    assert [(f.line, f.column) for f in findings] == [at(text, "timeout: 1h", "1h")]
    assert "`h` is not accepted" in (findings[0].hint or "")


def test_secret_values_are_hidden(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Secret
    metadata:
      name: s
    data:
      address: https://hooks.slack.com/services/T0/B0/TOPSECRETVALUE
    """
    findings = of_rule(lint(tmp_path, text), "schema")
    assert [(f.line, f.column) for f in findings] == [at(text, "address:", "https")]
    assert "TOPSECRETVALUE" not in findings[0].message
    assert "stringData" in (findings[0].hint or "")
