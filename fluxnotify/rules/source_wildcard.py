"""source-wildcard: a wildcard the controller does not understand.

Only a `name` of exactly `*` is a wildcard. `namespace: '*'` is compared
literally and matches nothing (#71, #1304); `app-*` is not a glob; and
`matchLabels` is documented to need `name: '*'` (reference 3c and 3e).
"""

from __future__ import annotations

from collections.abc import Iterator

from fluxnotify.model import Context, Document, Problem, Severity
from fluxnotify.rules._refs import is_notification, sources

ID = "source-wildcard"
SEVERITY = Severity.ERROR
SUMMARY = "namespace '*', a name glob such as app-*, or matchLabels with a specific name"


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    if not is_notification(doc, "Alert", "Receiver"):
        return
    for index, entry, field in sources(doc):
        name, namespace = entry.get("name"), entry.get("namespace")
        if isinstance(namespace, str) and "*" in namespace:
            yield Problem(
                f"`namespace: '{namespace}'` is not a wildcard: it is compared literally and"
                " matches nothing",
                ("spec", field, index, "namespace"),
                hint="list one source per namespace (Flux has no all-namespaces source)",
            )
        if isinstance(name, str) and "*" in name and name != "*":
            yield Problem(
                f"`name: '{name}'` is not a glob: only `*` alone matches every name",
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
