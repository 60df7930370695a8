"""source-wildcard: a wildcard the controller does not understand.

Only a `name` of exactly `*` is a wildcard. `namespace: '*'` is compared
literally and matches nothing (#71, #1304); `app-*` is not a glob; and
`matchLabels` is documented to need `name: '*'` (reference 3c and 3e). The words
come from fluxnotify/matching.py, so `route` explains a missed event the same way.
"""

from __future__ import annotations

from collections.abc import Iterator

from fluxnotify.matching import name_glob_problem, namespace_wildcard_problem
from fluxnotify.model import Context, Document, Problem, Severity
from fluxnotify.rules._refs import is_notification, sources

ID = "source-wildcard"
SEVERITY = Severity.ERROR
SUMMARY = "namespace '*', a name glob such as app-*, or matchLabels with a specific name"
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = False
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False
KINDS: frozenset[str] | None = frozenset({"Alert", "Receiver"})


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    if not is_notification(doc, "Alert", "Receiver"):
        return
    for index, entry, field in sources(doc):
        name, namespace = entry.get("name"), entry.get("namespace")
        namespace_problem = (
            namespace_wildcard_problem(namespace) if isinstance(namespace, str) else None
        )
        if namespace_problem is not None:
            yield Problem(
                namespace_problem,
                ("spec", field, index, "namespace"),
                hint="list one source per namespace (Flux has no all-namespaces source)",
            )
        name_problem = name_glob_problem(name) if isinstance(name, str) else None
        if name_problem is not None:
            yield Problem(
                name_problem,
                ("spec", field, index, "name"),
                hint="use `name: '*'` with `matchLabels`, or list the names",
            )
        if entry.get("matchLabels") and isinstance(name, str) and name != "*":
            yield Problem(
                "`matchLabels` with a specific name: both must match, and the API documents"
                " matchLabels for `name: '*'` only",
                ("spec", field, index, "matchLabels"),
                key=True,
                hint="set `name: '*'` to select by labels",
                severity=Severity.WARNING,
            )
