"""Provider -> Secret resolution on hand-made ``(path, document)`` pairs (reference 3a, 3b)."""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from fluxnotify.errors import ConfigError, UsageError
from fluxnotify.send.resolve import (
    parse_duration,
    resolve_alert,
    resolve_provider,
    sops_decrypt,
)

P = Path("clusters/prod/notifications.yaml")
HOOK = "https://hooks.slack.com/services/T0/B0/secretpart"


def provider(name: str = "slack", ns: str | None = "flux-system", **spec: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if ns:
        meta["namespace"] = ns
    return {
        "apiVersion": "notification.toolkit.fluxcd.io/v1beta3",
        "kind": "Provider",
        "metadata": meta,
        "spec": {"type": "slack", **spec},
    }


def secret(name: str = "slack-url", ns: str | None = "flux-system", **data: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if ns:
        meta["namespace"] = ns
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": meta,
        "data": {k: base64.b64encode(v.encode()).decode() for k, v in data.items()},
    }


def pairs(*docs: Mapping[str, Any]) -> list[tuple[Path, Mapping[str, Any]]]:
    return [(P, doc) for doc in docs]


def test_address_token_channel_from_provider_and_secret() -> None:
    cfg = resolve_provider(
        pairs(
            provider(channel="alerts", secretRef={"name": "slack-url"}, timeout="1m30s"),
            secret(address=f"  {HOOK}\n", token="xoxb-1"),
        ),
        "slack",
        None,
        flux_version="2.9",
    )
    assert (cfg.type, cfg.address, cfg.token, cfg.channel) == ("slack", HOOK, "xoxb-1", "alerts")
    assert cfg.timeout == 90.0
    assert cfg.ref == "flux-system/slack"
    assert "xoxb-1" in cfg.secrets
    # a repr (a debugger, a log line) shows neither the webhook address nor the token
    assert HOOK not in repr(cfg)
    assert "xoxb-1" not in repr(cfg)
    assert "alerts" in repr(cfg)


def test_secret_address_replaces_spec_address_and_string_data_wins() -> None:
    doc = secret(address="https://old.example/x/y")
    doc["stringData"] = {"address": HOOK}
    cfg = resolve_provider(
        pairs(provider(address="https://spec.example/a/b", secretRef={"name": "slack-url"}), doc),
        "slack",
        "flux-system",
        flux_version="2.9",
    )
    assert cfg.address == HOOK


def test_spec_address_when_no_secret_and_default_timeout() -> None:
    cfg = resolve_provider(
        pairs(provider(address=HOOK)), "slack", "flux-system", flux_version="2.9"
    )
    assert (cfg.address, cfg.token, cfg.timeout) == (HOOK, "", 15.0)


def test_namespace_from_kustomize_matches_any_but_explicit_wins() -> None:
    docs = pairs(
        provider(ns=None, address="https://a.example/x"), provider(ns="apps", address=HOOK)
    )
    assert resolve_provider(docs, "slack", "apps", flux_version="2.9").address == HOOK
    assert (
        resolve_provider(docs, "slack", "team", flux_version="2.9").address == "https://a.example/x"
    )
    with pytest.raises(UsageError, match="2 Providers named 'slack'") as info:
        resolve_provider(docs, "slack", None, flux_version="2.9")
    assert info.value.hint == "pick one with --namespace NS"


def test_missing_provider_and_missing_address() -> None:
    with pytest.raises(ConfigError, match="no Provider named 'nope'"):
        resolve_provider(pairs(provider()), "nope", None, flux_version="2.9")
    with pytest.raises(ConfigError, match="has no address"):
        resolve_provider(pairs(provider()), "slack", None, flux_version="2.9")


def test_secret_not_in_repository_names_what_makes_it() -> None:
    external = {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": {"name": "slack-es", "namespace": "flux-system"},
        "spec": {"target": {"name": "slack-url"}},
    }
    with pytest.raises(ConfigError) as info:
        resolve_provider(
            pairs(provider(secretRef={"name": "slack-url"}), external),
            "slack",
            None,
            flux_version="2.9",
        )
    assert "Secret flux-system/slack-url is not in the repository" in info.value.message
    assert "ExternalSecret" in info.value.message
    assert info.value.hint is not None
    assert "--address" in info.value.hint


def test_an_unreadable_secret_is_a_warning_when_optional() -> None:
    cfg = resolve_provider(
        pairs(provider(secretRef={"name": "slack-url"})),
        "slack",
        None,
        flux_version="2.9",
        address_override=HOOK,
        override_label="FLUXNOTIFY_ADDRESS",
        secret_optional=True,
    )
    assert cfg.address == HOOK
    assert any("is not in the repository; going on" in w for w in cfg.warnings)


def sops_secret() -> dict[str, Any]:
    doc = secret(address="ENC[AES256_GCM,data:xyz]")
    doc["sops"] = {"version": "3.9.0"}
    return doc


def test_sops_secret_is_decrypted() -> None:
    def decrypt(path: Path) -> list[Mapping[str, Any]]:
        assert path == P
        return [secret(address=HOOK, token="xoxb-2")]

    cfg = resolve_provider(
        pairs(provider(secretRef={"name": "slack-url"}), sops_secret()),
        "slack",
        None,
        flux_version="2.9",
        decrypt=decrypt,
    )
    assert (cfg.address, cfg.token) == (HOOK, "xoxb-2")


def test_sops_missing_says_how_to_pass_the_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(ConfigError, match="`sops` is not on the PATH") as info:
        resolve_provider(
            pairs(provider(secretRef={"name": "slack-url"}), sops_secret()),
            "slack",
            None,
            flux_version="2.9",
        )
    assert "FLUXNOTIFY_ADDRESS" in (info.value.hint or "")


def test_sops_binary_is_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "sops"
    fake.write_text(
        "#!/bin/sh\n"
        '[ "$1" = --decrypt ] || exit 9\n'
        "printf 'apiVersion: v1\\nkind: Secret\\nmetadata: {name: s}\\nstringData: {a: b}\\n'\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    assert sops_decrypt(tmp_path / "x.yaml")[0]["stringData"] == {"a": "b"}
    fake.write_text("#!/bin/sh\necho 'Failed to get the data key' >&2\nexit 128\n")
    with pytest.raises(ConfigError, match=r"sops could not decrypt .*Failed to get the data key"):
        sops_decrypt(tmp_path / "x.yaml")


@pytest.mark.parametrize(
    ("flux", "data", "token", "username"),
    [
        # NC >= 1.7 (Flux 2.7+): half a basic-auth pair drops the token too (3b).
        ("2.9", {"token": "xoxb-3", "username": "bot"}, "", "spec-user"),
        ("2.9", {"token": "xoxb-3", "username": "bot", "password": "p"}, "xoxb-3", "bot"),
        # NC 1.6: username alone overrides, the token is trimmed.
        ("2.6", {"token": "xoxb-3\n", "username": "bot"}, "xoxb-3", "bot"),
    ],
)
def test_username_password_and_token_rules_per_release(
    flux: str, data: dict[str, str], token: str, username: str
) -> None:
    cfg = resolve_provider(
        pairs(
            provider(address=HOOK, username="spec-user", secretRef={"name": "slack-url"}),
            secret(**data),
        ),
        "slack",
        None,
        flux_version=flux,
    )
    assert (cfg.token, cfg.username) == (token, username)


def test_token_with_newline_fails_as_flux_would() -> None:
    with pytest.raises(ConfigError, match="contains a line break"):
        resolve_provider(
            pairs(provider(address=HOOK, secretRef={"name": "slack-url"}), secret(token="x\n")),
            "slack",
            None,
            flux_version="2.9",
        )


def test_headers_proxy_and_ca() -> None:
    docs = pairs(
        provider(
            type="generic",
            address="https://hooks.example/x",
            secretRef={"name": "hook"},
            proxySecretRef={"name": "proxy"},
            certSecretRef={"name": "ca"},
        ),
        secret("hook", headers="X-Api-Key: k1\nX-Team: ops\n"),
        secret("proxy", address="http://proxy.corp:3128", username="u", password="p@ss"),
        secret("ca", **{"ca.crt": "-----BEGIN CERTIFICATE-----"}),
    )
    cfg = resolve_provider(docs, "slack", None, flux_version="2.9")
    assert cfg.headers == {"X-Api-Key": "k1", "X-Team": "ops"}
    assert cfg.proxy == "http://u:p%40ss@proxy.corp:3128"
    assert cfg.ca_pem == "-----BEGIN CERTIFICATE-----"
    assert {"k1", "p@ss"} <= set(cfg.secrets)


def test_bad_headers_and_deprecated_proxy() -> None:
    with pytest.raises(ConfigError, match="not a YAML map"):
        resolve_provider(
            pairs(provider(address=HOOK, secretRef={"name": "s"}), secret("s", headers="- a")),
            "slack",
            None,
            flux_version="2.9",
        )
    cfg = resolve_provider(
        pairs(provider(address=HOOK, proxy="http://proxy:8080", suspend=True)),
        "slack",
        None,
        flux_version="2.9",
    )
    assert cfg.proxy == "http://proxy:8080"
    assert any("deprecated" in w for w in cfg.warnings)
    assert any("suspended" in w for w in cfg.warnings)


def test_cert_secret_is_ignored_for_types_without_tls() -> None:
    cfg = resolve_provider(
        pairs(provider(type="discord", address=HOOK, certSecretRef={"name": "ca"})),
        "slack",
        None,
        flux_version="2.9",
    )
    assert cfg.ca_pem is None
    assert "Flux ignores certSecretRef for discord Providers" in cfg.warnings


def test_alert_metadata_summary_and_provider() -> None:
    alert = {
        "apiVersion": "notification.toolkit.fluxcd.io/v1beta3",
        "kind": "Alert",
        "metadata": {"name": "on-call", "namespace": "flux-system"},
        "spec": {
            "providerRef": {"name": "slack"},
            "eventSeverity": "error",
            "eventMetadata": {"cluster": "prod-eu", "replicas": 3},
            "summary": "Prod",
        },
    }
    cfg = resolve_alert(pairs(alert), "on-call", None)
    assert (cfg.provider, cfg.namespace, cfg.severity, cfg.summary) == (
        "slack",
        "flux-system",
        "error",
        "Prod",
    )
    assert cfg.event_metadata == {"cluster": "prod-eu", "replicas": "3"}
    with pytest.raises(ConfigError, match="no Alert named"):
        resolve_alert(pairs(alert), "on-call", "apps")


@pytest.mark.parametrize(
    ("text", "seconds"), [("15s", 15.0), ("500ms", 0.5), ("1m30s", 90.0), ("2.5s", 2.5)]
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["1h", "15", "s", "1m 30s", ""])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match="invalid duration"):
        parse_duration(text)


CERT = "-----BEGIN CERTIFICATE-----\nMIIBclient\n-----END CERTIFICATE-----\n"
KEY = "-----BEGIN PRIVATE KEY-----\nMIGHs3cr3tKeyLine\n-----END PRIVATE KEY-----\n"


def tls_provider(**keys: str) -> list[tuple[Path, Mapping[str, Any]]]:
    return pairs(
        provider(type="generic", address="https://hooks.example/x", certSecretRef={"name": "tls"}),
        secret("tls", **keys),
    )


def test_client_certificate_from_cert_secret() -> None:
    cfg = resolve_provider(
        tls_provider(**{"ca.crt": "CA", "tls.crt": CERT, "tls.key": KEY}),
        "slack",
        None,
        flux_version="2.9",
    )
    assert (cfg.ca_pem, cfg.cert_pem, cfg.key_pem) == ("CA", CERT, KEY)
    assert cfg.warnings == ()
    assert "MIGHs3cr3tKeyLine" in cfg.secrets  # one line of the key is scrubbed too
    assert "s3cr3tKey" not in repr(cfg)


def test_legacy_cert_keys_work_with_a_deprecation_warning() -> None:
    cfg = resolve_provider(
        tls_provider(caFile="CA", certFile=CERT, keyFile=KEY), "slack", None, flux_version="2.9"
    )
    assert (cfg.ca_pem, cfg.cert_pem, cfg.key_pem) == ("CA", CERT, KEY)
    assert cfg.warnings == tuple(
        f"Provider flux-system/slack: the certSecretRef key `{old}` is deprecated, use `{new}`"
        for old, new in (("caFile", "ca.crt"), ("certFile", "tls.crt"), ("keyFile", "tls.key"))
    )


def test_new_cert_keys_win_over_legacy_ones() -> None:
    cfg = resolve_provider(
        tls_provider(**{"tls.crt": CERT, "tls.key": KEY, "certFile": "old", "keyFile": "old"}),
        "slack",
        None,
        flux_version="2.9",
    )
    assert (cfg.cert_pem, cfg.key_pem) == (CERT, KEY)
    assert cfg.warnings == ()


@pytest.mark.parametrize(
    ("keys", "has", "lacks"),
    [
        ({"tls.crt": CERT}, "tls.crt", "tls.key"),
        ({"tls.key": KEY, "ca.crt": "CA"}, "tls.key", "tls.crt"),
        ({"certFile": CERT}, "certFile", "tls.key"),
    ],
)
def test_half_a_client_certificate_is_a_config_error(
    keys: dict[str, str], has: str, lacks: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_provider(tls_provider(**keys), "slack", None, flux_version="2.9")
    assert caught.value.message.startswith(
        f"the certSecretRef Secret flux-system/tls of Provider flux-system/slack has `{has}` "
        f"but no `{lacks}`"
    )
    assert str(caught.value.hint).startswith(f"add `{lacks}`")
    assert "s3cr3tKey" not in f"{caught.value} {caught.value.hint}"
