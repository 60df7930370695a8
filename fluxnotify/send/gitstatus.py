"""Requests of the Git host types: commit statuses, change-request comments, dispatch.

Facts: the controller's ``github.go``, ``gitlab.go``, ``gitea.go``, ``bitbucket.go``,
``bitbucketserver.go``, ``azure_devops.go``, ``github_dispatch.go``,
``git_change_request_comment.go`` and ``util.go`` at v1.9.3 (maintainers:
../shared/reference/providers.md sections 7-9). The API clients the controller uses
(go-github, GitLab client-go, the Gitea SDK, go-bitbucket, the Azure DevOps SDK) send
the requests below; their own extra headers (User-Agent, Accept) are left out.

The status id ("context") is ``kind/name/<first part of the Provider's UID>``; the UID is
given by the cluster, so test-send uses ``fluxnotify`` in its place.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from fluxnotify import gitrepo
from fluxnotify.fluxversion import NEWEST
from fluxnotify.providertypes import CHANGE_REQUEST_TYPES, COMMIT_STATUS_TYPES, TYPES
from fluxnotify.send import gojson
from fluxnotify.send.event import Event
from fluxnotify.send.payloads import (
    Destination,
    OutboundRequest,
    PayloadError,
    basic_auth,
    markdown_post,
    name_and_description,
)

#: Stands for the first part of the Provider's UID in the default status id.
UID_PART = "fluxnotify"
GIT_TYPES = (*COMMIT_STATUS_TYPES, *CHANGE_REQUEST_TYPES, "githubdispatch")
BITBUCKET_API = "https://api.bitbucket.org/2.0"


def default_status_id(event: Event) -> str:
    """``generateDefaultCommitStatus``: lower-case ``Kind/name/<UID part>``."""
    return f"{event.kind}/{event.name}/{UID_PART}".lower()


def revision_of(event: Event) -> str:
    """The commit SHA as ``Event.GetRevision`` and ``parseRevision`` find it.

    Keys ``commit``, then ``originRevision``, then ``revision``; the part after the last
    ``:`` (else the last ``/``) must be exactly 40 characters.
    """
    for key in ("commit", "originRevision", "revision"):
        if event.metadata.get(key):
            rev = event.metadata[key]
            break
    else:
        raise PayloadError(
            "missing revision metadata: give the commit with -m revision=BRANCH@sha1:SHA"
        )
    tail = rev.rsplit(":", 1)[-1] if ":" in rev else rev.rsplit("/", 1)[-1]
    if len(tail) != 40:
        raise PayloadError(
            f"failed to extract commit hash from {rev!r} revision: Flux needs a 40-character "
            "SHA-1 (BRANCH@sha1:SHA, sha1:SHA or SHA)"
        )
    return tail


def _state(provider_type: str, event: Event) -> str:
    info, error = TYPES[provider_type].severity
    if provider_type == "gitea" and event.reason == "Progressing":
        return "pending"
    return error if event.severity == "error" else info


def _github_api(host: str, api_base: str) -> str:
    """api.github.com for github.com, else GitHub Enterprise's ``/api/v3``."""
    if api_base:
        return api_base.rstrip("/")
    netloc = host.split("://", 1)[1]
    if netloc == "github.com":
        return "https://api.github.com"
    name = netloc.split(":", 1)[0]
    if name.startswith("api.") or ".api." in name:
        return host
    return f"{host}/api/v3"


def _token(dest: Destination) -> str:
    """The token, or the Secret's password where the type falls back to it."""
    if not dest.token and dest.password and TYPES[dest.type].password_as_token:
        return dest.password
    return dest.token


def _github_auth(dest: Destination) -> dict[str, str]:
    token = _token(dest)
    if not token:
        if "githubAppID" in dest.secret_keys:
            raise PayloadError(
                "test-send does not exchange GitHub App keys for a token: pass a token "
                "with --token-env VAR or FLUXNOTIFY_TOKEN"
            )
        raise PayloadError("github token or github app details must be specified")
    return {"Authorization": f"Bearer {token}", "Accept": "application/vnd.github.v3+json"}


def _get(url: str, headers: dict[str, str], step: str) -> OutboundRequest:
    return OutboundRequest(
        url=url, headers=headers, body=b"", payload=None, method="GET", step=step
    )


def _post(url: str, headers: dict[str, str], payload: Any, step: str) -> OutboundRequest:
    return OutboundRequest(
        url=url,
        headers={"Content-Type": "application/json", **headers},
        body=gojson.dumps(payload),
        payload=payload,
        step=step,
    )


def _repo(dest: Destination) -> tuple[str, str, list[str]]:
    try:
        return gitrepo.repository_id(dest.type, dest.address)
    except gitrepo.AddressError as exc:
        raise PayloadError(f"{dest.type} address: {exc}") from None


def commit_status_requests(event: Event, dest: Destination) -> list[OutboundRequest]:
    """List the commit's statuses, then post one: what the six types send per event."""
    if event.reason == "Progressing" and dest.type != "gitea":
        raise PayloadError(f"Flux posts no {dest.type} status for Progressing events")
    sha = revision_of(event)
    state = _state(dest.type, event)
    name, desc = name_and_description(event)
    context = dest.commit_status or default_status_id(event)
    host, repo_id, comp = _repo(dest)
    listing, posting = "list the commit's statuses", "post the status"
    if dest.type == "github":
        api = _github_api(host, dest.api_base)
        auth = _github_auth(dest)
        base = f"{api}/repos/{comp[0]}/{comp[1]}"
        return [
            _get(f"{base}/commits/{sha}/statuses?per_page=50", auth, listing),
            _post(
                f"{base}/statuses/{sha}",
                auth,
                {"state": state, "description": desc, "context": context},
                posting,
            ),
        ]
    if dest.type == "gitlab":
        token = _token(dest)
        if not token:
            raise PayloadError("gitlab token cannot be empty: put it in the Secret's `token`")
        auth = {"PRIVATE-TOKEN": token}
        base = f"{dest.api_base.rstrip('/') or host}/api/v4/projects/{quote(repo_id, safe='')}"
        return [
            _get(
                f"{base}/repository/commits/{sha}/statuses?name={quote(context, safe='')}",
                auth,
                listing,
            ),
            _post(
                f"{base}/statuses/{sha}",
                auth,
                {"state": state, "name": context, "description": desc},
                posting,
            ),
        ]
    if dest.type == "gitea":
        token = _token(dest)
        if not token:
            raise PayloadError("gitea token cannot be empty: put it in the Secret's `token`")
        auth = {"Authorization": f"token {token}"}
        api = f"{dest.api_base.rstrip('/') or host}/api/v1"
        base = f"{api}/repos/{comp[0]}/{comp[1]}"
        return [
            _get(f"{api}/version", auth, "read the server version"),
            _get(f"{base}/commits/{sha}/statuses?page=1&limit=50", auth, listing),
            _post(
                f"{base}/statuses/{sha}",
                auth,
                {"state": state, "target_url": "", "description": desc, "context": context},
                posting,
            ),
        ]
    if dest.type == "bitbucket":
        user, sep, password = dest.token.partition(":")
        if not sep:
            raise PayloadError(
                "invalid token format, expected to be <user>:<password>: put "
                "USERNAME:APP_PASSWORD in the Secret's `token`"
            )
        auth = {"Authorization": basic_auth(user, password)}
        key = hashlib.sha1(context.encode(), usedforsecurity=False).hexdigest()
        base = f"{dest.api_base.rstrip('/') or BITBUCKET_API}/repositories/{comp[0]}/{comp[1]}"
        body = {
            "key": key,
            "url": "https://bitbucket.org",
            "state": state,
            "name": name,
            "description": desc,
        }
        return [
            _get(f"{base}/commit/{sha}/statuses/build/{key}", auth, listing),
            _post(f"{base}/commit/{sha}/statuses/build", auth, body, posting),
        ]
    if dest.type == "bitbucketserver":
        if dest.token:
            auth = {"Authorization": f"Bearer {dest.token}"}
        elif dest.username and dest.password:
            auth = {"Authorization": basic_auth(dest.username, dest.password)}
        else:
            raise PayloadError(
                "invalid credentials, expected to be one of username/password or API Token: "
                "put `token`, or both `username` and `password`, in the Secret"
            )
        auth |= {"X-Atlassian-Token": "no-check", "X-Requested-With": "XMLHttpRequest"}
        key = hashlib.sha1(context.encode(), usedforsecurity=False).hexdigest()
        root = dest.api_base.rstrip("/") or host
        url = f"{root}/rest/api/latest/projects/{comp[0]}/repos/{comp[1]}/commits/{sha}/builds"
        body = {
            "description": desc,
            "key": key,
            "name": f"{name} [{desc}]",
            "state": state,
            "url": dest.address,
        }
        return [_get(f"{url}?key={key}", auth, listing), _post(url, auth, body, posting)]
    # azuredevops
    if not dest.token:
        raise PayloadError(
            "no token: test-send cannot use workload identity; put a personal access token "
            "in the Secret's `token`, or pass one with --token-env VAR"
        )
    auth = {"Authorization": basic_auth("", dest.token)}
    org_url = f"{dest.api_base.rstrip('/') or host}/{comp[0]}"
    base = f"{org_url}/{comp[1]}/_apis/git/repositories/{comp[3]}/commits/{sha}/statuses"
    genre = "fluxcd" + (f":{event.metadata['summary']}" if "summary" in event.metadata else "")
    status: dict[str, Any] = {
        "context": {"genre": genre, "name": context},
        "description": desc,
        "state": state,
    }
    version = "?api-version=6.0"
    return [_get(base + version, auth, listing), _post(base + version, auth, status, posting)]


def comment_requests(event: Event, dest: Destination) -> list[OutboundRequest]:
    """Learn the user, list the comments, then create one (or edit the earlier one)."""
    number = event.metadata.get("change_request", "")
    if not number.isdigit():
        raise PayloadError(
            "Flux comments only for events with change_request metadata: "
            "give the pull request number with -m change_request=NUMBER"
        )
    host, repo_id, comp = _repo(dest)
    marker = "flux-mr-comment-key" if dest.type.startswith("gitlab") else "flux-pr-comment-key"
    key = f"{UID_PART}/{event.kind}/{event.namespace}/{event.name}"
    body = f"<!-- {marker}:{key} -->\n\n{markdown_post(event)}"
    if dest.type == "githubpullrequestcomment":
        api = _github_api(host, dest.api_base)
        auth = _github_auth(dest)
        base = f"{api}/repos/{comp[0]}/{comp[1]}/issues/{number}/comments"
        return [
            _get(f"{api}/user", auth, "learn the token's user"),
            _get(f"{base}?per_page=100", auth, "list the comments"),
            _post(base, auth, {"body": body}, "create the comment"),
        ]
    token = _token(dest)
    if not token:
        raise PayloadError(f"{dest.type} needs a token: put it in the Secret's `token`")
    if dest.type == "gitlabmergerequestcomment":
        auth = {"PRIVATE-TOKEN": token}
        root = f"{dest.api_base.rstrip('/') or host}/api/v4"
        base = f"{root}/projects/{quote(repo_id, safe='')}/merge_requests/{number}/notes"
        return [
            _get(f"{root}/user", auth, "learn the token's user"),
            _get(f"{base}?per_page=100", auth, "list the comments"),
            _post(base, auth, {"body": body}, "create the comment"),
        ]
    auth = {"Authorization": f"token {token}"}
    api = f"{dest.api_base.rstrip('/') or host}/api/v1"
    base = f"{api}/repos/{comp[0]}/{comp[1]}/issues/{number}/comments"
    return [
        _get(f"{api}/version", auth, "read the server version"),
        _get(f"{api}/user", auth, "learn the token's user"),
        _get(f"{base}?page=1&limit=100", auth, "list the comments"),
        _post(base, auth, {"body": body}, "create the comment"),
    ]


def dispatch_request(event: Event, dest: Destination) -> OutboundRequest:
    """``repository_dispatch`` with the event as ``client_payload``."""
    host, _, comp = _repo(dest)
    api = _github_api(host, dest.api_base)
    payload = {
        "event_type": f"{event.kind}/{event.name}.{event.namespace}",
        "client_payload": event.to_go(),
    }
    return _post(
        f"{api}/repos/{comp[0]}/{comp[1]}/dispatches",
        _github_auth(dest),
        payload,
        "dispatch the event",
    )


def build_git_requests(
    event: Event, dest: Destination, flux_version: str = NEWEST
) -> list[OutboundRequest]:
    if dest.type == "githubdispatch":
        return [dispatch_request(event, dest)]
    if dest.type in CHANGE_REQUEST_TYPES:
        return comment_requests(event, dest)
    return commit_status_requests(event, dest)


def access_request(dest: Destination) -> OutboundRequest:
    """One read of the repository with the token, for ``--check-access``."""
    requests = commit_status_requests(
        _ACCESS_EVENT, replace(dest, commit_status=dest.commit_status or "fluxnotify/check")
    )
    host, repo_id, comp = _repo(dest)
    first = requests[0] if dest.type != "gitea" else requests[1]
    auth = {k: v for k, v in first.headers.items() if k != "Content-Type"}
    if dest.type == "github":
        url = f"{_github_api(host, dest.api_base)}/repos/{comp[0]}/{comp[1]}"
    elif dest.type == "gitlab":
        url = f"{dest.api_base.rstrip('/') or host}/api/v4/projects/{quote(repo_id, safe='')}"
    elif dest.type == "gitea":
        url = f"{dest.api_base.rstrip('/') or host}/api/v1/repos/{comp[0]}/{comp[1]}"
    elif dest.type == "bitbucket":
        url = f"{dest.api_base.rstrip('/') or BITBUCKET_API}/repositories/{comp[0]}/{comp[1]}"
    elif dest.type == "bitbucketserver":
        root = dest.api_base.rstrip("/") or host
        url = f"{root}/rest/api/latest/projects/{comp[0]}/repos/{comp[1]}"
    else:
        url = (
            f"{dest.api_base.rstrip('/') or host}/{comp[0]}/{comp[1]}/_apis/git/"
            f"repositories/{comp[3]}?api-version=6.0"
        )
    return _get(url, auth, "read the repository")


def can_write(provider_type: str, answer: object) -> bool | None:
    """Whether the repository answer says the token may post statuses; None: not said.

    GitHub and Gitea list ``permissions.push``; GitLab an access level (Developer, 30,
    or more posts statuses). Bitbucket and Azure DevOps do not say in this answer.
    """
    if not isinstance(answer, dict):
        return None
    perms = answer.get("permissions")
    if provider_type in ("github", "gitea") and isinstance(perms, dict):
        push = perms.get("push")
        return push if isinstance(push, bool) else None
    if provider_type == "gitlab" and isinstance(perms, dict):
        levels = [
            (perms.get(k) or {}).get("access_level") for k in ("project_access", "group_access")
        ]
        numbers = [level for level in levels if isinstance(level, int)]
        return max(numbers) >= 30 if numbers else False
    return None


_ACCESS_EVENT = Event(
    kind="Kustomization",
    name="fluxnotify-check",
    namespace="flux-system",
    api_version="kustomize.toolkit.fluxcd.io/v1",
    severity="info",
    timestamp="1970-01-01T00:00:00Z",
    message="",
    reason="FluxnotifyCheck",
    reporting_controller="kustomize-controller",
    metadata={"revision": "sha1:" + "0" * 40},
)
