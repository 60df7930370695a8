"""The per-type facts table against the controller facts it was written from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fluxnotify import fluxversion, providertypes
from fluxnotify.providertypes import TYPES, never_read, required_missing


def test_the_table_has_every_type_flux_29_serves() -> None:
    assert sorted(TYPES) == sorted(fluxversion.provider_types("2.9"))
    assert len(providertypes.HTTP_TYPES) == 29
    assert set(providertypes.NON_HTTP_TYPES) == {"googlepubsub", "azureeventhub", "nats"}
    assert set(providertypes.COMMIT_STATUS_TYPES) == {
        "github", "gitlab", "gitea", "bitbucket", "bitbucketserver", "azuredevops",
    }  # fmt: skip


DASH = "\u2013"  # the reference tables' en dash: input not read


def _summary_rows(shared: Path) -> dict[str, list[str]]:
    text = (shared / "reference" / "providers.md").read_text(encoding="utf-8")
    section = text.split("## 1. Summary", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 9 and cells[0] in TYPES:
            rows[cells[0]] = cells
    return rows


@pytest.mark.needs_shared
def test_each_row_agrees_with_the_reference_summary(shared: Path) -> None:
    rows = _summary_rows(shared)
    assert sorted(rows) == sorted(TYPES)
    for name, (_, category, transport, address, channel, token, proxy, tls, _) in rows.items():
        facts = TYPES[name]
        assert facts.http == transport.startswith("HTTP"), name
        assert (facts.transport == "commit-status") == (category == "commit status"), name
        assert (facts.channel == "") == channel.startswith(DASH), name
        assert ("token" not in facts.keys) == token.startswith(DASH), name
        assert facts.proxy == (proxy != DASH), name
        assert facts.tls == (tls != DASH), name
        assert (facts.address == "ignored") == address.startswith("**ignored"), name
        if "(required)" in address:
            assert facts.address_required, name
        if "(required)" in channel:
            assert facts.channel_required, name


def test_required_keys_accept_any_of_their_alternatives() -> None:
    github = TYPES["github"]
    assert required_missing(github, frozenset()) == ["token|githubAppID"]
    assert required_missing(github, frozenset({"githubAppID"})) == []
    server = TYPES["bitbucketserver"]
    assert required_missing(server, frozenset({"password"})) == ["token|username+password"]
    assert required_missing(server, frozenset({"username", "password"})) == []


def test_never_read_names_what_the_type_ignores() -> None:
    assert never_read(TYPES["discord"], frozenset({"address", "token", "headers"})) == [
        "headers",
        "token",
    ]
    assert never_read(TYPES["generic"], frozenset({"address", "headers"})) == []
    # lark has no proxy: the deprecated Secret `proxy` key is read but never used
    assert never_read(TYPES["lark"], frozenset({"address", "proxy"})) == ["proxy"]
    assert never_read(TYPES["telegram"], frozenset({"address", "token"})) == ["address"]


def test_credentials_are_keys_the_type_reads() -> None:
    for facts in TYPES.values():
        assert facts.credentials <= set(facts.keys), facts.name
        for need in facts.required:
            for option in need.split("|"):
                assert set(option.split("+")) <= set(facts.keys), facts.name
        assert re.fullmatch(r"[a-z-]+", facts.name)
