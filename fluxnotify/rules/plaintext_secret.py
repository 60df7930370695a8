"""plaintext-secret: a Secret committed unencrypted that holds a webhook URL or token.

A webhook URL or bot token is a credential: anyone with the repository can
post. Commit it SOPS-encrypted, or create it with an ExternalSecret or
SealedSecret. Placeholders are a warning: encrypt before filling them in.
Values are never printed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fluxnotify.index import plain_values
from fluxnotify.model import Context, Document, Problem, Severity
from fluxnotify.rules._credentials import credential_kind, is_credential, is_placeholder
from fluxnotify.rules._refs import referrers

ID = "plaintext-secret"
SEVERITY = Severity.ERROR
SUMMARY = "a plain (unencrypted) Secret holds a webhook URL or token"
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = False
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False
KINDS: frozenset[str] | None = frozenset({"Secret"})

#: Keys notification-controller reads credentials from (reference 3b).
CREDENTIAL_KEYS = ("address", "token", "password", "proxy", "headers")


def _readers(doc: Document, ctx: Context) -> list[tuple[str, str | None]]:
    """The Providers and Receivers that read this Secret: (``Kind/name``, Provider type)."""
    found: list[tuple[str, str | None]] = []
    namespaces = ctx.namespaces()
    for kind in ("Provider", "Receiver"):
        for placed in referrers(ctx.objects, kind, "secretRef", doc.name, namespaces):
            other = placed.doc
            ptype = other.spec.get("type") if kind == "Provider" else None
            found.append((f"{kind}/{other.name}", ptype if isinstance(ptype, str) else None))
    return found


def _field(doc: Document, key: str) -> tuple[str, str]:
    for section in ("stringData", "data"):
        section_data: Any = doc.data.get(section)
        if isinstance(section_data, dict) and key in section_data:
            return section, key
    return "data", key


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    if doc.kind != "Secret" or doc.api_version != "v1" or doc.sops:
        return
    values = plain_values(doc.data)
    readers: list[tuple[str, str | None]] | None = None
    for key, value in values.items():
        kind = credential_kind(value)
        if readers is None and (kind is not None or key in CREDENTIAL_KEYS):
            readers = _readers(doc, ctx)
        types = {t for _, t in readers or ()}
        if kind is None and key in CREDENTIAL_KEYS and value.strip():
            # what the key means to each reader: Pub/Sub attributes, an in-cluster URL, ...
            reader = next((r for r, t in readers or () if is_credential(t, key, value)), None)
            if reader is None:
                continue
            kind = f"credential read by {reader}"
        if kind is None:
            continue
        if is_placeholder(value, types.pop() if len(types) == 1 else None, key):
            yield Problem(
                f"`{key}` is a placeholder in an unencrypted Secret",
                _field(doc, key),
                key=True,
                hint="encrypt the file with `sops --encrypt --in-place` before filling in the real value",
                severity=Severity.WARNING,
            )
        else:
            yield Problem(
                f"`{key}` holds a {kind} in plain text",
                _field(doc, key),
                key=True,
                hint="encrypt the Secret with SOPS (or use an ExternalSecret or SealedSecret),"
                " and revoke the exposed credential",
            )
