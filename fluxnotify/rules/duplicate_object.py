"""duplicate-object: two definitions of the same kind, namespace and name in one cluster.

Flux applies both; one silently overwrites the other (or the build fails with
"may not add resource with an already registered id"). Reported only where the
cluster and namespace of both are known (or, with an unknown cluster, for two
documents of one file, which are always applied together), and only for the kinds the project
index always holds (loader.RELEVANT_KINDS): other kinds are read only from the
files named on the command line, so comparing them would make the finding
depend on which files were named.
"""

from __future__ import annotations

from collections.abc import Iterator

from fluxnotify.loader import RELEVANT_KINDS
from fluxnotify.model import Context, Document, Problem, Severity
from fluxnotify.schemas import POST_BUILD_VAR

ID = "duplicate-object"
SEVERITY = Severity.ERROR
SUMMARY = "two definitions of the same kind, namespace and name applied to the same cluster"
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = False
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False

_NOT_OBJECTS = ("kustomize.config.k8s.io",)


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    name = doc.name
    if (
        name is None
        or doc.kind not in RELEVANT_KINDS
        or doc.group in _NOT_OBJECTS
        or POST_BUILD_VAR.search(name)
        or ctx.patch_file
    ):
        return
    reported: set[int] = set()
    for placement in sorted(ctx.placements, key=lambda p: (p.cluster or "", p.namespace or "")):
        if placement.namespace is None:
            continue
        for other in ctx.objects.named(doc.kind, name):
            if (
                other.doc is doc
                or other.placement != placement
                or other.doc.group != doc.group
                or id(other.doc) in reported
                or (placement.cluster is None and other.doc.file is not doc.file)
            ):
                continue
            reported.add(id(other.doc))
            line, _ = other.doc.locate()
            cluster = f" (cluster {placement.cluster})" if placement.cluster else ""
            yield Problem(
                f"{doc.kind} `{placement.namespace}/{name}` is also defined in"
                f" {other.doc.file.display}:{line}{cluster}",
                ("metadata", "name"),
                hint="keep one definition; Flux would apply both and one overwrites the other",
            )
