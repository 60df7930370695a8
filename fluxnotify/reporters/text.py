"""Human output: findings grouped by file, the Flux version used and why, a summary line.

Plain text, coloured only on a terminal (rich is imported only then: it costs
start-up time that a pre-commit hook pays on every commit).
"""

from __future__ import annotations

import re

from fluxnotify.model import Report, Severity


def render(report: Report) -> str:
    lines: list[str] = []
    current = None
    for f in report.findings:
        if f.path != current:
            if current is not None:
                lines.append("")
            lines.append(f.path)
            current = f.path
        lines.append(f"  {f.line}:{f.column}  {f.severity.value:<7}  {f.message}  [{f.rule}]")
        if f.hint:
            lines.append(f"      hint: {f.hint}")
    if lines:
        lines.append("")
    for display, note in report.notes:
        lines.append(f"note: {display}: {note}")
    for version, reason in sorted(report.flux_versions.items()):
        lines.append(f"Flux {version} ({reason})")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


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


def render_terminal(report: Report) -> None:
    """Print with colour on a terminal."""
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=True)
    for line in render(report).splitlines():
        text = Text(line)
        match = re.match(_SEVERITY_COLUMN, line)
        if match:
            text.stylize(_STYLES[match.group(2)], match.start(2), match.end(2))
        elif line.strip().startswith("hint:"):
            text.stylize("dim")
        elif line and not line.startswith((" ", "note:", "Flux ")):
            text.stylize("bold")
        console.print(text)


_SEVERITY_COLUMN = r"^(\s+\d+:\d+\s+)(error|warning|info)\b"
_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}
