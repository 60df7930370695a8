"""What init tells the user afterwards: notes on what was generated and the next commands.

Pure text, so the words can be tested without a terminal. No secret value ever
reaches these functions: only key names and the environment variables that hold them.
"""

from __future__ import annotations

import posixpath
import shlex
import textwrap
from dataclasses import dataclass
from urllib.parse import urlsplit

from fluxnotify.errors import UsageError
from fluxnotify.generate.choices import SecretMode, Severity
from fluxnotify.generate.manifests import PLACEHOLDER, Bundle
from fluxnotify.generate.providers import SLACK_API_ADDRESS, TypeInfo
from fluxnotify.generate.sops import ENCRYPTED_REGEX
from fluxnotify.generate.spec import InitSpec
from fluxnotify.redact import url_outline


@dataclass(frozen=True)
class SopsState:
    """Where the Secret file is and whether a ``.sops.yaml`` rule covers it."""

    shown_path: str
    covered: bool
    config_root: str
    hint: str


#: The file name the next steps use for a ``--stdout`` stream.
STREAM_FILE = "notifications.yaml"


def env_name(key: str) -> str:
    """The environment variable that holds a Secret key's value in ``--secret-mode none``."""
    return f"FLUXNOTIFY_{key.upper()}"


def notes(spec: InitSpec) -> list[str]:
    """Plain facts about what was generated that a reader would otherwise miss."""
    lines: list[str] = []
    if spec.slack_token_implied:
        lines.append(
            "Routing by channel uses a Slack bot token (chat.postMessage): an incoming webhook"
            " posts only to the channel it was made for."
        )
    info_routes = [r for r in spec.routes if r.severity is Severity.INFO]
    error_routes = [r for r in spec.routes if r.severity is Severity.ERROR]
    if spec.routed and info_routes and error_routes:
        channels = [r.channel for r in (*error_routes, *info_routes)]
        lines.append(
            "An info Alert also receives errors (Flux has no info-only level), so errors reach"
            f" {_and(channels)}."
        )
    elif info_routes:
        lines.append(
            "An info Alert sends every event, errors included: Flux has no info-only level."
        )
    if spec.slack_token:
        channels = [r.channel for r in spec.routes]
        lines.append(
            f"Invite the bot to {_and(channels)} in Slack, or posts fail with not_in_channel."
        )
    return lines


def check_secret_value(key: str, value: str, spec: InitSpec, source: str) -> None:
    """Refuse a value the controller could not use; ``source`` names it, never the value."""
    info = spec.info
    if not value:
        raise UsageError(f"{source} is empty; give {info.keys[key]}")
    if value != value.strip():
        raise UsageError(f"{source} has leading or trailing whitespace, which breaks it; remove it")
    if key != "address" or not info.address_is_url:
        return
    parts = urlsplit(value)
    if not parts.scheme or not parts.netloc:
        raise UsageError(f"{source} is not an absolute URL; give {info.keys[key]}")
    if spec.provider_type == "slack" and not spec.slack_token and value == SLACK_API_ADDRESS:
        raise UsageError(
            f"{source} is the Slack API URL, which needs a bot token; use --slack-token-mode"
            " and give the token instead"
        )


def redacted(key: str, value: str, info: TypeInfo) -> str:
    """At most the scheme and host of a URL; nothing of anything else."""
    if key == "address" and info.address_is_url:
        return url_outline(value)
    return "(hidden)"


def kubectl_command(spec: InitSpec) -> str:
    """``kubectl create secret`` reading the values from standard input, never argv.

    printf is a shell builtin: the values go from the variables into the pipe without
    appearing on any command line, in shell history or in the process list.
    """
    keys = list(spec.info.keys)
    template = "\\n".join(f"{key}=%s" for key in keys) + "\\n"
    values = " ".join(f'"${env_name(key)}"' for key in keys)
    return (
        f"printf '{template}' {values} | kubectl create secret generic {spec.secret_name}"
        f" --namespace {spec.namespace} --from-env-file=/dev/stdin"
    )


def next_steps(
    bundle: Bundle,
    *,
    shown_dir: str | None,
    sops: SopsState | None,
    prompted_keys: list[str],
    flux_version: str | None = None,
    secret_kept: bool = False,
) -> list[str]:
    """The commands to run next, in order; ``shown_dir`` is None for ``--stdout``.

    Each runs as printed: ``flux_version`` (the one given to init) goes to validate and
    test-send too, and the stream file is encrypted only in its Secret's data.
    """
    spec = bundle.spec
    info = spec.info
    steps: list[str] = []
    if shown_dir is None:
        steps.append(f"Save the stream to a file, e.g. > {STREAM_FILE}; then:")
    secret_file = sops.shown_path if sops else STREAM_FILE
    if spec.secret_mode is SecretMode.SOPS and secret_kept:
        pass  # the Secret there already holds its values: nothing to encrypt or fill in
    elif spec.secret_mode is SecretMode.SOPS:
        # The stream holds the Provider and Alert too: only the Secret's values are encrypted.
        regex = "" if sops else f"--encrypted-regex {shlex.quote(ENCRYPTED_REGEX)} "
        steps.append(f"sops --encrypt {regex}--in-place {shlex.quote(secret_file)}")
        what = "; ".join(f"{key}: {what}" for key, what in info.keys.items())
        steps.append(f"sops {shlex.quote(secret_file)}   # fill in {what}")
    elif spec.secret_mode is SecretMode.EXTERNAL:
        steps.append(
            f"Edit secret.yaml: set secretStoreRef.name and each remoteRef.key ({PLACEHOLDER})"
        )
    else:
        for key in prompted_keys:
            steps.append(
                f"read -rs {env_name(key)} && export {env_name(key)}   # paste"
                f" {info.keys[key]}; it is not shown"
            )
        steps.append(kubectl_command(spec))
    target = shlex.quote(shown_dir) if shown_dir is not None else STREAM_FILE
    steps.append(f"git add {target} && git commit -m {shlex.quote(_commit_message(spec))}")
    version = f" --flux-version {flux_version}" if flux_version else ""
    steps.append(f"fluxnotify validate{version} {target}")
    # test-send searches the current folder and below; a folder elsewhere needs --root.
    outside = shown_dir is not None and (shown_dir.startswith(("/", "..")))
    root = f" --root {target}" if outside else ""
    steps.extend(
        f"fluxnotify test-send --provider {name} --namespace {spec.namespace}{root}{version}"
        for name in bundle.provider_names
    )
    return steps


def sops_notes(sops: SopsState) -> list[str]:
    """What to set up so the sops command works and Flux can decrypt the Secret."""
    lines = []
    if not sops.covered:
        config = posixpath.normpath(posixpath.join(sops.config_root, ".sops.yaml"))
        lines.append(
            f"No .sops.yaml covers {sops.shown_path}, so sops does not know which key to use."
            f" Add a creation rule to {config},"
            " for example:\n" + textwrap.indent(sops.hint.rstrip("\n"), "      ")
        )
    lines.append(
        "Flux decrypts the Secret only if the Flux Kustomization that applies it has"
        " spec.decryption.provider: sops and the matching key."
    )
    return lines


def _commit_message(spec: InitSpec) -> str:
    return f"Add Flux {spec.provider_type} notifications"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
