"""address-in-spec: `spec.address` holds a credential (a webhook URL, a token, a password).

Anyone who can read the repository can post with it. It belongs in the
Provider's Secret under the key `address`, encrypted (reference 3b and 8).
"""

from __future__ import annotations

from collections.abc import Iterator

from fluxnotify.model import Context, Document, Problem, Severity
from fluxnotify.rules._credentials import credential_kind, is_placeholder
from fluxnotify.rules._refs import is_notification

ID = "address-in-spec"
SEVERITY = Severity.WARNING
SUMMARY = "spec.address holds a webhook URL or other credential: it belongs in the Secret"
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = False
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False
KINDS: frozenset[str] | None = frozenset({"Provider"})


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    if not is_notification(doc, "Provider"):
        return
    address = doc.spec.get("address")
    provider_type = doc.spec.get("type")
    if not isinstance(address, str) or is_placeholder(
        address, provider_type if isinstance(provider_type, str) else None, "address"
    ):
        return
    kind = credential_kind(address)
    if kind is not None:
        yield Problem(
            f"`spec.address` holds a {kind}, which is a credential",
            ("spec", "address"),
            hint="move it to the Provider's Secret under the key `address` and encrypt it"
            " (SOPS), then revoke the exposed one",
        )
