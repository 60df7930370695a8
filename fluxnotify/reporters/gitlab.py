"""GitLab Code Quality report: the JSON array GitLab shows in merge requests.

Paths are relative to the project root, as GitLab expects, whatever was typed on the
command line. A fingerprint identifies a finding across runs so GitLab can tell new
findings from fixed ones: it hashes the rule, the repository-relative path, the object
and the message (not the line, which moves when lines above are added), plus a counter
for identical findings in one file; it never depends on where the checkout lives.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import PurePosixPath
from typing import Any

from fluxnotify.model import Finding, Report, Severity

#: GitLab's levels: info, minor, major, critical, blocker
_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def repository_path(path: str, report: Report) -> str:
    """``path`` relative to the project root, with ``/`` (as typed when outside the root)."""
    if path == "-" or report.root is None:
        return PurePosixPath(path.replace(os.sep, "/")).as_posix()
    absolute = os.path.abspath(path)
    root = os.path.abspath(report.root)
    if os.path.commonpath([absolute, root]) != root:
        return PurePosixPath(path.replace(os.sep, "/")).as_posix()
    return PurePosixPath(os.path.relpath(absolute, root).replace(os.sep, "/")).as_posix()


def _fingerprint(f: Finding, path: str, occurrence: int) -> str:
    parts = [f.rule, path, str(f.object) if f.object else "", f.message, str(occurrence)]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def as_list(report: Report) -> list[dict[str, Any]]:
    seen: Counter[tuple[str, str, str, str]] = Counter()
    issues = []
    for f in report.findings:
        path = repository_path(f.path, report)
        key = (f.rule, path, str(f.object), f.message)
        seen[key] += 1
        issues.append(
            {
                "description": f.message + (f" ({f.hint})" if f.hint else ""),
                "check_name": f.rule,
                "fingerprint": _fingerprint(f, path, seen[key]),
                "severity": _SEVERITY[f.severity],
                "location": {"path": path, "lines": {"begin": f.line}},
            }
        )
    return issues


def render(report: Report) -> str:
    return json.dumps(as_list(report), indent=2) + "\n"
