"""Inline suppressions in YAML comments.

- ``# fluxnotify: disable=rule-a,rule-b`` at the end of a line silences those
  rules on that line; alone on a line, it silences them on the next line.
- ``# fluxnotify: disable-file`` (optionally ``=rule-a,...``) in the first ten
  lines silences the whole file.
A suppression that silences nothing, names an unknown rule, cannot be read, or
is a ``disable-file`` too far down to count, is reported (rule
``unused-suppression``), so stale ones do not pile up and broken ones do not
look as if they worked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from fluxnotify.model import Finding

_MARKER = re.compile(r"#\s*fluxnotify:")
_DIRECTIVE = re.compile(
    r"#\s*fluxnotify:\s*(?P<verb>disable-file|disable)"
    r"(?:\s*=\s*(?P<rules>[a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*))?\s*$"
)
FILE_DIRECTIVE_LINES = 10
GRAMMAR = "`# fluxnotify: disable=RULE[,RULE]` or `# fluxnotify: disable-file`"


@dataclass
class Directive:
    line: int
    column: int
    #: the line it applies to (None for the whole file)
    target: int | None
    rules: tuple[str, ...]
    used: set[str] = field(default_factory=set)
    #: why the comment does nothing (unreadable, misplaced); such a directive covers nothing
    problem: str | None = None

    def covers(self, finding: Finding) -> bool:
        return (
            self.problem is None
            and (self.target is None or self.target == finding.line)
            and (not self.rules or finding.rule in self.rules)
        )


def parse(text: str) -> list[Directive]:
    if "fluxnotify:" not in text:
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "fluxnotify:" not in line:
            continue
        marker = _MARKER.search(line)
        if marker is None:
            continue
        column = marker.start() + 1
        match = _DIRECTIVE.match(line, marker.start())
        if match is None:
            problem = f"cannot read this suppression, so it silences nothing: write {GRAMMAR}"
            found.append(Directive(number, column, None, (), problem=problem))
            continue
        rules = tuple(r.strip() for r in (match.group("rules") or "").split(",") if r.strip())
        if match.group("verb") == "disable-file":
            if number > FILE_DIRECTIVE_LINES:
                problem = (
                    f"`disable-file` counts only in the first {FILE_DIRECTIVE_LINES} lines"
                    " of a file, so it silences nothing here: move it to the top"
                )
                found.append(Directive(number, column, None, rules, problem=problem))
                continue
            target = None
        else:
            alone = not line[: match.start()].strip()
            target = number + 1 if alone else number
        found.append(Directive(number, column, target, rules))
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
        if directive.problem is not None:
            unused.append(Unused(directive.line, directive.column, directive.problem))
            continue
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
