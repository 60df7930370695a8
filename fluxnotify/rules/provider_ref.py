"""provider-ref: an Alert's providerRef names no Provider in the Alert's namespace.

providerRef has only a name and is resolved in the Alert's own namespace
(reference 3c, #125): a Provider elsewhere is never found, and the controller
only records a NotificationDispatchFailed event on the Alert.
"""

from __future__ import annotations

from collections.abc import Iterator

from fluxnotify.index import clusters_match
from fluxnotify.model import Context, Document, Problem, Severity
from fluxnotify.rules._refs import is_notification, ref_name

ID = "provider-ref"
SEVERITY = Severity.ERROR
SUMMARY = "the Alert's providerRef names no Provider in the Alert's namespace"
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = False
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False
KINDS: frozenset[str] | None = frozenset({"Alert"})


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    if not is_notification(doc, "Alert"):
        return
    name = ref_name(doc.spec, "providerRef")
    if name is None:
        return
    missing: list[str] = []
    elsewhere: set[str] = set()
    for placement in sorted(ctx.placements, key=lambda p: (p.namespace or "", p.cluster or "")):
        if placement.namespace is None or ctx.objects.find("Provider", name, placement):
            continue
        if placement.namespace not in missing:
            missing.append(placement.namespace)
        elsewhere.update(
            p.placement.namespace
            for p in ctx.objects.named("Provider", name)
            if p.placement.namespace and clusters_match(p.placement.cluster, placement.cluster)
        )
    if not missing:
        return
    where = ", ".join(missing)
    if elsewhere:
        yield Problem(
            f"providerRef `{name}`: no Provider of that name in namespace {where};"
            f" there is one in {', '.join(sorted(elsewhere))}, but providerRef cannot cross namespaces",
            ("spec", "providerRef", "name"),
            hint=f"create a Provider `{name}` in namespace {where}, or move the Alert",
        )
    else:
        yield Problem(
            f"providerRef `{name}`: no Provider of that name in namespace {where}",
            ("spec", "providerRef", "name"),
            hint="check the name, or add the Provider to the same namespace",
        )
