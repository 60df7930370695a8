"""secret-type: a Secret of a built-in type without the keys that type requires.

The API server refuses a `kubernetes.io/tls` Secret without `tls.crt` and `tls.key`, a
`kubernetes.io/basic-auth` one with neither `username` nor `password`, a
`kubernetes.io/dockerconfigjson` one without `.dockerconfigjson` (and so on), so the
Flux Kustomization applying it fails and the Provider or Receiver reading it never
gets it. Checked for the Secrets notification objects reference, where the key names
are known (plain and SOPS Secrets).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fluxnotify.model import Context, Document, Problem, Severity
from fluxnotify.rules._refs import referrers

ID = "secret-type"
SEVERITY = Severity.ERROR
SUMMARY = "a Secret of a built-in type (kubernetes.io/tls, ...) without the keys the type requires"
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = False
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False
KINDS: frozenset[str] | None = frozenset({"Secret"})

#: Built-in Secret types and what the API server requires of their keys: every key of
#: a ``+`` group, or one of a ``|`` group (ValidateSecret in Kubernetes'
#: pkg/apis/core/validation/validation.go).
REQUIRED_KEYS: dict[str, str] = {
    "kubernetes.io/tls": "tls.crt+tls.key",
    "kubernetes.io/basic-auth": "username|password",
    "kubernetes.io/dockerconfigjson": ".dockerconfigjson",
    "kubernetes.io/dockercfg": ".dockercfg",
    "kubernetes.io/ssh-auth": "ssh-privatekey",
}

#: The references each notification kind makes to Secrets.
_FIELDS = {
    "Provider": ("secretRef", "certSecretRef", "proxySecretRef"),
    "Receiver": ("secretRef",),
}


def _keys(doc: Document) -> frozenset[str] | None:
    """The Secret's key names, or None when they cannot be read (a templated section)."""
    keys: set[str] = set()
    for section in ("data", "stringData"):
        value: Any = doc.data.get(section)
        if value is None:
            continue
        if not isinstance(value, dict):
            return None
        keys.update(str(k) for k in value)
    return frozenset(keys)


def _readers(doc: Document, ctx: Context) -> list[str]:
    """``Kind/name (field)`` of each Provider and Receiver that reads this Secret."""
    found: list[str] = []
    namespaces = ctx.namespaces()
    for kind, fields in _FIELDS.items():
        for field in fields:
            for placed in referrers(ctx.objects, kind, field, doc.name, namespaces):
                found.append(f"{kind}/{placed.doc.name} ({field})")
    return sorted(set(found))


def _missing(required: str, keys: frozenset[str]) -> list[str]:
    if "|" in required:
        options = required.split("|")
        return [] if keys & set(options) else options
    return [key for key in required.split("+") if key not in keys]


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    if doc.kind != "Secret" or doc.api_version != "v1" or not doc.name:
        return
    secret_type = doc.data.get("type")
    if not isinstance(secret_type, str) or secret_type not in REQUIRED_KEYS:
        return
    keys = _keys(doc)
    if keys is None:
        return
    missing = _missing(REQUIRED_KEYS[secret_type], keys)
    if not missing:
        return
    readers = _readers(doc, ctx)
    if not readers:
        return
    join = " or ".join if "|" in REQUIRED_KEYS[secret_type] else " and ".join
    lacks = join(f"`{k}`" for k in missing)
    which = "one of which" if "|" in REQUIRED_KEYS[secret_type] else "which"
    hint = f"add {lacks}"
    if secret_type == "kubernetes.io/tls" and "ca.crt" in keys:
        hint += ", or make it `type: Opaque`: a CA bundle alone (`ca.crt`) needs no key pair"
    yield Problem(
        f"this `{secret_type}` Secret has no {lacks}, {which} the type requires: the API"
        f" server refuses it, so {', '.join(readers)} never gets it",
        ("type",),
        hint=hint,
    )
