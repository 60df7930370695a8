"""Every bundled schema: a valid object passes, and invalid ones give the right rule at the right place.

Positions are stated in terms of the manifest (``at(text, line, token)``), never
copied from fluxnotify's output.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from validate_support import REPO, at, lint

from fluxnotify import schemas


@dataclass(frozen=True)
class Bad:
    """An invalid manifest: ``rule`` at ``line_text``/``token``, message containing ``says``."""

    text: str
    rule: str
    line_text: str
    token: str | None
    says: str


@dataclass(frozen=True)
class Case:
    api_version: str
    kind: str
    flux_version: str
    valid: str
    invalid: tuple[Bad, ...]


NC = "notification.toolkit.fluxcd.io"


def _alert(version: str, flux: str, extra_valid: str = "") -> Case:
    head = (
        f"apiVersion: {NC}/{version}\nkind: Alert\nmetadata:\n  name: on-call\n  namespace: apps\n"
    )
    return Case(
        f"{NC}/{version}",
        "Alert",
        flux,
        head + "spec:\n  providerRef:\n    name: slack\n  eventSeverity: info\n"
        "  eventSources:\n    - kind: GitRepository\n      name: flux-system\n"
        "      namespace: flux-system\n    - kind: HelmRelease\n      name: '*'\n"
        "  exclusionList:\n    - '^Dependencies do not meet ready condition'\n"
        "  suspend: false\n" + extra_valid,
        (
            Bad(
                head + "spec:\n  providerRef:\n    name: slack\n  eventSeverity: warning\n"
                "  eventSources:\n    - kind: Kustomization\n      name: '*'\n",
                "schema",
                "eventSeverity: warning",
                "warning",
                "allowed values are info, error",
            ),
            Bad(
                head + "spec:\n  providerRef:\n    name: slack\n"
                "  eventSources:\n    - kind: Kustomizaton\n      name: '*'\n",
                "schema",
                "kind: Kustomizaton",
                "Kustomizaton",
                "allowed values are",
            ),
            Bad(
                head + "spec:\n  providerRef:\n    name: slack\n  eventSeverity: error\n",
                "schema",
                "providerRef:",
                "providerRef",
                "missing required field `spec.eventSources`",
            ),
            Bad(
                head + "spec:\n  providerRef: {}\n  eventSources:\n    - kind: Bucket\n"
                "      name: b\n",
                "schema",
                "providerRef: {}",
                "{}",
                "missing required field `spec.providerRef.name`",
            ),
            Bad(
                head + "spec:\n  providerRef:\n    name: slack\n  eventSources:\n"
                "    - kind: Bucket\n      name: b\n  channel: alerts\n",
                "unknown-field",
                "channel: alerts",
                "channel",
                "unknown field `spec.channel`",
            ),
            Bad(
                head + "spec:\n  providerRef:\n    name: slack\n  suspend: 'yes'\n"
                "  eventSources:\n    - kind: Bucket\n      name: b\n",
                "schema",
                "suspend: 'yes'",
                "'yes'",
                "must be true or false",
            ),
        ),
    )


def _provider(version: str, flux: str, types_valid: str = "slack") -> Case:
    head = (
        f"apiVersion: {NC}/{version}\nkind: Provider\nmetadata:\n  name: slack\n  namespace: apps\n"
    )
    return Case(
        f"{NC}/{version}",
        "Provider",
        flux,
        head + f"spec:\n  type: {types_valid}\n  channel: general\n  username: flux\n"
        "  address: https://hooks.slack.com/services/x\n  timeout: 1m30s\n"
        "  secretRef:\n    name: slack-webhook\n",
        (
            Bad(
                head + "spec:\n  type: teams\n",
                "schema",
                "type: teams",
                "teams",
                "allowed values are",
            ),
            Bad(
                head + "spec:\n  channel: general\n",
                "schema",
                "channel: general",
                "channel",
                "missing required field `spec.type`",
            ),
            Bad(
                head + "spec:\n  type: slack\n  timeout: 1h\n",
                "schema",
                "timeout: 1h",
                "1h",
                "does not match",
            ),
            Bad(
                head + "spec:\n  type: slack\n  secretRef:\n    name: slack-webhook\n"
                "    namespace: flux-system\n",
                "unknown-field",
                "namespace: flux-system",
                "namespace",
                "unknown field `spec.secretRef.namespace`",
            ),
            Bad(
                head + "spec:\n  type: slack\n  channel: [a, b]\n",
                "schema",
                "channel: [a, b]",
                "[a, b]",
                "must be a single string, not a list",
            ),
        ),
    )


def _receiver(version: str, flux: str) -> Case:
    head = (
        f"apiVersion: {NC}/{version}\nkind: Receiver\nmetadata:\n  name: github\n"
        "  namespace: flux-system\n"
    )
    return Case(
        f"{NC}/{version}",
        "Receiver",
        flux,
        head + "spec:\n  type: github\n  events:\n    - ping\n    - push\n"
        "  secretRef:\n    name: webhook-token\n  resources:\n    - kind: GitRepository\n"
        "      name: flux-system\n",
        (
            Bad(
                head + "spec:\n  type: gihub\n  secretRef:\n    name: t\n  resources:\n"
                "    - kind: GitRepository\n      name: flux-system\n",
                "schema",
                "type: gihub",
                "gihub",
                "allowed values are",
            ),
            Bad(
                head + "spec:\n  type: github\n  secretRef:\n    name: t\n",
                "schema",
                "type: github",
                "type",
                "missing required field `spec.resources`",
            ),
            Bad(
                head + "spec:\n  type: github\n  secretRef:\n    name: t\n  resources:\n"
                "    - kind: GitRepository\n      name: flux-system\n  event:\n    - push\n",
                "unknown-field",
                "event:",
                "event",
                "unknown field `spec.event`",
            ),
            Bad(
                head + "spec:\n  type: github\n  secretRef:\n    name: t\n  resources:\n"
                "    - kind: Deployment\n      name: podinfo\n",
                "schema",
                "kind: Deployment",
                "Deployment",
                "allowed values are",
            ),
        ),
    )


KUSTOMIZATION_HEAD = (
    "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n"
    "  name: apps\n  namespace: flux-system\n"
)
HELMRELEASE_HEAD = (
    "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n"
    "  name: podinfo\n  namespace: apps\n"
)
SECRET_HEAD = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: slack-webhook\n  namespace: apps\n"

CASES: tuple[Case, ...] = (
    _alert("v1beta1", "2.1"),
    _alert("v1beta2", "2.1", "  inclusionList:\n    - '.*succeeded.*'\n"),
    _alert("v1beta3", "2.9", "  eventMetadata:\n    cluster: prod\n"),
    _provider("v1beta1", "2.1"),
    _provider("v1beta2", "2.1", "datadog"),
    _provider("v1beta3", "2.9", "zulip"),
    _receiver("v1beta1", "2.1"),
    _receiver("v1beta2", "2.1"),
    _receiver("v1", "2.9"),
    Case(
        "kustomize.toolkit.fluxcd.io/v1",
        "Kustomization",
        "2.9",
        KUSTOMIZATION_HEAD + "spec:\n  interval: 10m\n  path: ./apps\n  prune: true\n"
        "  sourceRef:\n    kind: GitRepository\n    name: flux-system\n"
        "  postBuild:\n    substitute:\n      cluster: prod\n",
        (
            Bad(
                KUSTOMIZATION_HEAD + "spec:\n  interval: 10m\n  prune: true\n"
                "  validation: client\n  sourceRef:\n    kind: GitRepository\n"
                "    name: flux-system\n",
                "unknown-field",
                "validation: client",
                "validation",
                "unknown field `spec.validation`",
            ),
            Bad(
                KUSTOMIZATION_HEAD + "spec:\n  interval: 10m\n  prune: true\n",
                "schema",
                "interval: 10m",
                "interval",
                "missing required field `spec.sourceRef`",
            ),
            Bad(
                KUSTOMIZATION_HEAD + "spec:\n  interval: 10m\n  prune: 'true'\n"
                "  sourceRef:\n    kind: GitRepository\n    name: flux-system\n",
                "schema",
                "prune: 'true'",
                "'true'",
                "must be true or false",
            ),
            Bad(
                KUSTOMIZATION_HEAD + "spec:\n  interval: 10m\n  prune: true\n"
                "  sourceRef:\n    kind: HelmRepository\n    name: flux-system\n",
                "schema",
                "kind: HelmRepository",
                "HelmRepository",
                "allowed values are",
            ),
        ),
    ),
    Case(
        "helm.toolkit.fluxcd.io/v2",
        "HelmRelease",
        "2.9",
        HELMRELEASE_HEAD + "spec:\n  interval: 30m\n  chart:\n    spec:\n      chart: podinfo\n"
        "      version: 6.x\n      sourceRef:\n        kind: HelmRepository\n"
        "        name: podinfo\n  values:\n    replicaCount: 2\n"
        "    ingress:\n      host: '{{ .Release.Name }}.example.com'\n",
        (
            Bad(
                HELMRELEASE_HEAD + "spec:\n  chart:\n    spec:\n      chart: podinfo\n"
                "      sourceRef:\n        kind: HelmRepository\n        name: podinfo\n",
                "schema",
                "chart:",
                "chart",
                "missing required field `spec.interval`",
            ),
            Bad(
                HELMRELEASE_HEAD + "spec:\n  interval: 30m\n",
                "schema",
                "interval: 30m",
                "interval",
                "either chart or chartRef must be set",
            ),
            Bad(
                HELMRELEASE_HEAD + "spec:\n  interval: 30m\n  chart:\n    spec:\n"
                "      chart: podinfo\n      sourceRef:\n        kind: GitRepository\n"
                "        name: podinfo\n  valuesFile: values.yaml\n",
                "unknown-field",
                "valuesFile: values.yaml",
                "valuesFile",
                "unknown field `spec.valuesFile`",
            ),
            Bad(
                HELMRELEASE_HEAD + "spec:\n  interval: 30m\n  chart:\n    spec:\n"
                "      chart: podinfo\n      sourceRef:\n        kind: OCIRepo\n"
                "        name: podinfo\n",
                "schema",
                "kind: OCIRepo",
                "OCIRepo",
                "allowed values are",
            ),
        ),
    ),
    Case(
        "v1",
        "Secret",
        "2.9",
        SECRET_HEAD + "type: Opaque\nimmutable: true\ndata:\n  token: eG94Yi0xMjM=\n"
        "stringData:\n  address: https://hooks.slack.com/services/x\n",
        (
            Bad(
                SECRET_HEAD + "data:\n  address: https://hooks.slack.com/services/x\n",
                "schema",
                "address: https",
                "https",
                "not base64",
            ),
            Bad(
                SECRET_HEAD + "stringData:\n  port: 8080\n",
                "schema",
                "port: 8080",
                "8080",
                "must be a string, not a number",
            ),
            Bad(
                SECRET_HEAD + "strinData:\n  address: x\n",
                "unknown-field",
                "strinData:",
                "strinData",
                "unknown field `strinData`",
            ),
            Bad(
                SECRET_HEAD.replace("slack-webhook", "Slack_Webhook") + "type: Opaque\n",
                "schema",
                "name: Slack_Webhook",
                "Slack_Webhook",
                "not a DNS-1123 subdomain",
            ),
            Bad(
                SECRET_HEAD + "immutable: 'true'\n",
                "schema",
                "immutable: 'true'",
                "'true'",
                "must be true or false",
            ),
        ),
    ),
)


def _id(case: Case) -> str:
    return f"{case.kind}-{case.api_version.rpartition('/')[2]}"


def test_every_bundled_schema_has_a_case() -> None:
    bundled = {p.name for p in (REPO / "schemas").glob("*.json")}
    covered = {schemas.schema_name(c.api_version, c.kind) for c in CASES}
    assert covered == bundled


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_valid_object_has_no_schema_findings(case: Case, tmp_path: Path) -> None:
    assert schemas.load_schema(case.api_version, case.kind) is not None
    findings = lint(tmp_path, case.valid, flux_version=case.flux_version)
    assert [f for f in findings if f.rule in ("schema", "unknown-field", "yaml-syntax")] == []


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_invalid_objects_give_rule_and_position(case: Case, tmp_path: Path) -> None:
    assert len(case.invalid) >= 3
    for number, bad in enumerate(case.invalid):
        findings = lint(
            tmp_path, bad.text, flux_version=case.flux_version, name=f"bad{number}.yaml"
        )
        relevant = [f for f in findings if f.rule in ("schema", "unknown-field")]
        line, column = at(bad.text, bad.line_text, bad.token)
        assert [(f.rule, f.line, f.column) for f in relevant] == [(bad.rule, line, column)], (
            bad.text,
            [(f.rule, f.line, f.column, f.message) for f in relevant],
        )
        assert bad.says in relevant[0].message, relevant[0].message
        assert relevant[0].object is not None
        assert relevant[0].object.kind == case.kind


def test_schema_files_are_strict_json_schemas() -> None:
    for path in sorted((REPO / "schemas").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["additionalProperties"] is False, path.name
        assert data["properties"]["kind"]["const"] == path.stem.rpartition("_")[2]


def test_validate_returns_none_without_a_schema() -> None:
    assert schemas.validate({"kind": "ConfigMap"}, "v1", "ConfigMap") is None
    assert schemas.load_schema("v1", "ConfigMap") is None
    assert schemas.load_schema(f"{NC}/v1", "Alert") is None


def test_wrong_type_is_reported_once_not_also_as_enum() -> None:
    data = {
        "apiVersion": f"{NC}/v1beta3",
        "kind": "Alert",
        "metadata": {"name": "a"},
        "spec": {"providerRef": {"name": "p"}, "eventSources": [], "eventSeverity": ["error"]},
    }
    issues = schemas.validate(data, f"{NC}/v1beta3", "Alert")
    assert issues is not None
    assert [(i.path, i.validator) for i in issues] == [(("spec", "eventSeverity"), "type")]


def test_secret_values_never_appear_in_messages() -> None:
    value = "https://hooks.slack.com/services/T000/B000/SECRETPART"
    data = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s"},
        "data": {"address": value},
    }
    issues = schemas.validate(data, "v1", "Secret", secret_values=True)
    assert issues
    for issue in issues:
        assert "SECRETPART" not in issue.message
        assert "SECRETPART" not in (issue.hint or "")


def test_unknown_field_gets_did_you_mean() -> None:
    data = {
        "apiVersion": f"{NC}/v1beta3",
        "kind": "Alert",
        "metadata": {"name": "a"},
        "spec": {"providerRef": {"name": "p"}, "eventSourcs": []},
    }
    issues = schemas.validate(data, f"{NC}/v1beta3", "Alert")
    assert issues is not None
    unknown = [i for i in issues if i.unknown]
    assert [(i.path, i.hint) for i in unknown] == [
        (("spec", "eventSourcs"), "did you mean `eventSources`?")
    ]


def test_cel_rule_points_at_the_field_it_names(tmp_path: Path) -> None:
    text = """
    apiVersion: notification.toolkit.fluxcd.io/v1beta3
    kind: Provider
    metadata:
      name: slack
    spec:
      type: slack
      commitStatusExpr: "'flux/' + event.metadata.name"
    """
    findings = lint(tmp_path, text)
    assert [(f.rule, f.line, f.column) for f in findings] == [
        ("schema", *at(text, "commitStatusExpr:"))
    ]
    assert "only supported for the 'github'" in findings[0].message


def test_receiver_v1_generic_oidc_cel_rules(tmp_path: Path) -> None:
    text = """
    apiVersion: notification.toolkit.fluxcd.io/v1
    kind: Receiver
    metadata:
      name: oidc
    spec:
      type: generic-oidc
      secretRef:
        name: token
      resources:
        - kind: GitRepository
          name: flux-system
    """
    messages = [f.message for f in lint(tmp_path, text) if f.rule == "schema"]
    assert any("oidcProvider" in m for m in messages), messages


def test_urls_that_may_hold_credentials_are_outlined(tmp_path: Path) -> None:
    text = """
    apiVersion: notification.toolkit.fluxcd.io/v1beta1
    kind: Provider
    metadata:
      name: slack
    spec:
      type: slack
      address: hooks.slack.com/services/T0000/B0000/WEBHOOKSECRET
      proxy: ftp://user:PROXYPASSWORD@proxy.internal:3128
    """
    findings = [f for f in lint(tmp_path, text, flux_version="2.6") if f.rule == "schema"]
    assert [(f.line, f.column) for f in findings] == [
        at(text, "address:", "hooks"),
        at(text, "proxy:", "ftp"),
    ]
    assert "'hooks.slack.com/...'" in findings[0].message
    assert "'ftp://proxy.internal:3128/...'" in findings[1].message
    for finding in findings:
        assert "WEBHOOKSECRET" not in finding.message
        assert "PROXYPASSWORD" not in finding.message


_ENC = "ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]"


def test_the_screen_reads_a_sops_secrets_encrypted_values_as_empty_strings() -> None:
    """The schema rule never judges an ``ENC[...]`` value, so a SOPS Secret whose values
    are all encrypted passes the screen, and no run imports jsonschema for it. Where an
    empty string fits no better (a boolean), the full check still decides."""
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s"},
        "data": {"address": _ENC},
        "stringData": {"token": _ENC},
    }
    assert not schemas.passes_fast(secret, "v1", "Secret")  # ENC[...] is not base64
    assert schemas.screens_clean(secret, "v1", "Secret", sops=True)
    assert not schemas.screens_clean(secret, "v1", "Secret", sops=False)
    assert not schemas.screens_clean({**secret, "immutable": _ENC}, "v1", "Secret", sops=True)
    plain = {**secret, "data": {"address": "not base64!"}}
    assert not schemas.screens_clean(plain, "v1", "Secret", sops=True)
    issues = schemas.validate({**secret, "immutable": _ENC}, "v1", "Secret", secret_values=True)
    assert issues  # the boolean: left to the full check, whose issue the rule then skips
