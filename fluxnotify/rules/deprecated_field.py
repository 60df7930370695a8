"""deprecated-field: a field Flux still accepts but has replaced.

Alert `summary` became `eventMetadata.summary`; Provider `proxy` became
`proxySecretRef` (Flux 2.7) and `interval` is not used since v1beta3.
Facts: ../shared/reference/flux-notification-api.md sections 3a and 3c.
"""

from __future__ import annotations

from collections.abc import Iterator

from fluxnotify import fluxversion
from fluxnotify.model import Context, Document, Problem, Severity

ID = "deprecated-field"
SEVERITY = Severity.WARNING
SUMMARY = "a deprecated field: Alert summary, Provider proxy and interval"
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = False
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False
KINDS: frozenset[str] | None = None  # any kind of the notification API group


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    if doc.group != fluxversion.NOTIFICATION_GROUP:
        return
    version = doc.api_version.rpartition("/")[2]
    spec = doc.spec
    # migrate moves and drops fields of the v1beta3 objects a release serves (from 2.2)
    migrate = (
        f"; `fluxnotify migrate --flux-version {ctx.flux_version}` does it"
        if fluxversion.minor_of(ctx.flux_version) >= 2
        else ""
    )
    if doc.kind == "Alert" and "summary" in spec and version == "v1beta3":
        yield Problem(
            "`spec.summary` is deprecated",
            ("spec", "summary"),
            key=True,
            hint="move it to `spec.eventMetadata.summary`" + migrate,
        )
    if doc.kind != "Provider":
        return
    if "proxy" in spec and fluxversion.minor_of(ctx.flux_version) >= 7:
        yield Problem(
            "`spec.proxy` is deprecated since Flux 2.7",
            ("spec", "proxy"),
            key=True,
            hint="put the proxy URL in a Secret (key `address`)"
            " and reference it with `spec.proxySecretRef`",
        )
    if "interval" in spec and version == "v1beta3":
        yield Problem(
            "`spec.interval` is not used since v1beta3",
            ("spec", "interval"),
            key=True,
            hint="delete it: Providers are static objects with no reconciliation" + migrate,
        )
