"""`fluxnotify validate`: check manifests; the exit code says whether they pass."""

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from fluxnotify.discovery import exclude_option
from fluxnotify.errors import UsageError
from fluxnotify.root import Root, choose_root, named_paths, root_option


class OutputFormat(str, Enum):
    text = "text"
    parsable = "parsable"
    json = "json"
    github = "github"
    sarif = "sarif"
    junit = "junit"
    gitlab = "gitlab"


def validate(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files or directories to check (`-` reads standard input).", show_default="."
        ),
    ] = None,
    *,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format (default: github under GitHub Actions, else text).",
        ),
    ] = None,
    flux_version: Annotated[
        str | None,
        typer.Option(help="Target Flux release, 2.0 to 2.9 (default: read from the repository)."),
    ] = None,
    root: Annotated[
        Path | None,
        typer.Option(
            help="Project root for references (default: the git top level).",
            parser=root_option,
            metavar="DIR",
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
    disable: Annotated[list[str] | None, typer.Option(help="Turn a rule off (repeatable).")] = None,
    strict: Annotated[bool, typer.Option(help="Fail on warnings too.")] = False,
    cache: Annotated[
        bool,
        typer.Option(
            help="Reuse what was read from unchanged files outside PATHS (in ~/.cache/fluxnotify)."
        ),
    ] = True,
) -> int:
    """Check Flux notification manifests: schemas, API versions, references, secrets."""
    from fluxnotify.discovery import forget_listing, start_listing

    if root is not None and not root.is_dir():
        raise UsageError(f"--root: {root} is not a directory")
    paths = named_paths(paths)
    chosen = choose_root(paths, root)
    start_listing(chosen.path)  # git lists the project while the rules load
    try:
        return _validate(
            paths, chosen, output_format, flux_version, exclude, disable, strict, cache
        )
    finally:
        forget_listing(chosen.path)  # not used (a usage error): never left for a later run


def _validate(
    paths: list[str],
    chosen: Root,
    output_format: OutputFormat | None,
    flux_version: str | None,
    exclude: list[str] | None,
    disable: list[str] | None,
    strict: bool,
    cache: bool,
) -> int:
    from fluxnotify.config import load_config
    from fluxnotify.engine import Options
    from fluxnotify.engine import validate as run_validate
    from fluxnotify.fluxversion import parse_option
    from fluxnotify.reporters import choose, render
    from fluxnotify.reporters.text import render_terminal
    from fluxnotify.rules import RULES

    for rule_id in disable or ():
        if rule_id not in RULES:
            raise UsageError(
                f"--disable: unknown rule `{rule_id}`", "`fluxnotify rules` lists them"
            )
    config = load_config(chosen.path, set(RULES))
    options = Options(
        paths=tuple(paths),
        root=chosen.path,
        root_reason=chosen.reason,
        flux_version=None if flux_version is None else parse_option(flux_version),
        exclude=tuple(exclude or ()),
        disable=tuple(disable or ()),
        config=config,
        cache=cache,
    )
    report = run_validate(options)
    name = choose(output_format.value if output_format else None)
    if name == "text" and sys.stdout.isatty():
        render_terminal(report)
    else:
        sys.stdout.write(render(name, report))
    failed = report.errors > 0 or (strict and report.warnings > 0)
    return 1 if failed else 0
