"""The command line: one Typer app, and the one place that turns errors into exit codes."""

import os
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import Annotated

import typer

from fluxnotify import __version__
from fluxnotify.errors import FluxnotifyError

# command name -> (module, function). A module is imported, and its command
# built, only when it can run: see build_app.
COMMANDS = {
    "init": ("fluxnotify.commands.init", "init"),
    "validate": ("fluxnotify.commands.validate", "validate"),
    "rules": ("fluxnotify.commands.rules", "rules"),
    "test-send": ("fluxnotify.commands.send", "send"),
    "migrate": ("fluxnotify.commands.migrate", "migrate"),
}


def _version_callback(value: bool) -> None:
    if value:
        print(f"fluxnotify {__version__}")
        raise typer.Exit()


def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Write, check and test Flux notification manifests."""


def build_app(args: Sequence[str] = ()) -> typer.Typer:
    """The Typer app for ``args``: with only the command they name, if they name one.

    Importing every command module and building every command's options would
    cost a pre-commit hook a few milliseconds on each run for nothing; help,
    typos and no command at all get the whole app.
    """
    app = typer.Typer(
        name="fluxnotify",
        help="Write, check and test Flux notification manifests.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_root)
    # The root takes flags only, so the first word that is not one names the command.
    named = next((arg for arg in args if not arg.startswith("-")), None)
    for name, (module, function) in COMMANDS.items():
        if named not in COMMANDS or named == name:
            app.command(name)(getattr(import_module(module), function))
    return app


def run(args: Sequence[str]) -> int:
    """Run the CLI on ``args`` and return the exit code; never lets a traceback out."""
    try:
        build_app(args)(args=list(args), prog_name="fluxnotify", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    except FluxnotifyError as exc:
        print(f"fluxnotify: error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"  hint: {exc.hint}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: a bug, not the user's fault
        if os.environ.get("FLUXNOTIFY_DEBUG"):
            raise
        print(
            f"fluxnotify: internal error: {type(exc).__name__}: {exc}"
            " (set FLUXNOTIFY_DEBUG=1 for details and please report it)",
            file=sys.stderr,
        )
        return 3
    return 0
