"""commit-status-repository: a commit-status Provider that posts to a repository its
Alerts' commits do not come from, or whose address is no repository for its type.

The address names the repository the status is posted to; nothing in
notification-controller checks that the commit belongs to it, so a Provider copied from
another set-up posts every status to the wrong repository (GitHub answers 422 "No commit
found for SHA"; the failure shows only as a NotificationDispatchFailed event). The
repository is compared with the GitRepository each Alert source syncs from (directly, or
through a Kustomization's or HelmRelease's sourceRef), as host and path whatever the URL
form. A Provider whose sources lead to no GitRepository in the project, or to an OCI or
Bucket source (their commit may come from any repository), is not flagged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fluxnotify import gitrepo
from fluxnotify.index import clusters_match
from fluxnotify.model import Context, Document, Placement, Problem, Severity
from fluxnotify.providertypes import COMMIT_STATUS_TYPES
from fluxnotify.rules._credentials import is_placeholder
from fluxnotify.rules._refs import is_notification, ref_name, referrers, sources
from fluxnotify.schemas import POST_BUILD_VAR

ID = "commit-status-repository"
SEVERITY = Severity.WARNING
SUMMARY = "a commit-status Provider addresses a repository its Alerts' commits are not from"
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = False
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False
KINDS: frozenset[str] | None = frozenset({"Provider"})

_SOURCE_KINDS = ("GitRepository", "OCIRepository", "Bucket")
#: Sentinel: a source that may carry a commit from a repository the project does not show.
_UNKNOWN = ("", "")


def _address(doc: Document, ctx: Context) -> tuple[str, tuple[str | int, ...]] | None:
    """The address and where it is written, when it can be known for sure."""
    secret_name = ref_name(doc.spec, "secretRef")
    if secret_name is not None:
        found = [s for p in ctx.placements for s in ctx.objects.secrets(secret_name, p)]
        if any(s.keys is None for s in found):
            return None
        if any("address" in (s.keys or ()) for s in found):
            values = {(s.values or {}).get("address") for s in found}
            if len(values) != 1 or None in values:
                return None  # encrypted, or several Secrets that could be the one applied
            return str(values.pop()).strip(), ("spec", "secretRef", "name")
    address = doc.spec.get("address")
    if isinstance(address, str) and address.strip():
        return address.strip(), ("spec", "address")
    return None


def _named(ctx: Context, kind: str, name: str, placement: Placement) -> list[Document]:
    if name == "*":
        return [
            p.doc
            for p in ctx.objects.of_kind(kind)
            if clusters_match(p.placement.cluster, placement.cluster)
            and (p.placement.namespace in (None, placement.namespace))
        ]
    return [p.doc for p in ctx.objects.find(kind, name, placement)]


def _source_ref(obj: Document) -> dict[str, Any] | None:
    """The source a Kustomization or HelmRelease builds from."""
    if obj.kind == "Kustomization":
        ref = obj.spec.get("sourceRef")
    else:
        chart = obj.spec.get("chart")
        spec = chart.get("spec") if isinstance(chart, dict) else None
        ref = (spec or {}).get("sourceRef") if isinstance(spec, dict) else obj.spec.get("chartRef")
    return ref if isinstance(ref, dict) else None


def _repositories(
    ctx: Context, kind: str, name: str, placement: Placement
) -> list[tuple[tuple[str, str], str]]:
    """(repository key, GitRepository ref) per source ``kind/name`` leads to; _UNKNOWN
    for a source whose commit cannot be placed (OCI, Bucket, a variable URL)."""
    found: list[tuple[tuple[str, str], str]] = []
    if kind in _SOURCE_KINDS:
        objects = [(kind, d) for d in _named(ctx, kind, name, placement)]
        if not objects:
            return [(_UNKNOWN, "")]  # made outside the project (flux bootstrap, an operator)
    elif kind in ("Kustomization", "HelmRelease"):
        objects = []
        for obj in _named(ctx, kind, name, placement):
            ref = _source_ref(obj)
            if ref is None:
                # not read (an object outside the checked files) or no source: unknown
                found.append((_UNKNOWN, ""))
                continue
            ref_kind, ref_name_ = ref.get("kind"), ref.get("name")
            if ref_kind not in _SOURCE_KINDS or not isinstance(ref_name_, str):
                continue  # a HelmRepository chart: no commit
            ns = ref.get("namespace") or obj.namespace or placement.namespace
            where = Placement(placement.cluster, ns if isinstance(ns, str) else None)
            named = _named(ctx, str(ref_kind), ref_name_, where)
            if not named:
                found.append((_UNKNOWN, ""))  # e.g. flux-system, made by bootstrap
            objects += [(str(ref_kind), d) for d in named]
    else:
        return []
    for source_kind, source in objects:
        url = source.spec.get("url")
        if source_kind != "GitRepository" or not isinstance(url, str) or POST_BUILD_VAR.search(url):
            found.append((_UNKNOWN, ""))
            continue
        key = gitrepo.same_repository_key(url)
        found.append(
            (
                key or _UNKNOWN,
                f"GitRepository {source.namespace or placement.namespace}/{source.name} ({url})",
            )
        )
    return found


def _synced(doc: Document, ctx: Context, placement: Placement) -> list[tuple[tuple[str, str], str]]:
    """What the Alerts using this Provider watch, as repositories."""
    out: list[tuple[tuple[str, str], str]] = []
    namespaces = (None, placement.namespace)
    for placed in referrers(ctx.objects, "Alert", "providerRef", doc.name, namespaces):
        alert = placed.doc
        if not clusters_match(
            placed.placement.cluster, placement.cluster
        ) or placed.placement.namespace not in (None, placement.namespace):
            continue
        for _, entry, _ in sources(alert):
            kind, name = entry.get("kind"), entry.get("name")
            if (
                not isinstance(kind, str)
                or not isinstance(name, str)
                or POST_BUILD_VAR.search(name)
            ):
                continue
            ns = entry.get("namespace") or placed.placement.namespace or placement.namespace
            where = Placement(placement.cluster, ns if isinstance(ns, str) else None)
            out += _repositories(ctx, kind, name, where)
    return out


def _shown(key: tuple[str, str]) -> str:
    return f"{key[0]}/{key[1]}"


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    provider_type = doc.spec.get("type")
    if not is_notification(doc, "Provider") or provider_type not in COMMIT_STATUS_TYPES:
        return
    found = _address(doc, ctx)
    if found is None or is_placeholder(found[0]):
        return  # unknown, a variable, or a template still to fill in
    address, at = found
    try:
        gitrepo.repository_id(str(provider_type), address)
    except gitrepo.AddressError as exc:
        yield Problem(
            f"the address is not a {provider_type} repository: {exc}",
            at,
            hint="use the repository URL, e.g. "
            + {
                "azuredevops": "https://dev.azure.com/ORG/PROJECT/_git/REPO",
                "bitbucketserver": "https://HOST/scm/PROJECT/REPO.git",
                "gitlab": "https://gitlab.com/GROUP/PROJECT",
            }.get(str(provider_type), "https://HOST/OWNER/REPO"),
        )
        return
    key = gitrepo.same_repository_key(address)
    if key is None:
        return
    for placement in sorted(ctx.placements, key=lambda p: (p.cluster or "", p.namespace or "")):
        synced = _synced(doc, ctx, placement)
        if not synced or any(k == _UNKNOWN for k, _ in synced):
            continue
        if any(k == key for k, _ in synced):
            continue
        others = sorted({ref for _, ref in synced})
        yield Problem(
            f"this {provider_type} Provider posts commit statuses to {_shown(key)}, but its"
            f" Alerts' sources sync from {', '.join(others)}: the commits are not in that"
            " repository, so every status fails (GitHub answers 422 No commit found for SHA)",
            at,
            hint="set the address to the repository the GitRepository syncs from",
        )
        return
