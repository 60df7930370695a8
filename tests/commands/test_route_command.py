"""`fluxnotify route`: one event through every Alert, each miss with the reason shown.

The project below has one Alert per reason an event is not delivered (reference 3e,
../shared/reference/flux-notification-api.md), all applied in namespace `shop` of cluster
`clusters/prod` by the Flux Kustomization `apps`, plus two Alerts that deliver to the
same Slack channel. The event is an info event of HelmRelease shop/podinfo.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from routing_support import GOTK_SYNC, flux_kustomization
from validate_support import cli, console

SOURCES_PODINFO = "    - kind: HelmRelease\n      name: podinfo"


def _alert(name: str, provider: str = "slack", sources: str = SOURCES_PODINFO, **spec: str) -> str:
    extra = "".join(f"\n  {key}: {value}" for key, value in spec.items())
    return f"""
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: {name}
spec:
  providerRef:
    name: {provider}
  eventSources:
{sources}{extra}
"""


def _provider(name: str, type_: str, extra: str = "") -> str:
    return f"""
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: {name}
spec:
  type: {type_}{extra}
"""


def _docs(*parts: str) -> str:
    return "---\n" + "---\n".join(textwrap.dedent(p).strip("\n") + "\n" for p in parts)


ALERTS = {
    # name -> (its manifest, the check that stops the event, words the reason must show)
    "paused-alert": (
        _alert("paused-alert", suspend="true"),
        "suspended",
        "the Alert is suspended",
    ),
    "no-sources": (_alert("no-sources", sources="    []"), "no-sources", "no eventSources"),
    "kinds": (
        _alert("kinds", sources="    - kind: Kustomization\n      name: '*'"),
        "kind",
        "no eventSources entry is for kind HelmRelease",
    ),
    "elsewhere": (
        _alert("elsewhere", sources=SOURCES_PODINFO + "\n      namespace: web"),
        "namespace",
        "eventSources[0] watches namespace `web`; the event comes from namespace `shop`",
    ),
    "star-namespace": (
        _alert("star-namespace", sources=SOURCES_PODINFO + "\n      namespace: '*'"),
        "namespace",
        "`namespace: '*'` is not a wildcard: it is compared literally and matches nothing",
    ),
    "errors-only": (
        _alert("errors-only", eventSeverity="error"),
        "severity",
        "the Alert's eventSeverity is `error`: info events are not sent",
    ),
    "glob": (
        _alert("glob", sources="    - kind: HelmRelease\n      name: pod*"),
        "name",
        "`name: 'pod*'` is not a glob: only `*` alone matches every name",
    ),
    "other-name": (
        _alert("other-name", sources="    - kind: HelmRelease\n      name: cart"),
        "name",
        "eventSources[0] names `cart`; the event is from `podinfo`",
    ),
    "labels": (
        _alert(
            "labels",
            sources="    - kind: HelmRelease\n      name: '*'\n      matchLabels:\n        team: api",
        ),
        "labels",
        "matchLabels team=api do not all match the labels of HelmRelease/shop/podinfo (team=web)",
    ),
    "include": (
        _alert("include", inclusionList="['^Helm upgrade']"),
        "inclusion",
        "no inclusionList regex matches the message",
    ),
    "exclude": (
        _alert("exclude", exclusionList="['install succeeded']"),
        "exclusion",
        "exclusionList[0] `install succeeded` matches the message",
    ),
    "no-provider": (
        _alert("no-provider", provider="teams"),
        "provider-missing",
        "Provider `teams` is not defined in namespace `shop`",
    ),
    "paused-provider": (
        _alert("paused-provider", provider="paused"),
        "provider-suspended",
        "Provider `paused` is suspended",
    ),
    "commits": (
        _alert("commits", provider="github"),
        "commit-status",
        "a `github` Provider sets commit statuses",
    ),
    "pr-comments": (
        _alert("pr-comments", provider="pr"),
        "change-request",
        "it gets only events that carry `event.toolkit.fluxcd.io/change_request`",
    ),
}

HELMRELEASES = """
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  labels:
    team: web
spec:
  interval: 10m
  chart:
    spec:
      chart: podinfo
      sourceRef:
        kind: HelmRepository
        name: podinfo
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: cart
spec:
  interval: 10m
  chart:
    spec:
      chart: cart
      sourceRef:
        kind: HelmRepository
        name: podinfo
"""


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def make_project(root: Path) -> Path:
    write(root, "clusters/prod/flux-system/gotk-sync.yaml", GOTK_SYNC.format(cluster="prod"))
    write(root, "clusters/prod/apps.yaml", flux_kustomization("apps", "./apps"))
    write(
        root,
        "apps/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        "namespace: shop\nresources:\n  - releases.yaml\n  - notify.yaml\n",
    )
    write(root, "apps/releases.yaml", HELMRELEASES)
    write(
        root,
        "apps/notify.yaml",
        _docs(
            _provider(
                "slack",
                "slack",
                "\n  channel: shop-alerts\n  address: https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX",
            ),
            _provider("paused", "slack", "\n  suspend: true"),
            _provider("github", "github", "\n  address: https://github.com/acme/shop"),
            _provider("pr", "githubpullrequestcomment", "\n  secretRef:\n    name: gh-token"),
            *(manifest for manifest, _, _ in ALERTS.values()),
            _alert("team"),
            _alert("team-copy", sources="    - kind: HelmRelease\n      name: '*'"),
        ),
    )
    write(root, "clusters/staging/flux-system/gotk-sync.yaml", GOTK_SYNC.format(cluster="staging"))
    write(
        root,
        "clusters/staging/alert.yaml",
        _alert("staging-only").replace(
            "name: staging-only", "name: staging-only\n  namespace: shop"
        ),
    )
    write(root, "loose/alert.yaml", _alert("nowhere"))
    return root


EVENT = ("--kind", "HelmRelease", "--name", "podinfo", "--severity", "info")
MESSAGE = ("--message", "Helm install succeeded for release shop/podinfo.v1")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("route"))


@pytest.fixture(scope="module")
def rows(project: Path) -> dict[str, dict[str, object]]:
    result = cli("route", *EVENT, *MESSAGE, "--format", "json", "--root", project, cwd=project)
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["version"] == 1
    return {row["name"]: row for row in data["alerts"]}


@pytest.mark.parametrize("name", sorted(ALERTS))
def test_each_reason_an_event_is_not_delivered(
    rows: dict[str, dict[str, object]], name: str
) -> None:
    _, check, words = ALERTS[name]
    row = rows[name]
    assert row["delivered"] is False
    assert row["check"] == check
    assert words in str(row["reason"])


def test_an_alert_in_another_cluster_and_one_without_namespace(
    rows: dict[str, dict[str, object]],
) -> None:
    assert rows["staging-only"]["check"] == "cluster"
    assert "cluster `clusters/staging`; the event comes from cluster clusters/prod" in str(
        rows["staging-only"]["reason"]
    )
    assert rows["nowhere"]["check"] == "namespace-unknown"


def test_delivered_rows_name_the_destination_and_mark_duplicates(
    rows: dict[str, dict[str, object]],
) -> None:
    delivered = {name for name, row in rows.items() if row["delivered"]}
    assert delivered == {"team", "team-copy"}
    destination = rows["team"]["destination"]
    assert destination == {
        "cluster": "clusters/prod",
        "namespace": "shop",
        "provider": "slack",
        "type": "slack",
        "target": "channel shop-alerts, https://hooks.slack.com/services/…",
    }
    assert rows["team"]["duplicates"] == ["shop/team-copy"]
    assert rows["team-copy"]["duplicates"] == ["shop/team"]


def test_text_output_shows_reasons_and_no_secret(project: Path) -> None:
    result = console("route", *EVENT, *MESSAGE, "--root", project, cwd=project)
    assert result.code == 0, result.stderr
    assert "XXXXSECRETXXXX" not in result.stdout + result.stderr
    assert "T000" not in result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == "info event from HelmRelease shop/podinfo (cluster clusters/prod)"
    team = next(line for line in lines if "Alert shop/team " in line)
    assert team.startswith("delivered")
    assert "DUPLICATE: also sent by shop/team-copy" in team
    glob = next(line for line in lines if "Alert shop/glob " in line)
    assert glob.startswith("not delivered")
    assert "name: eventSources[0] `name: 'pod*'` is not a glob" in glob
    assert lines[-1] == "delivered to 1 destination(s) through 2 Alert(s)"


def test_exit_1_when_delivered_nowhere(project: Path) -> None:
    # The Kustomization `apps` lives in flux-system; every Alert of the project is in shop.
    args = ("route", "--kind", "Kustomization", "--name", "apps", "--root", project)
    result = cli(*args, cwd=project)
    assert result.code == 1
    assert result.stdout.splitlines()[-1] == "delivered nowhere"
    kinds = next(line for line in result.stdout.splitlines() if "Alert shop/kinds " in line)
    assert "watches namespace `shop`" in kinds
    assert console(*args, cwd=project).code == 1


def test_cluster_chooses_where_the_event_comes_from(project: Path) -> None:
    result = cli(
        "route",
        *EVENT,
        "--cluster",
        "clusters/staging",
        "-f",
        "json",
        "--root",
        project,
        cwd=project,
    )
    rows = {row["name"]: row for row in json.loads(result.stdout)["alerts"]}
    # staging's Alert now sees the event, and finds no Provider `slack` in staging's shop
    assert rows["staging-only"]["check"] == "provider-missing"
    assert rows["team"]["check"] == "cluster"
    assert result.code == 1


def test_commit_status_update_metadata_reaches_the_git_provider(project: Path) -> None:
    result = cli(
        "route",
        *EVENT,
        "-m",
        "commit_status=update",
        "--format",
        "json",
        "--root",
        project,
        cwd=project,
    )
    data = {row["name"]: row for row in json.loads(result.stdout)["alerts"]}
    assert data["commits"]["delivered"] is True
    assert data["team"]["check"] == "commit-status"
    assert "not to `slack`" in data["team"]["reason"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((), "give the event's object with --kind and --name, or use --all"),
        (("--kind", "helmrelease", "--name", "x"), "did you mean HelmRelease?"),
        (("--kind", "HelmRelease", "--name", "x", "--severity", "warning"), "info or error"),
        (("--kind", "HelmRelease", "--name", "x"), "give --namespace"),
        (("--all", "--kind", "HelmRelease"), "--all routes every object's events: drop --kind"),
        (("--all", "-n", "shop", "--message", "x"), "drop --namespace, --message"),
        (("--all", "--cluster", "staging"), "hint: its clusters: clusters/prod, clusters/staging"),
        (("--kind", "HelmRelease", "--name", "podinfo", "-f", "dot"), "add --all"),
        (("--kind", "HelmRelease", "--name", "podinfo", "-m", "novalue"), "write KEY=VALUE"),
        (
            ("--kind", "HelmRelease", "--name", "podinfo", "--cluster", "prod"),
            "hint: its clusters: clusters/prod, clusters/staging",
        ),
    ],
)
def test_usage_errors_exit_2_with_one_line(project: Path, args: tuple[str, ...], says: str) -> None:
    result = cli("route", *args, "--root", project, cwd=project)
    assert result.code == 2
    assert result.stderr.startswith("fluxnotify: error: ")
    assert says in result.stderr
    assert "Traceback" not in result.stderr


def test_cross_namespace_refs_blocked(tmp_path: Path) -> None:
    make_project(tmp_path)
    write(
        tmp_path,
        "clusters/prod/flux-system/patch.yaml",
        "# patches the controller\n- op: add\n  path: /spec/template/spec/containers/0/args/-\n"
        "  value: --no-cross-namespace-refs=true\n",
    )
    write(
        tmp_path,
        "clusters/prod/watch.yaml",
        _alert("watch-shop", sources=SOURCES_PODINFO + "\n      namespace: shop").replace(
            "name: watch-shop", "name: watch-shop\n  namespace: flux-system"
        )
        + "---\n"
        + textwrap.dedent(_provider("slack", "slack")).replace(
            "name: slack", "name: slack\n  namespace: flux-system"
        ),
    )
    result = cli("route", *EVENT, "--format", "json", "--root", tmp_path, cwd=tmp_path)
    row = next(r for r in json.loads(result.stdout)["alerts"] if r["name"] == "watch-shop")
    assert row["check"] == "cross-namespace"
    assert "--no-cross-namespace-refs=true" in row["reason"]


def test_a_project_without_alerts_discards_every_event(tmp_path: Path) -> None:
    write(
        tmp_path,
        "apps/releases.yaml",
        HELMRELEASES.replace("  name: podinfo", "  name: podinfo\n  namespace: shop"),
    )
    result = console("route", *EVENT, "--root", tmp_path, tmp_path, cwd=tmp_path)
    assert result.code == 1
    assert result.stdout.splitlines() == [
        "info event from HelmRelease shop/podinfo (cluster ?)",
        "no Alert in the project: the event is discarded",
    ]
    empty = cli("route", "--all", "--root", tmp_path, tmp_path, cwd=tmp_path)
    assert empty.code == 0
    assert "errors that reach nobody: 1 of 2 objects" in empty.stdout


@pytest.mark.parametrize("fmt", ["text", "json", "mermaid", "dot"])
def test_no_format_of_the_map_shows_the_webhook_path(project: Path, fmt: str) -> None:
    result = cli("route", "--all", "-f", fmt, "--root", project, project, cwd=project)
    assert result.code == 0, result.stderr
    assert "hooks.slack.com/services/" in result.stdout  # the destination is named...
    assert "T000" not in result.stdout  # ...but not its secret path
    assert "XXXXSECRETXXXX" not in result.stdout


def test_all_for_one_cluster(project: Path) -> None:
    result = cli(
        "route",
        "--all",
        "--cluster",
        "clusters/staging",
        "-f",
        "json",
        "--root",
        project,
        project,
        cwd=project,
    )
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(o["cluster"], o["kind"], o["name"]) for o in data["objects"]] == [
        ("clusters/staging", "Kustomization", "flux-system")
    ]
    # the Alerts that deliver nothing are that cluster's too, not prod's shop/* ones
    assert [(a["cluster"], a["name"]) for a in data["silent_alerts"]] == [
        ("clusters/staging", "staging-only")
    ]


NO_CLUSTERS = [
    "fluxnotify: error: --cluster prod: the repository defines no clusters",
    "  hint: a cluster is named after the folder of its Flux Kustomization"
    " (clusters/prod/flux-system/gotk-sync.yaml: clusters/prod); with none, drop --cluster",
]


@pytest.mark.parametrize(
    "args",
    [("--all",), ("--all", "-f", "json"), ("--kind", "HelmRelease", "--name", "podinfo")],
    ids=["all", "all-json", "event"],
)
def test_cluster_in_a_repository_without_clusters_is_a_usage_error(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    """Loose manifests, no Flux Kustomization: no cluster to choose. `--all --cluster`
    once printed an empty table and exited 0; one event was routed as if from it."""
    write(
        tmp_path,
        "apps/releases.yaml",
        HELMRELEASES.replace("  name: podinfo", "  name: podinfo\n  namespace: shop"),
    )
    write(tmp_path, "apps/notify.yaml", _docs(_provider("slack", "slack"), _alert("team")))
    argv = ("route", *args, "--cluster", "prod", "--root", tmp_path, tmp_path)
    result = cli(*argv, cwd=tmp_path)
    assert (result.code, result.stdout, result.stderr.splitlines()) == (2, "", NO_CLUSTERS)
    script = console(*argv, cwd=tmp_path)
    assert (script.code, script.stdout, script.stderr.splitlines()) == (2, "", NO_CLUSTERS)
    # without --cluster the same repository routes, every object in one unnamed cluster
    plain = cli("route", *args, "--root", tmp_path, tmp_path, cwd=tmp_path)
    assert (plain.code != 2, plain.stderr) == (True, "")
    assert "podinfo" in plain.stdout


def test_all_lists_the_alerts_that_deliver_nothing(project: Path) -> None:
    result = console("route", "--all", "--root", project, project, cwd=project)
    assert result.code == 0, result.stderr
    section = result.stdout[result.stdout.index("Alerts that deliver no object's events: ") :]
    listed = [line.split()[1] for line in section.splitlines()[1:] if line.startswith("  [")]
    # every Alert built to miss podinfo's event, less those that still carry cart's or errors
    missing = {f"shop/{name}" for name in ALERTS} - {
        "shop/commits",  # github takes podinfo's errors
        "shop/errors-only",
        "shop/include",
        "shop/exclude",
        "shop/other-name",  # cart
    }
    assert set(listed) == missing | {"?/nowhere", "shop/staging-only"}
    data = json.loads(
        cli("route", "--all", "-f", "json", "--root", project, project, cwd=project).stdout
    )
    assert sorted(
        f"{a['namespace']}/{a['name']}" for a in data["silent_alerts"] if a["namespace"]
    ) == sorted(missing | {"shop/staging-only"})


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("--kind", "HelmRelease", "--name", "", "-n", "shop"),
            [
                "fluxnotify: error: --name: the value is empty",
                "  hint: name the object, e.g. --name podinfo",
            ],
        ),
        (
            ("--kind", "HelmRelease", "--name", "podinfo", "--namespace="),
            [
                "fluxnotify: error: --namespace: the value is empty",
                "  hint: leave --namespace out to use the one the repository applies the object in",
            ],
        ),
        (
            ("--kind", " ", "--name", "podinfo"),
            [
                "fluxnotify: error: --kind: the value is empty",
                "  hint: name the kind of the object, e.g. --kind HelmRelease",
            ],
        ),
        (
            ("--all", "--cluster", ""),
            [
                "fluxnotify: error: --cluster: the value is empty",
                "  hint: leave --cluster out to use every cluster the object is applied in",
            ],
        ),
    ],
    ids=["name", "namespace", "kind", "cluster"],
)
def test_an_empty_value_is_a_usage_error(
    project: Path, args: tuple[str, ...], expected: list[str]
) -> None:
    """`--name "$APP"` with APP unset once routed an event of an object named '' (exit 1,
    delivered nowhere), as if the object existed and nobody listened."""
    result = cli("route", *args, "--root", project, cwd=project)
    assert (result.code, result.stdout, result.stderr.splitlines()) == (2, "", expected)
    script = console("route", *args, "--root", project, cwd=project)
    assert (script.code, script.stdout, script.stderr.splitlines()) == (2, "", expected)
