"""``path:line:col: severity [rule] message`` lines, one per finding, for editors and grep."""

from __future__ import annotations

from fluxnotify.model import Report


def render(report: Report) -> str:
    lines = []
    for f in report.findings:
        hint = f" ({f.hint})" if f.hint else ""
        lines.append(
            f"{f.path}:{f.line}:{f.column}: {f.severity.value} [{f.rule}] {f.message}{hint}"
        )
    return "".join(line + "\n" for line in lines)
