"""regex: an inclusionList or exclusionList entry that Go's regexp (RE2) rejects.

The controller logs the error, raises an InvalidConfig event and treats the
entry as not matching: an inclusion list then drops everything. Checked with
a real RE2 engine, because Python's `re` accepts lookarounds and backreferences.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from fluxnotify.model import Context, Document, Problem, Severity
from fluxnotify.rules._refs import is_notification

ID = "regex"
SEVERITY = Severity.ERROR
SUMMARY = "an inclusionList or exclusionList entry that Go's RE2 would not compile"
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = False
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False
KINDS: frozenset[str] | None = frozenset({"Alert"})


@functools.lru_cache(maxsize=1024)
def re2_error(pattern: str) -> str | None:
    """RE2's complaint about ``pattern``, or None if it compiles (once per pattern: a
    repository repeats the same few filters in many Alerts)."""
    import re2  # a compiled extension: loaded only for Alerts with inclusion or exclusion lists

    options = re2.Options()
    options.log_errors = False  # RE2 would print to stderr itself
    try:
        re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        return reason.decode() if isinstance(reason, bytes) else str(reason)
    return None


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    if not is_notification(doc, "Alert"):
        return
    for field in ("inclusionList", "exclusionList"):
        entries = doc.spec.get(field)
        if not isinstance(entries, list):
            continue
        for index, pattern in enumerate(entries):
            if not isinstance(pattern, str):
                continue
            error = re2_error(pattern)
            if error is not None:
                yield Problem(
                    f"{field}[{index}] is not a valid Go (RE2) regular expression: {error}",
                    ("spec", field, index),
                    hint="RE2 has no lookarounds, backreferences or possessive quantifiers",
                )
