"""What each service's own failure answers mean, and what to change in the Provider.

The answers are the services' documented error replies (Telegram Bot API, PagerDuty
Events API v2, Opsgenie Alert API, Matrix client-server API, Datadog API, the Git hosts'
REST APIs); the fixes name the Provider field or Secret key that notification-controller
reads for that input (fluxnotify.providertypes).
"""

from __future__ import annotations

import json
from typing import Any

Advice = tuple[str, str]

_TOKEN = "check the token in the Secret's `token` (here: --token-env VAR or FLUXNOTIFY_TOKEN)"


def _answer(body: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _text(answer: Any, *keys: str) -> str:
    """The first string under one of ``keys`` (lists of strings joined), lower case."""
    if not isinstance(answer, dict):
        return ""
    for key in keys:
        value = answer.get(key)
        if isinstance(value, list):
            value = " ".join(str(v) for v in value)
        if isinstance(value, str) and value:
            return value.lower()
    return ""


def _telegram(status: int, answer: Any) -> Advice | None:
    text = _text(answer, "description")
    if "chat not found" in text:
        return (
            "the chat ID is wrong, or the bot is not a member of that chat",
            "set the Provider's `channel` to the chat ID (a group's starts with -100) and "
            "add the bot to the chat",
        )
    if "thread not found" in text or "message thread" in text:
        return (
            "the topic (thread) ID after the ':' in the channel does not exist",
            "set `channel` to CHAT_ID:THREAD_ID with the topic's ID, or only CHAT_ID",
        )
    if "can't parse entities" in text:
        return ("Telegram could not parse the MarkdownV2 text", "shorten or simplify the message")
    if status in (401, 404):
        return ("Telegram does not know this bot token", f"{_TOKEN}: the token from @BotFather")
    if status == 403:
        return ("the bot was blocked or removed from the chat", "add the bot to the chat again")
    return None


def _pagerduty(status: int, answer: Any) -> Advice | None:
    text = _text(answer, "errors", "message")
    if "routing key" in text:
        return (
            "PagerDuty does not know this routing key",
            "set the Provider's `channel` to the Integration Key of an Events API v2 "
            "integration of the service",
        )
    if status == 400:
        return ("PagerDuty refused the event", "check the Provider's `channel` (routing key)")
    return None


def _opsgenie(status: int, answer: Any) -> Advice | None:
    if status in (401, 403):
        return ("Opsgenie refused the API key", f"{_TOKEN}: an API integration key")
    if status == 422:
        return (
            "Opsgenie could not process the alert: the API key may belong to another "
            "region (api.eu.opsgenie.com) or lack create rights",
            "check the address region and the integration's access rights",
        )
    return None


def _matrix(status: int, answer: Any) -> Advice | None:
    code = _text(answer, "errcode")
    if code == "m_forbidden":
        return (
            "the account of the token is not in the room, or may not post there",
            "invite the account to the room and accept, or fix the Provider's `channel` "
            "(the room ID, !id:server)",
        )
    if code in ("m_unknown_token", "m_missing_token"):
        return ("the homeserver does not accept the access token", _TOKEN)
    if status == 404:
        return (
            "the homeserver has no such room, or the address is not the homeserver",
            "check the Provider's `channel` (room ID) and the address (homeserver base URL)",
        )
    return None


def _datadog(status: int, answer: Any) -> Advice | None:
    if status == 403:
        return (
            "Datadog refused the API key: wrong key, or a key of another Datadog site",
            f"{_TOKEN}, and set the address to your site (api.datadoghq.eu, us5...)",
        )
    return None


def _git(status: int, answer: Any, provider_type: str) -> Advice | None:
    text = _text(answer, "message", "error")
    if status == 422 and "no commit found" in text:
        return (
            "the commit is not in the repository the Provider's address names: the "
            "address points to another repository, or the revision is wrong",
            "set the Provider's address to the repository the GitRepository syncs from",
        )
    if status == 401:
        return (f"{provider_type} does not accept the token", _TOKEN)
    if status == 403:
        return (
            "the token may not post statuses to this repository",
            "give the token write access (GitHub: statuses or repo scope; GitLab: api "
            "scope and Developer role)",
        )
    if status == 404:
        return (
            "the repository or commit is not there, or the token cannot see it",
            "check the owner/repo in the address, the commit SHA, and the token's access",
        )
    return None


def advice(provider_type: str, status: int | None, body: str) -> Advice | None:
    """(meaning, fix) for a failure answer of ``provider_type``'s service, if known."""
    if status is None:
        return None
    answer = _answer(body)
    if provider_type == "telegram":
        return _telegram(status, answer)
    if provider_type == "pagerduty":
        return _pagerduty(status, answer)
    if provider_type == "opsgenie":
        return _opsgenie(status, answer)
    if provider_type == "matrix":
        return _matrix(status, answer)
    if provider_type == "datadog":
        return _datadog(status, answer)
    if provider_type in (
        "github",
        "gitlab",
        "gitea",
        "bitbucket",
        "bitbucketserver",
        "azuredevops",
        "githubdispatch",
        "githubpullrequestcomment",
        "gitlabmergerequestcomment",
        "giteapullrequestcomment",
    ):
        return _git(status, answer, provider_type)
    return None


def error_text(body: str) -> str:
    """A service's short error text (Telegram ``description``, Matrix ``errcode``...)."""
    answer = _answer(body)
    for keys in (("description",), ("errcode",), ("errors",), ("message",)):
        text = _text(answer, *keys)
        if text:
            return text[:120]
    return ""
