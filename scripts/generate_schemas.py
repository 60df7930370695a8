#!/usr/bin/env python3
"""Generate fluxnotify's bundled JSON Schemas (draft 2020-12) from the upstream Flux CRDs.

The linter validates manifests offline, so it needs the API server's rules in a form
that ``jsonschema`` understands. This script converts the unmodified CRDs in
``../shared/flux-crds`` into one self-contained schema per (group, version, kind),
as strict as the API server with strict field validation, and writes
``schemas/SOURCES.md`` to record where each file came from.

Usage: ``python scripts/generate_schemas.py [--crds DIR] [--out DIR]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader  # type: ignore[assignment]

Schema = dict[str, Any]

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CRDS = REPO.parent / "shared" / "flux-crds"
DEFAULT_OUT = REPO / "schemas"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
REGENERATE = "python scripts/regenerate.py --crds CRDS"


class GenerationError(Exception):
    """The CRDs contain something this script cannot translate faithfully."""


@dataclass(frozen=True)
class Upstream:
    """One CRD file: where it lives upstream, under the local CRD folder, and its git blob."""

    repo: str
    tag: str
    path: str
    local: str
    blob: str


@dataclass(frozen=True)
class Target:
    """The versions of one CRD file that get a schema."""

    upstream: Upstream
    versions: tuple[str, ...]


def _crd(controller: str, tag: str, folder: str, name: str, blob: str) -> Upstream:
    """Flux keeps every CRD under config/crd/bases/ in its controller's repository."""
    repo = f"github.com/fluxcd/{controller}"
    return Upstream(repo, tag, f"config/crd/bases/{name}", f"{folder}/{name}", blob)


# Repository, tag, path and blob from flux-crds/README.txt, except that README.txt lists
# the two related/ blobs swapped: each file's `git hash-object` is the hash it lists for
# the other file (the files' group and kind match their names).
_NC = "notification-controller"
_ALERTS = "notification.toolkit.fluxcd.io_alerts.yaml"
_PROVIDERS = "notification.toolkit.fluxcd.io_providers.yaml"
_RECEIVERS = "notification.toolkit.fluxcd.io_receivers.yaml"
_KS = "kustomize.toolkit.fluxcd.io_kustomizations.yaml"
_HR = "helm.toolkit.fluxcd.io_helmreleases.yaml"
TARGETS: tuple[Target, ...] = (
    Target(
        _crd(_NC, "v1.6.0", "v1.6.0", _ALERTS, "ac72a041dca2002b1932ab1a2a7d3abc3f129444"),
        ("v1beta1", "v1beta2"),
    ),
    Target(
        _crd(_NC, "v1.9.3", "v1.9.3", _ALERTS, "2ff161d08ae98d4d5c529cc7298e2e111ad87fd0"),
        ("v1beta3",),
    ),
    Target(
        _crd(_NC, "v1.6.0", "v1.6.0", _PROVIDERS, "a017ef956099b94c7604fb49e32c8331bcd9d884"),
        ("v1beta1", "v1beta2"),
    ),
    Target(
        _crd(_NC, "v1.9.3", "v1.9.3", _PROVIDERS, "f5df26cf123a4d44912c329dc95d32348385e821"),
        ("v1beta3",),
    ),
    Target(
        _crd(_NC, "v1.6.0", "v1.6.0", _RECEIVERS, "3ca99fa88da5525bd98f00116ee3b8acac918ec8"),
        ("v1beta1", "v1beta2"),
    ),
    Target(
        _crd(_NC, "v1.9.3", "v1.9.3", _RECEIVERS, "669f36533f9c303e46030ad517de221af0966838"),
        ("v1",),
    ),
    Target(
        _crd(
            "kustomize-controller", "v1.9.4", "related", _KS,
            "3b446ad36d3a08d0d085beeeea6e37fd98a33fb8",
        ),
        ("v1",),
    ),
    Target(
        _crd(
            "helm-controller", "v1.6.3", "related", _HR,
            "5ae44deb82df2f3c7efdd85ab30878076668a53d",
        ),
        ("v2",),
    ),
)  # fmt: skip

# --- CRD schema keywords ---------------------------------------------------------------

#: Copied unchanged: same meaning in OpenAPI v3 and JSON Schema 2020-12.
KEPT = frozenset(
    {
        "type", "required", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum",
        "minItems", "maxItems", "minProperties", "maxProperties", "default",
    }
)  # fmt: skip
#: Removed: prose and server-side merge hints that validate nothing. ``format`` is only an
#: annotation in 2020-12 and the CRD specs use none (only their status, replaced below).
DROPPED = frozenset(
    {
        "description", "title", "example", "externalDocs", "format",
        "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type",
    }
)  # fmt: skip
#: Translated by :func:`convert`.
TRANSLATED = frozenset(
    {
        "properties", "items", "additionalProperties", "exclusiveMinimum", "exclusiveMaximum",
        "nullable", "x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields",
        "x-kubernetes-embedded-resource", "x-kubernetes-validations",
    }
)  # fmt: skip

# --- CEL rules ---------------------------------------------------------------------------


def _has(field: str) -> Schema:
    """CEL ``has(self.<field>)``."""
    return {"required": [field]}


def _not(schema: Schema) -> Schema:
    """CEL ``!<expr>``."""
    return {"not": schema}


def _is(field: str, *values: str) -> Schema:
    """CEL ``self.<field> == 'a' || self.<field> == 'b' ...``."""
    value: Schema = {"const": values[0]} if len(values) == 1 else {"enum": list(values)}
    return {"required": [field], "properties": {field: value}}


def _size(field: str, **bounds: int) -> Schema:
    """CEL ``size(self.<field>) > 0`` (minItems=1) or ``== 0`` (maxItems=0)."""
    return {"required": [field], "properties": {field: bounds}}


def _any(*branches: Schema) -> Schema:
    """CEL ``a || b || ...``: the construct that carries the rule's ``x-message``."""
    return {"anyOf": list(branches)}


#: Exact CEL rule text -> equivalent JSON Schema, placed in an ``allOf`` at the rule's level.
#: Each translation is a top-level ``anyOf`` (CEL ``||``), so jsonschema reports a violation
#: on the construct itself, next to its ``x-message`` (the server's message).
CEL_RULES: dict[str, Schema] = {
    # Provider v1beta3
    "self.type == 'github' || self.type == 'gitlab' || self.type == 'gitea'"
    " || self.type == 'bitbucketserver' || self.type == 'bitbucket'"
    " || self.type == 'azuredevops' || !has(self.commitStatusExpr)": _any(
        _is("type", "github", "gitlab", "gitea", "bitbucketserver", "bitbucket", "azuredevops"),
        _not(_has("commitStatusExpr")),
    ),
    # Receiver v1
    "self.type != 'generic-oidc' || (has(self.oidcProviders) && size(self.oidcProviders) > 0)": (
        _any(_not(_is("type", "generic-oidc")), _size("oidcProviders", minItems=1))
    ),
    "self.type == 'generic-oidc' || !has(self.oidcProviders) || size(self.oidcProviders) == 0": (
        _any(
            _is("type", "generic-oidc"),
            _not(_has("oidcProviders")),
            _size("oidcProviders", maxItems=0),
        )
    ),
    "self.type != 'generic-oidc' || !has(self.secretRef)": _any(
        _not(_is("type", "generic-oidc")), _not(_has("secretRef"))
    ),
    "self.type == 'generic-oidc' || has(self.secretRef)": _any(
        _is("type", "generic-oidc"), _has("secretRef")
    ),
    # Kustomization and HelmRelease spec.kubeConfig (two rules: together, exactly one)
    "has(self.configMapRef) || has(self.secretRef)": _any(_has("configMapRef"), _has("secretRef")),
    "!has(self.configMapRef) || !has(self.secretRef)": _any(
        _not(_has("configMapRef")), _not(_has("secretRef"))
    ),
    # HelmRelease spec
    "(has(self.chart) && !has(self.chartRef)) || (!has(self.chart) && has(self.chartRef))": _any(
        {**_has("chart"), **_not(_has("chartRef"))},
        {**_has("chartRef"), **_not(_has("chart"))},
    ),
    # HelmRelease spec.install.strategy and spec.upgrade.strategy
    "!has(self.retryInterval) || self.name != 'RemediateOnFailure'": _any(
        _not(_has("retryInterval")), _not(_is("name", "RemediateOnFailure"))
    ),
    "!has(self.retryInterval) || self.name == 'RetryOnFailure'": _any(
        _not(_has("retryInterval")), _is("name", "RetryOnFailure")
    ),
}


def translate_rule(rule: Schema, where: str) -> Schema:
    """Replace one ``x-kubernetes-validations`` entry; unknown rules stop the run."""
    if set(rule) != {"rule", "message"}:
        raise GenerationError(f"{where}: CEL validation must have exactly rule and message: {rule}")
    try:
        construct = CEL_RULES[rule["rule"]]
    except KeyError:
        raise GenerationError(
            f"{where}: unknown CEL rule {rule['rule']!r} (message: {rule['message']!r}); "
            "add its JSON Schema translation to CEL_RULES in scripts/generate_schemas.py"
        ) from None
    return {**construct, "x-message": rule["message"]}


# --- OpenAPI v3 -> JSON Schema 2020-12 ---------------------------------------------------


def convert(node: Schema, where: str) -> Schema:
    """Translate one CRD (structural OpenAPI v3) schema node, failing on anything unknown."""
    unknown = node.keys() - KEPT - DROPPED - TRANSLATED
    if unknown:
        raise GenerationError(f"{where}: unsupported CRD schema keyword(s) {sorted(unknown)}")
    out: Schema = {key: value for key, value in node.items() if key in KEPT}
    if "properties" in node:
        out["properties"] = {
            name: convert(sub, f"{where}.{name}") for name, sub in node["properties"].items()
        }
    if "items" in node:
        out["items"] = convert(node["items"], f"{where}[]")
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        out["additionalProperties"] = convert(extra, f"{where}.*")
    elif extra is not None:
        out["additionalProperties"] = extra
    for bound, flag in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        # OpenAPI v3.0 flags the bound as exclusive; 2020-12 moves the number itself.
        if node.get(flag) is True:
            if bound not in out:
                raise GenerationError(f"{where}: {flag} without {bound}")
            out[flag] = out.pop(bound)
    if node.get("x-kubernetes-embedded-resource") is True:
        props = out.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props.setdefault("metadata", {"type": "object"})
    preserve = node.get("x-kubernetes-preserve-unknown-fields") is True
    if (out.get("type") == "object" or "properties" in out) and extra is None and not preserve:
        out["additionalProperties"] = False  # strict field validation: unknown fields fail
    if node.get("x-kubernetes-int-or-string") is True:
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if "x-kubernetes-validations" in node:
        out["allOf"] = [translate_rule(rule, where) for rule in node["x-kubernetes-validations"]]
    if node.get("nullable") is True:
        out = {"anyOf": [{"type": "null"}, out]}
    return out


# --- Whole objects -----------------------------------------------------------------------

_DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_STRING_MAP: Schema = {"type": "object", "additionalProperties": {"type": "string"}}
_STRINGS: Schema = {"type": "array", "items": {"type": "string"}}

#: metav1.ObjectMeta as a manifest may carry it; unknown keys fail as on the server.
OBJECT_META: Schema = {
    "type": "object",
    "properties": {
        "name": {
            "type": "string",
            "pattern": f"^{_DNS_LABEL}(\\.{_DNS_LABEL})*$",
            "maxLength": 253,
        },
        "namespace": {"type": "string", "pattern": f"^{_DNS_LABEL}$", "maxLength": 63},
        "labels": _STRING_MAP,
        "annotations": _STRING_MAP,
        "generateName": {"type": "string"},
        "finalizers": _STRINGS,
        "ownerReferences": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "apiVersion": {"type": "string"},
                    "kind": {"type": "string"},
                    "name": {"type": "string"},
                    "uid": {"type": "string"},
                    "controller": {"type": "boolean"},
                    "blockOwnerDeletion": {"type": "boolean"},
                },
                "required": ["apiVersion", "kind", "name", "uid"],
                "additionalProperties": False,
            },
        },
        "uid": {"type": "string"},
        "resourceVersion": {"type": "string"},
        "generation": {"type": "integer"},
        # kubectl and many generators write ``creationTimestamp: null``.
        "creationTimestamp": {"type": ["string", "null"]},
        "deletionTimestamp": {"type": "string"},
        "deletionGracePeriodSeconds": {"type": "integer"},
        "managedFields": {"type": "array", "items": {"type": "object"}},
        "selfLink": {"type": "string"},
    },
    "required": ["name"],
    "additionalProperties": False,
}

# Go's base64 decoder (used for Secret data) skips CR and LF anywhere, e.g. a `|` block.
_B64, _NL = "[A-Za-z0-9+/]", "[\\r\\n]*"
_B64_PATTERN = (
    f"^{_NL}(?:(?:{_B64}{_NL}){{4}})*(?:(?:{_B64}{_NL}){{2}}(?:={_NL}={_NL}|{_B64}{_NL}={_NL}))?$"
)

# The server's rule for Secret and ConfigMap keys (IsConfigMapKey).
_SECRET_KEY: Schema = {"pattern": "^[-._a-zA-Z0-9]+$", "maxLength": 253}

SECRET_PROPERTIES: Schema = {
    "data": {
        "type": "object",
        "propertyNames": _SECRET_KEY,
        "additionalProperties": {"type": "string", "pattern": _B64_PATTERN},
    },
    "stringData": {**_STRING_MAP, "propertyNames": _SECRET_KEY},
    "type": {"type": "string"},
    "immutable": {"type": "boolean"},
}


def document(api_version: str, kind: str, properties: Schema, required: list[str]) -> Schema:
    """A self-contained schema for a whole object: apiVersion, kind, metadata and the rest."""
    return {
        "$schema": DRAFT,
        "$defs": {"ObjectMeta": OBJECT_META},
        "type": "object",
        "properties": {
            "apiVersion": {"const": api_version},
            "kind": {"const": kind},
            "metadata": {"$ref": "#/$defs/ObjectMeta"},
            **properties,
        },
        "required": ["apiVersion", "kind", "metadata", *required],
        "additionalProperties": False,
    }


def crd_document(api_version: str, kind: str, root: Schema, where: str) -> Schema:
    """Schema for one CRD version; the CRD's own metadata and status are replaced."""
    unknown = root.keys() - {"description", "type", "properties", "required"}
    if unknown:
        raise GenerationError(f"{where}: unsupported top-level keyword(s) {sorted(unknown)}")
    fields = root.get("properties", {})
    extra = fields.keys() - {"apiVersion", "kind", "metadata", "spec", "status"}
    if extra:
        raise GenerationError(f"{where}: unexpected top-level field(s) {sorted(extra)}")
    properties: Schema = {}
    if "spec" in fields:
        properties["spec"] = convert(fields["spec"], f"{where}: spec")
    # Rarely committed, and the server ignores or prunes it on create and update.
    properties["status"] = {"type": "object"}
    return document(api_version, kind, properties, list(root.get("required", [])))


# --- Files -------------------------------------------------------------------------------


def schema_file_name(group: str, version: str, kind: str) -> str:
    return f"{group or 'core'}_{version}_{kind}.json"


def blob_hash(data: bytes) -> str:
    """``git hash-object``: proves each input is the upstream file, byte for byte."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass(frozen=True)
class Generated:
    """One output file and, for SOURCES.md, the CRD it came from (None: hand-defined)."""

    name: str
    schema: Schema
    upstream: Upstream | None


def generate_crd_schemas(crds: Path) -> Iterator[Generated]:
    """Read, verify and convert every target CRD version."""
    for target in TARGETS:
        source = target.upstream
        data = (crds / source.local).read_bytes()
        blob = blob_hash(data)
        if blob != source.blob:
            raise GenerationError(
                f"{source.local}: git blob {blob}, expected {source.blob}: "
                "the CRDs must be the unmodified upstream files"
            )
        crd = yaml.load(data, Loader=SafeLoader)
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        served = {v["name"]: v for v in crd["spec"]["versions"] if v.get("served")}
        for version in target.versions:
            if version not in served:
                raise GenerationError(f"{source.local}: {kind} {version} is not served")
            root = served[version]["schema"]["openAPIV3Schema"]
            where = f"{source.local} {version}"
            schema = crd_document(f"{group}/{version}", kind, root, where)
            yield Generated(schema_file_name(group, version, kind), schema, source)


def secret_schema() -> Generated:
    """core/v1 Secret is not a CRD: hand-defined here."""
    schema = document("v1", "Secret", SECRET_PROPERTIES, [])
    return Generated(schema_file_name("", "v1", "Secret"), schema, None)


_EXAMPLE_RULE: Schema = {
    "rule": "self.type != 'generic-oidc'"
    " || (has(self.oidcProviders) && size(self.oidcProviders) > 0)",
    "message": "generic-oidc receivers must define at least one oidcProvider",
}


def _source_row(file: Generated) -> str:
    """One SOURCES.md table row."""
    up = file.upstream
    if up is None:
        return f"| `{file.name}` | hand-defined in `scripts/generate_schemas.py` | | | |"
    return f"| `{file.name}` | {up.repo} | {up.tag} | `{up.path}` | `{up.blob}` |"


def sources_markdown(files: list[Generated]) -> str:
    """SOURCES.md: provenance and licence of every generated file."""
    rows = [_source_row(f) for f in files]
    return "\n".join(
        [
            "# Sources of the bundled JSON Schemas",
            "",
            "Generated by `scripts/generate_schemas.py`; do not edit by hand. Regenerate them and",
            "the validators compiled from them (`fluxnotify/_validators/`) with:",
            "",
            "```sh",
            REGENERATE,
            "```",
            "",
            "where `CRDS` holds one folder per notification-controller tag listed below",
            "(`v1.9.3/notification.toolkit.fluxcd.io_alerts.yaml`, ...), each file copied from",
            "`config/crd/bases/` at that tag, for example",
            "https://github.com/fluxcd/notification-controller/tree/v1.9.3/config/crd/bases.",
            "",
            "## Licence",
            "",
            "The CRD-derived schemas are derived from the CustomResourceDefinitions of the Flux",
            "project by The Flux authors, licensed under the Apache License, Version 2.0",
            "(https://www.apache.org/licenses/LICENSE-2.0). The CRD files were used unmodified",
            "(the script checks each file's git blob hash, listed below) and converted as",
            "described below.",
            "`core_v1_Secret.json` is hand-defined and not derived from a CRD.",
            "",
            "## Files",
            "",
            "| File | Upstream repository | Tag | Path | Git blob |",
            "|---|---|---|---|---|",
            *rows,
            "",
            "## Changes from the CRDs",
            "",
            "- OpenAPI v3 is converted to JSON Schema draft 2020-12. Prose (`description`,",
            "  `title`, `example`), `format` and list/map merge hints are removed.",
            "- Each schema describes the whole object: `apiVersion` and `kind` are constants,",
            "  `metadata` is `#/$defs/ObjectMeta`, and `status` accepts any object.",
            "- Unknown fields are errors, as with the API server's strict field validation:",
            "  objects get `additionalProperties: false` unless the CRD sets",
            "  `x-kubernetes-preserve-unknown-fields`.",
            "- Each CEL rule (`x-kubernetes-validations`) is replaced by an equivalent",
            "  construct in an `allOf` at the same level, with the server's message in the",
            '  custom keyword `"x-message"`. Example (Receiver v1 `spec`):',
            "",
            "  ```json",
            "  " + json.dumps(translate_rule(_EXAMPLE_RULE, "example"), sort_keys=True),
            "  ```",
            "",
            "  `CEL_RULES` in the script maps each exact rule text to its translation; the",
            "  script fails on any rule it does not know, so no rule is silently dropped.",
            "",
        ]
    )


def dump(schema: Schema) -> bytes:
    """Byte-stable JSON: sorted keys, ASCII only, trailing newline."""
    return (json.dumps(schema, indent=1, sort_keys=True) + "\n").encode("ascii")


def generate(crds: Path, out: Path) -> list[str]:
    """Write every schema and SOURCES.md into ``out``; return the file names."""
    files = [*generate_crd_schemas(crds), secret_schema()]
    out.mkdir(parents=True, exist_ok=True)
    for file in files:
        (out / file.name).write_bytes(dump(file.schema))
    (out / "SOURCES.md").write_bytes(sources_markdown(files).encode("utf-8"))
    return [file.name for file in files] + ["SOURCES.md"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate schemas/ from the Flux CRDs.")
    parser.add_argument("--crds", type=Path, default=DEFAULT_CRDS, help="upstream CRD folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    try:
        names = generate(args.crds, args.out)
    except (GenerationError, OSError) as error:
        print(f"generate_schemas: error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {len(names)} files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
