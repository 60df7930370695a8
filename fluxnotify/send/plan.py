"""From what the user asked to the request to send: the library behind ``test-send``.

Precedence, everywhere: command-line flags, then the environment (``FLUXNOTIFY_ADDRESS``,
``FLUXNOTIFY_TOKEN``), then the Provider and its Secret; a warning says when a value
replaces one the Provider had. Nothing here prints or exits.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from fluxnotify import providertypes
from fluxnotify.errors import ConfigError, UsageError
from fluxnotify.fluxversion import NEWEST, parse_option
from fluxnotify.matching import Event, match_alert
from fluxnotify.redact import Scrubber, pem_secrets, redact_url
from fluxnotify.rules._credentials import credential_kind, is_placeholder
from fluxnotify.send import event as events
from fluxnotify.send import gitstatus, gojson
from fluxnotify.send.explain import Report, explain
from fluxnotify.send.http import Seam, Settings, check_header, check_url, deliver
from fluxnotify.send.payloads import (
    SLACK_API_URL,
    Destination,
    OutboundRequest,
    PayloadError,
    build_requests,
)
from fluxnotify.send.resolve import (
    DEFAULT_TIMEOUT,
    AlertConfig,
    Objects,
    ProviderConfig,
    parse_duration,
    resolve_alert,
    resolve_provider,
)

PLACEHOLDER_HINT = "fill in the real address in the Secret (encrypted), or pass --address URL"
_SHOWN_HEADERS = frozenset(
    {
        "Content-Type",
        "Gotk-Component",
        "X-Signature",
        "Accept",
        "X-Atlassian-Token",
        "X-Requested-With",
    }
)
#: Every type Flux 2.9 serves; the non-HTTP ones only with --dry-run.
SUPPORTED_TYPES: tuple[str, ...] = tuple(providertypes.TYPES)


@dataclass(frozen=True)
class Inputs:
    """What the user gave, unparsed: flags and the environment variables the command read."""

    address: str | None = None
    env_address: str | None = None
    provider: str | None = None
    namespace: str | None = None
    alert: str | None = None
    provider_type: str | None = None
    channel: str | None = None
    username: str | None = None
    token: str | None = None  # from --token-env VAR
    token_label: str = ""
    env_token: str | None = None  # FLUXNOTIFY_TOKEN
    timeout: str | None = None
    proxy: str | None = None
    ca_pem: str | None = None
    cert_pem: str | None = None  # --cert-file, always with --key-file
    key_pem: str | None = field(default=None, repr=False)
    kind: str = events.DEFAULT_KIND
    name: str = events.DEFAULT_NAME
    object_namespace: str = events.DEFAULT_NAMESPACE
    severity: str = "info"
    message: str | None = None
    reason: str = events.DEFAULT_REASON
    metadata: Sequence[str] = ()
    flux_version: str | None = None
    #: replaces the base URL the controller fixes (telegram, github, bitbucket...), for tests
    api_base: str | None = None
    #: the user agreed to post a commit status or a pull-request comment
    post_status: bool = False
    #: read the repository with the token instead of sending (commit-status types)
    check_access: bool = False
    dry_run: bool = False


@dataclass(frozen=True)
class Plan:
    """A request ready to send, with everything needed to explain it safely."""

    requests: tuple[OutboundRequest, ...]
    settings: Settings
    provider_type: str
    channel: str
    scrub: Scrubber
    warnings: tuple[str, ...] = ()
    trail: tuple[str, ...] = field(default_factory=tuple)
    #: the Provider's address cannot be a real one (``<url>``, ``YOUR/SLACK/WEBHOOK``): not sent
    placeholder: str | None = None

    #: what a live send would do that the user must agree to (commit statuses, comments)
    consent: str = ""
    #: the message a non-HTTP type would publish, for --dry-run only
    published: str = ""
    #: --check-access: the one request reads the repository
    access_check: bool = False
    #: the address is no credential (API and repository URLs): URLs are shown whole
    public: bool = False

    @property
    def request(self) -> OutboundRequest:
        return self.requests[0]

    @property
    def destination(self) -> str:
        return shown_url(self.request, self.public)


def shown_url(request: OutboundRequest, public: bool = False) -> str:
    """The request's URL as output may show it: never a credential, in any part.

    Webhook URLs are credentials: only their host and first path segment show. API and
    repository URLs show whole, but for a user name, password or query.
    """
    url = request.shown_url or request.url
    if not public:
        return redact_url(url)
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, "…" if parts.query else "", ""))


def flux_version(text: str | None) -> str:
    """``--flux-version``: the releases init and validate accept, from the same place."""
    return NEWEST if text is None else parse_option(text)


def parse_metadata(items: Sequence[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--metadata {item!r} is not KEY=VALUE")
        result[key.strip()] = value
    return result


def parse_timeout(text: str) -> float:
    """``--timeout``: seconds (``20``, ``2.5``) or a Provider duration (``1m30s``)."""
    try:
        seconds = float(text)
    except ValueError:
        try:
            seconds = parse_duration(text)
        except ValueError as exc:
            raise UsageError(f"--timeout: {exc}") from None
    if seconds <= 0:
        raise UsageError("--timeout must be more than zero")
    return seconds


def _pick(flag: str | None, label: str, provider_value: str, warnings: list[str]) -> str:
    if flag is None:
        return provider_value
    if provider_value and flag != provider_value:
        warnings.append(f"{label} replaces the Provider's value")
    return flag


def _alert_warnings(alert: AlertConfig, provider: str | None, inputs: Inputs) -> list[str]:
    """What would make Flux send this event differently through ``alert``: the Alert's own
    filters, checked by the controller's matching (the code behind ``fluxnotify route``)."""
    warnings = []
    if provider and provider != alert.provider:
        warnings.append(f"Alert {alert.ref} uses Provider {alert.provider!r}, not {provider!r}")
    message = events.DEFAULT_MESSAGE if inputs.message is None else inputs.message
    event = Event(
        inputs.kind, inputs.name, inputs.object_namespace, inputs.severity, message, inputs.reason
    )
    verdict = match_alert(alert.spec, alert.namespace or inputs.object_namespace, event)
    if not verdict.delivered:
        warnings.append(
            f"Alert {alert.ref} would not send this event: {verdict.reason}"
            " (fluxnotify route explains every Alert)"
        )
    return warnings


def _token(
    inputs: Inputs, config: ProviderConfig | None, ptype: str, address: str, warnings: list[str]
) -> tuple[str, str]:
    """The token and where it came from: ``--token-env``, ``FLUXNOTIFY_TOKEN``, the Secret.

    ``FLUXNOTIFY_TOKEN`` may be left over from another test: it applies only where the
    type takes a token (for Slack, the Web API, not a webhook); ``--token-env`` always does.
    """
    token = config.token if config else ""
    secret_label = f"the `token` in the Secret of Provider {config.ref}" if config else ""
    if inputs.token is not None:
        return _pick(inputs.token, inputs.token_label, token, warnings), inputs.token_label
    if inputs.env_token:
        unused = _takes_no_token(ptype, address)
        if unused is None:
            return _pick(inputs.env_token, "FLUXNOTIFY_TOKEN", token, warnings), "FLUXNOTIFY_TOKEN"
        warnings.append(
            f"FLUXNOTIFY_TOKEN is set but not used: {unused} "
            "(--token-env FLUXNOTIFY_TOKEN sends it anyway)"
        )
    return token, secret_label


def _takes_no_token(ptype: str, address: str) -> str | None:
    """Why a type at ``address`` takes no token; None when it does."""
    known = providertypes.facts(ptype)
    if known is None or not known.reads_token:
        return f"{ptype} Providers take no token"
    if ptype == "slack" and not urlsplit(address).path.startswith("/api/"):
        return "a Slack incoming webhook carries its secret in its URL and takes no token"
    return None


def _client_cert(
    inputs: Inputs, config: ProviderConfig | None, warnings: list[str]
) -> tuple[str | None, str | None, str]:
    """The client certificate, its key and where they came from: the flags, else certSecretRef."""
    if inputs.cert_pem is not None:
        if config and config.cert_pem and config.cert_pem != inputs.cert_pem:
            warnings.append("--cert-file/--key-file replace the Provider's client certificate")
        return inputs.cert_pem, inputs.key_pem, "--cert-file/--key-file"
    if config and config.cert_pem:
        source = f"`tls.crt`/`tls.key` of the certSecretRef Secret of Provider {config.ref}"
        return config.cert_pem, config.key_pem, source
    return None, None, ""


def make_plan(inputs: Inputs, load_objects: Callable[[], Objects]) -> Plan:
    """Resolve, validate and build; raises UsageError/ConfigError with a message to show."""
    version = flux_version(inputs.flux_version)
    if inputs.severity not in events.SEVERITIES:
        raise UsageError(f"--severity must be info or error, not {inputs.severity!r}")
    if inputs.kind not in events.KINDS:
        raise UsageError(f"--kind {inputs.kind!r} is not one of: {', '.join(events.KINDS)}")
    if inputs.provider_type is not None and inputs.provider_type not in SUPPORTED_TYPES:
        raise UsageError(
            f"--type {inputs.provider_type!r} is not one of: {', '.join(SUPPORTED_TYPES)}"
        )
    metadata = parse_metadata(inputs.metadata)
    timeout = parse_timeout(inputs.timeout) if inputs.timeout is not None else None

    warnings: list[str] = []
    trail: list[str] = []
    address, address_label = inputs.address, "--address"
    if address is None and inputs.env_address:
        address, address_label = inputs.env_address, "FLUXNOTIFY_ADDRESS"

    objects: list[tuple[Path, Mapping[str, Any]]] = []
    alert = None
    provider_name, namespace = inputs.provider, inputs.namespace
    if inputs.alert or provider_name:
        objects = list(load_objects())
    if inputs.alert:
        alert = resolve_alert(objects, inputs.alert, namespace)
        trail.append(f"Alert {alert.ref}")
        warnings.extend(_alert_warnings(alert, provider_name, inputs))
        if provider_name is None and address is None:
            provider_name, namespace = alert.provider, alert.namespace

    config: ProviderConfig | None = None
    if provider_name:
        config = resolve_provider(
            objects,
            provider_name,
            namespace,
            flux_version=version,
            address_override=address,
            override_label=address_label,
            secret_optional=bool(address or inputs.token or inputs.env_token),
        )
        trail.extend(config.trail)
        warnings.extend(config.warnings)
        if inputs.provider_type and inputs.provider_type != config.type:
            raise UsageError(
                f"--type {inputs.provider_type} contradicts Provider {config.ref} "
                f"(type {config.type or 'unset'})"
            )
        if config.type not in SUPPORTED_TYPES:
            raise ConfigError(
                f"Provider {config.ref} has type {config.type!r}, which Flux does not know; "
                f"the types are: {', '.join(SUPPORTED_TYPES)}"
            )
    elif address is None:
        raise UsageError(
            "no destination: give --address URL, set FLUXNOTIFY_ADDRESS, "
            "or name a Provider with --provider NAME"
        )

    ptype = config.type if config else (inputs.provider_type or "slack")
    placeholder = None
    if config and address is None and is_placeholder(config.address, ptype, "address"):
        placeholder = f"the address of Provider {config.ref} is a placeholder, not a real URL"
        warnings.append(f"{placeholder}: test-send will not send to it")
    if address is not None:
        trail.append(f"address from {address_label}")
    dest_address = config.address if config else str(address)
    if address is None and config:
        address_label = f"the address of Provider {config.ref}"
    facts = providertypes.TYPES[ptype]
    # A placeholder gets its own message below; other types' addresses are not URLs.
    if not placeholder and facts.http and facts.address in (providertypes.URL, providertypes.HOST):
        check_url(dest_address, address_label)
    token, token_source = _token(inputs, config, ptype, dest_address, warnings)
    if token:
        trail.append(f"token from {token_source}")
    given_token = token  # scrubbed from output even when the type ignores it
    password = config.password if config else ""
    if token and not facts.reads_token and facts.basic_auth and not password:
        # zulip: the token given here is the bot's API key, the Secret's `password`
        password, token = token, ""
    if token and not facts.reads_token:
        warnings.append(f"Flux sends no token for {ptype} Providers; it is ignored")
        token = ""

    channel = _pick(inputs.channel, "--channel", config.channel if config else "", warnings)
    username = _pick(inputs.username, "--username", config.username if config else "", warnings)
    dest = Destination(
        type=ptype,
        address=dest_address,
        token=token,
        channel=channel,
        username=username,
        headers=config.headers if config else {},
        password=password,
        api_base=inputs.api_base or "",
        secret_keys=config.secret_keys if config else frozenset(),
        **(
            {"alert": f"{alert.namespace or 'flux-system'}/{alert.ref.rsplit('/', 1)[-1]}"}
            if alert
            else {}
        ),
    )
    event = events.make_event(
        kind=inputs.kind,
        name=inputs.name,
        namespace=inputs.object_namespace,
        severity=inputs.severity,
        message=events.DEFAULT_MESSAGE if inputs.message is None else inputs.message,
        reason=inputs.reason,
        metadata=metadata,
    )
    merged = events.process_metadata(
        event,
        alert_metadata=alert.event_metadata if alert else None,
        alert_summary=alert.summary if alert else None,
    )
    warnings.extend(merged.conflicts)
    published = consent = ""
    try:
        if not facts.http:
            published = _published(merged.event, dest, inputs)
            requests: list[OutboundRequest] = []
        elif facts.git or ptype == "githubdispatch":
            if inputs.check_access and facts.transport == providertypes.COMMIT_STATUS:
                requests = [gitstatus.access_request(dest)]
            else:
                requests = gitstatus.build_git_requests(merged.event, dest, version)
                consent = _consent(facts, dest)
            if config and config.commit_status_expr:
                warnings.append(
                    f"Provider {config.ref} sets spec.commitStatusExpr: test-send does not "
                    "evaluate CEL and uses the default status id"
                )
        elif ptype in ("sentry", "otel"):
            from fluxnotify.send import telemetry

            requests = [telemetry.build_request(merged.event, dest, version)]
        else:
            requests = build_requests(merged.event, dest, version)
    except PayloadError as exc:
        if placeholder:
            raise ConfigError(placeholder, hint=PLACEHOLDER_HINT) from None
        shown = str(exc)
        if config is not None and address is None and config.address in config.secrets:
            shown = Scrubber.for_urls([config.address])(shown)
        raise (ConfigError if config else UsageError)(shown) from None
    if inputs.check_access and facts.transport != providertypes.COMMIT_STATUS:
        raise UsageError("--check-access is for the commit-status and comment types")
    if not requests and not inputs.dry_run:
        raise UsageError(
            f"test-send cannot publish to {ptype}: Flux reaches it over "
            f"{_PROTOCOLS[ptype]}, not HTTP; --dry-run shows the message it would publish. "
            "To test delivery, apply the Provider and an Alert in a cluster and watch "
            "the Alert's events (kubectl describe alert)"
        )
    if not requests:
        requests = [OutboundRequest(url=dest.address, headers={}, body=b"", payload=None)]
    request = requests[0]
    for header, value in (item for r in requests for item in r.headers.items()):
        if header == "Authorization" and token and token in value:
            check_header(header, token, f"the token from {token_source}")
        else:
            origin = f" in the Secret of Provider {config.ref}" if config else ""
            check_header(header, value, f"the header {header}{origin}")

    parts = urlsplit(dest.address)
    if ptype == "slack" and not request.api_mode and "chat.postMessage" in parts.path:
        warnings.append(
            f"the address is not exactly {SLACK_API_URL}: Flux treats Slack's "
            "`ok: false` answers to it as success"
        )
    if request.api_mode and not token:
        warnings.append("chat.postMessage needs a bot token (the Secret's `token` key)")
    if request.api_mode and not channel:
        warnings.append(
            "chat.postMessage needs a channel (the Provider's `channel`, here --channel):"
            " Slack answers channel_not_found without one"
        )

    cert_pem, key_pem, cert_source = _client_cert(inputs, config, warnings)
    if cert_pem:
        trail.append(f"client certificate from {cert_source}")
    proxy = inputs.proxy or (config.proxy if config else None)
    if proxy:
        proxy_what = "--proxy" if inputs.proxy else f"the proxy of Provider {config and config.ref}"
        check_url(proxy, proxy_what, ("http", "https", "socks5", "socks5h"))
    settings = Settings(
        timeout=timeout or (config.timeout if config else DEFAULT_TIMEOUT),
        proxy=proxy,
        ca_pem=inputs.ca_pem or (config.ca_pem if config else None),
        cert_pem=cert_pem,
        key_pem=key_pem,
        cert_source=cert_source,
    )
    secrets = [
        given_token,
        inputs.env_token or "",  # even when not used: it is a credential all the same
        *(config.secrets if config else ()),
        inputs.proxy or "",
        *pem_secrets(inputs.key_pem),
        password,
    ]
    # request.url differs from the address for discord (the /slack endpoint); a URL with
    # a shown form (telegram) has its credential in the secrets already.
    from_secret = config is not None and address is None and config.address in config.secrets
    public = (
        "address" not in facts.credentials
        and facts.http
        and not from_secret
        # a webhook pasted as another type's address is a credential all the same
        and not (dest.address and credential_kind(dest.address))
    )
    urls = {dest.address, *(r.url for r in requests if not r.shown_url)}
    if public:
        # only the parts of these URLs that can hold a credential
        userinfo = (urlsplit(u) for u in urls if "://" in u)
        secrets += [p for u in userinfo for p in (u.username or "", u.password or "", u.query)]
        urls = set()
    if not facts.http:
        urls = {u for u in urls if "://" in u}
        # an Event Hubs connection string holds its key
        key = "address" in facts.credentials and "SharedAccessKey" in dest.address
        secrets.append(dest.address if key else "")
    scrub = Scrubber.for_urls(urls, secrets)
    return Plan(
        requests=tuple(requests),
        settings=settings,
        provider_type=ptype,
        channel=channel,
        scrub=scrub,
        warnings=tuple(scrub(w) for w in warnings),
        trail=tuple(scrub(t) for t in trail),
        placeholder=placeholder,
        consent=consent,
        published=published,
        access_check=inputs.check_access,
        public=public,
    )


_PROTOCOLS = {"googlepubsub": "gRPC", "azureeventhub": "AMQP", "nats": "the NATS protocol"}


def _consent(facts: providertypes.TypeFacts, dest: Destination) -> str:
    what = "a commit status" if facts.transport == providertypes.COMMIT_STATUS else "a comment"
    if facts.name == "githubdispatch":
        return ""
    from fluxnotify import gitrepo

    try:
        host, repo_id, _ = gitrepo.repository_id(dest.type, dest.address)
    except gitrepo.AddressError:
        return f"this posts {what} to the repository of {redact_url(dest.address)}"
    where = host.rsplit("@", 1)[-1].split("://", 1)[-1]
    return f"this posts {what} to {where}/{repo_id}"


def _published(event: events.Event, dest: Destination, inputs: Inputs) -> str:
    """What a non-HTTP type publishes, as text: where, then the message."""
    data = gojson.dumps(event.to_go()).decode("utf-8")
    if dest.type == "googlepubsub":
        if not dest.address or not dest.channel:
            raise PayloadError("googlepubsub needs the project ID (address) and topic (channel)")
        attributes = json.dumps(dict(sorted(dest.headers.items())), ensure_ascii=False)
        return (
            f"PUBLISH projects/{dest.address}/topics/{dest.channel}\n"
            f"attributes: {attributes if dest.headers else '(none)'}\n\n{data}"
        )
    if dest.type == "azureeventhub":
        if "SharedAccessKey" in dest.address:
            where = "the event hub of the connection string"
        else:
            namespace = dest.channel
            if ".servicebus." not in namespace:
                namespace += ".servicebus.windows.net"
            where = f"event hub {dest.address} in namespace {namespace}"
        return f"SEND to {where} (one event)\n\n{data}"
    if not dest.address or not dest.channel:
        raise PayloadError("nats needs the server URL (address) and the subject (channel)")
    return f"PUB {dest.channel} {len(data.encode())}\n\n{data}"


def shown_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Request headers safe to print: credentials replaced by ``<redacted>``."""
    shown: dict[str, str] = {}
    for key, value in headers.items():
        if key in _SHOWN_HEADERS:
            shown[key] = value
        elif key == "Authorization":
            shown[key] = value.split(" ", 1)[0] + " <redacted>"
        else:
            shown[key] = "<redacted>"
    return shown


def dry_run(plan: Plan, output_format: str) -> str:
    """The request lines, headers and exact bodies; nothing is sent."""
    if plan.published:
        if output_format == "json":
            doc = {"dry_run": True, "published": plan.published, "warnings": list(plan.warnings)}
            return plan.scrub(json.dumps(doc, ensure_ascii=False))
        return plan.scrub(plan.published)
    if output_format == "json":
        docs = [
            {
                "method": r.method,
                "url": shown_url(r, plan.public),
                "headers": shown_headers(r.headers),
                "payload": r.payload,
                **({"step": r.step} if r.step else {}),
            }
            for r in plan.requests
        ]
        doc = {"dry_run": True, **docs[0], "warnings": list(plan.warnings)}
        if len(docs) > 1:
            doc["requests"] = docs
        return plan.scrub(json.dumps(doc, ensure_ascii=False))
    blocks = []
    for r in plan.requests:
        lines = [f"# {r.step}"] if r.step and len(plan.requests) > 1 else []
        lines += [
            f"{r.method} {shown_url(r, plan.public)}",
            *(f"{k}: {v}" for k, v in shown_headers(r.headers).items()),
        ]
        if r.body:
            lines += ["", _body_text(r)]
        blocks.append("\n".join(lines))
    return plan.scrub("\n\n".join(blocks))


def _body_text(request: OutboundRequest) -> str:
    """The body as sent, or, for a binary one (OTLP protobuf), what it encodes."""
    try:
        return request.body.decode("utf-8")
    except UnicodeDecodeError:
        shown = json.dumps(request.payload, ensure_ascii=False, indent=2)
        return f"({len(request.body)} bytes of protobuf, encoding:)\n{shown}"


def run(plan: Plan, seam: Seam | None = None) -> tuple[Report, tuple[str, ...]]:
    """Send, and return the report plus the lines ``--verbose`` shows."""
    delivery = None
    verbose: list[str] = []
    request = plan.request
    for request in plan.requests:
        delivery = deliver(request, plan.settings, seam)
        verbose += [f"{request.step}: {line}" if request.step else line for line in delivery.trail]
        if not delivery.delivered:
            break
    assert delivery is not None
    report = explain(
        delivery,
        destination=shown_url(request, plan.public),
        provider_type=plan.provider_type,
        timeout=plan.settings.timeout,
        scrub=plan.scrub,
        channel=plan.channel,
        warnings=plan.warnings,
    )
    if plan.access_check and delivery.delivered:
        report = _access_report(plan, report, delivery.body)
    if delivery.body and not delivery.delivered:
        body = " ".join(delivery.body.split())[:300]
        verbose.append(f"response body: {body}")
    return report, tuple(plan.scrub(line) for line in verbose)


def _access_report(plan: Plan, report: Report, body: str) -> Report:
    """Whether the repository answer says the token may post statuses."""
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    where = plan.destination
    verdict = gitstatus.can_write(plan.provider_type, answer)
    if verdict is None:
        problem = (
            f"the token can read the repository at {where}; the answer does not say "
            "whether it may post commit statuses (try --dry-run, then --yes-post-status)"
        )
        return replace(report, problem=problem)
    if verdict:
        return replace(
            report, problem=f"the token can read the repository at {where} and may post statuses"
        )
    return replace(
        report,
        delivered=False,
        problem=f"the token can read the repository at {where} but may not post statuses",
        meaning="statuses need write (push) access, or a GitLab Developer role",
        fix="give the token write access to the repository",
    )
