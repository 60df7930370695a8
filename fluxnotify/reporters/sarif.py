"""SARIF 2.1.0, the format code-scanning services (GitHub, GitLab, Azure DevOps) ingest.

One run, the rules that exist (id, summary, default level, help page), and one
result per finding with its 1-based line and column. Checked against the
OASIS schema in tests/reporters/test_sarif.py.
"""

from __future__ import annotations

import json
from importlib.metadata import metadata
from typing import Any
from urllib.parse import quote

from fluxnotify import __version__
from fluxnotify.model import Report, Severity
from fluxnotify.rules import RULES

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def repository_url() -> str:
    """The project's repository, as pyproject.toml's ``[project.urls]`` states it once."""
    entries: list[str] = metadata("fluxnotify").get_all("Project-URL") or []
    for entry in entries:
        label, _, url = entry.partition(",")
        if label.strip() == "Repository":
            return url.strip().rstrip("/")
    raise LookupError("fluxnotify's metadata has no Repository URL")  # a packaging bug


def rule_page(rule_id: str) -> str:
    """The rule's page at this release's tag: the page that describes the installed rule."""
    return f"{repository_url()}/blob/v{__version__}/docs/rules/{rule_id}.md"


def as_dict(report: Report) -> dict[str, Any]:
    rule_ids = list(RULES)
    rules = [
        {
            "id": rule_id,
            "name": rule_id,
            "shortDescription": {"text": rule.SUMMARY},
            "defaultConfiguration": {"level": _LEVEL[rule.SEVERITY]},
            "helpUri": rule_page(rule_id),
        }
        for rule_id, rule in RULES.items()
    ]
    results = []
    for f in report.findings:
        text = f.message + (f" ({f.hint})" if f.hint else "")
        results.append(
            {
                "ruleId": f.rule,
                "ruleIndex": rule_ids.index(f.rule),
                "level": _LEVEL[f.severity],
                "message": {"text": text},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": quote(f.path.replace("\\", "/"))},
                            "region": {"startLine": f.line, "startColumn": f.column},
                        }
                    }
                ],
            }
        )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fluxnotify",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render(report: Report) -> str:
    return json.dumps(as_dict(report), indent=2) + "\n"
