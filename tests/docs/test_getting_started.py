"""docs/getting-started.md: the fluxnotify commands of the walk-through, run in order through
the console script in a fresh repository laid out as `flux bootstrap` lays it out; the test
message goes to a local server that answers as Slack's webhook does."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import yaml
from pytest_httpserver import HTTPServer
from validate_support import REPO, clean_env, console, write

PAGE = REPO / "docs" / "getting-started.md"
HOOK_PATH = "/services/T04P2LSG0KZ/B07RJ6M1Q9H/q8VhZ3kX2mNcR7tLwY5pJd4s"

GOTK_SYNC = """
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m
  ref:
    branch: main
  url: ssh://git@github.com/example/fleet
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m
  path: ./clusters/my-cluster
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
"""


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)


def _commands() -> list[str]:
    """Every fluxnotify command of the page's shell blocks, in order (install aside)."""
    lines = [line for block in _blocks("sh") for line in block.splitlines()]
    return [line for line in lines if line.startswith("fluxnotify ")]


def _args(command: str) -> list[str]:
    words = shlex.split(command)
    assert words[0] == "fluxnotify"
    return words[1:]


def test_the_page_walks_through_init_validate_and_test_send() -> None:
    assert [_args(c)[0] for c in _commands()] == ["init", "validate", "test-send"]
    page = PAGE.read_text(encoding="utf-8")
    for step in ("sops --encrypt", "git commit", "kubectl -n flux-system get providers,alerts"):
        assert step in page


def test_the_walk_through_works(tmp_path: Path, httpserver: HTTPServer) -> None:
    repo = tmp_path / "fleet"
    (repo / ".git").mkdir(parents=True)
    # step 2: the decryption patch, as the page writes it, on the bootstrap's files
    patch = next(b for b in _blocks("yaml") if "patches:" in b)
    write(repo, "clusters/my-cluster/flux-system/gotk-sync.yaml", GOTK_SYNC)
    write(
        repo,
        "clusters/my-cluster/flux-system/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        "resources:\n  - gotk-sync.yaml\n" + patch,
    )
    sops_config = next(b for b in _blocks("yaml") if "creation_rules:" in b)
    assert yaml.safe_load(sops_config)["creation_rules"][0]["encrypted_regex"]
    write(repo, ".sops.yaml", sops_config)
    init, check, send = _commands()

    result = console(*_args(init), cwd=repo)
    assert result.code == 0, result.stderr
    folder = repo / "clusters" / "my-cluster" / "notifications"
    assert sorted(p.name for p in folder.iterdir()) == [
        "alert.yaml",
        "kustomization.yaml",
        "provider.yaml",
        "secret.yaml",
    ]

    result = console(*_args(check), cwd=repo)
    assert result.code == 0, result.stdout
    assert result.stdout.splitlines()[-1].startswith("0 errors, 0 warnings")

    # step 6 without sops: the page's FLUXNOTIFY_ADDRESS form, to a server that answers as
    # Slack's incoming webhook does
    variant = re.search(
        r"`FLUXNOTIFY_ADDRESS=(\S+) (fluxnotify test-send [^`]+)`", PAGE.read_text()
    )
    assert variant is not None
    assert _args(variant.group(2)) == _args(send)
    httpserver.expect_request(HOOK_PATH, method="POST").respond_with_data("ok")
    env = clean_env(FLUXNOTIFY_ADDRESS=httpserver.url_for(HOOK_PATH))
    result = console(*_args(send), cwd=repo, env=env)
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("delivered: slack message to ")
    [(request, _)] = httpserver.log
    payload = json.loads(request.get_data())
    assert payload["attachments"][0]["color"]  # shaped as notification-controller's message
    assert "q8VhZ3kX2mNcR7tLwY5pJd4s" not in result.stdout + result.stderr
