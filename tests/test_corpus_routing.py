"""validate over the real repositories in ../shared/corpus: no false alarms, and the true
mistakes each listed with the reason (issue 3, Acceptance).

Every repository is checked as a pre-commit hook or CI job would: `--root` set to it,
`--format json`, through the CLI. The errors and warnings must be exactly the ones
below, so that a new false alarm and a lost true finding both fail. The hard cases
named in ../shared/corpus/README.md are also checked from the inside: their
references must resolve (a Provider or Secret found in the effective namespace and
cluster), not merely stay silent because a namespace was unknown.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from validate_support import REPO, cli

from fluxnotify.discovery import DEFAULT_EXCLUDES, walk
from fluxnotify.graph import build_graph
from fluxnotify.index import Index
from fluxnotify.model import Document, SourceFile
from fluxnotify.parsing import load
from fluxnotify.rules._refs import ref_name

pytestmark = pytest.mark.needs_shared

REPOSITORIES = (
    "GiorgioAresu__homelab-gitops",
    "billimek__k8s-gitops",
    "bjw-s-labs__home-ops",
    "fluxcd-community__helm-charts",
    "fluxcd__flux2-kustomize-helm-example",
    "fluxcd__flux2-multi-tenancy",
    "haraldkoch__kochhaus-home",
    "kashalls__home-cluster",
    "onedr0p__home-ops",
    "rxbn__k8s-gitops",
    "toboshii__home-ops",
    "xunholy__k8s-gitops",
)


class Expected(NamedTuple):
    path: str
    line: int
    rule: str
    severity: str
    reason: str


TOBOSHII_V1BETA1 = (
    "the repository installs Flux v0.31.4 from a fluxcd/flux2 GitRepository tag, checked as "
    "2.0, the oldest supported release; Receiver v1beta1 is deprecated there (v1 exists since "
    "2.0, reference 1) while Alert/Provider v1beta1 are still served; on the newest Flux all "
    "five are errors (test_toboshii_on_the_newest_flux)"
)
TOBOSHII_RECEIVER = (
    "the Receiver lists Kustomizations crds-cert-manager and crds-external-snapshotter that "
    "the repository no longer defines (its other crds-* Kustomizations exist)"
)
KASHALLS_DUPLICATE = (
    "the namespace gets the alert-manager Alert/Provider pair from its namespace.yaml and "
    "the alertmanager pair from components/common: both `error` Alerts match HelmRelease '*' "
    "with the same exclusionList and post to the same Alertmanager address, so every "
    "HelmRelease error is sent twice"
)
NOTIFY = "cluster/apps/flux-system/notifications"
RECEIVER = "cluster/apps/flux-system/webhook/github/receiver.yaml"
COMPONENT_ALERT = "kubernetes/components/common/alerts/alertmanager/alert.yaml"

TOBOSHII_OLD_SOURCES = (
    "GitRepository and Kustomization v1beta1/v1beta2 are deprecated in Flux 2.0 "
    "(source-controller and kustomize-controller v1.0 CRDs serve them marked deprecated, "
    "v1 is the storage version); the repository runs Flux v0.31.4, checked as 2.0"
)
GIORGIO_HELM = (
    "HelmRelease v2beta1 is deprecated in Flux 2.2 (helm-controller v0.37 CRD: v2beta2 is the "
    "storage version); the repository runs Flux 2.2.3 (its gotk-components.yaml)"
)
MULTI_TENANCY_OCI = (
    "OCIRepository v1beta2 is not served from Flux 2.8 (source-controller v1.8 CRD); nothing "
    "names the release the example runs, so the newest is a guess and this is a warning"
)
HARALDKOCH_ARCHIVE = (
    "archived manifests under .archive/ keep HelmRelease v2beta1/v2beta2 and "
    "GitRepository/Kustomization v1beta2, which Flux 2.8 no longer serves; nothing names "
    "the release, so the newest is a guess and these are warnings"
)
_OLD_SOURCES = r"(?:kustomize|source)\.toolkit\.fluxcd\.io/v1beta[12]"
#: toboshii's GitRepository and Kustomization objects (its HelmRelease v2beta1 and
#: HelmRepository v1beta1/v1beta2 are served, not deprecated, in 2.0)
TOBOSHII_OLD = [
    *(
        (f"cluster/crds/{app}/crds.yaml", line)
        for app in ("cloudnative-pg", "kube-prometheus-stack", "kyverno", "rook-ceph")
        for line in (2, 19)
    ),
    ("cluster/crds/external-dns/crds.yaml", 2),
    ("cluster/crds/external-dns/crds.yaml", 18),
    *((f"cluster/flux/{name}.yaml", 2) for name in ("apps", "charts", "config", "core", "crds")),
    ("cluster/flux/flux-system/flux-cluster.yaml", 2),
    ("cluster/flux/flux-system/flux-cluster.yaml", 13),
    ("cluster/flux/flux-system/flux-installation.yaml", 2),
    ("cluster/flux/flux-system/flux-installation.yaml", 19),
]
_OLD_HELM = r"helm\.toolkit\.fluxcd\.io/v2beta[12]"


def _old_versions(repo: Path, under: str, versions: str, reason: str) -> list[Expected]:
    """An api-version warning on every line of ``under`` that names one of ``versions``
    (read with a plain regex, not the rule)."""
    pattern = re.compile(rf"^apiVersion: (?:{versions})\s*$")
    found = []
    for path in sorted((repo / under).rglob("*.yaml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.match(line):
                rel = path.relative_to(repo).as_posix()
                found.append(Expected(rel, number, "api-version", "warning", reason))
    return found


#: Expectations read from the repository's files: (folder, versions, reason) per repository.
DERIVED = {
    "haraldkoch__kochhaus-home": (".archive", f"{_OLD_HELM}|{_OLD_SOURCES}", HARALDKOCH_ARCHIVE),
}

#: The true mistakes: every error and warning validate reports over the corpus.
EXPECTED: dict[str, list[Expected]] = {
    "toboshii__home-ops": [
        Expected(RECEIVER, 2, "api-version", "warning", TOBOSHII_V1BETA1),
        Expected(RECEIVER, 45, "event-source-ref", "warning", TOBOSHII_RECEIVER),
        Expected(RECEIVER, 49, "event-source-ref", "warning", TOBOSHII_RECEIVER),
        *(Expected(p, n, "api-version", "warning", TOBOSHII_OLD_SOURCES) for p, n in TOBOSHII_OLD),
    ],
    "GiorgioAresu__homelab-gitops": [
        Expected(
            "cluster/apps/kube-system/external-secrets/app/helmrelease.yaml",
            3,
            "api-version",
            "warning",
            GIORGIO_HELM,
        ),
        Expected(
            "cluster/apps/kube-system/external-secrets/stores/onepassword/helmrelease.yaml",
            3,
            "api-version",
            "warning",
            GIORGIO_HELM,
        ),
    ],
    "fluxcd__flux2-multi-tenancy": [
        Expected(
            "infrastructure/kyverno/source.yaml", 1, "api-version", "warning", MULTI_TENANCY_OCI
        )
    ],
    "kashalls__home-cluster": [
        Expected(
            "kubernetes/apps/entertainment/namespace.yaml",
            30,
            "duplicate-alerts",
            "warning",
            KASHALLS_DUPLICATE,
        ),
        Expected(
            "kubernetes/apps/minecraft/namespace.yaml",
            31,
            "duplicate-alerts",
            "warning",
            KASHALLS_DUPLICATE,
        ),
        # The Component's Alert, once for each of the two namespaces.
        Expected(COMPONENT_ALERT, 11, "duplicate-alerts", "warning", KASHALLS_DUPLICATE),
        Expected(COMPONENT_ALERT, 11, "duplicate-alerts", "warning", KASHALLS_DUPLICATE),
    ],
}

#: Info findings are allowed, but only of these rules (Alerts without eventSeverity).
INFO_RULES = {"event-severity"}


def _run(repo: Path, *args: str) -> dict[str, Any]:
    """``validate --root REPO --format json ARGS`` (default: the whole repository)."""
    result = cli("validate", "--root", ".", "--format", "json", *(args or (".",)), cwd=repo)
    assert result.stderr == ""
    data: dict[str, Any] = json.loads(result.stdout)
    errors = data["summary"]["errors"]
    assert result.code == (1 if errors else 0)
    return data


@pytest.fixture(scope="module")
def corpus() -> Path:
    """../shared/corpus, found as tests/conftest.py finds ../shared."""
    shared = Path(os.environ.get("FLUXNOTIFY_SHARED", REPO.parent / "shared"))
    path = shared / "corpus"
    if not path.is_dir():
        pytest.skip(f"needs the corpus in {path}")
    return path


@pytest.fixture(scope="module")
def reports(corpus: Path) -> dict[str, dict[str, Any]]:
    return {name: _run(corpus / name) for name in REPOSITORIES}


def test_every_repository_is_listed(corpus: Path) -> None:
    assert sorted(p.name for p in corpus.iterdir() if p.is_dir()) == sorted(REPOSITORIES)


@pytest.mark.parametrize("repo", REPOSITORIES)
def test_errors_and_warnings_are_the_true_mistakes(
    corpus: Path, reports: dict[str, dict[str, Any]], repo: str
) -> None:
    findings = reports[repo]["findings"]
    found = Counter(
        (f["path"], f["line"], f["rule"], f["severity"])
        for f in findings
        if f["severity"] != "info"
    )
    listed = EXPECTED.get(repo, [])
    if repo in DERIVED:
        listed = listed + _old_versions(corpus / repo, *DERIVED[repo])
    expected = Counter((e.path, e.line, e.rule, e.severity) for e in listed)
    assert found == expected
    assert {f["rule"] for f in findings if f["severity"] == "info"} <= INFO_RULES


TOBOSHII_V1BETA1_OBJECTS = [
    (f"{NOTIFY}/discord/notification.yaml", 2),
    (f"{NOTIFY}/discord/notification.yaml", 14),
    (f"{NOTIFY}/github/notification.yaml", 2),
    (f"{NOTIFY}/github/notification.yaml", 13),
    (RECEIVER, 2),
]


@pytest.mark.parametrize(
    ("flux_version", "severity"), [("2.6", "warning"), ("2.9", "error")], ids=["2.6", "newest"]
)
def test_toboshii_on_other_flux_releases(corpus: Path, flux_version: str, severity: str) -> None:
    """From 2.2 all its v1beta1 objects are deprecated; from 2.7 they are gone."""
    data = _run(corpus / "toboshii__home-ops", "--flux-version", flux_version, ".")
    api = [
        (f["path"], f["line"], f["severity"])
        for f in data["findings"]
        if f["rule"] == "api-version"
        and f["object"]["apiVersion"].startswith("notification.toolkit.fluxcd.io/")
    ]
    assert sorted(api) == sorted((path, line, severity) for path, line in TOBOSHII_V1BETA1_OBJECTS)


def test_kashalls_messages_name_the_other_alert(reports: dict[str, dict[str, Any]]) -> None:
    messages = [
        f["message"]
        for f in reports["kashalls__home-cluster"]["findings"]
        if f["rule"] == "duplicate-alerts"
    ]
    assert sum("namespace entertainment" in m for m in messages) == 2
    assert sum("namespace minecraft" in m for m in messages) == 2
    assert all("Alert `alertmanager`" in m or "Alert `alert-manager`" in m for m in messages)


def _alert_files(repo: Path) -> list[str]:
    return sorted(
        path.relative_to(repo).as_posix()
        for path in repo.rglob("*.yaml")
        if re.search(r"^kind: (Alert|Receiver)$", path.read_text(encoding="utf-8"), re.M)
    )


@pytest.mark.parametrize("repo", [r for r in REPOSITORIES if "fluxcd" not in r])
def test_one_file_gets_what_the_whole_run_says_about_it(
    corpus: Path, reports: dict[str, dict[str, Any]], repo: str
) -> None:
    """The pre-commit case on real repositories: each file holding an Alert or Receiver,
    checked alone, gets exactly the findings a run over the whole repository gives it."""
    files = _alert_files(corpus / repo)
    assert files
    whole = reports[repo]["findings"]
    for name in files:
        alone = _run(corpus / repo, name)["findings"]
        assert alone == [f for f in whole if f["path"] == name], name


# --- the hard cases resolve (found, not just unreported) ----------------------------------


@pytest.mark.parametrize(
    ("repo", "rules"),
    [
        ("onedr0p__home-ops", {"provider-ref", "secret-ref"}),
        ("xunholy__k8s-gitops", {"provider-ref", "secret-ref"}),
        ("bjw-s-labs__home-ops", {"provider-ref", "secret-ref"}),
        ("haraldkoch__kochhaus-home", {"duplicate-object", "provider-ref", "secret-ref"}),
        ("billimek__k8s-gitops", {"secret-ref", "secret-keys"}),
        ("rxbn__k8s-gitops", {"secret-ref", "secret-keys"}),
        ("GiorgioAresu__homelab-gitops", {"secret-ref", "secret-keys"}),
    ],
)
def test_hard_cases_have_no_reference_findings(
    reports: dict[str, dict[str, Any]], repo: str, rules: set[str]
) -> None:
    assert [f for f in reports[repo]["findings"] if f["rule"] in rules] == []


class Loaded:
    def __init__(self, root: Path) -> None:
        files: dict[str, SourceFile] = {}
        for target in walk(root, DEFAULT_EXCLUDES, ""):
            files[str(target.path)] = load(target.path, target.display, full=False)
        self.graph = build_graph(str(root), files)
        self.index = Index((d for s in files.values() for d in s.documents), self.graph)
        self.notification = [
            d
            for s in files.values()
            for d in s.documents
            if d.group == "notification.toolkit.fluxcd.io"
        ]

    def of(self, kind: str) -> list[Document]:
        return [d for d in self.notification if d.kind == kind]


def _resolves(loaded: Loaded, *, providers: bool, secrets: bool) -> int:
    """Check every reference of the repository resolves; return how many were checked."""
    checked = 0
    for doc in loaded.notification:
        placements = loaded.index.placements(doc)
        assert all(p.namespace is not None for p in placements), (doc.file.display, placements)
        if providers and doc.kind == "Alert":
            name = ref_name(doc.spec, "providerRef")
            assert name is not None
            for placement in placements:
                assert loaded.index.find("Provider", name, placement), (doc.file.display, placement)
                checked += 1
        if secrets and doc.kind in ("Provider", "Receiver"):
            name = ref_name(doc.spec, "secretRef")
            for placement in placements if name else ():
                assert loaded.index.secrets(str(name), placement), (doc.file.display, placement)
                checked += 1
    return checked


@pytest.mark.parametrize(
    "repo", ["onedr0p__home-ops", "xunholy__k8s-gitops", "bjw-s-labs__home-ops"]
)
def test_components_with_namespaces_resolve(corpus: Path, repo: str) -> None:
    """Provider and Alert in a kustomize Component that kustomizations with `namespace:`
    pull into many namespaces: each copy finds its Provider and Secret."""
    loaded = Loaded(corpus / repo)
    assert _resolves(loaded, providers=True, secrets=True) >= 10
    (alert_doc, *_) = [d for d in loaded.of("Alert") if "components" in d.file.display]
    assert len({p.namespace for p in loaded.index.placements(alert_doc)}) >= 10


def test_haraldkoch_three_clusters(corpus: Path) -> None:
    """The same Provider and Alert names in kubernetes/main, network and registry: each
    resolves in its own cluster, none is a duplicate of another cluster's."""
    loaded = Loaded(corpus / "haraldkoch__kochhaus-home")
    clusters = set()
    for doc in loaded.of("Alert"):
        name = ref_name(doc.spec, "providerRef")
        assert name is not None
        for placement in loaded.index.placements(doc):
            assert placement.cluster is not None
            clusters.add(placement.cluster)
            found = loaded.index.find("Provider", name, placement)
            assert {p.placement.cluster for p in found} == {placement.cluster}
    assert {"kubernetes/main", "kubernetes/network"} <= clusters


@pytest.mark.parametrize(
    ("repo", "kinds"),
    [
        ("billimek__k8s-gitops", {"ExternalSecret"}),
        ("rxbn__k8s-gitops", {"Secret"}),
        ("GiorgioAresu__homelab-gitops", {"Secret"}),
    ],
)
def test_external_and_sops_secrets_resolve(corpus: Path, repo: str, kinds: set[str]) -> None:
    loaded = Loaded(corpus / repo)
    assert _resolves(loaded, providers=True, secrets=True) >= 2
    used = set()
    for doc in loaded.of("Provider") + loaded.of("Receiver"):
        name = ref_name(doc.spec, "secretRef")
        for placement in loaded.index.placements(doc) if name else ():
            used |= {s.kind for s in loaded.index.secrets(str(name), placement)}
    assert used == kinds
