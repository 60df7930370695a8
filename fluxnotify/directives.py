"""Inline suppressions in YAML comments.

- ``# fluxnotify: disable=rule-a,rule-b`` at the end of a line silences those
  rules on that line; alone on a line, it silences them on the next line.
- ``# fluxnotify: disable-file`` (optionally ``=rule-a,...``) in the first ten
  lines silences the whole file.
A suppression that silences nothing, or names an unknown rule, is reported
(rule ``unused-suppression``), so stale ones do not pile up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from fluxnotify.model import Finding

_DIRECTIVE = re.compile(
    r"#\s*fluxnotify:\s*(?P<verb>disable-file|disable)(?:\s*=\s*(?P<rules>[a-z0-9,\s-]+?))?\s*$"
)
FILE_DIRECTIVE_LINES = 10


@dataclass
class Directive:
    line: int
    column: int
    #: the line it applies to (None for the whole file)
    target: int | None
    rules: tuple[str, ...]
    used: set[str] = field(default_factory=set)

    def covers(self, finding: Finding) -> bool:
        return (self.target is None or self.target == finding.line) and (
            not self.rules or finding.rule in self.rules
        )


def parse(text: str) -> list[Directive]:
    if "fluxnotify:" not in text:
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        position = line.find("#")
        if position < 0 or "fluxnotify:" not in line:
            continue
        match = _DIRECTIVE.search(line, position)
        if match is None:
            continue
        rules = tuple(r.strip() for r in (match.group("rules") or "").split(",") if r.strip())
        if match.group("verb") == "disable-file":
            if number > FILE_DIRECTIVE_LINES:
                continue
            target = None
        else:
            alone = not line[: match.start()].strip()
            target = number + 1 if alone else number
        found.append(Directive(number, match.start() + 1, target, rules))
    return found


@dataclass(frozen=True)
class Unused:
    line: int
    column: int
    message: str


def apply(
    text: str, findings: Iterable[Finding], known: Sequence[str], enabled: Sequence[str]
) -> tuple[list[Finding], list[Unused]]:
    """The findings no directive silences, and the directives that silenced nothing."""
    directives = parse(text)
    if not directives:
        return list(findings), []
    kept = []
    for finding in findings:
        covering = [d for d in directives if d.covers(finding)]
        for directive in covering:
            directive.used.add(finding.rule)
        if not covering:
            kept.append(finding)
    unused = []
    for directive in directives:
        unknown = [r for r in directive.rules if r not in known]
        for rule in unknown:
            unused.append(
                Unused(directive.line, directive.column, f"unknown rule `{rule}` in suppression")
            )
        idle = [r for r in directive.rules if r in enabled and r not in directive.used]
        if not directive.rules and not directive.used:
            idle = ["(all rules)"]
        if idle:
            unused.append(
                Unused(
                    directive.line,
                    directive.column,
                    f"suppression of {', '.join(idle)} silences nothing here",
                )
            )
    return kept, unused
