"""`fluxnotify migrate`: move manifests to the API the target Flux release serves."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from fluxnotify.discovery import exclude_option
from fluxnotify.errors import UsageError
from fluxnotify.root import find_root, named_paths, root_option


def migrate(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Files or directories to migrate.", show_default="."),
    ] = None,
    *,
    flux_version: Annotated[
        str | None,
        typer.Option(help="Target Flux release, 2.0 to 2.9 (default: read from the repository)."),
    ] = None,
    write: Annotated[
        bool,
        typer.Option(
            "--write", help="Change the files in place (all or none) instead of printing a diff."
        ),
    ] = False,
    root: Annotated[
        Path | None,
        typer.Option(
            help="Project root (default: the git top level).", parser=root_option, metavar="DIR"
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            help="Skip files and folders matching this glob (repeatable).",
            parser=exclude_option,
            metavar="GLOB",
        ),
    ] = None,
) -> int:
    """Rewrite Alert, Provider and Receiver to the apiVersion the target Flux release serves.

    Without --write, print a unified diff and exit 1 if anything would change.
    """
    from fluxnotify import migration
    from fluxnotify.config import load_config
    from fluxnotify.engine import Options
    from fluxnotify.fluxversion import parse_option
    from fluxnotify.rules import RULES

    paths = named_paths(paths)
    if root is not None and not root.is_dir():
        raise UsageError(f"--root: {root} is not a directory")
    project_root = root or find_root(paths)
    options = Options(
        paths=tuple(paths),
        root=project_root,
        flux_version=None if flux_version is None else parse_option(flux_version),
        exclude=tuple(exclude or ()),
        config=load_config(project_root, set(RULES)),
    )
    changes, notes, versions = migration.plan(options)
    for note in notes:
        print(f"note: {note.path}:{note.line}: {note.message}", file=sys.stderr)
    for version, reason in sorted(versions.items()):
        print(f"target: Flux {version} ({reason})", file=sys.stderr)
    if write:
        migration.write_all(changes)
        for change in changes:
            print(f"migrated {change.display} ({_edits(change.changes)})")
        if not changes:
            print("nothing to migrate")
        return 0
    for change in changes:
        sys.stdout.write(migration.unified_diff(change))
    if changes:
        count = len(changes)
        print(
            f"{count} file{'s' if count != 1 else ''} would change; --write changes them",
            file=sys.stderr,
        )
    else:
        print("nothing to migrate", file=sys.stderr)
    return 1 if changes else 0


def _edits(count: int) -> str:
    return f"{count} edit{'s' if count != 1 else ''}"
