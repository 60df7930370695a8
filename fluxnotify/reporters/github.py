"""GitHub Actions workflow commands: annotations on the pull request's changed lines."""

from __future__ import annotations

from fluxnotify.model import Report, Severity

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for f in report.findings:
        message = f.message + (f" ({f.hint})" if f.hint else "")
        props = ",".join(
            [
                f"file={_escape_property(f.path)}",
                f"line={f.line}",
                f"col={f.column}",
                f"title={_escape_property('fluxnotify ' + f.rule)}",
            ]
        )
        lines.append(f"::{_COMMAND[f.severity]} {props}::{_escape_data(message)}")
    return "".join(line + "\n" for line in lines)
