"""event-severity: an Alert without `eventSeverity`, which means `info`: every event, errors included.

Many tutorials claim the default is errors only; it is not (reference 3c).
Making the choice explicit avoids surprise floods. Severity info: shown, never
fails a run.
"""

from __future__ import annotations

from collections.abc import Iterator

from fluxnotify.model import Context, Document, Problem, Severity
from fluxnotify.rules._refs import is_notification

ID = "event-severity"
SEVERITY = Severity.INFO
SUMMARY = "no eventSeverity: the default, info, sends every event, errors included"
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = False
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False
KINDS: frozenset[str] | None = frozenset({"Alert"})


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    if is_notification(doc, "Alert") and "eventSeverity" not in doc.spec and not ctx.partial:
        yield Problem(
            "no `eventSeverity`: the default is `info`, which sends every event, errors included",
            ("spec",),
            key=True,
            hint="set `eventSeverity: info` to keep that, or `eventSeverity: error` for errors only",
        )
