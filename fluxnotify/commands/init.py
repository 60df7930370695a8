"""`fluxnotify init`: write a correct Provider, Alert and Secret for Flux notifications.

The work is in ``fluxnotify.generate``; this module reads flags, asks for what
is missing when a person is at the terminal, and prints what happened.
"""

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from fluxnotify.errors import UsageError
from fluxnotify.generate.choices import DEFAULT_NAMESPACE, SecretMode, Severity
from fluxnotify.root import git_top

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console

    from fluxnotify.generate.manifests import Bundle
    from fluxnotify.generate.spec import InitRequest, InitSpec
    from fluxnotify.generate.summary import SopsState
    from fluxnotify.generate.writer import WriteReport

_T = TypeVar("_T")


def init(
    *,
    provider_type: Annotated[
        str | None,
        typer.Option(
            "--type", help="Provider type (any of the target Flux version).", show_default="slack"
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(help="Name of the Provider and Alert.", show_default="the type"),
    ] = None,
    namespace: Annotated[str, typer.Option(help="Namespace of every object.")] = DEFAULT_NAMESPACE,
    channel: Annotated[
        str | None, typer.Option(help="Channel, chat, room or topic, as the type calls it.")
    ] = None,
    username: Annotated[str | None, typer.Option(help="Name to post as.")] = None,
    event_severity: Annotated[
        Severity | None,
        typer.Option(
            case_sensitive=False,
            help="error: failures only; info: every event, errors included.",
            show_default="error",
        ),
    ] = None,
    event_source: Annotated[
        list[str] | None,
        typer.Option(
            metavar="KIND/NAME[.NAMESPACE]",
            help="Objects whose events to send; repeatable.",
            show_default="Kustomization/* and HelmRelease/*",
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(metavar="REGEX", help="Drop events whose message matches (RE2); repeatable."),
    ] = None,
    include: Annotated[
        list[str] | None,
        typer.Option(metavar="REGEX", help="Send only events whose message matches (RE2)."),
    ] = None,
    metadata: Annotated[
        list[str] | None,
        typer.Option(metavar="KEY=VALUE", help="Shown in every message, e.g. cluster=prod-eu."),
    ] = None,
    flux_version: Annotated[
        str | None,
        typer.Option(help="Target Flux release; decides the apiVersions.", show_default="2.9"),
    ] = None,
    secret_name: Annotated[
        str | None, typer.Option(help="Name of the Secret.", show_default="NAME-webhook")
    ] = None,
    route: Annotated[
        list[str] | None,
        typer.Option(
            metavar="SEVERITY=CHANNEL",
            help="One Provider and Alert per route, sharing one Secret; repeatable.",
        ),
    ] = None,
    secret_mode: Annotated[
        SecretMode,
        typer.Option(
            case_sensitive=False,
            help="sops: Secret to encrypt; external: ExternalSecret; none: kubectl command.",
        ),
    ] = SecretMode.SOPS,
    slack_token_mode: Annotated[
        bool,
        typer.Option(
            "--slack-token-mode",
            help="Slack: post with a bot token (chat.postMessage).",
            show_default=False,
        ),
    ] = False,
    slack_webhook_mode: Annotated[
        bool,
        typer.Option(
            "--slack-webhook-mode",
            help="Slack: post through an incoming webhook.",
            show_default=False,
        ),
    ] = False,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            file_okay=False, help="Folder to write the files into.", show_default="current folder"
        ),
    ] = None,
    stdout: Annotated[
        bool, typer.Option("--stdout", help="Print one YAML stream instead of writing files.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Overwrite files that differ (a filled Secret is kept)."),
    ] = False,
    replace_secret: Annotated[
        bool,
        typer.Option(
            "--replace-secret",
            help="Overwrite an existing Secret that holds values or is SOPS-encrypted.",
        ),
    ] = False,
) -> int:
    """Write a Provider, an Alert and a Secret for Flux notifications, ready to commit."""
    from fluxnotify.generate import manifests, render, writer
    from fluxnotify.generate import spec as specs

    if stdout and (output_dir is not None or force or replace_secret):
        raise UsageError(
            "--stdout prints instead of writing: leave out --output-dir, --force"
            " and --replace-secret"
        )
    if slack_token_mode and slack_webhook_mode:
        raise UsageError(
            "--slack-token-mode and --slack-webhook-mode contradict each other; give one"
        )
    request = specs.InitRequest(
        provider_type=provider_type,
        name=name,
        namespace=namespace,
        channel=channel,
        username=username,
        event_severity=event_severity,
        event_sources=event_source or [],
        exclusions=exclude or [],
        inclusions=include or [],
        metadata=metadata or [],
        flux_version=flux_version,
        secret_name=secret_name,
        routes=route or [],
        secret_mode=secret_mode,
        slack_token=True if slack_token_mode else False if slack_webhook_mode else None,
    )
    interactive = sys.stdin.isatty()
    if interactive:
        _ask_missing(request)
    spec = specs.resolve(request)
    prompted = _read_secret_values(spec, interactive) if spec.secret_mode is SecretMode.NONE else []
    bundle = manifests.build(spec)
    console = _console(stderr=stdout)
    if stdout:
        sys.stdout.write(render.render(bundle.documents))
        sys.stdout.flush()
        _summarize(console, bundle, None, None, prompted, flux_version)
        return 0
    directory = output_dir or Path(".")
    files = {f.filename: render.render(f.documents) for f in bundle.files}
    keep = frozenset() if replace_secret else _filled_secrets(directory, bundle)
    report = writer.write_files(directory, files, force=force, keep=keep)
    _summarize(console, bundle, report, _sops_state(directory, spec), prompted, flux_version)
    return 0


def _filled_secrets(directory: Path, bundle: "Bundle") -> frozenset[str]:
    """The Secret files already there that hold a value or SOPS metadata: never replaced.

    A re-run to change the severity must not swap an encrypted, filled Secret for an
    empty template; only --replace-secret does that. A file that cannot be parsed counts
    as filled: what it holds is unknown.
    """
    import yaml

    filled = set()
    for file in bundle.files:
        path = directory / file.filename
        if not any(doc.kind == "Secret" for doc in file.documents) or not path.is_file():
            continue
        try:
            documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            filled.add(file.filename)
            continue
        for doc in documents:
            if not isinstance(doc, dict):
                continue
            values = [
                value
                for key in ("data", "stringData")
                if isinstance(doc.get(key), dict)
                for value in doc[key].values()
            ]
            if "sops" in doc or any(value not in (None, "") for value in values):
                filled.add(file.filename)
    return frozenset(filled)


def _ask_missing(request: "InitRequest") -> None:
    """Ask, on the terminal, for what the flags left out; each answer is checked at once."""
    from fluxnotify.fluxversion import provider_types
    from fluxnotify.generate import spec as specs
    from fluxnotify.generate.providers import ChannelUse, type_info

    version = specs.resolve_flux_version(request.flux_version)
    if request.provider_type is None:
        request.provider_type = typer.prompt(
            f"Provider type ({len(provider_types(version))} types, e.g. slack, msteams, generic)",
            default=specs.DEFAULT_TYPE,
            value_proc=_checked(lambda value: specs.check_type(value, version)),
            err=True,
        )
    provider_type = specs.check_type(request.provider_type, version)
    if request.name is None:
        request.name = typer.prompt(
            "Name of the Provider and Alert",
            default=provider_type,
            value_proc=_checked(lambda value: specs.check_name(value, "name")),
            err=True,
        )
    if provider_type == "slack" and request.slack_token is None and not request.routes:
        request.slack_token = typer.confirm(
            "Post with a Slack bot token (chat.postMessage) instead of an incoming webhook?",
            default=False,
            err=True,
        )
    info = type_info(provider_type, slack_token=bool(request.slack_token))
    if request.routes:
        return
    if request.channel is not None or info.channel is ChannelUse.REQUIRED:
        request.channel = _ask_channel(info.channel_label, provider_type, request.channel)
    if request.event_severity is None:
        request.event_severity = typer.prompt(
            "Send which events? error: failures only; info: every event, errors included",
            default=Severity.ERROR.value,
            value_proc=_checked(_severity),
            err=True,
        )


def _ask_channel(label: str, provider_type: str, given: str | None) -> str:
    """The channel, checked with the destination's rules; a bad one is asked once more.

    A second bad answer is the usual one-line error: a typo gets a retry, a script that
    feeds answers does not loop.
    """
    from fluxnotify.generate.channels import check_channel

    value = given
    for attempt in (1, 2):
        if value is None:
            value = typer.prompt(label, err=True).strip()
        try:
            return check_channel(provider_type, value, "--channel" if given else "the channel")
        except UsageError as exc:
            if attempt == 2:
                raise
            hint = f" ({exc.hint})" if exc.hint else ""
            typer.echo(f"Error: {exc.message}{hint}", err=True)
            value, given = None, None
    raise AssertionError("unreachable")


def _checked(check: "Callable[[str], _T]") -> "Callable[[str], _T]":
    """A prompt's ``value_proc``: a rejected answer is explained and asked again."""

    def proc(value: str) -> _T:
        try:
            return check(value.strip())
        except UsageError as exc:
            raise typer.BadParameter(exc.message) from None

    return proc


def _severity(value: str) -> Severity:

    try:
        return Severity(value.lower())
    except ValueError:
        raise UsageError("answer error or info") from None


def _read_secret_values(spec: "InitSpec", interactive: bool) -> list[str]:
    """Check each credential from ``FLUXNOTIFY_<KEY>`` or a hidden prompt; keep none of them.

    Returns the keys that were typed at the prompt: the user must still put those
    into the environment for the printed kubectl command.
    """
    from fluxnotify.generate.summary import check_secret_value, env_name

    prompted: list[str] = []
    for key, what in spec.info.keys.items():
        variable = env_name(key)
        if variable in os.environ:
            check_secret_value(key, os.environ[variable], spec, variable)
            continue
        if not interactive:
            raise UsageError(
                f"{variable} is not set: with --secret-mode none, set it to {what}"
                " (it is asked for, hidden, only when stdin is a terminal)"
            )
        while True:
            value = typer.prompt(
                f"{what[:1].upper()}{what[1:]} (hidden)", hide_input=True, err=True
            )
            try:
                check_secret_value(key, value, spec, "The value")
            except UsageError as exc:
                typer.echo(f"Error: {exc.message}", err=True)
                continue
            break
        prompted.append(key)
    return prompted


def _sops_state(directory: Path, spec: "InitSpec") -> "SopsState | None":
    from fluxnotify.generate import sops
    from fluxnotify.generate.summary import SopsState

    if spec.secret_mode is not SecretMode.SOPS:
        return None
    target = directory / "secret.yaml"
    shown = _shown(target)
    config = sops.find_config(directory)
    # sops looks for .sops.yaml from where it runs: the repository top, else here.
    root = config.parent if config else git_top(directory) or Path.cwd()
    folder = os.path.relpath(directory.resolve(), root)
    return SopsState(
        shown_path=shown,
        covered=config is not None and sops.covers(config, target, shown),
        config_root=_shown(root),
        hint=sops.config_hint(Path(folder).as_posix()),
    )


def _shown(path: Path) -> str:
    """``path`` as the user would type it: relative to the current folder when inside it."""
    absolute = path.resolve()
    try:
        return absolute.relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return str(absolute)


def _console(*, stderr: bool) -> "Console":
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _summarize(
    console: "Console",
    bundle: "Bundle",
    report: "WriteReport | None",
    sops_state: "SopsState | None",
    prompted: list[str],
    flux_version: str | None,
) -> None:
    """Files and what each does, then notes, then the next commands."""
    from rich.text import Text

    from fluxnotify.generate import summary

    spec = bundle.spec
    shown_dir = None
    if report is not None:
        shown_dir = _shown(report.directory)
        rows = [
            (
                f.filename,
                "unchanged"
                if f.filename in report.unchanged
                else "kept"
                if f.filename in report.kept
                else "written",
                "holds values or is encrypted: left as it is (--replace-secret overwrites it)"
                if f.filename in report.kept
                else f.purpose,
            )
            for f in bundle.files
        ]
        added = ", ".join(report.added_resources)
        rows.append(
            (
                report.kustomization,
                report.kustomization_change,
                f"lists {added}" if added else "already lists them",
            )
        )
        width = max(len(row[0]) for row in rows)
        console.print(Text(f"In {shown_dir}:", style="bold"))
        for filename, status, purpose in rows:
            console.print(Text(f"  {filename:<{width}}  {status:<9}  {purpose}"))
    notes = summary.notes(spec)
    if spec.secret_mode is SecretMode.SOPS:
        unused = [summary.env_name(k) for k in spec.info.keys if summary.env_name(k) in os.environ]
        if unused:
            notes.append(
                f"{', '.join(unused)} is set but not used: --secret-mode sops writes a placeholder"
                " that you replace after encrypting."
            )
        if sops_state is not None:
            notes.extend(summary.sops_notes(sops_state))
    if spec.secret_mode is SecretMode.NONE:
        for key in spec.info.keys:
            if key not in prompted:
                value = os.environ[summary.env_name(key)]
                shown = summary.redacted(key, value, spec.info)
                notes.append(f"{summary.env_name(key)} checked: {shown} (not shown in full).")
    if notes:
        console.print(Text("Notes:", style="bold"))
        for note in notes:
            console.print(Text(f"  - {note}"))
    console.print(Text("Next:", style="bold"))
    steps = summary.next_steps(
        bundle,
        shown_dir=shown_dir,
        sops=sops_state,
        prompted_keys=prompted,
        flux_version=flux_version,
        secret_kept=report is not None and bool(report.kept),
    )
    for step in steps:
        console.print(Text(f"  {step}"))
