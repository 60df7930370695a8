"""Scrubbing free text (an error message that echoes what the user typed) of credentials.

Whatever the user typed may be a webhook URL or a token: a URL given where a flag was
expected, a token pasted as a value. A message that echoes it keeps the scheme and host of
a URL and nothing of a token.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

# A URL runs to the first blank, quote or closing bracket that Click puts around values.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"()<>,]*")
# Words split where Click quotes or joins values; a word can be a token.
_WORD = re.compile(r"[^\s'\"()<>,;]+")
# Prefixes of well-known credentials: Slack, GitHub, GitLab, AWS, Telegram bot tokens.
_KNOWN = re.compile(
    r"^(?:xox[a-z]-|xapp-|gh[pousr]_|github_pat_|glpat-|AKIA[0-9A-Z]{8}|\d{6,}:[\w-]{20,})"
)
_MIN_TOKEN = 20


def outline_url(url: str) -> str:
    """Scheme and host of a URL, ``/…`` for anything after it; never userinfo, path or query."""
    scheme, _, rest = url.partition("://")
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    host = authority.rpartition("@")[2]
    try:
        parts = urlsplit(url)
        hostname = parts.hostname or ""
        if ":" in hostname:
            hostname = f"[{hostname}]"
        port = parts.port
        host = f"{hostname}:{port}" if port else hostname
    except ValueError:  # a bad port or bracket: show no more than a host name's characters
        host = re.sub(r"[^A-Za-z0-9.:\[\]-]", "", host)[:64]
    tail = "/…" if len(authority) < len(rest) or "@" in authority else ""
    return f"{scheme}://{host}{tail}"


def is_token(word: str) -> bool:
    """Looks like a credential: a known prefix, or a long run of mixed letters and digits.

    A path (it has a ``.``) with ``/`` is not one; base64 tokens may hold ``/`` but no ``.``.
    """
    if _KNOWN.match(word):
        return True
    if len(word) < _MIN_TOKEN or ("/" in word and "." in word):
        return False
    if re.fullmatch(r"[0-9a-fA-F]{32,}", word):
        return True
    if not re.fullmatch(r"[A-Za-z0-9_\-+/=.:~]+", word):
        return False
    classes = sum(bool(re.search(p, word)) for p in ("[a-z]", "[A-Z]", "[0-9]"))
    return classes == 3


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with each of ``secrets``, every URL and every token-like word hidden."""
    for secret in sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, outline_url(secret) if "://" in secret else "…")
    text = _URL.sub(lambda m: outline_url(m.group(0)), text)
    return _WORD.sub(lambda m: "…" if is_token(m.group(0)) else m.group(0), text)


def secrets_in(args: Iterable[str]) -> list[str]:
    """The command-line words (and ``--flag=value`` values) that may be credentials."""
    found: list[str] = []
    for arg in args:
        value = arg.partition("=")[2] if arg.startswith("--") and "=" in arg else arg
        if "://" in value:
            outline = outline_url(value)
            if outline != value:
                found.append(value)
        elif is_token(value):
            found.append(value)
    return found
