"""Output formats: each a module with a pure ``render(report) -> str``; ``auto`` picks one.

A run imports only the format it prints (the JSON and SARIF ones pull in modules
that a pre-commit run in text format does not need).
"""

from __future__ import annotations

import importlib
import os

from fluxnotify.model import Report

#: format name -> module in this package
FORMATS = {
    "text": "text",
    "parsable": "parsable",
    "json": "json_format",
    "github": "github",
    "sarif": "sarif",
    "junit": "junit",
    "gitlab": "gitlab",
}


def render(name: str, report: Report) -> str:
    module = importlib.import_module(f"fluxnotify.reporters.{FORMATS[name]}")
    text: str = module.render(report)
    return text


def choose(name: str | None) -> str:
    """The format to use: the one asked for, else github under GitHub Actions, else text."""
    if name:
        return name
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
