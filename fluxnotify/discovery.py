"""Finding the files to read: the command-line paths, and the project's YAML files.

A folder is walked in sorted order, skipping excluded names and globs; in a git
repository the project is what git tracks or would track, listed once.
"""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from fluxnotify.errors import InputError, UsageError

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


def exclude_option(text: str) -> str:
    """``--exclude`` as typed (typer's parser for it): a pattern that is empty, or only
    slashes, would exclude nothing without a word (``--exclude "$DIR"`` with DIR unset)."""
    if not text.strip("/").strip():
        raise UsageError(
            f"--exclude: {text!r} matches nothing",
            "give a file or folder name or a glob (--exclude charts, --exclude '*.tpl.yaml')",
        )
    return text


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
    join = listed_prefix(root)
    inside = absolute.rstrip(os.sep) + os.sep
    start = len(inside)
    found = []
    for path in listing:
        text = os.path.abspath(path) if join is None else join + path
        if text.startswith(inside):
            rel = text[start:].replace(os.sep, "/")
            found.append(Target(path, prefix + rel, explicit=False))
    return found


def listed_prefix(root: Path) -> str | None:
    """What makes a path of ``project_listing(root)`` absolute when put before it (None:
    only ``os.path.abspath`` can). Listed paths are the root's joined with a clean
    relative path, so joining spares an abspath (getcwd and normpath) per file."""
    if os.path.isabs(root):
        return ""
    if ".." in Path(root).parts:
        return None
    return os.path.join(os.getcwd(), "")


def target_key(target: Target, prefix: str | None) -> str:
    """The absolute path that stands for a target (``prefix``: listed_prefix(root)). A
    target with a string path came from the listing (``_from_listing``) and is made
    absolute by joining; one named, or met by a walk outside the root, by abspath."""
    path = os.fspath(target.path)
    if isinstance(target.path, str) and not target.explicit and prefix is not None:
        return prefix + path
    return os.path.abspath(path)


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


def project_listing(root: Path, excludes: Sequence[str], listed: str | None = None) -> Listing:
    """The YAML files of the project: what git tracks or would track (ignored files are
    not part of the project), else every file under the root. ``listed``: git's output
    (git_listing), when already asked for."""
    if listed is None:
        listed = _git_listing(root)
    if listed is None:
        return Listing([os.fspath(target.path) for target in walk(root, excludes, "")], {})
    base = os.fspath(root)
    start = "" if base == "." else base if base.endswith(os.sep) else base + os.sep
    rules = Excludes(excludes)
    blobs: dict[str, str] = {}
    changed: set[str] = set()
    links: set[str] = set()
    for line in listed.split("\0"):
        # "H <mode> <object> <stage>\t<path>" (tracked), "C ..." (changed in the work
        # tree), "? <path>" (untracked); a conflicted file has several stages. Sliced
        # rather than split: 12,000 lines on a large repository.
        if line[:2] == "? ":
            changed.add(line[2:])
            continue
        tab = line.find("\t")
        if tab < 0:
            continue
        rel = line[tab + 1 :]
        if line[0] == "H" and line[tab - 2 : tab] == " 0":
            blobs[rel] = line[9 : tab - 2]  # after "H <mode> "
        else:
            changed.add(rel)
        if line[2:8] == "120000":
            links.add(rel)
    known: dict[str, str] = {}
    known_links = set()
    out = []
    kept = Kept(rules)
    for rel in sorted(changed.union(blobs)):
        if not kept(rel):
            continue
        path = start + (rel if os.sep == "/" else rel.replace("/", os.sep))
        out.append(path)
        if rel in blobs and rel not in changed:
            if rel in links:  # its object is the link's text, not the contents it leads to
                known_links.add(path)
            else:
                known[path] = blobs[rel]
    return Listing(out, known, frozenset(known_links))


class Kept:
    """Whether a file git lists (relative to the root, with ``/``) is part of the project:
    not excluded by name, by glob, or in an excluded folder (each folder matched once)."""

    def __init__(self, rules: Excludes) -> None:
        self.rules = rules
        self.by_file_name = bool(rules.globs or rules.paths)
        self.folders: dict[str, bool] = {}

    def __call__(self, rel: str) -> bool:
        folder, _, name = rel.rpartition("/")
        excluded = self.folders.get(folder)
        if excluded is None:
            excluded = _excluded_folder(folder, self.rules, self.folders)
        return not (
            excluded
            or name in self.rules.names
            or (self.by_file_name and self.rules.match(folder.split("/") if folder else [], name))
        )


def _excluded_folder(folder: str, rules: Excludes, known: dict[str, bool]) -> bool:
    """Whether ``folder`` (relative, with ``/``) or a folder above it is excluded; each
    folder is matched once, its parent's answer reused."""
    found = known.get(folder)
    if found is None:
        parent, _, name = folder.rpartition("/")
        found = bool(folder) and (
            _excluded_folder(parent, rules, known)
            or rules.match(parent.split("/") if parent else [], name)
        )
        known[folder] = found
    return found


#: What the project's listing asks git, in two parts that run at the same time: the
#: untracked files (a walk of the tree) and the tracked ones (a ``stat`` of each against
#: the index). Their outputs put together, untracked first, are byte for byte what one
#: ``git ls-files`` with all these options prints, in about 60 % of its time on 2 cores.
_GIT_UNTRACKED = ("-t", "--others", "--exclude-standard")  # tagged "? <path>"
_GIT_TRACKED = (
    "-t",  # tag each line: tracked ("H") or changed in the work tree ("C")
    "-s",  # with its mode and object id
    "--cached",
    "--modified",
)
_GIT_PATHSPEC = ("--", "*.yaml", "*.yml", "**/Kustomization")


class _Listing(threading.Thread):
    """git's listing of one root, run in the background: git stats every file and walks
    the tree for untracked ones while the command loads its rules."""

    def __init__(self, root: Path) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.output: str | None = None
        self.start()

    def run(self) -> None:
        try:
            with (
                _git_ls_files(self.root, _GIT_UNTRACKED) as untracked,
                _git_ls_files(self.root, _GIT_TRACKED) as tracked,
            ):
                # the tracked listing is the long one: read it while the walk goes on
                after = _output(tracked)
                before = _output(untracked)
        except (OSError, subprocess.SubprocessError):
            return  # (leaving the with: the pipes closed, git waited for)
        self.output = (before + after).decode("utf-8", "surrogateescape")


def _git_ls_files(root: Path, options: tuple[str, ...]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ("git", "ls-files", "-z", *options, *_GIT_PATHSPEC),
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )


def _output(process: subprocess.Popen[bytes]) -> bytes:
    """What ``process`` printed (CalledProcessError if it failed: outside a repository)."""
    out, _ = process.communicate(timeout=60)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, process.args)
    return out


#: listings started ahead (start_listing), by absolute root
_STARTED: dict[str, _Listing] = {}


def start_listing(root: Path) -> None:
    """Start listing ``root`` with git now; ``project_listing`` takes the result."""
    key = os.path.abspath(root)
    if key not in _STARTED and (root / ".git").exists():
        _STARTED[key] = _Listing(root)


def git_listing(root: Path) -> str | None:
    """What git lists of the project (``project_listing`` reads it), or None outside git."""
    return _git_listing(root)


#: The lines project_listing does not take an object id from: untracked ("? path"), and
#: tracked ones other than "H" at stage 0 (changed, conflicted, skip-worktree...).
_CHANGED = re.compile(r"(?:^|\0)(?:\? |(?:[A-GI-Z] [^\t\0]*|H [^\t\0]* [1-9])\t)([^\0]+)")


#: The lines of a listing (after a NUL) tagged other than "H": untracked, changed...
_NOT_STAGED = re.compile(r"\0([^H][^\0]*)")


def changed_files(listed: str) -> list[str]:
    """The files of a git listing that git does not find as staged (changed, untracked,
    conflicted), relative to the root with ``/``: read without going through the other
    12,000 lines one by one."""
    text = "\0" + listed
    if " 1\t" in text or " 2\t" in text or " 3\t" in text:
        return sorted(set(_CHANGED.findall(listed)))  # a conflict: "H" lines at stages 1-3
    found = set()
    for line in _NOT_STAGED.findall(text):
        tab = -1 if line[:2] == "? " else line.find("\t")
        found.add(line[tab + 1 :] if tab >= 0 else line[2:])
    return sorted(found)


def index_stamp(root: Path) -> tuple[int, int, int] | None:
    """A stamp of git's index (rewritten, under a new inode, whenever it changes): with
    ``changed_files`` and their own stamps, it pins down the whole listing and every
    unchanged file's contents. None where there is no index to look at."""
    git = root / ".git"
    try:
        if not git.is_dir():
            return None  # a worktree or submodule: .git is a file naming the real folder
        stat = os.stat(git / "index")
    except OSError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def forget_listing(root: Path) -> None:
    """Drop a listing started ahead and not taken: a later run must list afresh."""
    _STARTED.pop(os.path.abspath(root), None)


def _git_listing(root: Path) -> str | None:
    listing = _STARTED.pop(os.path.abspath(root), None)
    if listing is None:
        if not (root / ".git").exists():
            return None
        listing = _Listing(root)
    listing.join()
    return listing.output
