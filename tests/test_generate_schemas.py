"""The bundled schemas in schemas/ and the script that generates them.

The schemas are what ``fluxnotify validate`` trusts to say what the API server would
reject, so each (group, version, kind) gets a valid object and several invalid ones
with the exact keyword and path the linter will report. Only the regeneration tests
need ../shared; the rest read the committed schemas.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
SCRIPT = ROOT / "scripts" / "generate_schemas.py"

NC = "notification.toolkit.fluxcd.io"
DELETE = object()

Obj = dict[str, Any]


@cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads((SCHEMAS / name).read_text(encoding="utf-8")))


@cache
def script() -> ModuleType:
    """The generator imported as a module, to test its pieces directly."""
    spec = importlib.util.spec_from_file_location("generate_schemas", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def failures(name: str, obj: Obj) -> set[tuple[str, str, str | None]]:
    """(keyword, instance path, x-message) of every error, as the linter will see them."""
    return {
        (
            err.validator,
            "/".join(map(str, err.absolute_path)),
            err.schema.get("x-message") if isinstance(err.schema, dict) else None,
        )
        for err in validator(name).iter_errors(obj)
    }


def patched(obj: Obj, **changes: Any) -> Obj:
    """A deep copy of ``obj`` with ``a__b__0__c=value`` set (``DELETE`` removes it)."""
    result = copy.deepcopy(obj)
    for dotted, value in changes.items():
        *parents, last = [int(p) if p.isdigit() else p for p in dotted.split("__")]
        node: Any = result
        for part in parents:
            node = node[part]
        if value is DELETE:
            del node[last]
        else:
            node[last] = value
    return result


def resource(api_version: str, kind: str, spec: Obj) -> Obj:
    return {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {"name": "example", "namespace": "flux-system"},
        "spec": spec,
    }


def alert(version: str) -> Obj:
    spec: Obj = {
        "providerRef": {"name": "slack"},
        "eventSeverity": "error",
        "eventSources": [
            {"kind": "Kustomization", "name": "*"},
            {"kind": "HelmRelease", "name": "podinfo", "namespace": "apps"},
        ],
        "exclusionList": ["^Dependencies"],
        "summary": "production cluster",
    }
    if version != "v1beta1":
        spec |= {"inclusionList": [".*failed.*"], "eventMetadata": {"cluster": "prod"}}
    return resource(f"{NC}/{version}", "Alert", spec)


def provider(version: str) -> Obj:
    spec: Obj = {
        "type": "slack",
        "channel": "general",
        "address": "https://slack.com/api/chat.postMessage",
        "timeout": "30s",
        "secretRef": {"name": "slack-token"},
    }
    if version != "v1beta1":
        spec |= {"interval": "10m"}
    return resource(f"{NC}/{version}", "Provider", spec)


def receiver(version: str) -> Obj:
    spec: Obj = {
        "type": "github",
        "events": ["ping", "push"],
        "resources": [{"kind": "GitRepository", "name": "webapp"}],
        "secretRef": {"name": "webhook-token"},
    }
    return resource(f"{NC}/{version}", "Receiver", spec)


OIDC_RECEIVER = patched(
    receiver("v1"),
    spec__type="generic-oidc",
    spec__secretRef=DELETE,
    spec__oidcProviders=[
        {
            "issuerURL": "https://token.actions.githubusercontent.com",
            "audience": "flux",
            "validations": [{"expression": "claims.sub != ''", "message": "no subject"}],
        }
    ],
)

KUSTOMIZATION = resource(
    "kustomize.toolkit.fluxcd.io/v1",
    "Kustomization",
    {
        "interval": "10m",
        "path": "./apps",
        "prune": True,
        "sourceRef": {"kind": "GitRepository", "name": "flux-system"},
        "postBuild": {"substitute": {"cluster": "prod"}},
    },
)

HELMRELEASE = resource(
    "helm.toolkit.fluxcd.io/v2",
    "HelmRelease",
    {
        "interval": "1h",
        "chart": {
            "spec": {
                "chart": "podinfo",
                "version": "6.x",
                "sourceRef": {"kind": "HelmRepository", "name": "podinfo"},
            }
        },
        "install": {"strategy": {"name": "RetryOnFailure", "retryInterval": "2m"}},
        # Free-form (x-kubernetes-preserve-unknown-fields): any keys pass.
        "values": {"replicaCount": 2, "anything": {"goes": [1, "two", None]}},
    },
)

SECRET: Obj = {
    "apiVersion": "v1",
    "kind": "Secret",
    "metadata": {"name": "slack-token", "namespace": "flux-system"},
    "type": "Opaque",
    "data": {"token": "eG94Yi0xMjM=", "empty": ""},
    "stringData": {"address": "https://slack.com/api/chat.postMessage"},
    "immutable": True,
}

#: One valid object per schema file.
VALID: dict[str, Obj] = {
    **{f"{NC}_{v}_Alert.json": alert(v) for v in ("v1beta1", "v1beta2", "v1beta3")},
    **{f"{NC}_{v}_Provider.json": provider(v) for v in ("v1beta1", "v1beta2", "v1beta3")},
    **{f"{NC}_{v}_Receiver.json": receiver(v) for v in ("v1beta1", "v1beta2", "v1")},
    "kustomize.toolkit.fluxcd.io_v1_Kustomization.json": KUSTOMIZATION,
    "helm.toolkit.fluxcd.io_v2_HelmRelease.json": HELMRELEASE,
    "core_v1_Secret.json": SECRET,
}

COMMIT_STATUS_MSG = (
    "spec.commitStatusExpr is only supported for the 'github', 'gitlab', 'gitea', "
    "'bitbucketserver', 'bitbucket', 'azuredevops' provider types"
)
KUBECONFIG_MSG = (
    "exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified"
)

#: (schema file, invalid object, keyword, instance path, x-message or None).
INVALID: list[tuple[str, Obj, str, str, str | None]] = [
    # Alert v1beta3
    (f"{NC}_v1beta3_Alert.json", patched(alert("v1beta3"), spec__eventSeverity="warn"),
     "enum", "spec/eventSeverity", None),
    (f"{NC}_v1beta3_Alert.json", patched(alert("v1beta3"), spec__eventSeverity=["error"]),
     "type", "spec/eventSeverity", None),
    (f"{NC}_v1beta3_Alert.json", patched(alert("v1beta3"), spec__channel="alerts"),
     "additionalProperties", "spec", None),
    (f"{NC}_v1beta3_Alert.json", patched(alert("v1beta3"), spec__providerRef__namespace="x"),
     "additionalProperties", "spec/providerRef", None),
    (f"{NC}_v1beta3_Alert.json", patched(alert("v1beta3"), spec__eventSources__0__kind="Pod"),
     "enum", "spec/eventSources/0/kind", None),
    (f"{NC}_v1beta3_Alert.json", patched(alert("v1beta3"), spec__eventSources=DELETE),
     "required", "spec", None),
    (f"{NC}_v1beta3_Alert.json", patched(alert("v1beta3"), spec__summary="x" * 256),
     "maxLength", "spec/summary", None),
    (f"{NC}_v1beta3_Alert.json", patched(alert("v1beta3"), spec__eventMetadata__n=1),
     "type", "spec/eventMetadata/n", None),
    (f"{NC}_v1beta3_Alert.json", patched(alert("v1beta3"), metadata__name="On-Call"),
     "pattern", "metadata/name", None),
    # Alert v1beta2
    (f"{NC}_v1beta2_Alert.json", patched(alert("v1beta2"), spec__eventSeverity="warning"),
     "enum", "spec/eventSeverity", None),
    (f"{NC}_v1beta2_Alert.json", patched(alert("v1beta2"), spec__channel="alerts"),
     "additionalProperties", "spec", None),
    (f"{NC}_v1beta2_Alert.json", patched(alert("v1beta2"), spec__eventSources__1__name="a" * 254),
     "maxLength", "spec/eventSources/1/name", None),
    (f"{NC}_v1beta2_Alert.json",
     patched(alert("v1beta2"), spec__eventSources__0__kind="ExternalArtifact"),
     "enum", "spec/eventSources/0/kind", None),
    # Alert v1beta1
    (f"{NC}_v1beta1_Alert.json", patched(alert("v1beta1"), spec__eventSeverity="warn"),
     "enum", "spec/eventSeverity", None),
    (f"{NC}_v1beta1_Alert.json", patched(alert("v1beta1"), spec__eventSources__1__name="a" * 54),
     "maxLength", "spec/eventSources/1/name", None),
    (f"{NC}_v1beta1_Alert.json", patched(alert("v1beta1"), spec__eventMetadata={"a": "b"}),
     "additionalProperties", "spec", None),
    (f"{NC}_v1beta1_Alert.json", patched(alert("v1beta1"), spec__providerRef=DELETE),
     "required", "spec", None),
    # Provider v1beta3
    (f"{NC}_v1beta3_Provider.json", patched(provider("v1beta3"), spec__timeout="1h"),
     "pattern", "spec/timeout", None),
    (f"{NC}_v1beta3_Provider.json", patched(provider("v1beta3"), spec__commitStatusExpr="'x'"),
     "anyOf", "spec", COMMIT_STATUS_MSG),
    (f"{NC}_v1beta3_Provider.json", patched(provider("v1beta3"), spec__type="teams"),
     "enum", "spec/type", None),
    (f"{NC}_v1beta3_Provider.json", patched(provider("v1beta3"), spec__type=DELETE),
     "required", "spec", None),
    (f"{NC}_v1beta3_Provider.json", patched(provider("v1beta3"), spec__proxy="socks5://proxy"),
     "pattern", "spec/proxy", None),
    (f"{NC}_v1beta3_Provider.json", patched(provider("v1beta3"), spec__channel="c" * 2049),
     "maxLength", "spec/channel", None),
    (f"{NC}_v1beta3_Provider.json", patched(provider("v1beta3"), spec__proxySecretRef={}),
     "required", "spec/proxySecretRef", None),
    # Provider v1beta2
    (f"{NC}_v1beta2_Provider.json", patched(provider("v1beta2"), spec__type="nats"),
     "enum", "spec/type", None),
    (f"{NC}_v1beta2_Provider.json", patched(provider("v1beta2"), spec__address="h" * 2049),
     "maxLength", "spec/address", None),
    (f"{NC}_v1beta2_Provider.json", patched(provider("v1beta2"), spec__commitStatusExpr="'x'"),
     "additionalProperties", "spec", None),
    (f"{NC}_v1beta2_Provider.json", patched(provider("v1beta2"), spec__interval="1d"),
     "pattern", "spec/interval", None),
    # Provider v1beta1
    (f"{NC}_v1beta1_Provider.json", patched(provider("v1beta1"), spec__address="hooks.slack.com/x"),
     "pattern", "spec/address", None),
    (f"{NC}_v1beta1_Provider.json", patched(provider("v1beta1"), spec__interval="10m"),
     "additionalProperties", "spec", None),
    (f"{NC}_v1beta1_Provider.json", patched(provider("v1beta1"), spec__type="zulip"),
     "enum", "spec/type", None),
    # Receiver v1 and its four CEL rules
    (f"{NC}_v1_Receiver.json", patched(OIDC_RECEIVER, spec__oidcProviders=DELETE),
     "anyOf", "spec", "generic-oidc receivers must define at least one oidcProvider"),
    (f"{NC}_v1_Receiver.json", patched(OIDC_RECEIVER, spec__oidcProviders=[]),
     "anyOf", "spec", "generic-oidc receivers must define at least one oidcProvider"),
    (f"{NC}_v1_Receiver.json", patched(OIDC_RECEIVER, spec__secretRef={"name": "token"}),
     "anyOf", "spec", "secretRef cannot be set when type is generic-oidc"),
    (f"{NC}_v1_Receiver.json", patched(receiver("v1"), spec__secretRef=DELETE),
     "anyOf", "spec", "secretRef is required when type is not generic-oidc"),
    (f"{NC}_v1_Receiver.json",
     patched(receiver("v1"), spec__oidcProviders=OIDC_RECEIVER["spec"]["oidcProviders"]),
     "anyOf", "spec", "oidcProviders can only be set when type is generic-oidc"),
    (f"{NC}_v1_Receiver.json", patched(OIDC_RECEIVER, spec__oidcProviders__0__issuerURL="ftp://x"),
     "pattern", "spec/oidcProviders/0/issuerURL", None),
    (f"{NC}_v1_Receiver.json", patched(OIDC_RECEIVER, spec__oidcProviders__0__validations=[]),
     "minItems", "spec/oidcProviders/0/validations", None),
    (f"{NC}_v1_Receiver.json", patched(receiver("v1"), spec__type="jenkins"),
     "enum", "spec/type", None),
    # Receiver v1beta2 and v1beta1
    (f"{NC}_v1beta2_Receiver.json", patched(receiver("v1beta2"), spec__secretRef=DELETE),
     "required", "spec", None),
    (f"{NC}_v1beta2_Receiver.json", patched(receiver("v1beta2"), spec__type="generic-oidc"),
     "enum", "spec/type", None),
    (f"{NC}_v1beta2_Receiver.json", patched(receiver("v1beta2"), spec__interval="soon"),
     "pattern", "spec/interval", None),
    (f"{NC}_v1beta1_Receiver.json", patched(receiver("v1beta1"), spec__resources__0__kind="Pod"),
     "enum", "spec/resources/0/kind", None),
    (f"{NC}_v1beta1_Receiver.json", patched(receiver("v1beta1"), spec__interval="10m"),
     "additionalProperties", "spec", None),
    (f"{NC}_v1beta1_Receiver.json", patched(receiver("v1beta1"), spec__resources=DELETE),
     "required", "spec", None),
    # Kustomization v1
    ("kustomize.toolkit.fluxcd.io_v1_Kustomization.json",
     patched(KUSTOMIZATION, spec__validation="client"), "additionalProperties", "spec", None),
    ("kustomize.toolkit.fluxcd.io_v1_Kustomization.json",
     patched(KUSTOMIZATION, spec__kubeConfig={"secretRef": {"name": "a"}},
             spec__kubeConfig__configMapRef={"name": "b"}),
     "anyOf", "spec/kubeConfig", KUBECONFIG_MSG),
    ("kustomize.toolkit.fluxcd.io_v1_Kustomization.json",
     patched(KUSTOMIZATION, spec__kubeConfig={}), "anyOf", "spec/kubeConfig", KUBECONFIG_MSG),
    ("kustomize.toolkit.fluxcd.io_v1_Kustomization.json",
     patched(KUSTOMIZATION, spec__prune="yes"), "type", "spec/prune", None),
    ("kustomize.toolkit.fluxcd.io_v1_Kustomization.json",
     patched(KUSTOMIZATION, spec__sourceRef=DELETE), "required", "spec", None),
    # HelmRelease v2
    ("helm.toolkit.fluxcd.io_v2_HelmRelease.json",
     patched(HELMRELEASE, spec__chartRef={"kind": "OCIRepository", "name": "podinfo"}),
     "anyOf", "spec", "either chart or chartRef must be set"),
    ("helm.toolkit.fluxcd.io_v2_HelmRelease.json", patched(HELMRELEASE, spec__chart=DELETE),
     "anyOf", "spec", "either chart or chartRef must be set"),
    ("helm.toolkit.fluxcd.io_v2_HelmRelease.json",
     patched(HELMRELEASE, spec__install__strategy__name="RemediateOnFailure"),
     "anyOf", "spec/install/strategy",
     ".retryInterval cannot be set when .name is 'RemediateOnFailure'"),
    ("helm.toolkit.fluxcd.io_v2_HelmRelease.json",
     patched(HELMRELEASE, spec__upgrade={"strategy": {"name": "RemediateOnFailure"}},
             spec__upgrade__strategy__retryInterval="1m"),
     "anyOf", "spec/upgrade/strategy",
     ".retryInterval can only be set when .name is 'RetryOnFailure'"),
    ("helm.toolkit.fluxcd.io_v2_HelmRelease.json",
     patched(HELMRELEASE, spec__kubeConfig={}), "anyOf", "spec/kubeConfig", KUBECONFIG_MSG),
    ("helm.toolkit.fluxcd.io_v2_HelmRelease.json", patched(HELMRELEASE, spec__interval=DELETE),
     "required", "spec", None),
    # Secret v1 and ObjectMeta
    ("core_v1_Secret.json", patched(SECRET, data__token="not base64!"),
     "pattern", "data/token", None),
    ("core_v1_Secret.json", patched(SECRET, data__token="eG94Yi0xMjM"),
     "pattern", "data/token", None),
    ("core_v1_Secret.json", patched(SECRET, stringData__port=8080),
     "type", "stringData/port", None),
    ("core_v1_Secret.json", patched(SECRET, stringData={"slack token": "xoxb"}),
     "pattern", "stringData", None),  # from propertyNames
    ("core_v1_Secret.json", patched(SECRET, immutable="true"), "type", "immutable", None),
    ("core_v1_Secret.json", patched(SECRET, spec={}), "additionalProperties", "", None),
    ("core_v1_Secret.json", patched(SECRET, metadata__name="Slack_Token"),
     "pattern", "metadata/name", None),
    ("core_v1_Secret.json", patched(SECRET, metadata__namespace="n" * 64),
     "maxLength", "metadata/namespace", None),
    ("core_v1_Secret.json", patched(SECRET, metadata__label={"a": "b"}),
     "additionalProperties", "metadata", None),
    ("core_v1_Secret.json", patched(SECRET, metadata__labels={"a": 1}),
     "type", "metadata/labels/a", None),
    ("core_v1_Secret.json", patched(SECRET, metadata__name=DELETE),
     "required", "metadata", None),
    ("core_v1_Secret.json", patched(SECRET, kind="ConfigMap"), "const", "kind", None),
]  # fmt: skip


def schema_files() -> list[str]:
    return sorted(p.name for p in SCHEMAS.glob("*.json"))


@pytest.mark.parametrize("name", schema_files())
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    Draft202012Validator.check_schema(json.loads((SCHEMAS / name).read_text(encoding="utf-8")))


def test_every_schema_has_a_valid_example_and_three_invalid_ones() -> None:
    assert sorted(VALID) == schema_files()
    for name in VALID:
        assert sum(case[0] == name for case in INVALID) >= 3, name


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_object(name: str) -> None:
    assert failures(name, VALID[name]) == set()


@pytest.mark.parametrize(
    ("name", "obj"),
    [
        pytest.param(f"{NC}_v1_Receiver.json", OIDC_RECEIVER, id="receiver-generic-oidc"),
        pytest.param(
            f"{NC}_v1beta3_Provider.json",
            patched(provider("v1beta3"), spec__type="github", spec__commitStatusExpr="'ci'"),
            id="provider-commitStatusExpr-github",
        ),
        pytest.param(
            "helm.toolkit.fluxcd.io_v2_HelmRelease.json",
            patched(
                HELMRELEASE,
                spec__chart=DELETE,
                spec__chartRef={"kind": "OCIRepository", "name": "podinfo"},
            ),
            id="helmrelease-chartRef",
        ),
        pytest.param(
            "helm.toolkit.fluxcd.io_v2_HelmRelease.json",
            patched(HELMRELEASE, spec__values="not even a map"),
            id="helmrelease-values-any-json",
        ),
        pytest.param(
            "kustomize.toolkit.fluxcd.io_v1_Kustomization.json",
            patched(KUSTOMIZATION, spec__kubeConfig={"secretRef": {"name": "kubeconfig"}}),
            id="kustomization-kubeConfig-secretRef",
        ),
        pytest.param(
            "core_v1_Secret.json",
            # Go's base64 decoder skips line breaks, e.g. from a YAML `|` block.
            patched(SECRET, data__token="eG94Yi0x\nMjM=\n"),
            id="secret-base64-with-line-breaks",
        ),
        pytest.param(
            f"{NC}_v1beta3_Alert.json",
            patched(
                alert("v1beta3"),
                metadata={
                    "name": "a.b-c",
                    "creationTimestamp": None,
                    "labels": {"app.kubernetes.io/name": "x"},
                    "annotations": {"note": ""},
                },
                status={"anything": True},
            ),
            id="alert-generated-metadata-and-status",
        ),
    ],
)  # fmt: skip
def test_other_valid_objects(name: str, obj: Obj) -> None:
    assert failures(name, obj) == set()


@pytest.mark.parametrize(
    ("name", "obj", "keyword", "path", "message"),
    INVALID,
    ids=[f"{case[0].removesuffix('.json')}:{case[2]}@{case[3]}" for case in INVALID],
)
def test_invalid_object(name: str, obj: Obj, keyword: str, path: str, message: str | None) -> None:
    found = failures(name, obj)
    assert (keyword, path, message) in found
    assert {where for _, where, _ in found} == {path}, found  # nothing else broke


# --- The generator -----------------------------------------------------------------------


def run_script(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.needs_shared
def test_regenerated_schemas_match_committed(shared: Path, tmp_path: Path) -> None:
    result = run_script("--crds", shared / "flux-crds", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    committed = sorted(p.name for p in SCHEMAS.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == committed
    for name in committed:
        assert (tmp_path / name).read_bytes() == (SCHEMAS / name).read_bytes(), name


@pytest.mark.needs_shared
def test_modified_crd_is_refused(shared: Path, tmp_path: Path) -> None:
    crds = tmp_path / "crds"
    shutil.copytree(shared / "flux-crds", crds, copy_function=shutil.copyfile)
    edited = crds / "v1.9.3" / "notification.toolkit.fluxcd.io_alerts.yaml"
    edited.write_bytes(edited.read_bytes() + b"\n")
    result = run_script("--crds", crds, "--out", tmp_path / "out")
    assert result.returncode == 1
    assert "must be the unmodified upstream files" in result.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_cel_rule_fails() -> None:
    gen = script()
    rule = {"rule": "self.type != 'slack'", "message": "no slack"}
    with pytest.raises(gen.GenerationError, match="unknown CEL rule"):
        gen.convert({"type": "object", "x-kubernetes-validations": [rule]}, "spec")


def test_cel_rule_with_message_expression_fails() -> None:
    gen = script()
    rule = {"rule": "has(self.configMapRef) || has(self.secretRef)", "messageExpression": "'x'"}
    with pytest.raises(gen.GenerationError, match="exactly rule and message"):
        gen.convert({"type": "object", "x-kubernetes-validations": [rule]}, "spec")


def test_unknown_keyword_fails() -> None:
    gen = script()
    with pytest.raises(gen.GenerationError, match=r"keyword\(s\) \['oneOf'\]"):
        gen.convert({"type": "object", "properties": {"a": {"oneOf": []}}}, "spec")


@pytest.mark.parametrize(
    ("crd", "expected"),
    [
        pytest.param(
            {"type": "object", "properties": {"a": {"type": "string"}}},
            {"type": "object", "properties": {"a": {"type": "string"}},
             "additionalProperties": False},
            id="strict-object",
        ),
        pytest.param(
            {"type": "object", "description": "x", "additionalProperties": {"type": "string"}},
            {"type": "object", "additionalProperties": {"type": "string"}},
            id="map",
        ),
        pytest.param(
            {"type": "object", "properties": {"a": {"type": "string"}},
             "x-kubernetes-preserve-unknown-fields": True},
            {"type": "object", "properties": {"a": {"type": "string"}}},
            id="preserve-unknown-fields",
        ),
        pytest.param(
            {"type": "integer", "minimum": 0, "exclusiveMinimum": True,
             "maximum": 9, "exclusiveMaximum": False},
            {"type": "integer", "exclusiveMinimum": 0, "maximum": 9},
            id="exclusive-bounds",
        ),
        pytest.param(
            {"x-kubernetes-int-or-string": True, "pattern": "^[0-9]+%$"},
            {"anyOf": [{"type": "integer"}, {"type": "string"}], "pattern": "^[0-9]+%$"},
            id="int-or-string",
        ),
        pytest.param(
            {"type": "string", "enum": ["a"], "nullable": True},
            {"anyOf": [{"type": "null"}, {"type": "string", "enum": ["a"]}]},
            id="nullable",
        ),
        pytest.param(
            {"type": "object", "x-kubernetes-embedded-resource": True,
             "x-kubernetes-preserve-unknown-fields": True},
            {
                "type": "object",
                "properties": {
                    "apiVersion": {"type": "string"},
                    "kind": {"type": "string"},
                    "metadata": {"type": "object"},
                },
            },
            id="embedded-resource",
        ),
        pytest.param(
            {"type": "array", "items": {"type": "string", "format": "date-time"},
             "x-kubernetes-list-type": "set"},
            {"type": "array", "items": {"type": "string"}},
            id="prose-and-hints-dropped",
        ),
    ],
)  # fmt: skip
def test_convert(crd: Obj, expected: Obj) -> None:
    assert script().convert(crd, "spec") == expected
