"""What may be printed of a webhook URL (reference 8: host and a few characters at most)."""

from __future__ import annotations

import pytest

from fluxnotify.redact import (
    Scrubber,
    host_of,
    is_token,
    redact_url,
    scrub_text,
    secrets_in,
    url_outline,
)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://hooks.slack.com/services/T0/B0/abc", "https://hooks.slack.com/services/…"),
        ("https://discord.com/api/webhooks/1/tok", "https://discord.com/api/…"),
        ("https://x.example/averyveryverylongsegment/s", "https://x.example/averyveryver/…"),
        ("https://x.example/onlysecret", "https://x.example/…"),
        ("https://x.example/?key=k&token=t", "https://x.example/…"),
        ("https://user:pw@x.example:8443/a/b", "https://x.example:8443/a/…"),
        ("http://[::1]:8080/a/b", "http://[::1]:8080/a/…"),
        ("https://x.example", "https://x.example"),
        ("https://slack.com/api/chat.postMessage", "https://slack.com/api/chat.postMessage"),
        ("https://slack.com/api/chat.postMessage/", "https://slack.com/api/chat.postMessage/"),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_host_of_drops_credentials() -> None:
    assert host_of("https://u:p@hooks.example:444/x") == "hooks.example:444"


def test_scrubber_removes_every_secret_piece() -> None:
    url = "https://hooks.slack.com/services/T0AAAA/B0BBBB/cccccccc?x=qqqqqq"
    scrub = Scrubber.for_urls([url, "https://slack.com/api/chat.postMessage"], ["xoxb-token", ""])
    text = f"POST {url} to hooks.slack.com; /services/T0AAAA/B0BBBB/cccccccc; xoxb-token; x=qqqqqq"
    cleaned = scrub(text)
    for secret in ("T0AAAA", "B0BBBB", "cccccccc", "xoxb-token", "qqqqqq"):
        assert secret not in cleaned
    assert "hooks.slack.com" in cleaned
    assert (
        scrub("https://slack.com/api/chat.postMessage") == "https://slack.com/api/chat.postMessage"
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("https://hooks.slack.com/services/T0/B0/abc", "https://hooks.slack.com/..."),
        ("https://user:pw@x.example:8443/a", "https://x.example:8443/..."),
        ("https://x.example", "https://x.example"),
        ("hooks.slack.com/services/T0", "hooks.slack.com/..."),
        ("https://x.example?token=t", "https://x.example/..."),
        ("not a url at all", "not/..."),
    ],
)
def test_url_outline_keeps_scheme_and_host_only(value: str, shown: str) -> None:
    assert url_outline(value) == shown


@pytest.mark.parametrize(
    ("word", "token"),
    [
        ("xoxb-1-2-abc", True),
        ("ghp_abc", True),
        ("123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", True),
        ("aB3dE6gH9jK2mN5pQ8sT", True),
        ("0123456789abcdef0123456789abcdef", True),
        ("clusters/Prod2/alerts/provider.yaml", False),
        ("fluxnotify-test-object", False),
        ("Kustomization", False),
        ("--event-severity", False),
    ],
)
def test_is_token(word: str, token: bool) -> None:
    assert is_token(word) is token


def test_scrub_hides_urls_tokens_and_given_secrets() -> None:
    text = (
        "got unexpected extra argument(s) (https://hooks.slack.com/services/T1/B2/s3cr3tPart"
        " xoxb-11-22-s3cr3tTok plainword) and 'hunter22'"
    )
    cleaned = scrub_text(text, ["hunter22"])
    assert cleaned == (
        "got unexpected extra argument(s) (https://hooks.slack.com/... … plainword) and '…'"
    )


def test_secrets_in_the_command_line() -> None:
    args = [
        "test-send",
        "--address=https://h.example/a/b",
        "https://h.example",
        "xoxb-1-2-3",
        "--channel",
        "general",
    ]
    assert secrets_in(args) == ["https://h.example/a/b", "xoxb-1-2-3"]
