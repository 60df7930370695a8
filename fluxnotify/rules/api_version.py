"""api-version: an apiVersion the target Flux release does not serve.

For every Flux kind (sources, Kustomization, HelmRelease, image automation,
notification): v1beta1 Alert/Provider/Receiver were removed in Flux 2.7, v1beta2
in 2.9, HelmRelease v2beta1 in 2.7 and v2beta2 in 2.8, Kustomization v1beta2 and
the source v1beta2 versions in 2.8; there is no Alert or Provider v1 in any
release. The API server answers "no matches for kind" and nothing is applied.
Facts: the CRDs each release ships (fluxnotify/apiversions_data.py).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from fluxnotify import apiversions_data, fluxversion
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
KINDS: frozenset[str] | None = frozenset(kind for _group, kind in apiversions_data.KINDS)

_NOTIFICATION_KINDS = ("Alert", "Provider", "Receiver")
#: fluxversion.served, which reads fixed tables, once per (apiVersion, kind, release): a
#: repository has thousands of objects and a handful of these
_served = functools.cache(fluxversion.served)


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    if not fluxversion.flux_kind(doc.group, doc.kind):
        return
    target = ctx.flux_version
    status = _served(doc.api_version, doc.kind, target)
    use = f"use `apiVersion: {status.use_instead}`"
    # fluxnotify/migration.py rewrites every known notification version except a v1beta3
    # older releases lack; the other kinds are edited by hand (or `flux migrate`)
    migrate = (
        f"; `fluxnotify migrate --flux-version {target}` rewrites the files, comments kept"
        if doc.group == fluxversion.NOTIFICATION_GROUP
        else ""
    )
    if status.status is Served.REMOVED:
        # When nothing names the release run, 2.9 is a guess: sources, Kustomizations,
        # HelmReleases and image kinds then get a warning; notification kinds stay errors.
        guess = ctx.flux_version_guessed and doc.group != fluxversion.NOTIFICATION_GROUP
        yield Problem(
            f"{doc.api_version} {doc.kind} is not served by Flux {target}: it was removed",
            ("apiVersion",),
            hint=use
            + migrate
            + (
                f"; Flux {target} is the newest release: if you run an older one, set"
                " `flux-version` in .fluxnotify.yaml"
                if guess
                else ""
            ),
            severity=Severity.WARNING if guess else None,
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
        since = fluxversion.served_since(doc.api_version, doc.kind)
        if since is not None:
            message = (
                f"{doc.api_version} {doc.kind} needs Flux {since} or newer; the target is {target}"
            )
        else:
            message = f"{doc.api_version} {doc.kind} exists in no Flux release"
            if version in ("v1", "v1beta3"):  # Alert or Provider v1, Receiver v1beta3
                hint += migrate
        yield Problem(message, ("apiVersion",), hint=hint)
