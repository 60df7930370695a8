"""Human output: findings grouped by file, the Flux version used and why, a summary line.

Each line is built as styled segments: ``render`` joins their text (plain output,
pipes and files), ``render_terminal`` gives their styles to rich (colour on a
terminal; rich is imported only then: it costs start-up time that a pre-commit
hook pays on every commit).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from fluxnotify.model import Report, Severity

if TYPE_CHECKING:
    from rich.console import Console

#: a piece of a line and its rich style (None: plain)
Segment = tuple[str, str | None]
Line = list[Segment]

_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def lines(report: Report) -> list[Line]:
    """The output, line by line, as styled segments."""
    out: list[Line] = []
    current = None
    for f in report.findings:
        if f.path != current:
            if current is not None:
                out.append([])
            out.append([(f.path, "bold")])
            current = f.path
        out.append(
            [
                (f"  {f.line}:{f.column}  ", None),
                (f.severity.value, _SEVERITY_STYLE[f.severity]),
                (" " * (7 - len(f.severity.value)) + f"  {f.message}  [{f.rule}]", None),
            ]
        )
        if f.hint:
            out.append([(f"      hint: {f.hint}", "dim")])
    if out:
        out.append([])
    for display, note in report.notes:
        out.append([(f"note: {display}: {note}", None)])
    for version, reason in sorted(report.flux_versions.items()):
        out.append([(f"Flux {version} ({reason})", None)])
    if report.root is not None and report.root_reason:
        out.append([(f"Project root {_shown(report.root)} ({report.root_reason})", None)])
    out.append([(summary(report), "bold")])
    return out


def _shown(root: Path) -> str:
    """The root as the user would type it: relative when inside the current folder."""
    try:
        relative = os.path.relpath(root)
    except ValueError:  # another drive (Windows)
        return str(root)
    return str(root) if relative.startswith("..") else relative


def render(report: Report) -> str:
    return "".join("".join(text for text, _ in line) + "\n" for line in lines(report))


def summary(report: Report) -> str:
    infos = report.of_severity(Severity.INFO)
    parts = [
        f"{report.errors} error{'s' * (report.errors != 1)}",
        f"{report.warnings} warning{'s' * (report.warnings != 1)}",
    ]
    if infos:
        parts.append(f"{infos} info")
    return (
        f"{', '.join(parts)} in {report.files} file{'s' * (report.files != 1)}"
        f" ({report.objects} object{'s' * (report.objects != 1)} checked)"
    )


def render_terminal(report: Report, console: Console | None = None) -> None:
    """Print with colour on a terminal (``console``: rich's, to standard output by default)."""
    from rich.console import Console
    from rich.text import Text

    console = console or Console(highlight=False, soft_wrap=True)
    for line in lines(report):
        text = Text()
        for segment, style in line:
            text.append(segment, style=style)
        console.print(text)
