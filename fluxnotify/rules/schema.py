"""schema: a value the API server rejects: wrong type, not in the enum, missing, pattern, length.

Checked against the bundled schemas generated from the Flux CRDs, plus what
the target Flux release accepts (Provider types and event source kinds that
arrived later than the target).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fluxnotify import fluxversion
from fluxnotify.model import Context, Document, Problem, SchemaIssue, Severity
from fluxnotify.schemas import POST_BUILD_VAR

ID = "schema"
SEVERITY = Severity.ERROR
SUMMARY = "wrong type, value not allowed, missing required field, pattern or length"
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = True
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False
KINDS: frozenset[str] | None = None

_SEVERITY_HINT = (
    "Flux has two levels: `info` sends every event (errors too), `error` sends only errors;"
    " there is no warn or warning level"
)
_SOURCE_KIND_PATHS = {"Alert": "eventSources", "Receiver": "resources"}


def _skipped(issue: SchemaIssue, doc: Document, ctx: Context) -> bool:
    value = issue.value
    if isinstance(value, str):
        if POST_BUILD_VAR.search(value) and issue.validator != "required":
            return True  # substituted by Flux before the object reaches the API server
        if doc.sops and value.startswith("ENC["):
            return True
    if ctx.partial and issue.validator == "required":
        return True  # a patch, or completed by a patch at build time
    return (
        ctx.uses_flux_operator
        and issue.validator == "enum"
        and value in fluxversion.FLUX_OPERATOR_KINDS
        and _is_source_kind_path(doc, issue.path)
    )


def _is_source_kind_path(doc: Document, path: tuple[str | int, ...]) -> bool:
    list_field = _SOURCE_KIND_PATHS.get(doc.kind)
    return len(path) == 4 and path[0] == "spec" and path[1] == list_field and path[3] == "kind"


def _hint(doc: Document, issue: SchemaIssue) -> str | None:
    if issue.hint:
        return issue.hint
    path = issue.path
    if doc.kind == "Alert" and path == ("spec", "eventSeverity"):
        return _SEVERITY_HINT
    if path[-1:] == ("timeout",) and issue.validator == "pattern":
        return "use ms, s or m units (for example 30s or 1m30s); `h` is not accepted here"
    return None


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    for issue in ctx.schema_issues or ():
        if issue.unknown or _skipped(issue, doc, ctx):
            continue
        yield Problem(issue.message, issue.path, key=issue.key, hint=_hint(doc, issue))
    yield from _version_gated(doc, ctx)


def _version_gated(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Values the bundled (newest) schema allows but the target release does not know yet."""
    if doc.group != fluxversion.NOTIFICATION_GROUP:
        return
    spec = doc.spec
    target = ctx.flux_version
    if doc.kind == "Provider":
        provider_type = spec.get("type")
        since = (
            fluxversion.provider_type_since(provider_type)
            if isinstance(provider_type, str)
            else None
        )
        if since is not None and fluxversion.minor_of(since) > fluxversion.minor_of(target):
            yield Problem(
                f"Provider type `{provider_type}` needs Flux {since} or newer;"
                f" the target is {target}",
                ("spec", "type"),
                hint="upgrade Flux or choose a type this release supports",
            )
    list_field = _SOURCE_KIND_PATHS.get(doc.kind)
    sources: Any = spec.get(list_field) if list_field else None
    if isinstance(sources, list):
        for index, source in enumerate(sources):
            kind = source.get("kind") if isinstance(source, dict) else None
            since = fluxversion.source_kind_since(kind) if isinstance(kind, str) else None
            if since is not None and fluxversion.minor_of(since) > fluxversion.minor_of(target):
                yield Problem(
                    f"kind `{kind}` needs Flux {since} or newer; the target is {target}",
                    ("spec", list_field, index, "kind"),  # type: ignore[arg-type]
                )
