"""Entry point for the console script and ``python -m fluxnotify``.

``--version`` is answered here before anything heavy is imported, and ``validate``
has git list the project while the rest loads: start-up time matters for a tool that
runs as a pre-commit hook.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:
        from fluxnotify import __version__

        print(f"fluxnotify {__version__}")
        return 0
    ahead = _list_ahead(args[1:]) if args[:1] == ["validate"] else None
    try:
        from fluxnotify.cli import run

        return run(args)
    finally:
        if ahead is not None:
            from fluxnotify.discovery import forget_listing

            forget_listing(ahead)  # a listing this run did not take is no later run's


#: validate's options that take a value (the next argument, unless written --name=value)
_VALUED = frozenset({"--format", "-f", "--flux-version", "--root", "--exclude", "--disable"})


def _list_ahead(args: list[str]) -> Path | None:
    """Start git's listing of the project root that ``validate args`` will use, before the
    command-line framework is imported (git takes about as long as that import): the
    arguments read as they are usually written. A wrong guess (an unusual spelling) only
    lists a folder for nothing; the command starts the listing of its own root."""
    if "--help" in args:
        return None
    paths: list[str] = []
    root: str | None = None
    value_of: str | None = None
    only_paths = False
    for arg in args:
        if value_of is not None:
            root = arg if value_of == "--root" else root
            value_of = None
        elif only_paths or arg == "-" or not arg.startswith("-"):
            paths.append(arg)
        elif arg == "--":
            only_paths = True
        elif arg in _VALUED:
            value_of = arg
        elif arg.startswith("--root="):
            root = arg.partition("=")[2]
    from fluxnotify.discovery import start_listing
    from fluxnotify.root import choose_root

    try:
        chosen = choose_root(paths or ["."], Path(root) if root else None).path
        if not chosen.is_dir():
            return None
        start_listing(chosen)
    except (OSError, ValueError):
        return None  # an unreadable folder, a NUL in a path: the command itself says so
    return chosen


if __name__ == "__main__":
    raise SystemExit(main())
