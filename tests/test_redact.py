"""What may be printed of a webhook URL (reference 8: host and a few characters at most)."""

from __future__ import annotations

import pytest

from fluxnotify.redact import Scrubber, host_of, redact_url, url_outline


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
