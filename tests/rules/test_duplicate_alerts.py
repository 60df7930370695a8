"""duplicate-alerts: two Alerts deliver the same events to the same destination
(reference 3e "Two Alerts that match the same event both send"; flux2#3072, #3406)."""

from __future__ import annotations

from pathlib import Path

import pytest
from routing_support import (
    Project,
    alert,
    check_page,
    docs,
    flux_kustomization,
    hit,
    kustomization,
    provider,
    secret,
)

RULE = "duplicate-alerts"
ALERTMANAGER = "\n  address: http://alertmanager-operated.observability.svc:9093/api/v2/alerts/"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """One cluster, `prod`, that applies the folder `notify/`."""
    p = Project(tmp_path)
    p.cluster("prod")
    p.write("clusters/prod/notify.yaml", flux_kustomization("notify", "./notify"))
    return p


def _lines(project: Project, name: str, count: int) -> list[int]:
    return [project.line(name, "eventSources:", nth=i) for i in range(1, count + 1)]


# --- flagged ------------------------------------------------------------------------------


def test_info_and_error_alerts_on_the_same_provider(project: Project) -> None:
    """An `info` Alert already receives errors: every error is posted twice."""
    project.write(
        "notify/alerts.yaml",
        docs(
            provider(),
            secret(address="a"),
            alert("all", severity="info"),
            alert("errors", severity="error"),
        ),
    )
    report = project.validate("notify")
    first, second = _lines(project, "notify/alerts.yaml", 2)
    assert project.of(report, RULE) == [
        hit("notify/alerts.yaml", first, "warning"),
        hit("notify/alerts.yaml", second, "warning"),
    ]
    messages = project.messages(report, RULE)
    assert messages[0].startswith("Alert `errors` (")
    assert messages[0].endswith(
        f"notify/alerts.yaml:{project.line('notify/alerts.yaml', 'kind: Alert', nth=2) - 1}) sends the"
        " same events to the same destination in namespace flux-system: each is posted twice"
    )


def test_two_providers_with_the_same_destination(project: Project) -> None:
    """kashalls: `alert-manager` and `alertmanager` Providers post to the same address."""
    project.write(
        "notify/a.yaml",
        docs(
            provider("alert-manager", type_="alertmanager", secret=None, extra=ALERTMANAGER),
            alert("alert-manager", provider_ref="alert-manager"),
        ),
    )
    project.write(
        "notify/b.yaml",
        docs(
            provider("alertmanager", type_="alertmanager", secret=None, extra=ALERTMANAGER),
            alert(
                "alertmanager",
                provider_ref="alertmanager",
                sources="    - kind: Kustomization\n      name: apps\n      namespace: flux-system",
            ),
        ),
    )
    report = project.validate("notify")
    assert project.of(report, RULE) == [
        hit("notify/a.yaml", project.line("notify/a.yaml", "eventSources:"), "warning"),
        hit("notify/b.yaml", project.line("notify/b.yaml", "eventSources:"), "warning"),
    ]


def test_component_alert_next_to_a_namespace_alert(project: Project) -> None:
    """A Component adds a second Alert pair in one of the namespaces that already has one."""
    project.write(
        "components/alerts/kustomization.yaml",
        kustomization("provider.yaml", "alert.yaml", kind="Component"),
    )
    project.write(
        "components/alerts/provider.yaml",
        provider("am", None, type_="alertmanager", secret=None, extra=ALERTMANAGER),
    )
    project.write(
        "components/alerts/alert.yaml",
        alert("am", None, provider_ref="am", sources="    - kind: HelmRelease\n      name: '*'"),
    )
    project.write("notify/kustomization.yaml", kustomization("media", "games"))
    project.write(
        "notify/media/kustomization.yaml",
        kustomization("namespace.yaml", namespace="media", components=("../../components/alerts",)),
    )
    project.write(
        "notify/media/namespace.yaml",
        docs(
            provider(
                "alert-manager", "media", type_="alertmanager", secret=None, extra=ALERTMANAGER
            ),
            alert(
                "alert-manager",
                "media",
                provider_ref="alert-manager",
                sources="    - kind: HelmRelease\n      name: '*'",
            ),
        ),
    )
    project.write(
        "notify/games/kustomization.yaml",
        kustomization(namespace="games", components=("../../components/alerts",)),
    )
    report = project.validate("notify", "components")
    assert project.of(report, RULE) == [
        hit(
            "components/alerts/alert.yaml",
            project.line("components/alerts/alert.yaml", "eventSources:"),
            "warning",
        ),
        hit(
            "notify/media/namespace.yaml",
            project.line("notify/media/namespace.yaml", "eventSources:"),
            "warning",
        ),
    ]
    assert all("in namespace media" in m for m in project.messages(report, RULE))


def test_each_file_named_alone_gets_the_findings_of_the_whole_run(tmp_path: Path) -> None:
    """Alerts are grouped one placement at a time, when one there is first checked: a
    pre-commit run naming one file must still find the Alerts of other files at the same
    placement, and none of another namespace or cluster."""
    project = Project(tmp_path)
    for cluster in ("prod", "staging"):
        project.cluster(cluster)
        project.write(
            f"clusters/{cluster}/notify.yaml", flux_kustomization("notify", f"./{cluster}")
        )
    files = {
        # prod, flux-system: an info and an error Alert on the same Provider, two files
        "prod/provider.yaml": docs(provider(), secret(address="a")),
        "prod/errors.yaml": alert("errors"),
        "prod/everything.yaml": alert("everything", severity="info"),
        # prod, apps: the same names and one Alert only: nothing twice
        "prod/apps.yaml": docs(provider(namespace="apps"), alert("errors", "apps")),
        # staging: one Alert, the same as prod's
        "staging/alerts.yaml": docs(provider(), secret(address="a"), alert("errors")),
        # staging, apps: two Alerts on one source in one file
        "staging/apps.yaml": docs(
            provider(namespace="apps"),
            alert("one", "apps", sources="    - kind: HelmRelease\n      name: web"),
            alert(
                "two", "apps", severity="info", sources="    - kind: HelmRelease\n      name: '*'"
            ),
        ),
    }
    for name, text in files.items():
        project.write(name, text)
    whole = project.of(project.validate(), RULE)
    assert {h.path for h in whole} == {
        "prod/errors.yaml",
        "prod/everything.yaml",
        "staging/apps.yaml",
    }
    for name in files:
        alone = project.of(project.validate(name), RULE)
        assert alone == [h for h in whole if h.path == name], name


def test_same_file_without_a_cluster(tmp_path: Path) -> None:
    """No Flux entry point: one file is still applied as a whole, wherever it goes."""
    project = Project(tmp_path)
    project.write("alerts.yaml", docs(alert("all", severity="info"), alert("errors")))
    first, second = _lines(project, "alerts.yaml", 2)
    assert project.hits(RULE) == [
        hit("alerts.yaml", first, "warning"),
        hit("alerts.yaml", second, "warning"),
    ]


def test_a_thousand_identical_alerts_give_a_thousand_findings(project: Project) -> None:
    """Grouped, not compared pair by pair: one finding per Alert, naming the first
    (the first names the second), never N * (N - 1)."""
    count = 1000
    copies = [alert(f"copy-{i:04d}") for i in range(count)]
    project.write("notify/alerts.yaml", docs(provider(), secret(address="a"), *copies))
    report = project.validate("notify")
    messages = project.messages(report, RULE)
    assert len(messages) == count
    assert sum(m.startswith("Alert `copy-0000` (") for m in messages) == count - 1
    assert sum(m.startswith("Alert `copy-0001` (") for m in messages) == 1


def test_the_first_overlapping_alert_is_named(project: Project) -> None:
    """A `*` source overlaps a named one on either side; each Alert names the first Alert
    (in file order) that shares an event and a destination with it."""
    hr = "    - kind: HelmRelease\n      name: {}"
    project.write(
        "notify/alerts.yaml",
        docs(
            provider(),
            secret(address="a"),
            alert("podinfo", sources=hr.format("podinfo")),
            alert("grafana", sources=hr.format("grafana")),
            alert("all", sources=hr.format("'*'")),
        ),
    )
    report = project.validate("notify")
    named = [m.split("`")[1] for m in project.messages(report, RULE)]
    # podinfo and grafana do not overlap each other, both overlap `all`
    assert named == ["all", "all", "podinfo"]


# --- not flagged --------------------------------------------------------------------------


def test_different_files_without_a_cluster(tmp_path: Path) -> None:
    """clusters/prod/ and clusters/staging/ bootstrapped elsewhere: maybe two clusters."""
    project = Project(tmp_path)
    project.write("clusters/prod/alerts.yaml", alert("all", severity="info"))
    project.write("clusters/staging/alerts.yaml", alert("errors"))
    assert project.hits(RULE) == []


def test_different_channels_or_sources(project: Project) -> None:
    errors = provider("errors", secret="slack-url", extra="\n  channel: errors")
    everything = provider("everything", secret="slack-url", extra="\n  channel: everything")
    project.write(
        "notify/channels.yaml",
        docs(
            errors,
            everything,
            secret(address="a"),
            alert("a", provider_ref="errors"),
            alert("b", provider_ref="everything", severity="info"),
        ),
    )
    hr = "    - kind: HelmRelease\n      name: podinfo"
    project.write(
        "notify/sources.yaml",
        docs(
            alert("c", provider_ref="errors", sources=hr),
            alert("d", provider_ref="errors", sources=hr.replace("podinfo", "grafana")),
        ),
    )
    assert project.hits(RULE, "notify/channels.yaml", "notify/sources.yaml") == []


def test_suspended_filtered_or_label_selected(project: Project) -> None:
    suspended = alert("suspended") + "  suspend: true\n"
    filtered = alert("filtered") + "  exclusionList:\n    - '^Reconciliation finished'\n"
    labels = alert(
        "labels",
        sources="    - kind: Kustomization\n      name: '*'\n      matchLabels:\n        team: web",
    )
    project.write(
        "notify/alerts.yaml",
        docs(provider(), secret(address="a"), alert(), suspended, filtered, labels),
    )
    assert project.hits(RULE, "notify") == []


def test_sources_that_match_no_event_or_a_suspended_provider(project: Project) -> None:
    """The controller's reading (fluxnotify/matching.py): `namespace: '*'` and `app-*` match
    no object, and a suspended Provider posts nothing, so nothing is posted twice."""
    star = "    - kind: Kustomization\n      name: '*'\n      namespace: '*'"
    glob = "    - kind: Kustomization\n      name: app-*"
    project.write(
        "notify/alerts.yaml",
        docs(
            provider(),
            secret(address="a"),
            alert("star-a", sources=star),
            alert("star-b", sources=star),
            alert("glob-a", sources=glob),
            alert("glob-b", sources=glob),
        ),
    )
    project.write(
        "notify/paused.yaml",
        docs(
            provider("paused", extra="\n  suspend: true"),
            alert("paused-a", provider_ref="paused"),
            alert("paused-b", provider_ref="paused"),
        ),
    )
    assert project.hits(RULE, "notify") == []


def test_an_empty_source_namespace_is_the_alerts_own(project: Project) -> None:
    explicit = "    - kind: Kustomization\n      name: '*'\n      namespace: flux-system"
    empty = "    - kind: Kustomization\n      name: '*'\n      namespace: ''"
    project.write(
        "notify/alerts.yaml",
        docs(
            provider(), secret(address="a"), alert("a", sources=explicit), alert("b", sources=empty)
        ),
    )
    assert len(project.hits(RULE, "notify")) == 2


def test_one_component_alert_in_many_namespaces(project: Project) -> None:
    """onedr0p: the same Alert in twelve namespaces is one Alert per namespace, not a duplicate."""
    project.write(
        "components/alerts/kustomization.yaml",
        kustomization("provider.yaml", "alert.yaml", kind="Component"),
    )
    project.write(
        "components/alerts/provider.yaml",
        provider("am", None, type_="alertmanager", secret=None, extra=ALERTMANAGER),
    )
    project.write("components/alerts/alert.yaml", alert("am", None, provider_ref="am"))
    project.write("notify/kustomization.yaml", kustomization("a", "b"))
    for ns in ("a", "b"):
        project.write(
            f"notify/{ns}/kustomization.yaml",
            kustomization(namespace=ns, components=("../../components/alerts",)),
        )
    assert project.hits(RULE, "components") == []


def test_same_alerts_in_different_clusters(project: Project) -> None:
    project.cluster("staging")
    project.write("clusters/staging/notify.yaml", flux_kustomization("notify", "./staging-notify"))
    project.write("notify/alert.yaml", docs(provider(), secret(address="a"), alert()))
    project.write("staging-notify/alert.yaml", docs(provider(), secret(address="a"), alert()))
    assert project.hits(RULE) == []


def test_rule_page_examples(tmp_path: Path) -> None:
    """docs/rules/duplicate-alerts.md, in the cluster the page describes."""
    for example in ("failing", "fixed"):
        Project(tmp_path / example).cluster("prod")
    check_page(RULE, tmp_path, files=("clusters/prod/alerts.yaml",))
