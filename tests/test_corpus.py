"""Real Flux repositories (../shared/corpus): no false alarms from the part-1 rules.

Each repository is validated as a whole, with itself as the project root, so that
the target Flux version is detected per repository (rxbn runs 2.9.4,
GiorgioAresu 2.2.3, the rest fall back to the newest).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from validate_support import SHARED, validate

from fluxnotify.model import Severity

CORPUS = SHARED / "corpus"
REPOSITORIES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []
NO_FALSE_ALARMS = ("schema", "unknown-field", "yaml-syntax")

#: (repository, path, rule) -> why the finding is a true mistake. None so far.
EXPECTED: dict[tuple[str, str, str], str] = {}

#: What detection must find (reference: ../shared/corpus/README.md).
DETECTED_VERSION = {
    "rxbn__k8s-gitops": "2.9",
    "GiorgioAresu__homelab-gitops": "2.2",
}
#: Repositories with notification objects: a run that checks none of them has gone wrong.
NOTIFICATION_OBJECTS = {
    "onedr0p__home-ops": 5,
    "billimek__k8s-gitops": 4,
    "xunholy__k8s-gitops": 3,
    "rxbn__k8s-gitops": 6,
    "toboshii__home-ops": 5,
    "haraldkoch__kochhaus-home": 11,
    "GiorgioAresu__homelab-gitops": 4,
    "kashalls__home-cluster": 33,
    "bjw-s-labs__home-ops": 3,
}


@pytest.mark.needs_shared
@pytest.mark.parametrize("repository", REPOSITORIES)
def test_no_schema_unknown_field_or_syntax_errors(repository: str, shared: Path) -> None:
    root = shared / "corpus" / repository
    report = validate(root, root)
    unexpected = [
        f"{f.path}:{f.line}:{f.column} [{f.rule}] {f.message}"
        for f in report.findings
        if f.rule in NO_FALSE_ALARMS
        and f.severity is Severity.ERROR
        and (repository, str(Path(f.path).relative_to(root)), f.rule) not in EXPECTED
    ]
    assert unexpected == []
    if repository in DETECTED_VERSION:
        assert list(report.flux_versions) == [DETECTED_VERSION[repository]]
        assert "gotk-components.yaml" in report.flux_versions[DETECTED_VERSION[repository]]


@pytest.mark.needs_shared
@pytest.mark.parametrize("repository", sorted(NOTIFICATION_OBJECTS))
def test_notification_objects_are_checked(repository: str, shared: Path) -> None:
    """Every Alert, Provider and Receiver is loaded (none hidden as a template or skipped)."""
    from fluxnotify.discovery import DEFAULT_EXCLUDES, walk
    from fluxnotify.parsing import load

    root = shared / "corpus" / repository
    kinds = ("Alert", "Provider", "Receiver")
    loaded = 0
    for target in walk(root, DEFAULT_EXCLUDES, ""):
        source = load(target.path, target.display, full=False)
        loaded += sum(
            1
            for d in source.documents
            if d.kind in kinds and d.group == "notification.toolkit.fluxcd.io"
        )
    assert loaded == NOTIFICATION_OBJECTS[repository]


@pytest.mark.needs_shared
def test_values_with_template_strings_are_not_skipped(shared: Path) -> None:
    """HelmReleases whose values hold ``{{ }}`` strings are YAML and are checked."""
    root = shared / "corpus" / "onedr0p__home-ops"
    report = validate(root, root)
    skipped = [display for display, _ in report.notes]
    assert not any("kromgo" in display for display in skipped), skipped
    helm_charts = shared / "corpus" / "fluxcd-community__helm-charts"
    notes = validate(helm_charts, helm_charts).notes
    assert notes
    assert all("/templates/" in display for display, _ in notes)
