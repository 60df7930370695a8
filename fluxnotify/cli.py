"""The command line: one Typer app, and the one place that turns errors into exit codes."""

import os
import re
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import Annotated

import typer

# Typer 0.24+ ships its own copy of Click; its usage errors are the hooks this module uses.
from typer._click import exceptions as click_exceptions

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
    "route": ("fluxnotify.commands.route", "route"),
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
    """Run the CLI on ``args`` and return the exit code: the one place that decides it.

    Commands return their code (0 ok, 1 findings or not delivered); a usage or
    configuration error is 2, an interruption 130, and only a bug is 3. Every
    message printed here is scrubbed of what may be a credential.
    """
    try:
        result = build_app(args)(args=list(args), prog_name="fluxnotify", standalone_mode=False)
    except click_exceptions.NoArgsIsHelpError as exc:
        if exc.format_message().strip():  # Typer has printed the help itself
            print(exc.format_message(), file=sys.stderr)
        return 2
    except click_exceptions.UsageError as exc:
        return _error(args, _click_message(exc, args), _click_hint(exc, args), echoes_input=True)
    except click_exceptions.ClickException as exc:
        return _error(args, exc.format_message(), None, echoes_input=True)
    except FluxnotifyError as exc:
        return _error(args, exc.message, exc.hint, exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        print("fluxnotify: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `fluxnotify validate | head`: the reader left, nothing to say
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stderr at exit
        return 1
    except OSError as exc:  # the file system refused a path the user gave: not a bug
        where = f" ({exc.filename})" if exc.filename is not None else ""
        message = f"{exc.strerror or type(exc).__name__}{where}"
        hint = "check the path: its length, its type (file or folder) and its permissions"
        return _error(args, message, hint, echoes_input=True)
    except Exception as exc:  # the last line of defence: a bug, not the user's fault
        if os.environ.get("FLUXNOTIFY_DEBUG"):
            raise
        message = f"internal error: {type(exc).__name__}: {exc}"
        hint = "set FLUXNOTIFY_DEBUG=1 for details and please report it"
        return _error(args, message, hint, 3, prefix="internal error", echoes_input=True)
    if result == 130:  # Typer turns Ctrl-C during a command into Exit(130)
        print("fluxnotify: interrupted", file=sys.stderr)
    return result if isinstance(result, int) else 0


def _error(
    args: Sequence[str],
    message: str,
    hint: str | None,
    code: int = 2,
    prefix: str = "error",
    echoes_input: bool = False,
) -> int:
    """Print ``fluxnotify: error: MESSAGE`` and a hint line, scrubbed; return ``code``.

    Every message loses the credentials of this run; one that echoes raw input (Click's,
    an exception's text) also loses anything that looks like a URL path or a token.
    Our own messages keep their examples (``https://host/path``).
    """
    from fluxnotify.redact import scrub_known, scrub_text

    secrets = _secrets(args)

    def clean(text: str) -> str:
        return scrub_text(text, secrets) if echoes_input else scrub_known(text, secrets)

    message = message.removeprefix(f"{prefix}: ")
    print(f"fluxnotify: {prefix}: {clean(message)}", file=sys.stderr)
    if hint:
        print(f"  hint: {clean(hint)}", file=sys.stderr)
    return code


def _secrets(args: Sequence[str]) -> list[str]:
    """Credentials this run may hold: on the command line and in the environment."""
    from fluxnotify.redact import secrets_in

    found = secrets_in(args)
    names = [n for n in os.environ if n.startswith("FLUXNOTIFY_") and n not in _PUBLIC_ENV]
    for i, arg in enumerate(args):
        if arg == "--token-env" and i + 1 < len(args):
            names.append(args[i + 1])
        elif arg.startswith("--token-env="):
            names.append(arg.partition("=")[2])
    found += [os.environ[n] for n in names if os.environ.get(n)]
    return [form for value in found for form in _forms(value)]


def _forms(value: str) -> list[str]:
    """``value`` and the forms a message may echo it in: stripped, lower case, the part
    after ``KEY=`` (--route error=URL), and as a path (``https:/host``)."""
    forms = {value, value.strip(), value.lower()}
    if "=" in value and not value.startswith("-"):
        forms.update(_forms(value.partition("=")[2]))
    if "://" in value:
        forms.add(re.sub("/+", "/", value))
    return sorted(f for f in forms if f)


#: Environment variables of fluxnotify that hold no credential.
_PUBLIC_ENV = frozenset(
    {"FLUXNOTIFY_DEBUG", "FLUXNOTIFY_CACHE_DIR", "FLUXNOTIFY_SHARED", "FLUXNOTIFY_REQUIRE_SHARED"}
)


def _command_path(exc: click_exceptions.UsageError, args: Sequence[str]) -> str:
    """``fluxnotify COMMAND`` (or ``fluxnotify``): what the usage error is about.

    Click's parser raises "requires an argument" and "does not take a value" without a
    context, so the command is read from ``args`` as build_app does: the first word that
    is not an option, unless the bad option comes before it (a root option).
    """
    if exc.ctx is not None:
        return exc.ctx.command_path
    named = next((i for i, arg in enumerate(args) if not arg.startswith("-")), None)
    if named is None or args[named] not in COMMANDS:
        return "fluxnotify"
    option = getattr(exc, "option_name", None)
    before = args[:named]
    if option and any(arg == option or arg.startswith(f"{option}=") for arg in before):
        return "fluxnotify"
    return f"fluxnotify {args[named]}"


def _click_message(exc: click_exceptions.UsageError, args: Sequence[str]) -> str:
    """Click's message, led by the command it is about, in the style of our own errors."""
    text = exc.format_message().strip()
    text = text[:1].lower() + text[1:] if text[:2] != "--" else text
    command = _command_path(exc, args).removeprefix("fluxnotify").strip()
    return f"{command}: {text.rstrip('.')}" if command else text.rstrip(".")


def _click_hint(exc: click_exceptions.UsageError, args: Sequence[str]) -> str:
    """How to fix it: the address flag for a URL given bare, else where the options are listed."""
    path = _command_path(exc, args)
    extra = "unexpected extra argument" in exc.format_message()
    if extra and path.endswith("test-send") and any("://" in arg for arg in args):
        return "give the URL with --address URL (or FLUXNOTIFY_ADDRESS); never as a word alone"
    return f"`{path} --help` lists the options"
