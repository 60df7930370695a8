"""Sending one request as notification-controller does, and recording what happened.

Facts: reference 3d "HTTP request". The whole send, retries included, runs under the
Provider's timeout; go-retryablehttp retries connection errors, 429 and 5xx except 501
(honouring ``Retry-After`` on 429 and 503) with waits of 2s, 4s, 8s ... capped at 30s,
at most 4 retries; certificate verification errors are not retried. Redirects are
followed as Go's http.Client follows them (see ``_post``), each hop reported.

httpx is imported inside the functions: start-up time matters for the other commands.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from fluxnotify.errors import ConfigError
from fluxnotify.redact import host_of
from fluxnotify.send.payloads import OutboundRequest

if TYPE_CHECKING:
    import httpx

_BODY_LIMIT = 64 * 1024
#: What go-retryablehttp retries: connection errors, a server's TLS alert among them (Go
#: reports it as "remote error: tls: ..."), but not certificate verification errors.
_RETRIED_FAILURES = frozenset(
    {"dns", "refused", "proxy", "connection", "tls", "tls-client-cert", "tls-client-cert-rejected"}
)
#: OpenSSL reasons for a server's TLS alert about the client certificate (RFC 8446 6.2).
_CLIENT_CERT_ALERTS = frozenset(
    {
        "TLSV13_ALERT_CERTIFICATE_REQUIRED",
        "SSLV3_ALERT_BAD_CERTIFICATE",
        "SSLV3_ALERT_UNSUPPORTED_CERTIFICATE",
        "SSLV3_ALERT_CERTIFICATE_REVOKED",
        "SSLV3_ALERT_CERTIFICATE_EXPIRED",
        "SSLV3_ALERT_CERTIFICATE_UNKNOWN",
        "TLSV1_ALERT_UNKNOWN_CA",
    }
)


#: Header name characters (RFC 9110 token), as Go's httpguts.ValidHeaderFieldName.
_TOKEN_CHARS = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)


def _bad_character(value: str) -> str | None:
    """What is wrong with a header value, in words; None when nothing is."""
    body = value.rstrip("\r\n")
    if body != value and "\n" not in body and "\r" not in body:
        return "ends with a line break"
    for char in value:
        if char in "\r\n":
            return "contains a line break"
        if (ord(char) < 0x20 and char != "\t") or ord(char) == 0x7F:
            return f"contains the control character U+{ord(char):04X}"
        if ord(char) > 0x7E:
            return f"contains the non-ASCII character U+{ord(char):04X}"
    return None


def check_url(url: str, what: str, schemes: tuple[str, ...] = ("http", "https")) -> None:
    """Refuse, before anything is sent, a URL that cannot be sent to; never echo it.

    Go's url.Parse refuses control characters and a bad port or IPv6 literal, as httpx
    does: they are configuration errors (exit 2), not failed deliveries.
    """
    from urllib.parse import urlsplit

    fix = f"check {what}: it should look like https://host/path"
    if url != url.strip() or any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        problem = _bad_character(url) or "contains a blank or a control character"
        if url != url.strip() and problem != "ends with a line break":
            problem = "has blanks around it"
        raise ConfigError(f"{what} {problem}: it is not a URL that can be sent to", hint=fix)
    try:
        parts = urlsplit(url)
    except ValueError:  # an unmatched [ or ] around an IPv6 address
        raise ConfigError(
            f"{what} has an unmatched '[' or ']', or no IPv6 address between them: an IPv6 "
            "host goes in brackets, "
            "e.g. https://[2001:db8::1]:8443/hook",
            hint=fix,
        ) from None
    if parts.scheme.lower() not in schemes:
        shown = parts.scheme + "://" if parts.scheme and parts.netloc else "no scheme"
        raise ConfigError(
            f"{what} starts with {shown}; it must start with "
            + " or ".join(f"{s}://" for s in schemes),
            hint=fix,
        )
    host = parts.netloc.rpartition("@")[2]
    if not parts.hostname or host.startswith(":"):
        ipv6 = " (an IPv6 host goes in brackets: https://[2001:db8::1]/hook)" if ":" in host else ""
        raise ConfigError(f"{what} has no host name{ipv6}", hint=fix)
    bracketed = host.startswith("[")
    if not bracketed and parts.hostname.count(":") > 0:
        raise ConfigError(
            f"{what}: an IPv6 host goes in brackets, e.g. https://[2001:db8::1]:8443/hook",
            hint=fix,
        )
    if bracketed:
        import ipaddress

        try:
            ipaddress.IPv6Address(parts.hostname.partition("%")[0])
        except ValueError:
            raise ConfigError(
                f"{what}: the host in brackets is not an IPv6 address", hint=fix
            ) from None
    port_text = host.rpartition("]")[2] if bracketed else host.rpartition(":")[2] * (":" in host)
    port_text = port_text.removeprefix(":")
    if port_text and (not port_text.isdigit() or not 1 <= int(port_text) <= 65535):
        raise ConfigError(f"{what} has the port {port_text[:8]!r}, outside 1 to 65535", hint=fix)
    if any(ord(c) > 0x7E for c in host):
        raise ConfigError(
            f"{what} has non-ASCII characters in its host name; Go does not convert them",
            hint="write the host in its ASCII (xn--) form",
        )


def check_header(name: str, value: str, what: str) -> None:
    """Refuse a header Go would refuse to send (or, non-ASCII, httpx cannot send)."""
    if not name or not set(name) <= _TOKEN_CHARS:
        raise ConfigError(
            f"{what}: the header name is not valid (letters, digits and !#$%&'*+-.^_`|~ only)"
        )
    problem = _bad_character(value)
    if problem:
        hint = (
            "write it without the trailing newline (printf, not echo)"
            if problem == "ends with a line break"
            else "remove the character: a header carries printable ASCII only"
        )
        raise ConfigError(f"{what} {problem}: no request can carry it", hint=hint)


@dataclass(frozen=True)
class RetryPolicy:
    """The controller's go-retryablehttp settings (NC: RetryMax 4, waits 2s to 30s)."""

    max_retries: int = 4
    wait_min: float = 2.0
    wait_max: float = 30.0

    def wait(self, retry: int, retry_after: float | None) -> float:
        """Wait before retry number ``retry`` (0-based), as ``retryablehttp.DefaultBackoff``."""
        if retry_after is not None:
            return retry_after
        return min(self.wait_min * 2.0**retry, self.wait_max)


@dataclass(frozen=True)
class Seam:
    """What tests replace (``fluxnotify.send.http.SEAM``); production never changes it.

    ``now``/``sleep`` let retries run in virtual time; ``mounts`` (httpx URL pattern ->
    transport) let a local server answer for ``https://slack.com`` while the request URL,
    and so the exact-URL rule for the Slack Web API, stay untouched.
    """

    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    mounts: Mapping[str, httpx.BaseTransport] = field(default_factory=dict)


SEAM = Seam()


@dataclass(frozen=True)
class Settings:
    """How to send: deadline, proxy and TLS, from the Provider or the command line.

    ``cert_pem`` and ``key_pem`` (a client certificate for mutual TLS) come together or
    not at all; ``cert_source`` says where they came from, for error messages.
    """

    timeout: float = 15.0
    proxy: str | None = None
    ca_pem: str | None = None
    cert_pem: str | None = None
    key_pem: str | None = field(default=None, repr=False)
    cert_source: str = ""
    retry: RetryPolicy = RetryPolicy()


@dataclass(frozen=True)
class Delivery:
    """What happened, as facts; :mod:`fluxnotify.send.explain` puts it into words.

    ``failure`` is None on success, else one of: ``status`` (an HTTP error status),
    ``slack-api`` (Web API ``ok: false``), ``redirect-loop`` (more than 10
    redirects), ``redirect-get`` (a 2xx after a redirect turned the POST into a GET), ``slack-api-inexact`` (the same
    from a URL that is not exactly the Web API's, which Flux would count as sent), ``unreadable`` (Web API answer not JSON),
    ``redirect``, ``dns``, ``refused``, ``timeout``, ``tls``, ``tls-verify``,
    ``tls-client-cert`` (the server wants a client certificate and none was sent),
    ``tls-client-cert-rejected`` (it refused the one sent), ``proxy``, ``connection``.
    ``body`` is raw server text: scrub it before showing it.
    """

    host: str
    failure: str | None
    status: int | None = None
    body: str = ""
    error_code: str = ""
    detail: str = ""
    retry_after: float | None = None
    attempts: int = 1
    elapsed: float = 0.0
    stopped_early: float | None = None  # the wait that would have crossed the deadline
    trail: tuple[str, ...] = ()  # one line per attempt, for --verbose
    hops: tuple[str, ...] = ()  # each redirect followed in the last attempt, in words

    @property
    def delivered(self) -> bool:
        return self.failure is None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _cause_chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _tls_kind(reason: str, sent_cert: bool) -> str:
    """``tls-client-cert`` when the server's alert is about our (missing) certificate."""
    if reason in _CLIENT_CERT_ALERTS:
        return "tls-client-cert-rejected" if sent_cert else "tls-client-cert"
    # TLS 1.2 servers (OpenSSL's among them) answer a missing certificate this way.
    if reason == "SSLV3_ALERT_HANDSHAKE_FAILURE" and not sent_cert:
        return "tls-client-cert"
    return "tls"


def _classify(exc: httpx.TransportError, sent_cert: bool) -> tuple[str, str]:
    """Failure kind and our own words for it: exception texts may quote the URL."""
    import httpx

    for cause in _cause_chain(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return "tls-verify", cause.verify_message or "certificate verify failed"
        if isinstance(cause, ssl.SSLError):
            return _tls_kind(cause.reason or "", sent_cert), cause.reason or "handshake failed"
        if isinstance(cause, socket.gaierror):
            return "dns", ""
        if isinstance(cause, ConnectionRefusedError):
            return "refused", ""
    if isinstance(exc, httpx.TimeoutException):
        return "timeout", ""
    if isinstance(exc, httpx.ProxyError):
        return "proxy", ""
    if isinstance(exc, httpx.RemoteProtocolError):
        return "connection", "the server closed it without a valid answer"
    return "connection", type(exc).__name__


def _status_failure(request: OutboundRequest, status: int, body: str) -> tuple[str | None, str]:
    """Failure kind and Slack-style error code for a complete HTTP answer."""
    if 300 <= status < 400:
        return "redirect", ""
    if request.api_mode:
        try:
            answer = json.loads(body)
        except ValueError:
            return "unreadable", ""
        if isinstance(answer, dict) and answer.get("ok") is True:
            return None, ""
        code = answer.get("error") if isinstance(answer, dict) else None
        return "slack-api", str(code or "")
    if 200 <= status < 300:
        if _slack_refusal(body) is not None:  # the Web API at a URL that is not exact
            return "slack-api-inexact", _slack_refusal(body) or ""
        return None, ""
    return "status", _error_code(body)


def _slack_refusal(body: str) -> str | None:
    """The error code of a Slack Web API ``ok: false`` answer; None for anything else.

    Flux counts a 2xx as success unless the address is exactly the chat.postMessage URL,
    but nothing was posted: test-send never calls that delivered.
    """
    if not body.lstrip().startswith("{"):
        return None
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    if isinstance(answer, dict) and answer.get("ok") is False:
        return str(answer.get("error") or "")
    return None


def _error_code(body: str) -> str:
    """Slack webhooks answer a bare code (``no_service``); Discord and others JSON."""
    text = body.strip()
    if text and len(text) <= 64 and text.replace("_", "").isalnum():
        return text
    try:
        answer = json.loads(text)
    except ValueError:
        return ""
    if isinstance(answer, dict):
        for key in ("error", "message"):
            if isinstance(answer.get(key), str):
                return str(answer[key])[:120]
    return ""


def _retryable(failure: str | None, status: int | None) -> bool:
    if failure in _RETRIED_FAILURES:
        return True
    if status is None or failure is None:
        return False
    return status == 429 or (500 <= status <= 599 and status != 501)


def _no_password() -> bytes:
    """Stops OpenSSL prompting on the terminal for an encrypted key; Flux cannot use one."""
    return b""


def _load_client_cert(context: ssl.SSLContext, cert_pem: str, key_pem: str, source: str) -> None:
    """``load_cert_chain`` reads only files: 0600 files in a private folder, gone at once."""
    with tempfile.TemporaryDirectory(prefix="fluxnotify-") as folder:
        paths = []
        for name, pem in (("tls.crt", cert_pem), ("tls.key", key_pem)):
            path = os.path.join(folder, name)
            with os.fdopen(
                os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8"
            ) as f:
                f.write(pem)
            paths.append(path)
        try:
            context.load_cert_chain(paths[0], paths[1], password=_no_password)
        except ssl.SSLError as exc:
            # OpenSSL's text names no key material, but ours says more.
            if exc.reason == "KEY_VALUES_MISMATCH":
                what = "the client key does not belong to the client certificate"
            elif "ENCRYPTED" in key_pem:
                what = "the client key is encrypted; Flux needs it unencrypted"
            else:
                what = "the client certificate or key is not valid PEM"
            raise ConfigError(
                f"{what} ({source})",
                hint="give the certificate and its own private key, both PEM",
            ) from None


def _ssl_context(settings: Settings) -> ssl.SSLContext | bool:
    """True (httpx's default trust) unless a CA or a client certificate is configured."""
    import httpx

    if not settings.ca_pem and not settings.cert_pem:
        return True
    if settings.ca_pem:
        try:
            context = ssl.create_default_context(cadata=settings.ca_pem)
        except (ssl.SSLError, ValueError):
            raise ConfigError("the CA bundle is not valid PEM") from None
    else:
        context = httpx.create_ssl_context()  # the trust store httpx would use by itself
    if settings.cert_pem:
        _load_client_cert(context, settings.cert_pem, settings.key_pem or "", settings.cert_source)
    return context


def _client(settings: Settings, seam: Seam) -> httpx.Client:
    import httpx

    verify = _ssl_context(settings)
    try:
        return httpx.Client(
            verify=verify,
            proxy=settings.proxy,
            mounts=dict(seam.mounts) or None,
            follow_redirects=False,
        )
    except ImportError:
        raise ConfigError(
            "a SOCKS proxy needs the optional 'socksio' package",
            hint="install it with: pip install 'fluxnotify[socks]'",
        ) from None
    except ValueError:
        raise ConfigError("the proxy address is not a valid http(s) or socks5 URL") from None


#: Statuses Go's http.Client follows; 307/308 repeat the request, the others turn it into GET.
_FOLLOWED = frozenset({301, 302, 303, 307, 308})
_KEEPS_METHOD = frozenset({307, 308})
#: Go's defaultCheckRedirect stops after this many.
MAX_REDIRECTS = 10
#: Headers Go sends on a redirect only to the same host or one of its subdomains.
_SENSITIVE = frozenset({"authorization", "www-authenticate", "cookie", "cookie2"})


class TooManyRedirects(Exception):
    """Go's client stops after 10 redirects; go-retryablehttp does not retry that."""


@dataclass(frozen=True)
class Hop:
    """One redirect followed: what Go's client does with the method, body and credentials."""

    status: int
    host: str
    method: str
    dropped_body: bool
    dropped_auth: bool

    def describe(self) -> str:
        text = f"HTTP {self.status} to {self.host}"
        if self.dropped_body:
            text += f" (now {self.method} without the message)"
        if self.dropped_auth:
            text += " (Authorization not sent: another host)"
        return text


def _same_or_subdomain(dest: str, initial: str) -> bool:
    """Go's isDomainOrSubdomain on host names (ports ignored)."""
    return dest == initial or dest.endswith("." + initial)


def _post(
    client: httpx.Client,
    request: OutboundRequest,
    remaining: float,
    deadline: float,
    seam: Seam,
    hops: list[Hop] | None = None,
) -> tuple[int, Mapping[str, str], str]:
    """One attempt, following redirects as Go's http.Client does; reads at most 64 KiB.

    307/308 repeat the method and body; 301/302/303 turn a POST into a GET without a
    body; Authorization goes only to the first request's host or its subdomains; after
    10 redirects Go gives up. ``hops`` receives each redirect followed.
    """
    import httpx

    hops = [] if hops is None else hops
    method, url, content = request.method, request.url, request.body
    headers = dict(request.headers)
    initial = httpx.URL(request.url).host
    while True:
        outgoing = client.build_request(
            method,
            url,
            content=content if content or method not in ("GET", "HEAD") else None,
            headers=headers,
            timeout=httpx.Timeout(max(deadline - seam.now(), 0.001)),
        )
        response = client.send(outgoing, stream=True)
        location = response.headers.get("location")
        if response.status_code not in _FOLLOWED or not location:
            break
        response.close()
        if len(hops) >= MAX_REDIRECTS:
            raise TooManyRedirects
        target = httpx.URL(url).join(location)
        status = response.status_code
        dropped_body = status not in _KEEPS_METHOD and method not in ("GET", "HEAD")
        if dropped_body:
            method, content = "GET", b""
            headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        dropped_auth = False
        if not _same_or_subdomain(target.host, initial):
            kept = {k: v for k, v in headers.items() if k.lower() not in _SENSITIVE}
            dropped_auth = len(kept) != len(headers)
            headers = kept
        hops.append(Hop(status, host_of(str(target)), method, dropped_body, dropped_auth))
        url = str(target)
    try:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size >= _BODY_LIMIT or seam.now() >= deadline:
                break
        body = b"".join(chunks)[:_BODY_LIMIT].decode("utf-8", errors="replace")
    finally:
        response.close()
    return response.status_code, response.headers, body


def deliver(request: OutboundRequest, settings: Settings, seam: Seam | None = None) -> Delivery:
    """POST ``request`` with the controller's retries, under one overall deadline."""
    import httpx

    seam = seam or SEAM
    host = host_of(request.url)
    start = seam.now()
    deadline = start + settings.timeout
    with _client(settings, seam) as client:
        retry = 0
        trail: list[str] = []
        while True:
            remaining = deadline - seam.now()
            status: int | None = None
            retry_after: float | None = None
            body = code = detail = ""
            failure: str | None
            hops: list[Hop] = []
            try:
                status, headers, body = _post(client, request, remaining, deadline, seam, hops)
            except httpx.TransportError as exc:
                failure, detail = _classify(exc, settings.cert_pem is not None)
            except TooManyRedirects:
                failure, detail = "redirect-loop", ""
            else:
                failure, code = _status_failure(request, status, body)
                if failure is None and any(hop.dropped_body for hop in hops):
                    failure = "redirect-get"  # Flux counts the 2xx, but the GET carried nothing
                if failure == "redirect":
                    location = headers.get("location", "")
                    detail = host_of(location) if "//" in location else host
                if status in (429, 503):
                    retry_after = _retry_after(headers.get("retry-after"))
            outcome = f"HTTP {status}" if status is not None else failure
            trail.extend(f"redirect: {hop.describe()}" for hop in hops)
            trail.append(f"attempt {retry + 1}: {outcome} at {seam.now() - start:.2f}s")
            result = Delivery(
                host=host,
                failure=failure,
                status=status,
                body=body,
                error_code=code,
                detail=detail,
                retry_after=retry_after,
                attempts=retry + 1,
                elapsed=seam.now() - start,
                trail=tuple(trail),
                hops=tuple(hop.describe() for hop in hops),
            )
            if retry >= settings.retry.max_retries or not _retryable(failure, status):
                return result
            wait = settings.retry.wait(retry, retry_after)
            if seam.now() + wait >= deadline:
                return replace(result, stopped_early=wait)
            trail.append(f"waiting {wait:g}s before retrying")
            seam.sleep(wait)
            retry += 1
