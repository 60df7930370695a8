"""What each Provider type needs: Secret keys, channel, and the words to ask for them.

Facts from ../shared/reference/flux-notification-api.md 3a and 3b (the notifier
constructors in notification-controller's ``internal/notifier/factory.go``): which
inputs each type reads, and which of them the controller requires.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

SLACK_API_ADDRESS = "https://slack.com/api/chat.postMessage"


class ChannelUse(Enum):
    """Whether a type reads ``spec.channel`` and whether it fails without it."""

    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


@dataclass(frozen=True)
class TypeInfo:
    """The inputs one Provider type reads.

    ``keys`` maps each Secret key the type needs to what a person must put there.
    ``routable`` says whether one credential can post to several channels, which
    is what ``--route`` relies on (a webhook is bound to the channel it was made for).
    """

    keys: dict[str, str]
    channel: ChannelUse = ChannelUse.NONE
    channel_label: str = "channel"
    routable: bool = False
    username: bool = False
    address_is_url: bool = True
    spec_address: str | None = None
    commit_status: bool = False
    channel_format: str | None = None


def _git(host: str, token: str, *, commit_status: bool = False) -> TypeInfo:
    return TypeInfo(
        keys={"address": f"the {host} repository URL", "token": token},
        commit_status=commit_status,
    )


SLACK_BOT = TypeInfo(
    keys={"token": "the Slack bot token (xoxb-...)"},
    channel=ChannelUse.REQUIRED,
    channel_label="Slack channel the bot posts to (e.g. #flux-alerts)",
    routable=True,
    username=True,
    spec_address=SLACK_API_ADDRESS,
)

TYPES: dict[str, TypeInfo] = {
    "slack": TypeInfo(
        keys={"address": "the Slack incoming webhook URL (https://hooks.slack.com/services/...)"},
        channel=ChannelUse.OPTIONAL,
        channel_label="Slack channel",
        username=True,
    ),
    # discord.go accepts a channel and never sends it: init does not ask for one.
    "discord": TypeInfo(keys={"address": "the Discord webhook URL"}, username=True),
    "rocket": TypeInfo(
        keys={"address": "the Rocket.Chat incoming webhook URL"},
        channel=ChannelUse.OPTIONAL,
        username=True,
    ),
    "msteams": TypeInfo(keys={"address": "the Microsoft Teams webhook URL"}),
    "googlechat": TypeInfo(keys={"address": "the Google Chat webhook URL"}),
    "lark": TypeInfo(keys={"address": "the Lark webhook URL"}),
    "generic": TypeInfo(keys={"address": "the webhook URL"}),
    "generic-hmac": TypeInfo(keys={"address": "the webhook URL", "token": "the HMAC key"}),
    "alertmanager": TypeInfo(
        keys={"address": "the Alertmanager URL (https://HOST/api/v2/alerts/)"}
    ),
    "otel": TypeInfo(keys={"address": "the OpenTelemetry endpoint URL"}),
    "grafana": TypeInfo(
        keys={
            "address": "the Grafana annotations URL (https://HOST/api/annotations)",
            "token": "the Grafana service account token",
        }
    ),
    "opsgenie": TypeInfo(
        keys={
            "address": "the Opsgenie alerts URL (https://api.opsgenie.com/v2/alerts)",
            "token": "the Opsgenie API key",
        }
    ),
    "datadog": TypeInfo(
        keys={
            "address": "the Datadog API URL (https://api.datadoghq.com)",
            "token": "the Datadog API key",
        }
    ),
    "sentry": TypeInfo(
        keys={"address": "the Sentry DSN"},
        channel=ChannelUse.OPTIONAL,
        channel_label="Sentry environment",
        routable=True,
    ),
    "azureeventhub": TypeInfo(
        keys={"address": "the Event Hub connection string"},
        channel=ChannelUse.OPTIONAL,
        channel_label="Event Hubs namespace (only when the address is a hub name)",
        address_is_url=False,
    ),
    "pagerduty": TypeInfo(
        keys={"address": "the PagerDuty events URL (https://events.pagerduty.com)"},
        channel=ChannelUse.REQUIRED,
        channel_label="PagerDuty routing key",
        routable=True,
    ),
    "nats": TypeInfo(
        keys={"address": "the NATS server URL (nats://HOST:4222)"},
        channel=ChannelUse.REQUIRED,
        channel_label="NATS subject",
        routable=True,
    ),
    "telegram": TypeInfo(
        keys={"token": "the Telegram bot token"},
        channel=ChannelUse.REQUIRED,
        channel_label="Telegram chat ID",
        routable=True,
    ),
    "matrix": TypeInfo(
        keys={"address": "the Matrix homeserver URL", "token": "the Matrix access token"},
        channel=ChannelUse.REQUIRED,
        channel_label="Matrix room ID",
        routable=True,
    ),
    "webex": TypeInfo(
        keys={
            "address": "the Webex messages URL (https://webexapis.com/v1/messages)",
            "token": "the Webex bot token",
        },
        channel=ChannelUse.REQUIRED,
        channel_label="Webex room ID",
        routable=True,
    ),
    "googlepubsub": TypeInfo(
        keys={
            "address": "the Google Cloud project ID",
            "token": "the service account JSON key",
        },
        channel=ChannelUse.REQUIRED,
        channel_label="Pub/Sub topic",
        routable=True,
        address_is_url=False,
    ),
    "zulip": TypeInfo(
        keys={
            "address": "the Zulip server URL",
            "username": "the Zulip bot email",
            "password": "the Zulip bot API key",
        },
        channel=ChannelUse.REQUIRED,
        channel_label="Zulip channel/topic",
        routable=True,
        channel_format="/",
    ),
    "github": _git("GitHub", "a GitHub token that may set commit statuses", commit_status=True),
    "gitlab": _git("GitLab", "a GitLab token with the api scope", commit_status=True),
    "gitea": _git("Gitea", "a Gitea token", commit_status=True),
    "bitbucket": _git("Bitbucket", "USERNAME:APP_PASSWORD", commit_status=True),
    "bitbucketserver": _git(
        "Bitbucket Server", "a Bitbucket Server HTTP access token", commit_status=True
    ),
    "azuredevops": _git(
        "Azure DevOps", "an Azure DevOps personal access token", commit_status=True
    ),
    "githubdispatch": _git("GitHub", "a GitHub token that may dispatch repository events"),
    "githubpullrequestcomment": _git("GitHub", "a GitHub token that may comment on pull requests"),
    "gitlabmergerequestcomment": _git("GitLab", "a GitLab token with the api scope"),
    "giteapullrequestcomment": _git("Gitea", "a Gitea token that may comment on pull requests"),
}


def type_info(provider_type: str, *, slack_token: bool = False) -> TypeInfo:
    """The inputs of ``provider_type``; Slack depends on webhook or bot-token mode."""
    if provider_type == "slack" and slack_token:
        return SLACK_BOT
    return TYPES[provider_type]
