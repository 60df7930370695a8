"""`fluxnotify test-send`: send one test notification through a Provider, explain the result."""

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fluxnotify.errors import ConfigError, UsageError
from fluxnotify.root import root_option

if TYPE_CHECKING:
    from fluxnotify.send.plan import Plan

_DEST = "Destination"
_EVENT = "Event"
_OUTPUT = "Output"


def send(
    *,
    address: Annotated[
        str | None,
        typer.Option(
            help="Webhook or API URL (else FLUXNOTIFY_ADDRESS). Never logged in full.",
            rich_help_panel=_DEST,
        ),
    ] = None,
    provider: Annotated[
        str | None,
        typer.Option(
            help="Provider in the project to send through, with its Secrets.",
            rich_help_panel=_DEST,
        ),
    ] = None,
    namespace: Annotated[
        str | None,
        typer.Option(
            "--namespace", "-n", help="Namespace of the Provider or Alert.", rich_help_panel=_DEST
        ),
    ] = None,
    root: Annotated[
        Path,
        typer.Option(
            help="Project folder to search for the Provider.",
            rich_help_panel=_DEST,
            parser=root_option,
            metavar="DIR",
        ),
    ] = Path("."),
    alert: Annotated[
        str | None,
        typer.Option(
            help="Alert whose eventMetadata and summary to merge (and whose Provider to use).",
            rich_help_panel=_DEST,
        ),
    ] = None,
    provider_type: Annotated[
        str | None,
        typer.Option(
            "--type",
            help="Provider type when there is no --provider (default slack); any of the 32.",
            rich_help_panel=_DEST,
        ),
    ] = None,
    channel: Annotated[
        str | None, typer.Option(help="Channel (Provider spec.channel).", rich_help_panel=_DEST)
    ] = None,
    username: Annotated[
        str | None, typer.Option(help="Name to post as.", rich_help_panel=_DEST)
    ] = None,
    token_env: Annotated[
        str | None,
        typer.Option(
            metavar="VAR",
            help="Take the token from this environment variable, not the Secret.",
            rich_help_panel=_DEST,
        ),
    ] = None,
    timeout: Annotated[
        str | None,
        typer.Option(
            help="Overall deadline, e.g. 30s (default: the Provider's, else 15s).",
            rich_help_panel=_DEST,
        ),
    ] = None,
    proxy: Annotated[
        str | None,
        typer.Option(
            help="http(s):// or socks5:// proxy (default: the Provider's proxySecretRef).",
            rich_help_panel=_DEST,
        ),
    ] = None,
    ca_file: Annotated[
        Path | None,
        typer.Option(
            help="PEM CA bundle to trust (default: the Provider's certSecretRef ca.crt).",
            rich_help_panel=_DEST,
        ),
    ] = None,
    cert_file: Annotated[
        Path | None,
        typer.Option(
            help="PEM client certificate for mutual TLS, with --key-file "
            "(default: the Provider's certSecretRef tls.crt).",
            rich_help_panel=_DEST,
        ),
    ] = None,
    key_file: Annotated[
        Path | None,
        typer.Option(
            help="PEM private key of --cert-file (default: the Provider's certSecretRef tls.key).",
            rich_help_panel=_DEST,
        ),
    ] = None,
    api_base: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="Replace the API base URL Flux fixes for the type (api.telegram.org, "
            "api.github.com, api.bitbucket.org/2.0, the PagerDuty/Datadog/Git host): for tests.",
            rich_help_panel=_DEST,
        ),
    ] = None,
    yes_post_status: Annotated[
        bool,
        typer.Option(
            "--yes-post-status",
            help="Really post the commit status (or pull-request comment) to the repository.",
            rich_help_panel=_DEST,
        ),
    ] = False,
    check_access: Annotated[
        bool,
        typer.Option(
            "--check-access",
            help="Commit-status types: read the repository with the token and say whether "
            "it may post statuses; posts nothing.",
            rich_help_panel=_DEST,
        ),
    ] = False,
    kind: Annotated[
        str, typer.Option(help="Kind of the involved object.", rich_help_panel=_EVENT)
    ] = "Kustomization",
    name: Annotated[
        str, typer.Option(help="Name of the involved object.", rich_help_panel=_EVENT)
    ] = "fluxnotify-test",
    object_namespace: Annotated[
        str, typer.Option(help="Namespace of the involved object.", rich_help_panel=_EVENT)
    ] = "flux-system",
    severity: Annotated[str, typer.Option(help="info or error.", rich_help_panel=_EVENT)] = "info",
    message: Annotated[
        str | None,
        typer.Option(help="Event message (default: says it is a test).", rich_help_panel=_EVENT),
    ] = None,
    reason: Annotated[
        str, typer.Option(help="Event reason.", rich_help_panel=_EVENT)
    ] = "FluxnotifyTest",
    metadata: Annotated[
        list[str] | None,
        typer.Option(
            "--metadata",
            "-m",
            metavar="KEY=VALUE",
            help="Controller metadata, repeatable (revision=main@sha1:...).",
            rich_help_panel=_EVENT,
        ),
    ] = None,
    flux_version: Annotated[
        str | None,
        typer.Option(
            help="Shape the message as this Flux release does (default 2.9).",
            rich_help_panel=_EVENT,
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Print the request and payload; send nothing.",
            rich_help_panel=_OUTPUT,
        ),
    ] = False,
    output_format: Annotated[
        str, typer.Option("--format", help="text or json.", rich_help_panel=_OUTPUT)
    ] = "text",
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Show how the destination was resolved and each attempt.",
            rich_help_panel=_OUTPUT,
        ),
    ] = False,
) -> int:
    """Send one test notification, shaped as Flux shapes it, and explain what happened.

    Exit codes: 0 delivered, 1 not delivered, 2 usage or configuration error.
    """
    from fluxnotify.send import plan as send_plan

    if output_format not in ("text", "json"):
        raise UsageError(f"--format must be text or json, not {output_format!r}")
    token = None
    if token_env is not None:
        token = os.environ.get(token_env)
        if token is None:
            raise UsageError(f"--token-env {token_env}: that environment variable is not set")
    if (cert_file is None) != (key_file is None):
        given, missing = (
            ("--cert-file", "--key-file") if cert_file else ("--key-file", "--cert-file")
        )
        raise UsageError(
            f"{given} needs {missing}: a client certificate goes with its key",
            hint="give both, or neither to use the Provider's certSecretRef",
        )

    def load_objects() -> Iterator[tuple[Path, dict[str, Any]]]:
        from fluxnotify.parsing import iter_objects

        if not root.is_dir():
            raise UsageError(f"--root {root}: not a folder")
        return iter_objects(root)

    inputs = send_plan.Inputs(
        address=address,
        env_address=os.environ.get("FLUXNOTIFY_ADDRESS") or None,
        provider=provider,
        namespace=namespace,
        alert=alert,
        provider_type=provider_type,
        channel=channel,
        username=username,
        token=token,
        token_label=f"--token-env {token_env}",
        env_token=os.environ.get("FLUXNOTIFY_TOKEN") or None,
        timeout=timeout,
        proxy=proxy,
        ca_pem=_read_pem("--ca-file", ca_file),
        cert_pem=_read_pem("--cert-file", cert_file),
        key_pem=_read_pem("--key-file", key_file),
        kind=kind,
        name=name,
        object_namespace=object_namespace,
        severity=severity,
        message=message,
        reason=reason,
        metadata=metadata or (),
        flux_version=flux_version,
        api_base=api_base,
        post_status=yes_post_status,
        check_access=check_access,
        dry_run=dry_run,
    )
    plan = send_plan.make_plan(inputs, load_objects)
    if verbose:
        for line in plan.trail:
            typer.echo(f"fluxnotify: {line}", err=True)
    if output_format == "text":
        for warning in plan.warnings:
            typer.echo(f"warning: {warning}", err=True)
    if dry_run:
        typer.echo(send_plan.dry_run(plan, output_format))
        return 0
    if plan.placeholder:
        raise ConfigError(plan.placeholder, hint=send_plan.PLACEHOLDER_HINT)
    if plan.consent and not yes_post_status and not check_access:
        raise UsageError(
            f"{plan.consent}; add --yes-post-status to post it",
            hint="see it first with --dry-run, or test the token with --check-access",
        )
    if plan.consent and output_format == "text":
        typer.echo(f"fluxnotify: {plan.consent}", err=True)
    if verbose:
        typer.echo(send_plan.dry_run(plan, "text"), err=True)
    report, trail = send_plan.run(plan)
    if verbose:
        for line in trail:
            typer.echo(f"fluxnotify: {line}", err=True)
    if output_format == "json":
        typer.echo(report.to_json())
    else:
        typer.echo(report.to_text(_cluster_check(plan)), err=not report.delivered)
    return 0 if report.delivered else 1


def _cluster_check(plan: "Plan") -> str:
    """The in-cluster check for a single-request send; "" for types that send several."""
    from fluxnotify.send.explain import cluster_check
    from fluxnotify.send.plan import shown_headers

    if len(plan.requests) != 1:
        return ""
    request = plan.request
    # From the controller's namespace: its network policies are the ones that count.
    headers = shown_headers(request.headers)
    return plan.scrub(
        cluster_check(request.method, plan.destination, headers, request.body, "flux-system")
    )


def _read_pem(option: str, path: Path | None) -> str | None:
    """The text of a PEM file given on the command line; unreadable is a usage error."""

    if path is None:
        return None
    try:
        # a FIFO or device would block the read or never end: regular files only
        if not stat.S_ISREG(path.stat().st_mode):
            raise UsageError(f"{option} {path}: not a regular file; give a PEM file")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{option} {path}: not a PEM file (not UTF-8 text)") from None
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot read it ({exc.strerror or exc})") from None
