"""api-version: an apiVersion the target Flux release does not serve.

v1beta1 Alert/Provider/Receiver were removed in Flux 2.7, v1beta2 in 2.9
(deprecated from 2.2), and there is no Alert or Provider v1 in any release:
the API server answers "no matches for kind" and nothing is applied.
Facts: ../shared/reference/flux-notification-api.md section 1.
"""

from __future__ import annotations

from collections.abc import Iterator

from fluxnotify import fluxversion
from fluxnotify.fluxversion import Served
from fluxnotify.model import Context, Document, Problem, Severity

ID = "api-version"
SEVERITY = Severity.ERROR
SUMMARY = (
    "an apiVersion the target Flux release does not serve (removed, deprecated, never existed)"
)
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = False
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False

_KINDS = ("Alert", "Provider", "Receiver")


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    if doc.group != fluxversion.NOTIFICATION_GROUP or doc.kind not in _KINDS:
        return
    target = ctx.flux_version
    status = fluxversion.served(doc.api_version, doc.kind, target)
    use = f"use `apiVersion: {status.use_instead}`"
    # fluxnotify/migration.py rewrites every known version except a v1beta3 older releases lack
    migrate = f"; `fluxnotify migrate --flux-version {target}` rewrites the files, comments kept"
    if status.status is Served.REMOVED:
        yield Problem(
            f"{doc.api_version} {doc.kind} is not served by Flux {target}: it was removed",
            ("apiVersion",),
            hint=use + migrate,
        )
    elif status.status is Served.DEPRECATED:
        yield Problem(
            f"{doc.api_version} {doc.kind} is deprecated in Flux {target}"
            " and removed in a later release",
            ("apiVersion",),
            hint=use + migrate,
            severity=Severity.WARNING,
        )
    elif status.status is Served.NEVER:
        version = doc.api_version.rpartition("/")[2]
        hint = use
        if version == "v1beta3" and doc.kind != "Receiver":
            message = (
                f"{doc.api_version} {doc.kind} needs Flux 2.2 or newer; the target is {target}"
            )
        else:
            message = f"{doc.api_version} {doc.kind} exists in no Flux release"
            if version in ("v1", "v1beta3"):  # Alert or Provider v1, Receiver v1beta3
                hint += migrate
        yield Problem(message, ("apiVersion",), hint=hint)
