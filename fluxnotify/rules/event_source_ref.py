"""event-source-ref: an eventSource or Receiver resource names an object the cluster does not define.

An exact name that matches nothing means the Alert never fires for it (or the
Receiver triggers nothing). Reported only when the repository defines objects
of that kind at all, and never for the objects a controller creates
(generated.py: a HelmRelease's HelmChart, bootstrap's and a FluxInstance's
`flux-system` sources and Kustomization), nor when an object of that kind whose
name or namespace is a post-build variable (`${APP}`), or one a Flux Operator
ResourceSet generates, could be the one named.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from fluxnotify import fluxversion
from fluxnotify.generated import made_at_bootstrap
from fluxnotify.index import Index, Placed, clusters_match
from fluxnotify.model import Context, Document, Placement, Problem, Severity
from fluxnotify.rules._refs import is_notification, sources
from fluxnotify.schemas import POST_BUILD_VAR

ID = "event-source-ref"
SEVERITY = Severity.WARNING
SUMMARY = "an eventSource or Receiver resource names an object the repository does not define"
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = False
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False
KINDS: frozenset[str] | None = frozenset({"Alert", "Receiver"})

#: What Flux (post-build substitution) or a ResourceSet (`<< inputs.x >>`) fills in.
_TEMPLATE = POST_BUILD_VAR.pattern + r"|<<.*?>>"


def _matches(written: Any, name: str) -> bool:
    """Whether ``written`` (a name as written, maybe with variables) can become ``name``."""
    if not isinstance(written, str):
        return False
    if written == name:
        return True
    parts = re.split(_TEMPLATE, written)
    if len(parts) == 1:
        return False
    return re.fullmatch(".+".join(re.escape(part) for part in parts), name) is not None


def _namespace_fits(written: str | None, namespace: str) -> bool:
    return written is None or written == namespace or re.search(_TEMPLATE, written) is not None


def _is_flux(doc: Document) -> bool:
    """A Flux object (not, say, kustomize's own kustomization.yaml, also kind Kustomization)."""
    return doc.group.endswith(".toolkit.fluxcd.io")


def _defines(objects: Index, kind: str) -> bool:
    """The repository defines a Flux object of ``kind`` (made once per index and kind)."""
    return any(_is_flux(doc) for doc in objects.documents(kind))


def _templated(objects: Index, kind: str) -> list[Placed]:
    """The Flux objects of ``kind`` whose name a variable fills in (once per index and kind)."""
    return [
        placed
        for placed in objects.of_kind(kind)
        if placed.doc.name is not None
        and re.search(_TEMPLATE, placed.doc.name)
        and _is_flux(placed.doc)
    ]


def _could_be_defined(kind: str, name: str, where: Placement, ctx: Context) -> bool:
    """An object that the build could name ``name``: a templated name or namespace, or a
    ResourceSet that generates objects of ``kind``. Only objects named ``name`` or with a
    templated name can be it: those are looked up, not every object of the kind."""
    candidates = (*ctx.objects.named(kind, name), *ctx.objects.derived(_templated, kind))
    for placed in candidates:
        if (
            _is_flux(placed.doc)
            and clusters_match(placed.placement.cluster, where.cluster)
            and _matches(placed.doc.name, name)
            and _namespace_fits(placed.placement.namespace, str(where.namespace))
        ):
            return True
    for placed in ctx.objects.of_kind("ResourceSet"):
        if not clusters_match(placed.placement.cluster, where.cluster):
            continue
        template = placed.doc.spec.get("resourcesTemplate")
        if isinstance(template, str) and re.search(rf"kind:\s*['\"]?{re.escape(kind)}\b", template):
            return True
        resources = placed.doc.spec.get("resources")
        for item in resources if isinstance(resources, list) else ():
            meta = item.get("metadata") if isinstance(item, dict) else None
            if (
                isinstance(meta, dict)
                and item.get("kind") == kind
                and _matches(meta.get("name"), name)
            ):
                return True
    return False


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    if not is_notification(doc, "Alert", "Receiver"):
        return
    for index, entry, field in sources(doc):
        kind, name = entry.get("kind"), entry.get("name")
        if not isinstance(kind, str) or not isinstance(name, str):
            continue
        if "*" in name or POST_BUILD_VAR.search(name) or made_at_bootstrap(kind, name):
            continue
        if kind in fluxversion.FLUX_OPERATOR_KINDS or not ctx.objects.derived(_defines, kind):
            continue
        namespace = entry.get("namespace")
        missing = set()
        for placement in ctx.placements:
            ns = namespace if isinstance(namespace, str) else placement.namespace
            if ns is None or "*" in ns:
                continue
            where = Placement(placement.cluster, ns)
            found = any(_is_flux(p.doc) for p in ctx.objects.find(kind, name, where)) or bool(
                ctx.objects.generated(kind, name, where)
            )
            if not found and not _could_be_defined(kind, name, where, ctx):
                missing.add(ns)
        if missing:
            yield Problem(
                f"{kind} `{name}` is not defined in namespace {', '.join(sorted(missing))}"
                " anywhere in this repository",
                ("spec", field, index, "name"),
                hint="check the name and namespace; events of objects that do not exist never arrive",
            )
