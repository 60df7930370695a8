"""unknown-field: a field the schema does not have.

The API server prunes unknown fields of custom resources without a word (and
strict field validation rejects them), so a misplaced field silently does
nothing. Typos get a "did you mean"; fields that live elsewhere say where.
"""

from __future__ import annotations

from collections.abc import Iterator

from fluxnotify.model import Context, Document, Problem, Severity

ID = "unknown-field"
SEVERITY = Severity.ERROR
SUMMARY = "a field the schema does not have (typos, fields that belong elsewhere)"
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = True
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False
KINDS: frozenset[str] | None = None

#: (kind, path) -> where the field really lives.
_ELSEWHERE: dict[tuple[str, tuple[str | int, ...]], str] = {
    ("Alert", ("spec", "channel")): (
        "`channel` belongs on the Provider (`spec.channel` of the Provider this Alert references)"
    ),
    ("Alert", ("spec", "providerRef", "namespace")): (
        "providerRef has only `name`: the Provider must be in the Alert's namespace;"
        " create a Provider there"
    ),
    ("Alert", ("spec", "severity")): "the field is `eventSeverity` (info or error)",
    ("Alert", ("spec", "address")): "`address` belongs on the Provider or in its Secret",
    ("Alert", ("spec", "secretRef")): "`secretRef` belongs on the Provider",
    ("Provider", ("spec", "eventSeverity")): "`eventSeverity` belongs on the Alert",
    ("Provider", ("spec", "eventSources")): "`eventSources` belongs on the Alert",
    ("Provider", ("spec", "url")): "the field is `address` (or the Secret key `address`)",
    ("Kustomization", ("spec", "validation")): (
        "`spec.validation` was removed in Kustomization v1: server-side apply always validates;"
        " delete it"
    ),
}


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    for issue in ctx.schema_issues or ():
        if not issue.unknown:
            continue
        hint = _ELSEWHERE.get((doc.kind, _without_indices(issue.path)), issue.hint)
        yield Problem(issue.message, issue.path, key=True, hint=hint)


def _without_indices(path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    return tuple(step for step in path if not isinstance(step, int))
