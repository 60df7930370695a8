"""Following a Provider in the project to its Secrets, as notification-controller reads them.

Facts: reference 3a (Provider fields, timeout default and pattern) and 3b (which Secret
keys are read, per type and per controller release). Works on plain data: an iterable of
``(path, document)`` pairs, as :func:`fluxnotify.parsing.iter_objects` yields them.
"""

from __future__ import annotations

import base64
import binascii
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import yaml

from fluxnotify import providertypes
from fluxnotify.errors import ConfigError, UsageError
from fluxnotify.fluxversion import NOTIFICATION_GROUP, minor_of
from fluxnotify.redact import pem_secrets

Objects = Iterable[tuple[Path, Mapping[str, Any]]]
Decrypt = Callable[[Path], list[Mapping[str, Any]]]

DEFAULT_TIMEOUT = 15.0
_DURATION = re.compile(r"^(?:[0-9]+(?:\.[0-9]+)?(?:ms|s|m))+$")
_DURATION_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|s|m)")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0}
#: certSecretRef keys and their deprecated names (reference 3a): CA, client certificate, key.
_TLS_KEYS = (("ca.crt", "caFile"), ("tls.crt", "certFile"), ("tls.key", "keyFile"))
_PASS_ADDRESS = (
    "pass the address with --address URL or FLUXNOTIFY_ADDRESS "
    "(and a bot token with --token-env VAR or FLUXNOTIFY_TOKEN)"
)


def parse_duration(text: str) -> float:
    """A Provider ``timeout`` (``^([0-9]+(\\.[0-9]+)?(ms|s|m))+$``, no ``h``) in seconds."""
    if not _DURATION.match(text):
        raise ValueError(f"invalid duration {text!r}: use units ms, s or m, e.g. 30s or 1m30s")
    return sum(float(n) * _UNITS[unit] for n, unit in _DURATION_PART.findall(text))


@dataclass(frozen=True)
class ProviderConfig:
    """Everything the controller would hand the notifier for one Provider."""

    ref: str  # namespace/name, for messages
    type: str
    # a webhook address, token, header or proxy URL can hold a credential: never in a repr
    address: str = field(repr=False)
    token: str = field(default="", repr=False)
    channel: str = ""
    username: str = ""
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    proxy: str | None = field(default=None, repr=False)
    ca_pem: str | None = None
    cert_pem: str | None = None  # client certificate (mutual TLS), with key_pem or not at all
    key_pem: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT
    secrets: tuple[str, ...] = field(default=(), repr=False)  # to scrub from any output
    password: str = field(default="", repr=False)  # the Secret's, only as a pair with username
    secret_keys: frozenset[str] = frozenset()  # every key of the Secret (GitHub App keys...)
    commit_status_expr: str = ""
    warnings: tuple[str, ...] = ()
    trail: tuple[str, ...] = ()  # how it was resolved, for --verbose


def _meta(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = doc.get("metadata")
    return meta if isinstance(meta, Mapping) else {}


def _spec(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    spec = doc.get("spec")
    return spec if isinstance(spec, Mapping) else {}


def _is(doc: Mapping[str, Any], kind: str, group: str | None) -> bool:
    api = str(doc.get("apiVersion") or "")
    api_group = api.rsplit("/", 1)[0] if "/" in api else ""
    return doc.get("kind") == kind and (group is None or api_group == group)


def find(
    objects: Objects, kind: str, name: str, namespace: str | None, group: str | None
) -> tuple[Path, Mapping[str, Any]] | None:
    """The one ``kind`` named ``name``; ``namespace`` None matches any.

    A document without ``metadata.namespace`` (namespace set by Kustomize) matches any
    namespace, but one that states the namespace wins over it.
    """
    exact: list[tuple[Path, Mapping[str, Any]]] = []
    loose: list[tuple[Path, Mapping[str, Any]]] = []
    for path, doc in objects:
        if not _is(doc, kind, group) or _meta(doc).get("name") != name:
            continue
        ns = _meta(doc).get("namespace")
        if namespace is None or ns == namespace:
            exact.append((path, doc))
        elif ns is None:
            loose.append((path, doc))
    found = exact or loose
    if len(found) > 1:
        places = ", ".join(
            f"{_meta(d).get('namespace') or '(no namespace)'} in {p}" for p, d in found
        )
        raise UsageError(
            f"{len(found)} {kind}s named {name!r}: {places}",
            hint="pick one with --namespace NS",
        )
    return found[0] if found else None


def _str_map(value: Any, what: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{what} is not a map")
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


def secret_data(doc: Mapping[str, Any], where: str) -> dict[str, str]:
    """A Secret's keys as the API server stores them: base64 ``data``, then ``stringData``."""
    data: dict[str, str] = {}
    for key, value in _str_map(doc.get("data"), f"{where}: data").items():
        try:
            data[key] = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise ConfigError(f"{where}: data.{key} is not valid base64 of UTF-8 text") from None
    data |= _str_map(doc.get("stringData"), f"{where}: stringData")
    return data


def sops_decrypt(path: Path) -> list[Mapping[str, Any]]:
    """The documents of a SOPS-encrypted file, decrypted with the ``sops`` binary."""
    binary = shutil.which("sops")
    if binary is None:
        raise ConfigError(
            f"{path} is encrypted with SOPS and `sops` is not on the PATH", hint=_PASS_ADDRESS
        )
    try:
        done = subprocess.run(
            [binary, "--decrypt", str(path)], capture_output=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConfigError(f"could not run sops on {path}: {type(exc).__name__}") from None
    if done.returncode != 0:
        # sops's own message names keys and files, never decrypted values.
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ConfigError(
            f"sops could not decrypt {path}: {reason[-1] if reason else 'no reason given'}",
            hint=_PASS_ADDRESS,
        )
    try:
        docs = list(yaml.safe_load_all(done.stdout))
    except yaml.YAMLError:
        raise ConfigError(f"sops decrypted {path} to something that is not YAML") from None
    return [d for d in docs if isinstance(d, Mapping)]


def read_secret(
    objects: Objects, name: str, namespace: str | None, *, purpose: str, decrypt: Decrypt
) -> dict[str, str]:
    """The Secret's keys, decrypting SOPS files; a clear message when it is not readable."""
    objects = list(objects)
    found = find(objects, "Secret", name, namespace, "")
    ref = f"{namespace}/{name}" if namespace else name
    if found is None:
        others = [
            f"{doc.get('kind')} in {path}"
            for path, doc in objects
            if doc.get("kind") in ("ExternalSecret", "SealedSecret")
            and name in (_meta(doc).get("name"), (_spec(doc).get("target") or {}).get("name"))
        ]
        made_by = f" (it is made in the cluster by {', '.join(others)})" if others else ""
        raise ConfigError(
            f"the {purpose} Secret {ref} is not in the repository{made_by}", hint=_PASS_ADDRESS
        )
    path, doc = found
    where = f"Secret {ref} ({path})"
    if "sops" in doc:
        plain = find(((path, d) for d in decrypt(path)), "Secret", name, namespace, "")
        if plain is None:
            raise ConfigError(f"{where}: not found in the output of sops --decrypt")
        doc = plain[1]
    return secret_data(doc, where)


def _proxy_url(address: str, username: str, password: str) -> str:
    if not username and not password:
        return address
    parts = urlsplit(address)
    creds = quote(username, safe="") + (f":{quote(password, safe='')}" if password else "")
    return urlunsplit(parts._replace(netloc=f"{creds}@{parts.netloc.rsplit('@', 1)[-1]}"))


def _tls_key(
    certs: Mapping[str, str], key: str, legacy: str, ref: str, warnings: list[str]
) -> str | None:
    """One certSecretRef value; the deprecated key still works, with a warning, as in Flux."""
    if certs.get(key):
        return certs[key]
    if certs.get(legacy):
        warnings.append(
            f"Provider {ref}: the certSecretRef key `{legacy}` is deprecated, use `{key}`"
        )
        return certs[legacy]
    return None


def _half_pair(certs: Mapping[str, str], provider: str, secret_ref: str) -> ConfigError:
    """Flux fails every dispatch when the Secret has a client certificate or key alone."""
    has = next(k for k in ("tls.crt", "certFile", "tls.key", "keyFile") if certs.get(k))
    lacks = "tls.key" if has in ("tls.crt", "certFile") else "tls.crt"
    return ConfigError(
        f"the certSecretRef Secret {secret_ref} of Provider {provider} has `{has}` but no "
        f"`{lacks}`: a client certificate needs both, and Flux fails every dispatch "
        "with one alone",
        hint=f"add `{lacks}` to the Secret, or remove `{has}` if the receiver does not ask "
        "for a client certificate",
    )


def _notification(
    objects: Objects, kind: str, name: str, namespace: str | None
) -> tuple[Path, Mapping[str, Any], str | None, str]:
    """The Provider or Alert ``name``, its namespace and ``namespace/name`` for messages."""
    found = find(objects, kind, name, namespace, NOTIFICATION_GROUP)
    if found is None:
        where = f" in namespace {namespace}" if namespace else ""
        raise ConfigError(f"no {kind} named {name!r}{where} under the project root")
    path, doc = found
    ns = _meta(doc).get("namespace") or namespace
    return path, doc, ns, f"{ns}/{name}" if ns else name


def resolve_provider(
    objects: Objects,
    name: str,
    namespace: str | None,
    *,
    flux_version: str,
    address_override: str | None = None,
    override_label: str = "--address",
    secret_optional: bool = False,
    decrypt: Decrypt = sops_decrypt,
) -> ProviderConfig:
    """Read Provider ``name`` and its Secrets as the controller would for ``flux_version``.

    With ``secret_optional`` (the user gave the address or the token another way), a
    Secret that cannot be read here (SOPS without sops, not in the repository) is a
    warning instead of an error.
    """
    objects = list(objects)
    path, doc, ns, ref = _notification(objects, "Provider", name, namespace)
    spec = _spec(doc)
    ptype = str(spec.get("type") or "")
    warnings: list[str] = []
    trail = [f"Provider {ref} from {path}"]
    if spec.get("suspend") is True:
        warnings.append(f"Provider {ref} is suspended: Flux drops its events silently")
    try:
        timeout = parse_duration(str(spec["timeout"])) if spec.get("timeout") else DEFAULT_TIMEOUT
    except ValueError as exc:
        raise ConfigError(f"Provider {ref}: spec.timeout: {exc}") from None

    def secret(key: str, purpose: str) -> dict[str, str]:
        ref_name = (spec.get(key) or {}).get("name") if isinstance(spec.get(key), Mapping) else None
        if not ref_name:
            return {}
        trail.append(f"{purpose} Secret {ns + '/' if ns else ''}{ref_name} (spec.{key})")
        return read_secret(objects, str(ref_name), ns, purpose=purpose, decrypt=decrypt)

    try:
        data = secret("secretRef", "Provider")
    except ConfigError as exc:
        if not secret_optional:
            raise
        warnings.append(f"{exc.message}; going on with the address and token given here")
        data = {}

    address = data["address"].strip() if data.get("address") else str(spec.get("address") or "")
    if address_override is not None:
        if address and address != address_override:
            warnings.append(f"{override_label} replaces the address of Provider {ref}")
        address = address_override
    if not address:
        # Say what is there instead: an empty value, or the right value under another key.
        if "address" in data:
            raise ConfigError(
                f"the `address` key in the Secret of Provider {ref} is empty",
                hint="fill it in (encrypted), or " + _PASS_ADDRESS,
            )
        misnamed = next((k for k in ("url", "URL", "webhook", "Address") if data.get(k)), None)
        if misnamed:
            raise ConfigError(
                f"Provider {ref} has no address: its Secret has a `{misnamed}` key, which Flux"
                " never reads",
                hint=f"rename the key `{misnamed}` to `address`",
            )
        raise ConfigError(
            f"Provider {ref} has no address: neither spec.address nor an `address` key "
            "in its Secret",
            hint=_PASS_ADDRESS,
        )
    token = data.get("token", "")
    secret_password = ""
    username = str(spec.get("username") or "")
    user, password = data.get("username"), data.get("password")
    modern = minor_of(flux_version) >= 7
    if modern and (user is None) != (password is None):
        # Reference 3b: NC >= 1.7 rejects half a basic-auth pair and, silently, the token.
        warnings.append(
            f"the Secret of Provider {ref} has `username` without `password` (or the "
            f"reverse): Flux {flux_version} treats it as malformed basic auth and also "
            "ignores the `token`, so none is sent"
        )
        token = ""
    elif user is not None and (password is not None or not modern):
        username = user
        secret_password = password or ""
    if not modern:
        token = token.strip()
    if "\n" in token or "\r" in token:
        raise ConfigError(
            f"the `token` in the Secret of Provider {ref} contains a line break: Flux "
            f"{flux_version} sends it untrimmed, Go refuses the Authorization header, "
            "and no notification is sent",
            hint="write the Secret without the trailing newline (printf, not echo)",
        )

    headers: dict[str, str] = {}
    if data.get("headers"):
        try:
            headers = _str_map(yaml.safe_load(data["headers"]), "headers")
        except (yaml.YAMLError, ConfigError):
            raise ConfigError(
                f"the `headers` key in the Secret of Provider {ref} is not a YAML map: "
                "Flux fails every dispatch"
            ) from None

    proxy: str | None = None
    proxy_secret = secret("proxySecretRef", "proxy")
    if proxy_secret:
        if not proxy_secret.get("address"):
            raise ConfigError(f"the proxy Secret of Provider {ref} has no `address` key")
        proxy = _proxy_url(
            proxy_secret["address"].strip(),
            proxy_secret.get("username", ""),
            proxy_secret.get("password", ""),
        )
    elif spec.get("proxy"):
        proxy = str(spec["proxy"])
        warnings.append(f"Provider {ref}: spec.proxy is deprecated, use spec.proxySecretRef")
    elif data.get("proxy"):
        proxy = data["proxy"].strip()
        warnings.append(f"Provider {ref}: the Secret's `proxy` key is deprecated")

    ca_pem = cert_pem = key_pem = None
    facts = providertypes.TYPES.get(ptype)
    if spec.get("certSecretRef"):
        if facts is not None and facts.tls:
            certs = secret("certSecretRef", "certificate")
            ca_pem, cert_pem, key_pem = (
                _tls_key(certs, key, legacy, ref, warnings) for key, legacy in _TLS_KEYS
            )
            if (cert_pem is None) != (key_pem is None):
                cert_secret = spec["certSecretRef"]["name"]  # certs came from it
                raise _half_pair(certs, ref, f"{ns}/{cert_secret}" if ns else str(cert_secret))
        else:
            warnings.append(f"Flux ignores certSecretRef for {ptype} Providers")
    elif facts is not None and facts.git and data.get("ca.crt"):
        # The Git types take TLS from the secretRef Secret when there is no certSecretRef.
        ca_pem = data["ca.crt"]

    secrets = (
        token,
        # a value from a Secret is a secret, whatever the type makes of it (an API URL)
        address if data.get("address") and address_override is None else "",
        proxy or "",
        proxy_secret.get("password", ""),
        *headers.values(),
        *pem_secrets(key_pem),
        secret_password,
        *(data[k] for k in ("githubAppPrivateKey", "creds", "nkey") if data.get(k)),
    )
    return ProviderConfig(
        ref=ref,
        type=ptype,
        address=address,
        token=token,
        channel=str(spec.get("channel") or ""),
        username=username,
        headers=headers,
        proxy=proxy,
        ca_pem=ca_pem,
        cert_pem=cert_pem,
        key_pem=key_pem,
        timeout=timeout,
        secrets=tuple(s for s in secrets if s),
        password=secret_password,
        secret_keys=frozenset(data),
        commit_status_expr=str(spec.get("commitStatusExpr") or ""),
        warnings=tuple(warnings),
        trail=tuple(trail),
    )


@dataclass(frozen=True)
class AlertConfig:
    """The parts of an Alert that shape a message: metadata, and the Provider it uses."""

    ref: str
    namespace: str | None
    provider: str
    event_metadata: Mapping[str, str]
    summary: str | None
    severity: str
    suspended: bool
    #: the whole spec, for the controller's matching (fluxnotify/matching.py)
    spec: Mapping[str, Any] = field(default_factory=dict, repr=False)


def resolve_alert(objects: Objects, name: str, namespace: str | None) -> AlertConfig:
    path, doc, ns, ref = _notification(objects, "Alert", name, namespace)
    spec = _spec(doc)
    provider_ref = spec.get("providerRef")
    return AlertConfig(
        ref=ref,
        namespace=ns,
        provider=str(provider_ref.get("name") or "") if isinstance(provider_ref, Mapping) else "",
        event_metadata=_str_map(spec.get("eventMetadata"), f"Alert {name} ({path}) eventMetadata"),
        summary=str(spec["summary"]) if spec.get("summary") else None,
        severity=str(spec.get("eventSeverity") or "info"),
        suspended=spec.get("suspend") is True,
        spec=spec,
    )
