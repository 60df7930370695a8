"""Git repository addresses: as the controller parses a Provider address, and as one
repository, whatever the URL form, for comparing a Provider with a GitRepository.

The controller's ``parseGitAddress`` (``internal/notifier/util.go`` at v1.9.3, using
chainguard-dev/git-urls): a standard URL for the schemes below, else the scp form
``[user@]host:path``; scheme ssh becomes https; the repository id is the path without
its leading ``/`` and a trailing ``.git``. Bitbucket Server has its own parser: http(s)
only, and the path must contain ``/scm/``.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

_SCHEMES = ("ssh", "git", "git+ssh", "http", "https", "ftp", "ftps", "rsync", "file")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")
_SCP = re.compile(r"^(?:[^@/:]+@)?([^@/:]+):(?!//)(.+)$")


class GitAddress(NamedTuple):
    """``host`` is ``scheme://host[:port]`` as the controller builds it; ``id`` the path."""

    host: str
    id: str

    @property
    def hostname(self) -> str:
        """The host name alone, lower case (host names are case-insensitive)."""
        netloc = self.host.split("://", 1)[-1]
        return netloc.rsplit(":", 1)[0].lower() if not netloc.endswith("]") else netloc.lower()


class AddressError(ValueError):
    """The address does not parse as the controller needs it (message says why)."""


def parse(address: str) -> GitAddress:
    """``parseGitAddress``: host and repository id of a Provider address."""
    text = address.strip()
    match = _SCHEME.match(text)
    if match:
        scheme = match.group(1).lower()
        if scheme not in _SCHEMES:
            raise AddressError(f"unsupported scheme {scheme!r}")
        try:
            parts = urlsplit(text)
            port = parts.port
        except ValueError:
            raise AddressError("the URL does not parse") from None
        host = parts.hostname or ""
        if port is not None:
            host = f"{host}:{port}"
        path = parts.path
    else:
        scp = _SCP.match(text)
        if not scp:
            raise AddressError("neither a URL nor the scp form user@host:path")
        scheme, host, path = "ssh", scp.group(1), scp.group(2)
    if scheme == "ssh":
        scheme = "https"
    repo_id = path.lstrip("/")
    repo_id = repo_id.removesuffix(".git")
    return GitAddress(f"{scheme}://{host}", repo_id)


def repository_id(provider_type: str, address: str) -> tuple[str, str, list[str]]:
    """(host, id, id parts) the type posts to; AddressError says why the type would fail.

    The checks are the constructors' (github.go, gitea.go, bitbucket.go, azure_devops.go,
    bitbucketserver.go): exactly ``owner/repo``, ``org/project/_git/repo``, or a clone URL
    with ``/scm/PROJECT/repo`` for Bitbucket Server; GitLab takes any project path.
    """
    if provider_type == "bitbucketserver":
        parts = urlsplit(address.strip())
        if parts.scheme not in ("http", "https"):
            raise AddressError(
                f"unsupported scheme type in address: {parts.scheme or '(none)'}. "
                "Must be http or https"
            )
        path = parts.path.removesuffix(".git")
        at = path.rfind("/scm/")
        if at < 0:
            raise AddressError("the address is not an http(s) clone URL with /scm/")
        comp = path[at + len("/scm/") :].split("/")
        if len(comp) != 2 or not all(comp):
            raise AddressError(
                f"invalid repository id: {_segments(comp)} after /scm/, expected PROJECT/REPO"
            )
        return (
            f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}{path[:at]}",
            "/".join(comp),
            comp,
        )
    parsed = parse(address)
    comp = parsed.id.split("/")
    if provider_type.startswith("gitlab"):
        if not parsed.id:
            raise AddressError("the address names no project")
        return parsed.host, parsed.id, comp
    if provider_type == "azuredevops":
        if len(comp) != 4 or comp[2] != "_git":
            raise AddressError(
                f"invalid repository id: {_segments(comp)}, expected ORG/PROJECT/_git/REPO"
            )
        return parsed.host, parsed.id, comp
    if len(comp) != 2 or not all(comp):
        raise AddressError(f"invalid repository id: {_segments(comp)}, expected OWNER/REPO")
    return parsed.host, parsed.id, comp


def _segments(comp: list[str]) -> str:
    """How the path is wrong, not the path: an address may be a webhook URL put here by
    mistake (from a Secret), and its path is the credential."""
    count = len([c for c in comp if c])
    return f"the path has {count} segment{'s' * (count != 1)}"


def same_repository_key(address: str) -> tuple[str, str] | None:
    """(host, path) naming one repository whatever the URL form; None if not a Git URL.

    ``ssh://git@host/org/repo``, ``git@host:org/repo.git`` and ``https://host/org/repo``
    give the same key: the host lower case without user or port, the path without
    ``.git``, slashes at either end, and case (GitHub, GitLab, Gitea and Bitbucket match
    repository paths without regard to case). Azure DevOps SSH paths
    (``ssh.dev.azure.com:v3/org/project/repo``) and Bitbucket Server clone paths
    (``/scm/project/repo``) are brought to their https form.
    """
    try:
        parsed = parse(address)
    except AddressError:
        return None
    host = parsed.hostname
    path = parsed.id.strip("/").lower()
    if host == "ssh.dev.azure.com" and path.startswith("v3/"):
        org, _, rest = path[3:].partition("/")
        project, _, repo = rest.partition("/")
        host, path = "dev.azure.com", f"{org}/{project}/_git/{repo}"
    elif host.endswith(".visualstudio.com") and "/_git/" in path:
        org = host.split(".", 1)[0]
        host, path = "dev.azure.com", f"{org}/{path}"
    elif "/scm/" in f"/{path}":
        path = f"/{path}".rsplit("/scm/", 1)[1]
    return (host, path) if host and path else None
