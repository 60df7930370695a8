"""Keeping credentials out of everything fluxnotify prints (validate, init, test-send).

Reference 8: a webhook URL or a bot token lets anyone post into the workspace, so output
shows the host and at most the first path segment, and any text that came from outside
(a server's answer, a tool's error) is scrubbed of every known secret before printing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

_SHOWN_SEGMENT = 12

#: Fields whose values are URLs that may carry a credential (a webhook path, user:password).
CREDENTIAL_FIELDS = frozenset({"address", "proxy"})
_URL = r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)?(?:[^/@\s]*@)?(?P<host>[^/?#\s]*)"


def url_outline(value: str) -> str:
    """Scheme and host of a URL, the rest elided: ``https://hooks.slack.com/...``.

    For messages about a value as written, which need not be a valid URL.
    """
    match = re.match(_URL, value)
    scheme, host = (match["scheme"] or "", match["host"]) if match else ("", "")
    return f"{scheme}{host}/..." if len(scheme) + len(host) < len(value) else f"{scheme}{host}"


# Free text (an error message echoing what the user typed): a URL runs to the first
# blank, quote or bracket Click puts around values; words split where Click joins them.
# Strings, compiled by ``re`` on first use: every validate run imports this module, and
# compiling them would cost it about 2M instructions for an error path.
_URL_IN_TEXT = r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"()<>,]*"
_WORD = r"[^\s'\"()<>,;]+"
# Prefixes of well-known credentials: Slack, GitHub, GitLab, AWS, Telegram bot tokens.
_KNOWN_TOKEN = (
    r"^(?:xox[a-z]-|xapp-|gh[pousr]_|github_pat_|glpat-|AKIA[0-9A-Z]{8}|\d{6,}:[\w-]{20,})"
)
_MIN_TOKEN = 20


def is_token(word: str) -> bool:
    """Looks like a credential: a known prefix, or a long run of mixed letters and digits.

    A path (it has a ``.``) with ``/`` is not one; base64 tokens may hold ``/`` but no ``.``.
    """
    if re.match(_KNOWN_TOKEN, word):
        return True
    if len(word) < _MIN_TOKEN or ("/" in word and "." in word):
        return False
    if re.fullmatch(r"[0-9a-fA-F]{32,}", word):
        return True
    if not re.fullmatch(r"[A-Za-z0-9_\-+/=.:~]+", word):
        return False
    return all(re.search(p, word) for p in ("[a-z]", "[A-Z]", "[0-9]"))


def scrub_known(text: str, secrets: Iterable[str]) -> str:
    """``text`` with each of ``secrets`` hidden: a URL down to its scheme and host."""
    for secret in sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, url_outline(secret) if "://" in secret else "…")
    return text


def scrub_text(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with each of ``secrets``, every URL's path and every token-like word hidden.

    For text that echoes raw input: a webhook URL given where a flag was expected, a
    token pasted as a value.
    """
    text = re.sub(_URL_IN_TEXT, lambda m: url_outline(m.group(0)), scrub_known(text, secrets))
    return re.sub(_WORD, lambda m: "…" if is_token(m.group(0)) else m.group(0), text)


def secrets_in(args: Iterable[str]) -> list[str]:
    """The command-line words (and ``--flag=value`` values) that may be credentials."""
    found: list[str] = []
    for arg in args:
        value = arg.partition("=")[2] if arg.startswith("--") and "=" in arg else arg
        if ("://" in value and url_outline(value) != value) or is_token(value):
            found.append(value)
    return found


def _public(url: str) -> bool:
    """Slack Web API URLs hold no secret (the token travels in a header): show them whole.

    Users then see whether the address matches the controller's exact-URL rule.
    """
    parts = urlsplit(url)
    return (
        parts.scheme == "https"
        and parts.netloc == "slack.com"
        and parts.path.startswith("/api/")
        and not parts.query
    )


def host_of(url: str) -> str:
    """``host[:port]`` without credentials; what error messages name."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{parts.port}" if parts.port else host


def redact_url(url: str) -> str:
    """Scheme, host and the first path segment (cut to 12 characters); never the rest."""
    if _public(url):
        return url
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    shown = ""
    if len(segments) > 1:
        shown = "/" + segments[0][:_SHOWN_SEGMENT] + "/…"
    elif segments or parts.query:
        shown = "/…"
    return f"{parts.scheme}://{host_of(url)}{shown}"


class Scrubber:
    """Replaces every known secret in a text by ``…``; longest first, so none leaks in part."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    @classmethod
    def for_urls(cls, urls: Iterable[str], others: Iterable[str] = ()) -> Scrubber:
        """Secrets of webhook URLs (the path past its first segment, query, userinfo) and more."""
        found = list(others)
        for url in urls:
            if _public(url):
                continue
            parts = urlsplit(url)
            segments = [s for s in parts.path.split("/") if s]
            found += [url, parts.path, parts.query, parts.password or "", parts.username or ""]
            found += segments[1:] if len(segments) > 1 else segments
            found.append("/".join(segments[1:]))
        return cls(found)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "…")
        return text


def pem_secrets(pem: str | None) -> list[str]:
    """A private key and each of its base64 lines: a line alone is as secret as the whole."""
    if not pem:
        return []
    lines = [line.strip() for line in pem.splitlines()]
    return [pem, pem.strip(), *(line for line in lines if line and not line.startswith("-----"))]
