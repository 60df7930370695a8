"""The inputs of ``fluxnotify init``, checked once so that the builders can trust them.

Every check raises :class:`~fluxnotify.errors.UsageError` with one line that says
what is wrong, where (the flag), and how to fix it. Only the standard library is
imported at module level: the command module imports this one for its enums.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from fluxnotify.errors import UsageError
from fluxnotify.fluxversion import (
    NEWEST,
    minor_of,
    parse_option,
    provider_type_since,
    provider_types,
    source_kind_since,
)
from fluxnotify.generate.channels import check_channel
from fluxnotify.generate.choices import DEFAULT_NAMESPACE, SecretMode, Severity
from fluxnotify.generate.providers import ChannelUse, TypeInfo, type_info

DEFAULT_TYPE = "slack"

#: Alert ``eventSources[].kind`` enum of every served Alert version (reference 3c);
#: the kinds in ``fluxversion._SOURCE_KINDS_ADDED`` need a newer Flux.
ALERT_SOURCE_KINDS = (
    "Bucket",
    "GitRepository",
    "Kustomization",
    "HelmRelease",
    "HelmChart",
    "HelmRepository",
    "ImageRepository",
    "ImagePolicy",
    "ImageUpdateAutomation",
    "OCIRepository",
    "ArtifactGenerator",
    "ExternalArtifact",
)

# The flux CLI's own name rule (reference 4), stricter than Kubernetes, so that
# `fluxnotify validate` has nothing to say about a generated name.
_FLUX_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]){0,61}[a-z0-9]$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


@dataclass(frozen=True)
class EventSource:
    kind: str
    name: str
    namespace: str | None = None

    def __str__(self) -> str:
        suffix = f".{self.namespace}" if self.namespace else ""
        return f"{self.kind}/{self.name}{suffix}"


@dataclass(frozen=True)
class Route:
    severity: Severity
    channel: str


@dataclass
class InitRequest:
    """Raw values from flags and prompts; ``None`` means not given."""

    provider_type: str | None = None
    name: str | None = None
    namespace: str = DEFAULT_NAMESPACE
    channel: str | None = None
    username: str | None = None
    event_severity: Severity | None = None
    event_sources: list[str] = field(default_factory=list)
    exclusions: list[str] = field(default_factory=list)
    inclusions: list[str] = field(default_factory=list)
    metadata: list[str] = field(default_factory=list)
    flux_version: str | None = None
    secret_name: str | None = None
    routes: list[str] = field(default_factory=list)
    secret_mode: SecretMode = SecretMode.SOPS
    slack_token: bool | None = None


@dataclass(frozen=True)
class InitSpec:
    """Checked inputs: every value is valid for the target Flux version."""

    provider_type: str
    name: str
    namespace: str
    flux_version: str
    secret_name: str
    secret_mode: SecretMode
    routes: tuple[Route, ...]
    event_sources: tuple[EventSource, ...]
    username: str | None = None
    inclusions: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()
    slack_token: bool = False
    #: Bot-token mode was chosen by init (for ``--route``), not by the user: say why.
    slack_token_implied: bool = False
    routed: bool = False

    @property
    def info(self) -> TypeInfo:
        return type_info(self.provider_type, slack_token=self.slack_token)


def resolve_flux_version(text: str | None) -> str:
    """``--flux-version`` as one of ``FLUX_VERSIONS``: the releases validate accepts too."""
    return NEWEST if text is None else parse_option(text)


def check_type(provider_type: str, flux_version: str) -> str:
    """The Provider type, if ``flux_version`` serves it."""
    known = provider_types(flux_version)
    provider_type = provider_type.strip().lower()
    if provider_type in known:
        return provider_type
    since = provider_type_since(provider_type)
    if since is not None:
        raise UsageError(
            f"--type {provider_type} needs Flux {since} or newer, but the target is Flux"
            f" {flux_version}; raise --flux-version or choose another type"
        )
    raise UsageError(
        f"--type {provider_type!r} is not a Provider type{_did_you_mean(provider_type, known)};"
        f" Flux {flux_version} accepts: {', '.join(sorted(known))}"
    )


def check_name(value: str, flag: str) -> str:
    """A name the flux CLI itself would accept: 2 to 63 of a-z, 0-9 and '-'."""
    if not _FLUX_NAME.match(value):
        raise UsageError(
            f"{flag} {value!r} is not a valid name: use 2 to 63 lower-case letters, digits"
            " and '-', starting and ending with a letter or digit"
        )
    return value


def check_namespace(value: str, flag: str = "--namespace") -> str:
    if not _DNS_LABEL.match(value):
        raise UsageError(
            f"{flag} {value!r} is not a valid namespace: use up to 63 lower-case letters,"
            " digits and '-', starting and ending with a letter or digit"
        )
    return value


def check_secret_name(value: str) -> str:
    if len(value) > 253 or not _DNS_SUBDOMAIN.match(value):
        raise UsageError(
            f"--secret-name {value!r} is not a valid Secret name: use lower-case letters,"
            " digits, '-' and '.', starting and ending with a letter or digit"
        )
    return value


def source_kinds(flux_version: str) -> tuple[str, ...]:
    """The Alert source kinds that ``flux_version`` accepts."""
    minor = minor_of(flux_version)
    return tuple(
        kind
        for kind in ALERT_SOURCE_KINDS
        if (since := source_kind_since(kind)) is None or minor_of(since) <= minor
    )


def parse_event_source(text: str, flux_version: str) -> EventSource:
    """``KIND/NAME[.NAMESPACE]`` as ``flux create alert --event-source`` reads it.

    As in the flux CLI, the text after the last dot of the name is the namespace.
    The kind is matched without regard to case, so that ``kustomization/*`` works.
    """
    where = f"--event-source {text!r}"
    kind_text, slash, rest = text.partition("/")
    if not slash or not kind_text or not rest:
        raise UsageError(f"{where} is not KIND/NAME[.NAMESPACE], e.g. 'Kustomization/*'")
    kinds = source_kinds(flux_version)
    by_lower = {kind.lower(): kind for kind in ALERT_SOURCE_KINDS}
    kind = by_lower.get(kind_text.lower())
    if kind is None:
        raise UsageError(
            f"{where}: {kind_text} is not an Alert source kind{_did_you_mean(kind_text, kinds)};"
            f" use one of {', '.join(kinds)}"
        )
    if kind not in kinds:
        raise UsageError(
            f"{where}: {kind} needs Flux {source_kind_since(kind)} or newer, but the target is"
            f" Flux {flux_version}; raise --flux-version or use another kind"
        )
    name, dot, namespace = rest.rpartition(".") if "." in rest else (rest, "", "")
    if dot and namespace == "*":
        raise UsageError(
            f"{where}: '*' is not a namespace wildcard (Flux compares it literally and matches"
            " nothing); leave the namespace out to mean the Alert's namespace"
        )
    if name != "*" and "*" in name:
        raise UsageError(
            f"{where}: {name!r} is a glob, which Flux does not support; use '*' alone for every"
            f" {kind}, or an exact name"
        )
    if name != "*" and (len(name) > 253 or not _DNS_SUBDOMAIN.match(name)):
        raise UsageError(f"{where}: {name!r} is not a valid object name; use '*' or an exact name")
    if dot:
        check_namespace(namespace, where)
    return EventSource(kind, name, namespace or None)


def parse_route(text: str) -> Route:
    """``SEVERITY=CHANNEL``, e.g. ``error=#devops-alerts``."""
    severity, equals, channel = text.partition("=")
    try:
        level = Severity(severity.strip().lower())
    except ValueError:
        level = None
    if not equals or level is None or not channel.strip():
        raise UsageError(
            f"--route {text!r} is not SEVERITY=CHANNEL with SEVERITY info or error,"
            " e.g. --route error=#devops-alerts"
        )
    return Route(level, channel.strip())


def parse_metadata(items: list[str]) -> tuple[tuple[str, str], ...]:
    """``KEY=VALUE`` pairs for ``eventMetadata``, in the order given."""
    pairs: dict[str, str] = {}
    for item in items:
        key, equals, value = item.partition("=")
        key = key.strip()
        if not equals or not key:
            raise UsageError(
                f"--metadata {item!r} is not KEY=VALUE, e.g. --metadata cluster=prod-eu"
            )
        if key in pairs:
            raise UsageError(f"--metadata {key!r} is given twice; keep one value per key")
        pairs[key] = value
    return tuple(pairs.items())


def check_regex(pattern: str, flag: str) -> str:
    """A regex as notification-controller compiles it: Go's RE2, not Python's ``re``."""
    import re2

    options = re2.Options()
    options.log_errors = False
    try:
        re2.compile(pattern, options=options)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
        raise UsageError(
            f"{flag} {pattern!r} is not a valid RE2 regex ({reason}); Flux uses Go's RE2, which"
            " has no lookarounds, backreferences or possessive quantifiers"
        ) from None
    return pattern


def default_secret_name(name: str, info: TypeInfo) -> str:
    """``NAME-webhook`` for a webhook URL alone, ``NAME-token`` when a token is needed."""
    if list(info.keys) == ["address"]:
        return f"{name}-webhook"
    return f"{name}-token" if "token" in info.keys else f"{name}-credentials"


def _did_you_mean(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _check_channel(channel: str, info: TypeInfo, provider_type: str, flag: str) -> str:
    check_channel(provider_type, channel, flag)
    if info.channel_format and info.channel_format not in channel:
        raise UsageError(
            f"{flag} {channel!r}: {provider_type} needs the form {info.channel_label},"
            " e.g. alerts/flux"
        )
    return channel


def _resolve_routes(request: InitRequest, info: TypeInfo, provider_type: str) -> tuple[Route, ...]:
    """One route per Alert; without ``--route``, a single one from the other flags."""
    severity = request.event_severity or Severity.ERROR
    if not request.routes:
        channel = request.channel
        if info.channel is ChannelUse.NONE and channel:
            raise UsageError(
                f"--channel: {provider_type} does not read a channel; leave --channel out"
            )
        if info.channel is ChannelUse.REQUIRED and not channel:
            raise UsageError(
                f"--channel is missing: {provider_type} needs the {info.channel_label};"
                " pass --channel VALUE (it is prompted for only when stdin is a terminal)"
            )
        if channel:
            _check_channel(channel, info, provider_type, "--channel")
        return (Route(severity, channel or ""),)
    if request.channel:
        raise UsageError("--channel and --route both set the channel; use --route alone")
    if request.event_severity is not None:
        raise UsageError("--event-severity and --route both set severity; use --route alone")
    if not info.routable:
        raise UsageError(
            f"--route: {provider_type} posts only where its webhook points, so one Secret cannot"
            " serve several channels; run init once per webhook instead"
        )
    routes = tuple(parse_route(text) for text in request.routes)
    seen: dict[str, Route] = {}
    for route in routes:
        _check_channel(route.channel, info, provider_type, "--route")
        if route.channel in seen:
            raise UsageError(
                f"--route: channel {route.channel!r} is routed twice; an info route already"
                " receives errors, so keep one route per channel"
            )
        seen[route.channel] = route
    return routes


def resolve(request: InitRequest) -> InitSpec:
    """Check every input against the target Flux version; the first problem is raised."""
    flux_version = resolve_flux_version(request.flux_version)
    if request.provider_type is not None and not request.provider_type.strip():
        raise UsageError(
            f"--type is empty; give a Provider type, e.g. --type {DEFAULT_TYPE}"
            " (leave --type out for slack)"
        )
    provider_type = check_type(
        DEFAULT_TYPE if request.provider_type is None else request.provider_type, flux_version
    )
    if request.slack_token is not None and provider_type != "slack":
        raise UsageError(
            "--slack-token-mode and --slack-webhook-mode are for --type slack only,"
            f" not {provider_type}; leave them out"
        )
    # Routing by channel needs chat.postMessage: a webhook is bound to one channel.
    implied = provider_type == "slack" and bool(request.routes) and request.slack_token is None
    slack_token = implied or bool(request.slack_token)
    info = type_info(provider_type, slack_token=slack_token)
    if provider_type == "slack" and request.routes and not slack_token:
        raise UsageError(
            "--route needs a Slack bot token: an incoming webhook posts only to the channel it"
            " was made for; use --slack-token-mode or drop --route"
        )
    name = check_name(request.name or provider_type, "--name")
    namespace = check_namespace(request.namespace)
    if request.username is not None and not info.username:
        raise UsageError(
            f"--username: {provider_type} does not read a display name; leave --username out"
        )
    if request.username is not None and len(request.username) > 2048:
        raise UsageError("--username is longer than 2048 characters, the Provider limit")
    routes = _resolve_routes(request, info, provider_type)
    if request.event_sources:
        sources = tuple(parse_event_source(text, flux_version) for text in request.event_sources)
    else:
        default_kinds = (
            ("Kustomization",) if info.commit_status else ("Kustomization", "HelmRelease")
        )
        sources = tuple(EventSource(kind, "*") for kind in default_kinds)
    if len(set(sources)) != len(sources):
        raise UsageError("--event-source: the same source is given twice; give each once")
    return InitSpec(
        provider_type=provider_type,
        name=name,
        namespace=namespace,
        flux_version=flux_version,
        secret_name=check_secret_name(request.secret_name or default_secret_name(name, info)),
        secret_mode=request.secret_mode,
        routes=routes,
        routed=bool(request.routes),
        event_sources=sources,
        username=request.username,
        inclusions=tuple(check_regex(p, "--include") for p in request.inclusions),
        exclusions=tuple(check_regex(p, "--exclude") for p in request.exclusions),
        metadata=parse_metadata(request.metadata),
        slack_token=slack_token,
        slack_token_implied=implied,
    )
