"""init for every Provider type agrees with the controller facts (fluxnotify.providertypes)."""

from __future__ import annotations

import pytest
import yaml
from init_support import invoke, type_flags

from fluxnotify.errors import UsageError
from fluxnotify.generate.providers import TYPES, ChannelUse
from fluxnotify.providertypes import TYPES as FACTS
from fluxnotify.providertypes import required_missing


@pytest.mark.parametrize("provider_type", list(FACTS))
def test_the_secret_template_has_only_keys_the_type_reads(provider_type: str) -> None:
    result = invoke(["init", *type_flags(provider_type), "--stdout", "--secret-mode", "sops"])
    assert result.exit_code == 0, result.output
    docs = list(yaml.safe_load_all(result.stdout))
    secret = next(d for d in docs if d["kind"] == "Secret")
    keys = frozenset(secret.get("stringData") or secret.get("data") or {})
    facts = FACTS[provider_type]
    assert keys <= set(facts.keys), sorted(keys - set(facts.keys))
    if provider_type not in ("github", "githubdispatch", "githubpullrequestcomment"):
        assert required_missing(facts, keys) == []
    provider = next(d for d in docs if d["kind"] == "Provider")
    assert ("channel" in provider["spec"]) == (TYPES[provider_type].channel is ChannelUse.REQUIRED)


def test_channel_use_follows_the_facts() -> None:
    for name, info in TYPES.items():
        facts = FACTS[name]
        if not facts.channel:
            assert info.channel is ChannelUse.NONE, name
        if facts.channel_required:
            assert info.channel is ChannelUse.REQUIRED, name


@pytest.mark.parametrize(
    ("provider_type", "channel", "example"),
    [
        ("telegram", "flux-alerts", "-1001234567890"),
        ("matrix", "flux", "!flux:matrix.org"),
        ("zulip", "flux", "flux/alerts"),
        ("nats", "flux events", "flux.events"),
    ],
)
def test_a_channel_the_type_cannot_use_is_refused(
    provider_type: str, channel: str, example: str
) -> None:
    result = invoke(["init", "--type", provider_type, "--channel", channel, "--stdout"])
    assert isinstance(result.exception, UsageError)
    assert repr(channel) in str(result.exception)
    good = invoke(["init", "--type", provider_type, "--channel", example, "--stdout"])
    assert good.exit_code == 0, good.output


def test_discord_reads_no_channel() -> None:
    result = invoke(["init", "--type", "discord", "--channel", "ops", "--stdout"])
    assert isinstance(result.exception, UsageError)
    assert "does not read a channel" in str(result.exception)


def test_docs_init_has_a_section_per_type() -> None:
    import re
    from pathlib import Path

    page = (Path(__file__).resolve().parents[2] / "docs" / "init.md").read_text("utf-8")
    assert re.findall(r"^### `([a-z-]+)`$", page, re.M) == list(FACTS)
    for name, info in TYPES.items():
        body = page.split(f"### `{name}`\n", 1)[1].split("\n### ", 1)[0]
        for key in info.keys:
            assert f"`{key}`" in body, (name, key)
        assert f"fluxnotify init --type {name}" in body
