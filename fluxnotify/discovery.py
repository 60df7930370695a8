"""Finding the files to read: the command-line paths, and the project's YAML files.

A folder is walked in sorted order, skipping excluded names and globs; in a git
repository the project is what git tracks or would track, listed once.
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from fluxnotify.errors import InputError

DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".terraform",
    ".direnv",
    ".idea",
    ".vscode",
)

KUSTOMIZATION_FILES = frozenset({"kustomization.yaml", "kustomization.yml", "Kustomization"})


class Target(NamedTuple):
    #: a string for a file from the project listing: a whole-tree run has 12,000 of them,
    #: and the cache answers most without a Path
    path: Path | str
    display: str
    explicit: bool
    #: a folder of the walk that could not be listed, and why (rule unreadable)
    unreadable: str | None = None


class Excludes:
    """Exclude patterns: plain names match any path component; globs match a component or,
    with a ``/``, the path relative to the walked folder."""

    def __init__(self, patterns: Sequence[str]) -> None:
        cleaned = [p.rstrip("/") for p in patterns if p.strip("/")]
        self.names = {p for p in cleaned if not any(c in p for c in "*?[/")}
        self.globs = [p for p in cleaned if "/" not in p and p not in self.names]
        self.paths = [p for p in cleaned if "/" in p]

    def match(self, rel_parts: Sequence[str], name: str) -> bool:
        if name in self.names or any(fnmatch.fnmatchcase(name, g) for g in self.globs):
            return True
        if self.paths:
            rel = "/".join([*rel_parts, name])
            return any(
                fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(rel, p + "/*")
                for p in self.paths
            )
        return False


def walk(directory: Path, excludes: Sequence[str], display_prefix: str) -> Iterator[Target]:
    """YAML files under ``directory``, sorted, skipping excluded names and globs; a folder
    that cannot be listed is a target of its own, marked unreadable (an Alert in it would
    otherwise go unchecked without a word). Symbolic links to folders are not followed."""
    rules = Excludes(excludes)
    failed: list[OSError] = []
    for current, dirs, files in os.walk(directory, onerror=failed.append):
        while failed:
            yield _unreadable_folder(failed.pop(), directory, display_prefix)
        rel_dir = os.path.relpath(current, directory)
        rel_parts = [] if rel_dir == "." else rel_dir.split(os.sep)
        dirs[:] = sorted(d for d in dirs if not rules.match(rel_parts, d))
        for name in sorted(files):
            if not name.endswith((".yaml", ".yml")) and name != "Kustomization":
                continue
            if rules.match(rel_parts, name):
                continue
            rel = "/".join([*rel_parts, name])
            yield Target(Path(current, name), display_prefix + rel, explicit=False)
    while failed:
        yield _unreadable_folder(failed.pop(), directory, display_prefix)


def _unreadable_folder(error: OSError, directory: Path, display_prefix: str) -> Target:
    folder = Path(error.filename or directory)
    rel = os.path.relpath(folder, directory).replace(os.sep, "/")
    display = display_prefix + ("" if rel == "." else rel + "/")
    return Target(folder, display or "./", False, error.strerror or type(error).__name__)


def discover(
    paths: Iterable[str],
    excludes: Sequence[str],
    root: Path | None = None,
    listing: Sequence[str] = (),
) -> list[Target]:
    """Expand the command-line paths into files; a missing path is an error.

    A folder inside ``root`` is expanded from ``listing`` (the project's files,
    already listed once) rather than walked again.
    """
    targets: list[Target] = []
    for raw in paths:
        if raw == "-":
            targets.append(Target(Path("-"), "-", explicit=True))
            continue
        path = Path(raw)
        if path.is_dir():
            prefix = "" if raw in (".", "./") else raw.rstrip("/") + "/"
            found = _from_listing(path, prefix, root, listing)
            if found is None:
                found = list(walk(path, excludes, prefix))
            if not found:
                raise InputError(
                    f"no YAML files in {raw}",
                    "fluxnotify reads *.yaml and *.yml files (in a git repository, those git"
                    " does not ignore); check the path, --exclude and .gitignore",
                )
            targets.extend(found)
        elif path.exists() or path.is_symlink():
            # a file, or a FIFO, socket, device or dangling link: parsing.py says which
            targets.append(Target(path, raw, explicit=True))
        else:
            raise InputError(f"no such file or directory: {raw}")
    return targets


def _from_listing(
    folder: Path, prefix: str, root: Path | None, listing: Sequence[str]
) -> list[Target] | None:
    """The listed files under ``folder`` when it lies inside the listed root, else None."""
    if root is None or not listing:
        return None
    base = os.path.abspath(root)
    absolute = os.path.abspath(folder)
    if not (absolute == base or absolute.startswith(base + os.sep)):
        return None
    # Under an absolute, normal root the listed paths are their own absolute paths:
    # no abspath for each of 12,000 files.
    normal = os.fspath(root) == base
    inside = absolute.rstrip(os.sep) + os.sep
    start = len(inside)
    found = []
    for path in listing:
        text = path if normal else os.path.abspath(path)
        if text.startswith(inside):
            rel = text[start:].replace(os.sep, "/")
            found.append(Target(path, prefix + rel, explicit=False))
    return found


class Listing(NamedTuple):
    """The project's YAML files, and what git knows of their contents."""

    #: paths as strings, each what ``str(root / relative)`` would be: a run reads few of
    #: them, and 12,000 Path objects cost more than the rest of the listing
    paths: list[str]
    #: git's object id of each listed file whose contents git found unchanged since it was
    #: staged (``git ls-files -m`` compares the index's stat data with the file): a key of
    #: the contents that costs no ``stat`` and survives a checkout of another branch
    blobs: dict[str, str]
    #: unchanged files that git records as symbolic links (those in ``blobs`` are regular
    #: files: no ``lstat`` needs to ask)
    links: frozenset[str] = frozenset()


def project_listing(root: Path, excludes: Sequence[str]) -> Listing:
    """The YAML files of the project: what git tracks or would track (ignored files are
    not part of the project), else every file under the root."""
    listed = _git_listing(root)
    if listed is None:
        return Listing([os.fspath(target.path) for target in walk(root, excludes, "")], {})
    base = os.fspath(root)
    start = "" if base == "." else base if base.endswith(os.sep) else base + os.sep
    rules = Excludes(excludes)
    excluded_dirs: dict[str, bool] = {}
    blobs: dict[str, str] = {}
    changed: set[str] = set()
    links: set[str] = set()
    for line in listed.split("\0"):
        # "H <mode> <object> <stage>\t<path>" (tracked), "C ..." (changed in the work
        # tree), "? <path>" (untracked); a conflicted file has several stages
        tag, _, rest = line.partition(" ")
        if tag == "?":
            changed.add(rest)
            continue
        info, _, rel = rest.partition("\t")
        if not rel:
            continue
        mode, obj, stage = info.split(" ")
        if tag == "H" and stage == "0":
            blobs[rel] = obj
        else:
            changed.add(rel)
        if mode == "120000":
            links.add(rel)
    known: dict[str, str] = {}
    known_links = set()
    out = []
    for rel in sorted(changed.union(blobs)):
        folder, _, name = rel.rpartition("/")
        if folder not in excluded_dirs:
            parts = folder.split("/") if folder else []
            excluded_dirs[folder] = any(rules.match(parts[:i], parts[i]) for i in range(len(parts)))
        if excluded_dirs[folder] or rules.match(folder.split("/") if folder else [], name):
            continue
        path = start + (rel if os.sep == "/" else rel.replace("/", os.sep))
        out.append(path)
        if rel in blobs and rel not in changed:
            if rel in links:  # its object is the link's text, not the contents it leads to
                known_links.add(path)
            else:
                known[path] = blobs[rel]
    return Listing(out, known, frozenset(known_links))


def _git_listing(root: Path) -> str | None:
    if not (root / ".git").exists():
        return None
    try:
        return subprocess.run(
            [
                "git",
                "ls-files",
                "-z",
                "-t",  # tag each line: tracked, changed or untracked
                "-s",  # with its mode and object id
                "--cached",
                "--modified",
                "--others",
                "--exclude-standard",
                "--",
                "*.yaml",
                "*.yml",
                "**/Kustomization",
            ],
            cwd=root,
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout.decode("utf-8", "surrogateescape")
    except (OSError, subprocess.SubprocessError):
        return None
