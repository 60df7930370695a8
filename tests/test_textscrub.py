"""What an error message may echo of what the user typed: hosts, never paths or tokens."""

from __future__ import annotations

import pytest

from fluxnotify.textscrub import is_token, outline_url, scrub, secrets_in


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://hooks.slack.com/services/T0/B0/abc", "https://hooks.slack.com/…"),
        ("https://user:pw@x.example:8443", "https://x.example:8443/…"),
        ("https://x.example?token=t", "https://x.example/…"),
        ("https://x.example", "https://x.example"),
        ("http://[::1]:8080/a", "http://[::1]:8080/…"),
        ("https://host:99999/a/s3cr3t", "https://host:99999/…"),
        ("http://[::1/a/s3cr3t", "http://[::1/…"),
    ],
)
def test_outline_url_keeps_scheme_and_host_only(url: str, shown: str) -> None:
    assert outline_url(url) == shown


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
    cleaned = scrub(text, ["hunter22"])
    assert cleaned == (
        "got unexpected extra argument(s) (https://hooks.slack.com/… … plainword) and '…'"
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
