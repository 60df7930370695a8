"""cross-namespace-source: a source in another namespace than the Alert's.

With `--no-cross-namespace-refs=true` (multi-tenant set-ups) the controller
refuses such events: "cross-namespace references have been blocked". Off by
default; on when the configuration enables it or the repository patches that
flag into the controllers.
"""

from __future__ import annotations

from collections.abc import Iterator

from fluxnotify.model import Context, Document, Problem, Severity
from fluxnotify.rules._refs import is_notification, sources

ID = "cross-namespace-source"
SEVERITY = Severity.ERROR
SUMMARY = "a source in another namespace (blocked with --no-cross-namespace-refs)"
ENABLED_BY_DEFAULT = False
NEEDS_SCHEMA_ISSUES = False
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = True
KINDS: frozenset[str] | None = frozenset({"Alert", "Receiver"})


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    if not is_notification(doc, "Alert", "Receiver"):
        return
    own = ctx.namespaces()
    for index, entry, field in sources(doc):
        namespace = entry.get("namespace")
        if isinstance(namespace, str) and own and namespace not in own:
            yield Problem(
                f"source in namespace `{namespace}`, not the {doc.kind}'s"
                f" ({', '.join(sorted(own))}): blocked when the controller runs with"
                " --no-cross-namespace-refs=true",
                ("spec", field, index, "namespace"),
                hint=f"create the {doc.kind} in namespace {namespace}",
            )
