"""secret-ref: a Provider's or Receiver's secretRef, certSecretRef or proxySecretRef names no Secret.

Nothing in the repository provides a Secret of that name in the object's
namespace: no Secret (plain or SOPS), ExternalSecret, SealedSecret or kustomize
secretGenerator. It may be created out of band, so this is a warning.
"""

from __future__ import annotations

from collections.abc import Iterator

from fluxnotify.index import clusters_match
from fluxnotify.model import Context, Document, Problem, Severity
from fluxnotify.rules._refs import is_notification, ref_name

ID = "secret-ref"
SEVERITY = Severity.WARNING
SUMMARY = "a secretRef, certSecretRef or proxySecretRef names no Secret the repository provides"
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = False
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False
KINDS: frozenset[str] | None = frozenset({"Provider", "Receiver"})

_FIELDS = {
    "Provider": ("secretRef", "certSecretRef", "proxySecretRef"),
    "Receiver": ("secretRef",),
}


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    if not is_notification(doc, "Provider", "Receiver"):
        return
    for field in _FIELDS[doc.kind]:
        name = ref_name(doc.spec, field)
        if name is None:
            continue
        missing = sorted(
            {
                p.namespace
                for p in ctx.placements
                if p.namespace is not None and not ctx.objects.secrets(name, p)
            }
        )
        if not missing:
            continue
        where = ", ".join(missing)
        elsewhere = sorted(
            {
                s.placement.namespace
                for s in ctx.objects.secrets_named(name)
                if s.placement.namespace and s.placement.namespace not in missing
                for p in ctx.placements
                if p.namespace in missing and clusters_match(s.placement.cluster, p.cluster)
            }
        )
        if elsewhere:
            there = ", ".join(f"`{ns}`" for ns in elsewhere)
            yield Problem(
                f"{field} `{name}`: nothing in the repository provides a Secret of that name"
                f" in namespace {where}; there is one in {there}; {field} cannot cross"
                " namespaces",
                ("spec", field, "name"),
                hint=f"create the Secret `{name}` in namespace {where} too (a copy, or an"
                f" ExternalSecret or SealedSecret there), or move the {doc.kind}",
            )
            continue
        yield Problem(
            f"{field} `{name}`: nothing in the repository provides a Secret of that name"
            f" in namespace {where}",
            ("spec", field, "name"),
            hint="if the Secret is created outside the repository, silence this with"
            " `# fluxnotify: disable=secret-ref` on this line",
        )
