"""The project root: where the project's files, configuration and cache are found."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def git_top(folder: Path) -> Path | None:
    """The git top level at or above ``folder`` (which may not exist yet), or None."""
    start = folder.resolve()
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def find_root(paths: Sequence[str]) -> Path:
    """The root for the command-line ``paths`` (the first one counts; ``-`` or a missing
    path counts as the current directory): the git top level above it; else the
    current directory if it holds it; else that folder (a file's folder)."""
    first = Path(paths[0]) if paths and paths[0] != "-" else Path.cwd()
    if not first.exists():
        first = Path.cwd()
    here = (first if first.is_dir() else first.parent).resolve()
    top = git_top(here)
    if top is not None:
        return top
    cwd = Path.cwd().resolve()
    return cwd if cwd == here or cwd in here.parents else here
