"""Every HTTP Provider type through the installed console script, against a real server.

Each case is one row of facts from notification-controller v1.9.3 (maintainers:
../shared/reference/providers.md sections 3-9): the method, path, headers and body the
controller sends for an error event of Kustomization apps/webapp (reason
HealthCheckFailed, message "Health check failed", metadata revision). Bodies are
compared with their key order, as the bytes on the wire have it. The token is a marker
that must appear in no output, whichever way it was given.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from pytest_httpserver import HTTPServer
from send_support import run_script

SHA = "4f2c9e1d" * 5
REV = f"main@sha1:{SHA}"
MARKER = "123456:MRKtok7c1d9e55ab"
SECRETS = (MARKER, "MRKtok7c1d9e55ab", base64.b64encode(MARKER.encode()).decode())
EVENT_FLAGS = (
    "--kind", "Kustomization", "--name", "webapp", "--object-namespace", "apps",
    "--severity", "error", "--reason", "HealthCheckFailed", "--message", "Health check failed",
    "-m", f"revision={REV}",
)  # fmt: skip
TS = "<timestamp>"
UNIX = "<unix>"
OBJ = "kustomization/webapp.apps"
EVENT = {
    "involvedObject": {
        "kind": "Kustomization",
        "namespace": "apps",
        "name": "webapp",
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
    },
    "severity": "error",
    "timestamp": TS,
    "message": "Health check failed",
    "reason": "HealthCheckFailed",
    "metadata": {"revision": REV},
    "reportingController": "kustomize-controller",
}


def slack_shaped(channel: str, username: str, color: str, fallback: str | None) -> Any:
    attachment: dict[str, Any] = {} if fallback is None else {"fallback": fallback}
    attachment |= {
        "color": color,
        "author_name": OBJ,
        "text": "Health check failed",
        "mrkdwn_in": ["text"],
        "fields": [{"title": "revision", "value": REV, "short": False}],
    }
    return {
        "channel": channel,
        "username": username,
        "icon_url": "",
        "icon_emoji": "",
        "attachments": [attachment],
    }


@dataclass
class Sent:
    """One request the controller sends: what the server must receive."""

    method: str
    path: str
    body: Any  # parsed JSON (key order matters), a form as a list of pairs, or None
    headers: dict[str, str] = field(default_factory=dict)
    answer: Any = field(default_factory=dict)


@dataclass
class Case:
    type: str
    sent: list[Sent]
    path: str = "/hook/path"  # the address path given
    flags: tuple[str, ...] = ()
    flux: str = "2.9"
    check: Callable[[Any], None] | None = None


BEARER = {"Authorization": f"Bearer {MARKER}"}
GITHUB = {"Authorization": f"Bearer {MARKER}"}
STATUS_DESC = "health check failed"
CONTEXT = "kustomization/webapp/fluxnotify"


#: git_change_request_comment.go: a marker with the Provider UID (here fluxnotify) and the
#: object, then markdown.go's post; change_request is left out of the metadata list.
COMMENT = (
    "<!-- {marker}:fluxnotify/Kustomization/apps/webapp -->\n\n## Flux Status\n\n"
    "\u26a0\ufe0f Kustomization/apps/webapp\n\nHealth check failed\n\nMetadata:\n"
    f"* `revision`: {REV}\n"
)


def _b(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


CASES = [
    Case("slack", [Sent("POST", "/hook/path", slack_shaped(
        "", "kustomize-controller", "danger", f"{OBJ}: Health check failed"))]),
    Case("slack", [Sent("POST", "/hook/path", slack_shaped(
        "", "kustomize-controller", "danger", None))], flux="2.8"),
    Case("discord", [Sent("POST", "/hook/path/slack", slack_shaped(
        "", "kustomize-controller", "danger", ""))]),
    Case("discord", [Sent("POST", "/hook/path/slack", slack_shaped(
        "", "kustomize-controller", "danger", None))], flux="2.8"),
    Case("rocket", [Sent("POST", "/hook/path", slack_shaped("ops", "", "#FF0000", ""))],
         flags=("--channel", "ops")),
    Case("rocket", [Sent("POST", "/hook/path", slack_shaped("ops", "", "#FF0000", None))],
         flags=("--channel", "ops"), flux="2.8"),
    Case("msteams", [Sent("POST", "/hook/path", {"type": "message", "attachments": [{
        "contentType": "application/vnd.microsoft.card.adaptive",
        "content": {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard", "version": "1.4",
            "body": [{"type": "Container", "items": [
                {"type": "TextBlock", "text": OBJ, "size": "large", "weight": "bolder",
                 "wrap": True},
                {"type": "TextBlock", "text": "Health check failed", "color": "attention",
                 "wrap": True},
                {"type": "FactSet", "facts": [{"title": "revision", "value": REV}]},
            ]}],
            "msteams": {"width": "Full"},
        }}]})]),
    Case("googlechat", [Sent("POST", "/hook/path", {"cards": [{
        "header": {"title": OBJ, "subtitle": "kustomize-controller", "imageUrl": None,
                   "imageStyle": None},
        "sections": [
            {"header": "", "widgets": [{"textParagraph": {
                "text": '<font color="#ff0000">Health check failed</font>'}, "keyValue": None}]},
            {"header": "", "widgets": [{"textParagraph": None, "keyValue": {
                "topLabel": "revision", "content": REV, "contentMultiline": False,
                "bottomLabel": None, "icon": None}}]},
        ]}]})]),
    Case("lark", [Sent("POST", "/hook/path", {"msg_type": "interactive", "card": {
        "config": {"wide_screen_mode": True},
        "header": {"title": {"tag": "plain_text", "content": f"🚨 {OBJ}"}, "template": "red"},
        "elements": [{"tag": "div", "text": {
            "tag": "lark_md", "content": f"**Health check failed**\n\nrevision: {REV}\n"}}]}})]),
    Case("webex", [Sent("POST", "/hook/path", {
        "roomId": "ROOM1",
        "markdown": f"💣 **{OBJ}**\nHealth check failed\n>**revision**: {REV}\n"}, BEARER)],
        flags=("--channel", "ROOM1")),
    Case("telegram", [Sent("POST", f"/bot{MARKER}/sendMessage", {
        "chat_id": "-100123", "message_thread_id": "7",
        "text": f"*🚨 kustomization/webapp/apps*\nHealth check failed\n\\- *revision*: {REV}\n",
        "parse_mode": "MarkdownV2"})], flags=("--channel", "-100123:7", "--api-base", "{base}")),
    Case("matrix", [Sent("PUT", "<matrix>", {
        "body": f"🚨 {OBJ}\nHealth check failed\n- revision: {REV}\n", "msgtype": "m.text"},
        BEARER)], path="", flags=("--channel", "!room:example.org")),
    Case("zulip", [Sent("POST", "/api/v1/messages", [
        ("content", "## Flux Status\n\n\u26a0\ufe0f Kustomization/apps/webapp\n\nHealth check "
                    f"failed\n\nMetadata:\n* `revision`: {REV}\n"),
        ("to", "flux"), ("topic", "alerts"), ("type", "stream")],
        {"Authorization": _b("bot@example.com", MARKER),
         "Content-Type": "application/x-www-form-urlencoded"})],
        flags=("--channel", "flux/alerts", "--username", "bot@example.com")),
    Case("generic", [Sent("POST", "/hook/path", EVENT,
                          {"Gotk-Component": "kustomize-controller"})]),
    Case("generic-hmac", [Sent("POST", "/hook/path", EVENT,
                               {"Gotk-Component": "kustomize-controller"})],
         check=lambda request: _check_hmac(request)),
    Case("opsgenie", [Sent("POST", "/hook/path", {
        "message": "Kustomization/webapp", "description": "Health check failed",
        "details": {"revision": REV, "severity": "error"}},
        {"Authorization": f"GenieKey {MARKER}"})]),
    Case("pagerduty", [Sent("POST", "/v2/enqueue", {
        "routing_key": "RKEY", "event_action": "trigger", "payload": {
            "summary": "health check failed: kustomization/webapp",
            "source": "Flux kustomize-controller", "severity": "error", "timestamp": TS,
            "component": "webapp", "group": "Kustomization",
            "custom_details": {"message": "Health check failed",
                               "metadata": {"revision": REV}}}})],
        flags=("--channel", "RKEY")),
    Case("alertmanager", [Sent("POST", "/hook/path", [{
        "status": "firing",
        "labels": {"alertname": "FluxKustomizationHealthcheckfailed", "kind": "Kustomization",
                   "name": "webapp", "namespace": "apps", "reason": "HealthCheckFailed",
                   "reportingcontroller": "kustomize-controller", "revision": REV,
                   "severity": "error"},
        "annotations": {"message": "Health check failed"},
        "startsAt": TS, "endsAt": "0001-01-01T00:00:00Z"}], BEARER)]),
    Case("datadog", [Sent("POST", "/api/v1/events", {
        "alert_type": "error", "date_happened": UNIX, "source_type_name": "fluxcd",
        "tags": ["flux_reporting_controller:kustomize-controller",
                 "flux_reason:healthcheckfailed", "kube_kind:kustomization",
                 "kube_name:webapp", "kube_namespace:apps", f"revision:{REV}"],
        "text": "Health check failed",
        "title": "Events from the Kustomization webapp/apps"},
        {"DD-API-KEY": MARKER, "Accept": "application/json"})]),
    Case("grafana", [Sent("POST", "/hook/path", {
        "when": UNIX, "text": OBJ,
        "tags": ["flux", "kustomize-controller", f"revision: main@sha1|{SHA}",
                 "kind: Kustomization", "name: webapp", "namespace: apps"]}, BEARER)]),
    Case("githubdispatch", [Sent("POST", "/api/v3/repos/acme/webapp/dispatches", {
        "event_type": "Kustomization/webapp.apps", "client_payload": EVENT}, GITHUB)],
        path="/acme/webapp"),
    Case("github", [
        Sent("GET", f"/api/v3/repos/acme/webapp/commits/{SHA}/statuses", None, GITHUB, []),
        Sent("POST", f"/api/v3/repos/acme/webapp/statuses/{SHA}", {
            "state": "failure", "description": STATUS_DESC, "context": CONTEXT}, GITHUB)],
        path="/acme/webapp.git", flags=("--yes-post-status",)),
    Case("gitlab", [
        Sent("GET", f"/api/v4/projects/group/sub/webapp/repository/commits/{SHA}/statuses",
             None, {"PRIVATE-TOKEN": MARKER}, []),
        Sent("POST", f"/api/v4/projects/group/sub/webapp/statuses/{SHA}", {
            "state": "failed", "name": CONTEXT, "description": STATUS_DESC},
            {"PRIVATE-TOKEN": MARKER})],
        path="/group/sub/webapp", flags=("--yes-post-status",)),
    Case("gitea", [
        Sent("GET", "/api/v1/version", None, {"Authorization": f"token {MARKER}"},
             {"version": "1.22.0"}),
        Sent("GET", f"/api/v1/repos/acme/webapp/commits/{SHA}/statuses", None,
             {"Authorization": f"token {MARKER}"}, []),
        Sent("POST", f"/api/v1/repos/acme/webapp/statuses/{SHA}", {
            "state": "failure", "target_url": "", "description": STATUS_DESC,
            "context": CONTEXT}, {"Authorization": f"token {MARKER}"})],
        path="/acme/webapp", flags=("--yes-post-status",)),
    Case("bitbucket", [
        Sent("GET", f"/repositories/acme/webapp/commit/{SHA}/statuses/build/"
                    f"{hashlib.sha1(CONTEXT.encode()).hexdigest()}", None,
             {"Authorization": _b("123456", "MRKtok7c1d9e55ab")}),
        Sent("POST", f"/repositories/acme/webapp/commit/{SHA}/statuses/build", {
            "key": hashlib.sha1(CONTEXT.encode()).hexdigest(), "url": "https://bitbucket.org",
            "state": "FAILED", "name": "kustomization/webapp", "description": STATUS_DESC},
            {"Authorization": _b("123456", "MRKtok7c1d9e55ab")})],
        path="/acme/webapp", flags=("--yes-post-status", "--api-base", "{base}")),
    Case("bitbucketserver", [
        Sent("GET", f"/ctx/rest/api/latest/projects/PRJ/repos/webapp/commits/{SHA}/builds",
             None, {"Authorization": f"Bearer {MARKER}", "X-Atlassian-Token": "no-check"}),
        Sent("POST", f"/ctx/rest/api/latest/projects/PRJ/repos/webapp/commits/{SHA}/builds", {
            "description": STATUS_DESC, "key": hashlib.sha1(CONTEXT.encode()).hexdigest(),
            "name": f"kustomization/webapp [{STATUS_DESC}]", "state": "FAILED",
            "url": "<address>"}, {"X-Requested-With": "XMLHttpRequest"})],
        path="/ctx/scm/PRJ/webapp.git", flags=("--yes-post-status",)),
    Case("azuredevops", [
        Sent("GET", f"/org/proj/_apis/git/repositories/webapp/commits/{SHA}/statuses", None,
             {"Authorization": _b("", MARKER)}, {"value": []}),
        Sent("POST", f"/org/proj/_apis/git/repositories/webapp/commits/{SHA}/statuses", {
            "context": {"genre": "fluxcd", "name": CONTEXT}, "description": STATUS_DESC,
            "state": "error"}, {"Authorization": _b("", MARKER)})],
        path="/org/proj/_git/webapp", flags=("--yes-post-status",)),
    Case("githubpullrequestcomment", [
        Sent("GET", "/api/v3/user", None, GITHUB, {"login": "flux-bot"}),
        Sent("GET", "/api/v3/repos/acme/webapp/issues/7/comments", None, GITHUB, []),
        Sent("POST", "/api/v3/repos/acme/webapp/issues/7/comments", {"body": COMMENT.format(
            marker="flux-pr-comment-key")}, GITHUB)],
        path="/acme/webapp", flags=("--yes-post-status", "-m", "change_request=7")),
    Case("gitlabmergerequestcomment", [
        Sent("GET", "/api/v4/user", None, {"PRIVATE-TOKEN": MARKER}, {"id": 1}),
        Sent("GET", "/api/v4/projects/acme/webapp/merge_requests/7/notes", None,
             {"PRIVATE-TOKEN": MARKER}, []),
        Sent("POST", "/api/v4/projects/acme/webapp/merge_requests/7/notes", {
            "body": COMMENT.format(marker="flux-mr-comment-key")}, {"PRIVATE-TOKEN": MARKER})],
        path="/acme/webapp", flags=("--yes-post-status", "-m", "change_request=7")),
    Case("giteapullrequestcomment", [
        Sent("GET", "/api/v1/version", None, {"Authorization": f"token {MARKER}"},
             {"version": "1.22.0"}),
        Sent("GET", "/api/v1/user", None, {"Authorization": f"token {MARKER}"}, {"id": 1}),
        Sent("GET", "/api/v1/repos/acme/webapp/issues/7/comments", None,
             {"Authorization": f"token {MARKER}"}, []),
        Sent("POST", "/api/v1/repos/acme/webapp/issues/7/comments", {
            "body": COMMENT.format(marker="flux-pr-comment-key")},
            {"Authorization": f"token {MARKER}"})],
        path="/acme/webapp", flags=("--yes-post-status", "-m", "change_request=7")),
]  # fmt: skip


def _check_hmac(request: Any) -> None:
    body = request.get_data()
    digest = hmac.new(MARKER.encode(), body, hashlib.sha256).hexdigest()
    assert request.headers["X-Signature"] == f"sha256={digest}"


def _go_compact(value: Any) -> str:
    """Go's encoding: compact, with <, > and & escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _normalise(value: Any) -> Any:
    """Replace the event time by placeholders after checking its format."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in ("timestamp", "startsAt") and isinstance(item, str):
                assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", item), item
                item = TS
            elif key in ("when", "date_happened") and isinstance(item, int):
                item = UNIX
            out[key] = _normalise(item)
        return out
    if isinstance(value, list):
        return [_normalise(item) for item in value]
    return value


def _expect(server: HTTPServer, case: Case, address: str) -> None:
    for sent in case.sent:
        path = sent.path
        if path == "<matrix>":
            path = re.compile(
                r"^/_matrix/client/r0/rooms/!room:example.org/send/m.room.message/[0-9a-f]{40}$"
            )
        server.expect_ordered_request(path, method=sent.method).respond_with_json(sent.answer)


def _ids(case: Case) -> str:
    return f"{case.type}-{case.flux}"


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_the_request_is_the_controllers(httpserver: HTTPServer, case: Case) -> None:
    base = httpserver.url_for("").rstrip("/")
    address = base + case.path
    _expect(httpserver, case, address)
    flags = tuple(f.replace("{base}", base) for f in case.flags)
    result = run_script(
        "--type", case.type, "--address", address, "--token-env", "MARKER_TOKEN",
        "--flux-version", case.flux, *EVENT_FLAGS, *flags,
        env={"MARKER_TOKEN": MARKER}, secrets=SECRETS,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "delivered" in result.stdout
    assert len(httpserver.log) == len(case.sent)
    for sent, (request, _) in zip(case.sent, httpserver.log, strict=True):
        assert request.method == sent.method
        for name, value in sent.headers.items():
            assert request.headers.get(name) == value, name
        raw = request.get_data()
        if sent.body is None:
            assert raw == b""
            continue
        if isinstance(sent.body, list) and sent.body and isinstance(sent.body[0], tuple):
            assert parse_qsl(raw.decode(), keep_blank_values=True) == sent.body
            continue
        assert request.headers["Content-Type"] == "application/json"
        assert raw.decode() == _go_compact(json.loads(raw))
        expected = json.dumps(sent.body, ensure_ascii=False).replace(
            '"<address>"', json.dumps(address)
        )
        got = json.dumps(_normalise(json.loads(raw)), ensure_ascii=False)
        assert got == expected
    if case.check:
        case.check(httpserver.log[0][0])
    if case.type == "gitlab":  # the project path travels URL-escaped, as one segment
        assert all(
            "/projects/group%2Fsub%2Fwebapp/" in r.environ["REQUEST_URI"] for r, _ in httpserver.log
        )
    httpserver.check_assertions()


def test_pagerduty_info_resolves_then_posts_a_change_event(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/v2/enqueue", method="POST").respond_with_json({})
    httpserver.expect_ordered_request("/v2/change/enqueue", method="POST").respond_with_json({})
    result = run_script(
        "--type", "pagerduty", "--address", httpserver.url_for("/ignored"), "--channel", "RK",
        "--reason", "ReconciliationSucceeded", "-m", f"revision={REV}",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(r.get_data()) for r, _ in httpserver.log)
    assert first == {"routing_key": "RK", "event_action": "resolve"}
    assert list(second) == ["routing_key", "payload"]
    assert list(second["payload"]) == ["summary", "source", "timestamp", "custom_details"]
    assert second["payload"]["summary"] == "reconciliation succeeded: kustomization/fluxnotify-test"


def test_a_commit_status_is_not_posted_without_consent(httpserver: HTTPServer) -> None:
    result = run_script(
        "--type", "github", "--address", httpserver.url_for("/acme/webapp"),
        "--token-env", "MARKER_TOKEN", *EVENT_FLAGS,
        env={"MARKER_TOKEN": MARKER}, secrets=SECRETS,
    )  # fmt: skip
    assert result.returncode == 2
    assert "--yes-post-status" in result.stderr
    assert f"this posts a commit status to localhost:{httpserver.port}/acme/webapp" in result.stderr
    assert httpserver.log == []


def test_dry_run_prints_the_status_request_for_the_revision() -> None:
    result = run_script(
        "--type", "github", "--address", "git@github.com:acme/webapp.git",
        "--token-env", "MARKER_TOKEN", "--dry-run", *EVENT_FLAGS,
        env={"MARKER_TOKEN": MARKER}, secrets=SECRETS,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (
        f"GET https://api.github.com/repos/acme/webapp/commits/{SHA}/statuses?…\n" in result.stdout
    )
    assert f"POST https://api.github.com/repos/acme/webapp/statuses/{SHA}\n" in result.stdout
    body = result.stdout.rsplit("\n\n", 1)[1]
    assert json.loads(body) == {"state": "failure", "description": STATUS_DESC, "context": CONTEXT}
    assert "Authorization: Bearer <redacted>" in result.stdout


@pytest.mark.parametrize(
    ("revision", "message"),
    [("main@sha256:" + "a" * 64, "failed to extract commit hash"), ("", "missing revision")],
)
def test_a_revision_flux_cannot_use_is_refused(revision: str, message: str) -> None:
    meta = ("-m", f"revision={revision}") if revision else ()
    result = run_script(
        "--type", "gitlab", "--address", "https://gitlab.com/acme/webapp", "--dry-run",
        "--token-env", "MARKER_TOKEN", *meta, env={"MARKER_TOKEN": MARKER}, secrets=SECRETS,
    )  # fmt: skip
    assert result.returncode == 2
    assert message in result.stderr


@pytest.mark.parametrize(
    ("provider_type", "address", "channel", "shows"),
    [
        ("nats", "nats://127.0.0.1:4222", "flux.events", "PUB flux.events "),
        ("googlepubsub", "my-project", "flux", "PUBLISH projects/my-project/topics/flux"),
        (
            "azureeventhub",
            "hub1",
            "myns",
            "event hub hub1 in namespace myns.servicebus.windows.net",
        ),
    ],
)
def test_non_http_types_dry_run_only(
    provider_type: str, address: str, channel: str, shows: str
) -> None:
    args = ("--type", provider_type, "--address", address, "--channel", channel, *EVENT_FLAGS)
    shown = run_script(*args, "--dry-run")
    assert shown.returncode == 0, shown.stderr
    assert shows in shown.stdout
    assert json.loads(shown.stdout.split("\n\n", 1)[1])["reason"] == "HealthCheckFailed"
    refused = run_script(*args)
    assert refused.returncode == 2
    assert refused.stderr.startswith(
        f"fluxnotify: error: test-send cannot publish to {provider_type}"
    )


@pytest.mark.parametrize(
    ("provider_type", "status", "answer", "meaning"),
    [
        ("telegram", 400, {"ok": False, "description": "Bad Request: chat not found"}, "chat ID"),
        ("pagerduty", 400, {"status": "invalid event", "errors": ["Invalid routing key"]},
         "routing key"),
        ("opsgenie", 422, {"message": "Request not processed"}, "region"),
        ("matrix", 403, {"errcode": "M_FORBIDDEN", "error": "not in room"}, "not in the room"),
        ("datadog", 403, {"errors": ["Forbidden"]}, "API key"),
        ("github", 422, {"message": f"No commit found for SHA: {SHA}"}, "another repository"),
    ],
)  # fmt: skip
def test_each_service_failure_is_explained(
    httpserver: HTTPServer, provider_type: str, status: int, answer: Any, meaning: str
) -> None:
    httpserver.expect_request(re.compile(".*"), method="GET").respond_with_json([])
    httpserver.expect_request(re.compile(".*")).respond_with_json(answer, status=status)
    base = httpserver.url_for("").rstrip("/")
    result = run_script(
        "--type", provider_type, "--address", f"{base}/acme/webapp", "--api-base", base,
        "--channel", "C1", "--token-env", "MARKER_TOKEN", "--yes-post-status", *EVENT_FLAGS,
        env={"MARKER_TOKEN": MARKER}, secrets=SECRETS,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert meaning in result.stderr
    assert f"HTTP {status}" in result.stderr


def _project(root: Path, provider_type: str, address: str, channel: str) -> None:
    token = base64.b64encode(MARKER.encode()).decode()
    pw = base64.b64encode(MARKER.encode()).decode()
    (root / "provider.yaml").write_text(
        f"""apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata: {{name: p, namespace: flux-system}}
spec:
  type: {provider_type}
  address: {address}
  channel: {channel}
  secretRef: {{name: p}}
---
apiVersion: v1
kind: Secret
metadata: {{name: p, namespace: flux-system}}
data:
  token: {token}
  username: {base64.b64encode(b"bot@example.com").decode()}
  password: {pw}
""",
        encoding="utf-8",
    )


@pytest.mark.parametrize("source", ["secret", "env"])
@pytest.mark.parametrize("provider_type", sorted({c.type for c in CASES} | {"otel"}))
def test_the_marker_token_never_shows(
    httpserver: HTTPServer, tmp_path: Path, provider_type: str, source: str
) -> None:
    """Dry run, verbose live run and failure, token from the Secret or the environment."""
    httpserver.expect_request(re.compile(".*")).respond_with_json(
        {"message": f"bad {MARKER}", "description": MARKER}, status=401
    )
    base = httpserver.url_for("").rstrip("/")
    address = (
        f"{base}/org/proj/_git/webapp"
        if provider_type == "azuredevops"
        else (
            f"{base}/scm/PRJ/webapp.git"
            if provider_type == "bitbucketserver"
            else f"{base}/acme/webapp"
        )
    )
    channel = "flux/alerts" if provider_type == "zulip" else "C1"
    if source == "secret":
        _project(tmp_path, provider_type, address, channel)
        args: tuple[str, ...] = ("--provider", "p", "--root", str(tmp_path))
        env = {}
    else:
        args = ("--type", provider_type, "--address", address, "--channel", channel)
        env = {"FLUXNOTIFY_TOKEN": MARKER}
    common = (*args, "--api-base", base, *EVENT_FLAGS, "-m", "change_request=7")
    for extra in (("--dry-run",), ("--dry-run", "--format", "json"), ("-v", "--yes-post-status")):
        result = run_script(*common, *extra, env=env, secrets=SECRETS)
        assert result.returncode in (0, 1), result.stderr


# --- sentry and otel: SDK wire formats --------------------------------------------------


@pytest.mark.parametrize("flux", ["2.8", "2.9"])
def test_sentry_posts_an_envelope_with_the_dsn_key(httpserver: HTTPServer, flux: str) -> None:
    httpserver.expect_request("/api/42/envelope/", method="POST").respond_with_json({"id": "1"})
    dsn = httpserver.url_for("/42").replace("://", "://PUBKEY@")
    result = run_script(
        "--type", "sentry", "--address", dsn, "--channel", "prod", "--flux-version", flux,
        *EVENT_FLAGS, secrets=(*SECRETS, "PUBKEY"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    ((request, _),) = httpserver.log
    assert "sentry_key=PUBKEY" in request.headers["X-Sentry-Auth"]
    assert request.headers["Content-Type"] == "application/x-sentry-envelope"
    header, item, event = request.get_data().decode().splitlines()
    assert json.loads(item) == {"type": "event", "length": len(event.encode())}
    doc = json.loads(event)
    assert json.loads(header)["event_id"] == doc["event_id"]
    assert {
        k: doc[k] for k in ("level", "message", "server_name", "transaction", "environment")
    } == {
        "level": "error",
        "message": "Health check failed",
        "server_name": "kustomize-controller",
        "transaction": "Kustomization: apps/webapp",
        "environment": "prod",
    }
    if flux == "2.9":  # sentry-go v0.46: metadata moved from `extra` to contexts.metadata
        assert doc["contexts"]["metadata"] == {"revision": REV}
        assert "extra" not in doc
    else:
        assert doc["extra"] == {"revision": REV}
        assert "contexts" not in doc


def _protobuf(data: bytes) -> list[tuple[int, Any]]:
    """(field number, value) of one protobuf message: varints, fixed64, length-delimited."""
    fields: list[tuple[int, Any]] = []
    i = 0

    def varint() -> int:
        nonlocal i
        shift = value = 0
        while True:
            byte = data[i]
            i += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    while i < len(data):
        key = varint()
        number, wire = key >> 3, key & 7
        if wire == 0:
            fields.append((number, varint()))
        elif wire == 1:
            fields.append((number, data[i : i + 8]))
            i += 8
        elif wire == 2:
            size = varint()
            fields.append((number, data[i : i + size]))
            i += size
        else:
            raise AssertionError(f"wire type {wire}")
    return fields


def _one(fields: list[tuple[int, Any]], number: int) -> Any:
    return next(v for n, v in fields if n == number)


def test_otel_exports_one_span_as_otlp_protobuf(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/traces", method="POST").respond_with_data(b"")
    result = run_script(
        "--type", "otel", "--address", httpserver.url_for("/v1/traces"),
        "--token-env", "MARKER_TOKEN", *EVENT_FLAGS,
        env={"MARKER_TOKEN": MARKER}, secrets=SECRETS,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    ((request, _),) = httpserver.log
    assert request.headers["Content-Type"] == "application/x-protobuf"
    # Authorization only with Secret `headers` (otel.go): a token alone sends none.
    assert "Authorization" not in request.headers
    resource_spans = _protobuf(_one(_protobuf(request.get_data()), 1))
    scope_spans = _protobuf(_one(resource_spans, 2))
    assert _protobuf(_one(scope_spans, 1)) == [(1, b"flux:notification-controller")]
    span = _protobuf(_one(scope_spans, 2))
    assert _one(span, 5) == b"Kustomization: apps/webapp"
    assert len(_one(span, 1)) == 16
    assert len(_one(span, 2)) == 8
    status = _protobuf(_one(span, 15))
    assert status == [(2, b"Health check failed"), (3, 2)]  # STATUS_CODE_ERROR
    attributes = {
        _one(_protobuf(kv), 1).decode(): _one(_protobuf(_one(_protobuf(kv), 2)), 1).decode()
        for n, kv in span
        if n == 9
    }
    assert attributes == {
        "object.uid": "",
        "object.kind": "Kustomization",
        "object.name": "webapp",
        "object.namespace": "apps",
        "revision": REV,
    }


def test_the_docs_have_a_section_per_type() -> None:
    from fluxnotify.providertypes import TYPES

    page = (Path(__file__).resolve().parents[2] / "docs" / "test-send.md").read_text("utf-8")
    sections = re.findall(r"^### `([a-z-]+)`$", page, re.M)
    assert sections == list(TYPES)
    for name in TYPES:
        body = page.split(f"### `{name}`\n", 1)[1].split("\n### ", 1)[0]
        assert "**request**" in body
        assert "**failures**" in body
        assert f"--type {name}" in body


@pytest.mark.parametrize(
    ("provider_type", "path", "answer", "code", "words"),
    [
        ("github", "/api/v3/repos/acme/webapp", {"permissions": {"push": True}}, 0,
         "may post statuses"),
        ("github", "/api/v3/repos/acme/webapp", {"permissions": {"push": False}}, 1,
         "may not post statuses"),
        ("gitlab", "/api/v4/projects/acme/webapp",
         {"permissions": {"project_access": {"access_level": 20}, "group_access": None}}, 1,
         "may not post statuses"),
        ("gitea", "/api/v1/repos/acme/webapp", {"permissions": {"push": True}}, 0,
         "may post statuses"),
    ],
)  # fmt: skip
def test_check_access_reads_the_repository_and_posts_nothing(
    httpserver: HTTPServer, provider_type: str, path: str, answer: Any, code: int, words: str
) -> None:
    httpserver.expect_request(path, method="GET").respond_with_json(answer)
    result = run_script(
        "--type", provider_type, "--address", httpserver.url_for("/acme/webapp"),
        "--token-env", "MARKER_TOKEN", "--check-access",
        env={"MARKER_TOKEN": MARKER}, secrets=SECRETS,
    )  # fmt: skip
    assert result.returncode == code, result.stderr
    assert words in result.stdout + result.stderr
    assert [r.method for r, _ in httpserver.log] == ["GET"]
