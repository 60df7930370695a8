"""The JSON document: a stable contract (docs/output-formats.md), version 1."""

from __future__ import annotations

import json
from typing import Any

from fluxnotify.model import Report


def as_dict(report: Report) -> dict[str, Any]:
    findings = []
    for f in report.findings:
        obj = None
        if f.object is not None:
            obj = {
                "apiVersion": f.object.api_version,
                "kind": f.object.kind,
                "namespace": f.object.namespace,
                "name": f.object.name,
            }
        findings.append(
            {
                "rule": f.rule,
                "severity": f.severity.value,
                "path": f.path,
                "line": f.line,
                "column": f.column,
                "object": obj,
                "message": f.message,
                "hint": f.hint,
            }
        )
    return {
        "version": 1,
        "findings": findings,
        "summary": {
            "files": report.files,
            "documents": report.documents,
            "objects": report.objects,
            "errors": report.errors,
            "warnings": report.warnings,
        },
    }


def render(report: Report) -> str:
    return json.dumps(as_dict(report), indent=2) + "\n"
