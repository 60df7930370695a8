"""What notification-controller v1.9.3 reads and sends for each of the 32 Provider types.

One table, read by test-send (which request to build), init (which Secret keys to ask
for), and the validate rules (which keys are required, never read, or credentials).
Facts from the controller at a release tag: ``internal/notifier/factory.go`` (which input
feeds which constructor argument), ``internal/server/event_handlers.go``
(``extractAuthFromSecret``: ``address``, ``proxy``, ``headers``, then ``token`` and the
``username``/``password`` pair for every type) and ``internal/notifier/<type>.go``, at
https://github.com/fluxcd/notification-controller/tree/v1.9.3/internal/notifier
(reference for maintainers: ../shared/reference/providers.md section 1).

NamedTuples, not dataclasses: ``secret-keys`` imports this module on every validate run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

#: How the controller talks to the service.
HTTP = "http"  # one or more HTTP requests per event, no state on the service side read first
COMMIT_STATUS = "commit-status"  # reads the commit's statuses, then posts one
CHANGE_REQUEST = "change-request"  # lists a pull/merge request's comments, creates or edits one
NON_HTTP = "non-http"  # gRPC (Pub/Sub), AMQP (Event Hubs), NATS

#: What ``address`` is to a type.
URL = "url"  # the URL posted to, as given
HOST = "host"  # only scheme://host[:port] is kept; the controller fixes the path
IGNORED = "ignored"  # never read (telegram)
REPOSITORY = "repository"  # a Git repository URL, parsed into host and owner/repo
OTHER = "other"  # not a URL: project ID, connection string or hub name, NATS server

#: Keys every notifier's Secret is read for (extractAuthFromSecret), whatever the type.
COMMON_KEYS = ("address", "token", "username", "password", "proxy")
#: Keys of a GitHub App installation (fluxcd/pkg git/github), read by the GitHub types.
GITHUB_APP_KEYS = (
    "githubAppID",
    "githubAppInstallationID",
    "githubAppInstallationOwner",
    "githubAppPrivateKey",
    "githubAppBaseURL",
)
#: TLS keys the commit-status types read from ``secretRef`` when there is no certSecretRef.
GIT_TLS_KEYS = ("ca.crt", "tls.crt", "tls.key")


class TypeFacts(NamedTuple):
    """One Provider type: inputs, transport, credentials and severity words.

    ``keys`` maps every Secret key the type reads to what goes there (init asks for
    these and nothing else; a key not here is never read for this type). ``required``
    lists keys without which the controller fails for every event: alternatives are
    ``a|b`` (either one). ``credentials`` are the keys whose value lets someone post.
    ``severity`` is what the type sends for (info, error).
    """

    name: str
    transport: str
    address: str  # URL, HOST, IGNORED, REPOSITORY or OTHER
    address_meaning: str
    address_required: bool
    channel: str  # what spec.channel means; "" when the type never reads it
    channel_required: bool
    username: str  # what spec.username / the Secret's username mean; "" when unused
    keys: Mapping[str, str]
    required: tuple[str, ...]
    credentials: frozenset[str]
    severity: tuple[str, str]
    proxy: bool
    tls: bool
    example_address: str = ""
    #: the Secret's ``password`` stands in for an empty ``token`` (factory.go)
    password_as_token: bool = False

    @property
    def http(self) -> bool:
        return self.transport != NON_HTTP

    @property
    def git(self) -> bool:
        """Posts to a Git host API about a commit or a change request."""
        return self.transport in (COMMIT_STATUS, CHANGE_REQUEST)

    @property
    def reads_token(self) -> bool:
        return "token" in self.keys

    @property
    def basic_auth(self) -> bool:
        """Reads the ``username``/``password`` pair from the Secret as credentials."""
        return "password" in self.keys


def _t(
    name: str,
    transport: str,
    address: str,
    address_meaning: str,
    keys: Mapping[str, str],
    *,
    severity: tuple[str, str],
    address_required: bool = False,
    channel: str = "",
    channel_required: bool = False,
    username: str = "",
    required: tuple[str, ...] = (),
    credentials: tuple[str, ...] = ("token", "password"),
    proxy: bool = True,
    tls: bool = True,
    example_address: str = "",
    password_as_token: bool = False,
) -> TypeFacts:
    base: dict[str, str] = {}
    if address != IGNORED:
        base["address"] = address_meaning
    if proxy:
        base["proxy"] = "proxy URL (deprecated: use spec.proxySecretRef)"
    return TypeFacts(
        name=name,
        transport=transport,
        address=address,
        address_meaning=address_meaning,
        address_required=address_required,
        channel=channel,
        channel_required=channel_required,
        username=username,
        keys=base | dict(keys),
        required=required,
        credentials=frozenset(k for k in credentials if k in base or k in keys),
        severity=severity,
        proxy=proxy,
        tls=tls,
        example_address=example_address,
        password_as_token=password_as_token,
    )


_WEBHOOK = ("address", "token", "password")  # a webhook URL is the credential itself
_POST_AS = "the name messages are posted as"
_GITHUB_KEYS = {
    "token": "a GitHub token (personal access token or fine-grained token)",
    "password": "used as the token when `token` is empty",
    **dict.fromkeys(GITHUB_APP_KEYS, "GitHub App authentication, instead of a token"),
    **dict.fromkeys(GIT_TLS_KEYS, "TLS for the Git host (when there is no certSecretRef)"),
}
_GITLAB_KEYS = {
    "token": "a GitLab access token with the api scope (sent as PRIVATE-TOKEN)",
    "password": "used as the token when `token` is empty",
    **dict.fromkeys(GIT_TLS_KEYS, "TLS for the Git host (when there is no certSecretRef)"),
}
_GITEA_KEYS = {
    "token": "a Gitea access token (sent as `Authorization: token ...`)",
    "password": "used as the token when `token` is empty",
    **dict.fromkeys(GIT_TLS_KEYS, "TLS for the Git host (when there is no certSecretRef)"),
}
#: markdown.go: the emoji of info and error comment and Zulip posts
_INFO_EMOJI, _ERROR_EMOJI = "\u2139\ufe0f", "\u26a0\ufe0f"
_GIT_CREDENTIALS = ("token", "password", "githubAppPrivateKey", "tls.key")

_ALL: tuple[TypeFacts, ...] = (
    _t(
        "slack", HTTP, URL, "the incoming webhook URL, or https://slack.com/api/chat.postMessage",
        {"token": "a bot token (xoxb-...) for chat.postMessage"},
        severity=("good", "danger"), address_required=True, channel="the channel to post to",
        username=_POST_AS, credentials=_WEBHOOK,
        example_address="https://hooks.slack.com/services/T0/B0/XXXX",
    ),
    _t(
        "discord", HTTP, URL, "the Discord webhook URL (/slack is appended)", {},
        severity=("good", "danger"), address_required=True, username=_POST_AS,
        credentials=_WEBHOOK, tls=False,
        example_address="https://discord.com/api/webhooks/ID/TOKEN",
    ),
    _t(
        "rocket", HTTP, URL, "the Rocket.Chat incoming webhook URL", {},
        severity=("#0076D7", "#FF0000"), address_required=True,
        channel="the channel to post to", username=_POST_AS, credentials=_WEBHOOK,
        example_address="https://rocket.example.com/hooks/ID/TOKEN",
    ),
    _t(
        "msteams", HTTP, URL, "the Microsoft Teams workflow or connector webhook URL", {},
        severity=("0076D7", "FF0000"), address_required=True, credentials=_WEBHOOK,
        example_address="https://prod-00.westeurope.logic.azure.com/workflows/ID/triggers/manual/paths/invoke?sig=SIG",
    ),
    _t(
        "googlechat", HTTP, URL, "the Google Chat space webhook URL", {},
        severity=("", '<font color="#ff0000">'), address_required=True,
        credentials=_WEBHOOK, tls=False,
        example_address="https://chat.googleapis.com/v1/spaces/SPACE/messages?key=KEY&token=TOKEN",
    ),
    _t(
        "lark", HTTP, URL, "the Lark custom bot webhook URL", {},
        severity=("turquoise", "red"), address_required=True, credentials=_WEBHOOK,
        proxy=False, tls=False,
        example_address="https://open.larksuite.com/open-apis/bot/v2/hook/TOKEN",
    ),
    _t(
        "webex", HTTP, URL, "the Webex messages API URL",
        {"token": "the Webex bot access token (Bearer)"},
        severity=("✅", "💣"), address_required=True, channel="the Webex room ID",
        example_address="https://webexapis.com/v1/messages",
    ),
    _t(
        "telegram", HTTP, IGNORED, "never read: the controller posts to https://api.telegram.org",
        {"token": "the bot token from @BotFather (goes into the URL path)"},
        severity=("💫", "🚨"), channel="the chat ID, or CHAT_ID:THREAD_ID for a topic",
        channel_required=True, required=("token",), tls=False,
    ),
    _t(
        "matrix", HTTP, URL, "the Matrix homeserver base URL",
        {"token": "the access token of the posting account (Bearer)"},
        severity=("💫", "🚨"), address_required=True, channel="the room ID (!id:server)",
        proxy=False, example_address="https://matrix.example.org",
    ),
    _t(
        "zulip", HTTP, HOST, "the Zulip server URL (the controller posts to /api/v1/messages)",
        {
            "username": "the bot's email address",
            "password": "the bot's API key",
        },
        severity=(_INFO_EMOJI, _ERROR_EMOJI), address_required=True, channel="STREAM/TOPIC",
        channel_required=True, username="the bot's email address (basic auth user)",
        required=("username", "password"), example_address="https://example.zulipchat.com",
    ),
    _t(
        "generic", HTTP, URL, "the webhook URL",
        {"headers": "extra HTTP headers, a YAML map"},
        severity=("info", "error"), address_required=True,
        credentials=("address", "headers"), example_address="https://hooks.example.com/flux",
    ),
    _t(
        "generic-hmac", HTTP, URL, "the webhook URL",
        {
            "token": "the HMAC-SHA256 key for the X-Signature header",
            "headers": "extra HTTP headers, a YAML map",
        },
        severity=("info", "error"), address_required=True, required=("token",),
        credentials=("address", "token", "headers"),
        example_address="https://hooks.example.com/flux",
    ),
    _t(
        "opsgenie", HTTP, URL, "the Opsgenie alerts API URL",
        {"token": "the Opsgenie API integration key (GenieKey)"},
        severity=("info", "error"), address_required=True, required=("token",),
        example_address="https://api.opsgenie.com/v2/alerts",
    ),
    _t(
        "pagerduty", HTTP, HOST, "the PagerDuty events host (the controller posts to /v2/enqueue)",
        {}, severity=("resolve", "trigger"), address_required=True,
        channel="the integration (routing) key of the service", channel_required=True,
        example_address="https://events.pagerduty.com",
    ),
    _t(
        "alertmanager", HTTP, URL, "the Alertmanager alerts API URL",
        {
            "token": "a Bearer token, if Alertmanager sits behind auth",
            "username": "basic auth user (replaces the token when a password is set too)",
            "password": "basic auth password",
        },
        severity=("info", "error"), address_required=True, username="basic auth user",
        example_address="https://alertmanager.example.com/api/v2/alerts/",
    ),
    _t(
        "datadog", HTTP, HOST, "the Datadog API host (the controller posts to /api/v1/events)",
        {"token": "the Datadog API key (DD-API-KEY)"},
        severity=("info", "error"), address_required=True, required=("token",),
        example_address="https://api.datadoghq.com",
    ),
    _t(
        "grafana", HTTP, URL, "the Grafana annotations API URL",
        {
            "token": "a service account token (Bearer)",
            "username": "basic auth user, used when there is no token",
            "password": "basic auth password",
        },
        severity=("info", "error"), address_required=True, username="basic auth user",
        example_address="https://grafana.example.com/api/annotations",
    ),
    _t(
        "sentry", HTTP, URL, "the Sentry project DSN", {},
        severity=("info", "error"), address_required=True, channel="the Sentry environment",
        credentials=("address",), proxy=False,
        example_address="https://PUBLIC_KEY@o0.ingest.sentry.io/0",
    ),
    _t(
        "otel", HTTP, URL, "the OTLP/HTTP traces endpoint",
        {
            "headers": "HTTP headers, a YAML map (Authorization is added only when it is set)",
            "token": "Bearer token (or the basic auth password with a username)",
            "username": "basic auth user for the token",
            "password": "used as the token when `token` is empty",
        },
        severity=("Ok", "Error"), address_required=True, username="basic auth user",
        credentials=("token", "password", "headers"), password_as_token=True,
        example_address="https://otel-collector.example.com:4318/v1/traces",
    ),
    _t(
        "githubdispatch", HTTP, REPOSITORY, "the GitHub repository URL", _GITHUB_KEYS,
        severity=("info", "error"), address_required=True, required=("token|githubAppID",),
        credentials=_GIT_CREDENTIALS, password_as_token=True,
        example_address="https://github.com/ORG/REPO",
    ),
    _t(
        "github", COMMIT_STATUS, REPOSITORY, "the GitHub repository URL", _GITHUB_KEYS,
        severity=("success", "failure"), address_required=True,
        required=("token|githubAppID",), credentials=_GIT_CREDENTIALS, password_as_token=True,
        example_address="https://github.com/ORG/REPO",
    ),
    _t(
        "gitlab", COMMIT_STATUS, REPOSITORY, "the GitLab project URL", _GITLAB_KEYS,
        severity=("success", "failed"), address_required=True, required=("token|password",),
        credentials=_GIT_CREDENTIALS, proxy=False, password_as_token=True,
        example_address="https://gitlab.com/GROUP/PROJECT",
    ),
    _t(
        "gitea", COMMIT_STATUS, REPOSITORY, "the Gitea repository URL", _GITEA_KEYS,
        severity=("success", "failure"), address_required=True, required=("token|password",),
        credentials=_GIT_CREDENTIALS, password_as_token=True,
        example_address="https://gitea.example.com/ORG/REPO",
    ),
    _t(
        "bitbucket", COMMIT_STATUS, REPOSITORY,
        "the Bitbucket Cloud repository URL (the host is ignored)",
        {
            "token": "USERNAME:APP_PASSWORD",
            **dict.fromkeys(GIT_TLS_KEYS, "TLS for the Git host (when there is no certSecretRef)"),
        },
        severity=("SUCCESSFUL", "FAILED"), address_required=True, required=("token",),
        credentials=_GIT_CREDENTIALS, proxy=False,
        example_address="https://bitbucket.org/WORKSPACE/REPO",
    ),
    _t(
        "bitbucketserver", COMMIT_STATUS, REPOSITORY,
        "the HTTPS clone URL of the repository (with /scm/)",
        {
            "token": "an HTTP access token (Bearer)",
            "username": "basic auth user, when there is no token (in the Secret, with password)",
            "password": "basic auth password",
            **dict.fromkeys(GIT_TLS_KEYS, "TLS for the Git host (when there is no certSecretRef)"),
        },
        severity=("SUCCESSFUL", "FAILED"), address_required=True,
        required=("token|username+password",), username="basic auth user",
        credentials=_GIT_CREDENTIALS, proxy=False,
        example_address="https://bitbucket.example.com/scm/PROJECT/repo.git",
    ),
    _t(
        "azuredevops", COMMIT_STATUS, REPOSITORY,
        "the repository URL https://dev.azure.com/ORG/PROJECT/_git/REPO",
        {
            "token": "a personal access token (or spec.serviceAccountName for workload identity)",
            **dict.fromkeys(GIT_TLS_KEYS, "TLS for the Git host (when there is no certSecretRef)"),
        },
        severity=("succeeded", "error"), address_required=True,
        credentials=_GIT_CREDENTIALS,
        example_address="https://dev.azure.com/ORG/PROJECT/_git/REPO",
    ),
    _t(
        "githubpullrequestcomment", CHANGE_REQUEST, REPOSITORY, "the GitHub repository URL",
        _GITHUB_KEYS, severity=(_INFO_EMOJI, _ERROR_EMOJI), address_required=True,
        required=("token|githubAppID",), credentials=_GIT_CREDENTIALS, password_as_token=True,
        example_address="https://github.com/ORG/REPO",
    ),
    _t(
        "gitlabmergerequestcomment", CHANGE_REQUEST, REPOSITORY, "the GitLab project URL",
        _GITLAB_KEYS, severity=(_INFO_EMOJI, _ERROR_EMOJI), address_required=True,
        required=("token|password",), credentials=_GIT_CREDENTIALS, proxy=False,
        password_as_token=True, example_address="https://gitlab.com/GROUP/PROJECT",
    ),
    _t(
        "giteapullrequestcomment", CHANGE_REQUEST, REPOSITORY, "the Gitea repository URL",
        _GITEA_KEYS, severity=(_INFO_EMOJI, _ERROR_EMOJI), address_required=True,
        required=("token|password",), credentials=_GIT_CREDENTIALS, password_as_token=True,
        example_address="https://gitea.example.com/ORG/REPO",
    ),
    _t(
        "googlepubsub", NON_HTTP, OTHER, "the Google Cloud project ID",
        {
            "token": "a service account JSON key (else workload identity)",
            "headers": "message attributes, a YAML map",
        },
        severity=("info", "error"), address_required=True, channel="the Pub/Sub topic ID",
        channel_required=True, credentials=("token",), tls=False,
        example_address="my-gcp-project",
    ),
    _t(
        "azureeventhub", NON_HTTP, OTHER,
        "an Event Hubs connection string (with SharedAccessKey), or the hub name",
        {"token": "a JWT (deprecated; else managed identity)"},
        severity=("info", "error"), address_required=True,
        channel="the Event Hubs namespace (when the address is a hub name)",
        credentials=("address", "token"), tls=False,
        example_address="Endpoint=sb://NS.servicebus.windows.net/;SharedAccessKeyName=N;SharedAccessKey=KEY;EntityPath=HUB",
    ),
    _t(
        "nats", NON_HTTP, OTHER, "the NATS server URL",
        {
            "creds": "a NATS user credentials (.creds) file",
            "nkey": "an NKey seed",
            "username": "NATS user (with password)",
            "password": "NATS password",
        },
        severity=("info", "error"), address_required=True, channel="the NATS subject",
        channel_required=True, username="NATS user", credentials=("creds", "nkey", "password"),
        proxy=False, tls=False, example_address="nats://nats.example.com:4222",
    ),
)  # fmt: skip

#: Every Provider type of Flux 2.9 (notification-controller v1.9.3), by name.
TYPES: dict[str, TypeFacts] = {facts.name: facts for facts in _ALL}
#: Types test-send can reach over HTTP (29 of 32).
HTTP_TYPES = tuple(name for name, facts in TYPES.items() if facts.http)
COMMIT_STATUS_TYPES = tuple(n for n, f in TYPES.items() if f.transport == COMMIT_STATUS)
CHANGE_REQUEST_TYPES = tuple(n for n, f in TYPES.items() if f.transport == CHANGE_REQUEST)
NON_HTTP_TYPES = tuple(n for n, f in TYPES.items() if f.transport == NON_HTTP)


def facts(provider_type: str) -> TypeFacts | None:
    """The facts of ``provider_type``, or None for a type Flux does not know."""
    return TYPES.get(provider_type)


def required_missing(facts: TypeFacts, keys: frozenset[str]) -> list[str]:
    """The required entries of ``facts.required`` that ``keys`` does not satisfy."""
    missing = []
    for need in facts.required:
        options = need.split("|")
        if not any(all(part in keys for part in option.split("+")) for option in options):
            missing.append(need)
    return missing


def never_read(facts: TypeFacts, keys: frozenset[str]) -> list[str]:
    """Keys of the Secret that the controller never uses for this type, sorted.

    A Secret ``username`` (with its ``password``) replaces ``spec.username``, so it counts
    as used wherever the type reads a username at all.
    """
    used = set(facts.keys) | ({"username"} if facts.username else set())
    return sorted(keys - used)
