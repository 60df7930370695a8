"""event-source-ref: an eventSource or Receiver resource names an object the cluster does not define.

An exact name that matches nothing means the Alert never fires for it (or the
Receiver triggers nothing). Reported only when the repository defines objects
of that kind at all, and never for the objects Flux bootstrap or a
FluxInstance creates (`flux-system`).
"""

from __future__ import annotations

from collections.abc import Iterator

from fluxnotify import fluxversion
from fluxnotify.graph import Placement
from fluxnotify.loader import Document
from fluxnotify.model import Problem, Severity
from fluxnotify.rules._refs import is_notification, sources
from fluxnotify.rules.base import Context
from fluxnotify.schemas import POST_BUILD_VAR

ID = "event-source-ref"
SEVERITY = Severity.WARNING
SUMMARY = "an eventSource or Receiver resource names an object the repository does not define"

#: Objects that Flux bootstrap or a FluxInstance creates without a manifest in the repository.
CREATED_BY_FLUX = {"flux-system", "flux"}


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    if not is_notification(doc, "Alert", "Receiver"):
        return
    for index, entry, field in sources(doc):
        kind, name = entry.get("kind"), entry.get("name")
        if not isinstance(kind, str) or not isinstance(name, str):
            continue
        if "*" in name or POST_BUILD_VAR.search(name) or name in CREATED_BY_FLUX:
            continue
        if kind in fluxversion.FLUX_OPERATOR_KINDS or not ctx.index.defines(kind):
            continue
        namespace = entry.get("namespace")
        missing = set()
        for placement in ctx.placements:
            ns = namespace if isinstance(namespace, str) else placement.namespace
            if ns is None or "*" in ns:
                continue
            if not ctx.index.find(kind, name, Placement(placement.cluster, ns)):
                missing.add(ns)
        if missing:
            yield Problem(
                f"{kind} `{name}` is not defined in namespace {', '.join(sorted(missing))}"
                " anywhere in this repository",
                ("spec", field, index, "name"),
                hint="check the name and namespace; events of objects that do not exist never arrive",
            )
