"""The project root: where the project's files, configuration and cache are found.

Chosen, never guessed wide: every file under the root is read to resolve
references, so a root that is too wide (``cd /tmp && fluxnotify validate
some/dir`` reading all of /tmp) is slow and can meet anything (FIFOs, other
people's files). In order:

1. the git top level above the first path;
2. else the nearest folder at or above it with ``.fluxnotify.yaml`` or a
   ``[tool.fluxnotify]`` table in ``pyproject.toml`` (the project says where it starts);
3. else the named folder itself, or a named file's folder.

``--root`` sets it, to widen it on purpose. The text output says which root
was used and why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from fluxnotify.errors import UsageError

CONFIG_FILE = ".fluxnotify.yaml"
_TOOL_TABLE = re.compile(r"(?m)^[ \t]*\[tool\.fluxnotify(?:\.[^\]]*)?\][ \t]*(?:#.*)?$")


class Root(NamedTuple):
    path: Path
    #: why this folder, as the text output's footer says it
    reason: str


def git_top(folder: Path) -> Path | None:
    """The git top level at or above ``folder`` (which may not exist yet), or None."""
    start = folder.resolve()
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def has_config(folder: Path) -> str | None:
    """The configuration file ``folder`` holds (its name), or None."""
    if (folder / CONFIG_FILE).is_file():
        return CONFIG_FILE
    pyproject = folder / "pyproject.toml"
    try:
        if pyproject.is_file() and _TOOL_TABLE.search(pyproject.read_text(encoding="utf-8")):
            return "pyproject.toml [tool.fluxnotify]"
    except (OSError, UnicodeDecodeError):
        return None
    return None


def choose_root(paths: Sequence[str], explicit: Path | None = None) -> Root:
    """The root for the command-line ``paths`` (the first one counts; ``-`` or a path that
    does not exist counts as the current folder), and why."""
    if explicit is not None:
        return Root(explicit, "from --root")
    named = bool(paths) and paths[0] != "-" and Path(paths[0]).exists()
    first = Path(paths[0]) if named else Path.cwd()
    here = (first if first.is_dir() else first.parent).resolve()
    top = git_top(here)
    if top is not None:
        return Root(top, "the git top level")
    for candidate in (here, *here.parents):
        config = has_config(candidate)
        if config is not None:
            return Root(candidate, f"the nearest folder with {config}; not in git")
    if not named:
        what = "the current folder"
    elif first.is_dir():
        what = "the named folder"
    else:
        what = "the named file's folder"
    return Root(here, f"{what}; not in git, no {CONFIG_FILE} above it; --root widens it")


def find_root(paths: Sequence[str]) -> Path:
    """The root folder for the command-line ``paths`` (see ``choose_root``)."""
    return choose_root(paths).path


def root_option(text: str) -> Path:
    """``--root`` as typed (typer's parser for it): an empty value, from a shell variable
    that was never set (``--root "$REPO"``), is a mistake, not the current folder that
    ``Path("")`` would make of it."""
    if not text:
        raise UsageError(
            "--root: the folder is empty",
            "give the project folder (--root . for the current one), or leave --root out"
            " for the git top level",
        )
    return Path(text)


def named_paths(paths: Sequence[str] | None) -> list[str]:
    """The PATH arguments, ``.`` when there are none. An empty one, from a shell variable
    that was never set (``validate "$FILE"``), is a mistake: read as the current folder,
    it checked the folder with every path shown from ``/``, and a file in it twice."""
    if paths and "" in paths:
        raise UsageError(
            "a PATH argument is empty",
            "name a file or folder (. for the current one), or leave the empty one out",
        )
    return list(paths or ["."])
