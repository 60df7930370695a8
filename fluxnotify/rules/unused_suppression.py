"""unused-suppression: a `# fluxnotify: disable=...` comment that silences nothing.

Stale suppressions hide future mistakes; unknown rule ids in them are typos.
The engine applies a file's suppressions (fluxnotify/directives.py) after the
other rules and hands this rule the ones that silenced nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from fluxnotify.model import Problem, Severity

if TYPE_CHECKING:
    from fluxnotify.directives import Unused

ID = "unused-suppression"
SEVERITY = Severity.INFO
SUMMARY = "a suppression comment that silences nothing, or names an unknown rule"
ENABLED_BY_DEFAULT = True


def check_suppressions(unused: Iterable[Unused]) -> Iterator[Problem]:
    for item in unused:
        yield Problem(item.message, position=(item.line, item.column))
