"""Output formats: each a pure function from a Report to text; ``auto`` picks one."""

from __future__ import annotations

import os
from collections.abc import Callable

from fluxnotify.engine import Report
from fluxnotify.reporters import github, json_format, parsable, sarif, text

Renderer = Callable[[Report], str]

REPORTERS: dict[str, Renderer] = {
    "text": text.render,
    "parsable": parsable.render,
    "json": json_format.render,
    "github": github.render,
    "sarif": sarif.render,
}


def choose(name: str | None) -> str:
    """The format to use: the one asked for, else github under GitHub Actions, else text."""
    if name:
        return name
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
