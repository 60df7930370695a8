"""commit-status-repository: a commit-status Provider that addresses another repository."""

from __future__ import annotations

from pathlib import Path

import pytest
from routing_support import Project, check_page

from fluxnotify import gitrepo

RULE = "commit-status-repository"

SYNCED = "ssh://git@github.com/acme/webapp"


def _manifests(
    address: str,
    *,
    url: str = SYNCED,
    provider_type: str = "github",
    source_kind: str = "GitRepository",
    watch: str = "Kustomization",
) -> str:
    source_spec = (
        f"url: {url}" if source_kind == "GitRepository" else "url: oci://ghcr.io/acme/webapp"
    )
    return f"""
apiVersion: source.toolkit.fluxcd.io/v1
kind: {source_kind}
metadata:
  name: webapp
  namespace: flux-system
spec:
  interval: 1m
  {source_spec}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: webapp
  namespace: flux-system
spec:
  interval: 10m
  path: ./deploy
  prune: true
  sourceRef:
    kind: {source_kind}
    name: webapp
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: status
  namespace: flux-system
spec:
  type: {provider_type}
  address: {address}
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: status
  namespace: flux-system
spec:
  providerRef:
    name: status
  eventSources:
    - kind: {watch}
      name: webapp
"""


def _messages(tmp_path: Path, text: str) -> list[str]:
    project = Project(tmp_path)
    project.write("manifest.yaml", text)
    return project.messages(project.validate(), RULE)


@pytest.mark.parametrize(
    "address",
    [
        "https://github.com/acme/webapp",
        "https://github.com/acme/webapp.git",
        "https://GitHub.com/acme/webapp",
        "ssh://git@github.com/acme/webapp",
        "ssh://git@github.com:22/acme/webapp.git",
        "git@github.com:acme/webapp.git",
        "https://token@github.com/acme/webapp",
    ],
)
def test_the_synced_repository_in_any_form_passes(tmp_path: Path, address: str) -> None:
    assert _messages(tmp_path, _manifests(address)) == []


@pytest.mark.parametrize("watch", ["Kustomization", "GitRepository"])
def test_another_repository_is_flagged(tmp_path: Path, watch: str) -> None:
    messages = _messages(tmp_path, _manifests("git@github.com:acme/platform.git", watch=watch))
    assert len(messages) == 1
    assert "posts commit statuses to github.com/acme/platform" in messages[0]
    assert f"GitRepository flux-system/webapp ({SYNCED})" in messages[0]


def test_another_host_is_another_repository(tmp_path: Path) -> None:
    messages = _messages(tmp_path, _manifests("https://git.acme.dev/acme/webapp"))
    assert len(messages) == 1


@pytest.mark.parametrize(
    ("provider_type", "address", "url"),
    [
        ("gitlab", "https://gitlab.com/group/sub/webapp", "git@gitlab.com:group/sub/webapp.git"),
        (
            "azuredevops",
            "https://dev.azure.com/org/proj/_git/webapp",
            "ssh://git@ssh.dev.azure.com/v3/org/proj/webapp",
        ),
        (
            "bitbucketserver",
            "https://bb.acme.dev/scm/PRJ/webapp.git",
            "ssh://git@bb.acme.dev:7999/prj/webapp.git",
        ),
    ],
)
def test_each_hosts_forms_compare_equal(
    tmp_path: Path, provider_type: str, address: str, url: str
) -> None:
    text = _manifests(address, url=url, provider_type=provider_type)
    assert _messages(tmp_path, text) == []


@pytest.mark.parametrize(
    ("provider_type", "address", "reason"),
    [
        ("github", "https://github.com/acme/webapp/tree/main", "invalid repository id"),
        ("azuredevops", "https://dev.azure.com/org/proj/webapp", "ORG/PROJECT/_git/REPO"),
        ("bitbucketserver", "ssh://git@bb.acme.dev:7999/prj/webapp.git", "unsupported scheme"),
    ],
)
def test_an_address_the_type_cannot_parse(
    tmp_path: Path, provider_type: str, address: str, reason: str
) -> None:
    messages = _messages(tmp_path, _manifests(address, provider_type=provider_type))
    assert len(messages) == 1
    assert f"the address is not a {provider_type} repository" in messages[0]
    assert reason in messages[0]


def test_sources_that_lead_to_no_git_repository_are_not_flagged(tmp_path: Path) -> None:
    oci = _manifests("https://github.com/acme/other", source_kind="OCIRepository")
    assert _messages(tmp_path / "oci", oci) == []
    variable = _manifests("https://github.com/acme/other", url="${REPO_URL}")
    assert _messages(tmp_path / "var", variable) == []
    no_alert = _manifests("https://github.com/acme/other").rsplit("---", 1)[0]
    assert _messages(tmp_path / "none", no_alert) == []


def test_key_is_the_same_for_every_form() -> None:
    forms = [
        "https://github.com/acme/webapp",
        "ssh://git@github.com/acme/webapp",
        "git@github.com:acme/webapp.git",
        "https://GITHUB.com/acme/webapp/",
    ]
    assert {gitrepo.same_repository_key(f) for f in forms} == {("github.com", "acme/webapp")}
    assert gitrepo.parse("git@github.com:acme/webapp.git") == ("https://github.com", "acme/webapp")
    assert gitrepo.parse("ssh://git@github.com:22/acme/x") == ("https://github.com:22", "acme/x")


def test_docs_page(tmp_path: Path) -> None:
    check_page(RULE, tmp_path)


def test_a_source_made_outside_the_project_may_be_the_synced_one(tmp_path: Path) -> None:
    """`*` watches a Kustomization of another repository and one of flux-system's, which
    bootstrap makes (no GitRepository in the project): not flagged."""
    text = _manifests("https://github.com/acme/platform", url="https://github.com/metallb/metallb")
    text = text.replace("      name: webapp\n", '      name: "*"\n')
    text += """---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
"""
    assert _messages(tmp_path, text) == []
    alone = text.rsplit("---", 1)[0]
    assert len(_messages(tmp_path / "alone", alone)) == 1
