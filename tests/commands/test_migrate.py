"""`fluxnotify migrate` as a command: through the console script and in-process."""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from validate_support import CONSOLE_SCRIPT, REPO, Result, clean_env, cli, console, validate, write

GROUP = "notification.toolkit.fluxcd.io"

ALERT = f"""
# the on-call alert
apiVersion: {GROUP}/v1beta2
kind: Alert
metadata:
  name: on-call
  namespace: flux-system
spec:
  summary: Production # shown in Slack
  providerRef:
    name: slack
  eventSources:
    - kind: Kustomization
      name: "*"
"""

PROVIDER = f"""
apiVersion: {GROUP}/v1beta2
kind: Provider
metadata:
  name: slack
  namespace: flux-system
spec:
  type: slack
  interval: 10m
  proxy: http://proxy.internal:3128
  secretRef:
    name: slack-webhook
"""

CURRENT = f"""
apiVersion: {GROUP}/v1
kind: Receiver
metadata:
  name: github
  namespace: flux-system
spec:
  type: github
  resources:
    - kind: GitRepository
      name: flux-system
  secretRef:
    name: token
"""


def _project(tmp_path: Path) -> Path:
    write(tmp_path, "alerts/alert.yaml", ALERT)
    write(tmp_path, "alerts/provider.yaml", PROVIDER)
    write(tmp_path, "receiver.yaml", CURRENT)
    return tmp_path


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize("run", [cli, console], ids=["in-process", "console-script"])
def test_diff_mode_prints_a_diff_changes_nothing_and_exits_1(run: object, tmp_path: Path) -> None:
    root = _project(tmp_path)
    before = _snapshot(root)
    result: Result = run("migrate", "--flux-version", "2.9", cwd=root)  # type: ignore[operator]
    assert result.code == 1, result.stderr
    assert _snapshot(root) == before
    assert result.stdout.startswith("--- alerts/alert.yaml\n+++ alerts/alert.yaml\n@@ ")
    assert f"-apiVersion: {GROUP}/v1beta2\n+apiVersion: {GROUP}/v1beta3\n" in result.stdout
    assert "-  summary: Production # shown in Slack\n" in result.stdout
    assert "+  eventMetadata:\n+    summary: Production # shown in Slack\n" in result.stdout
    assert "-  interval: 10m\n" in result.stdout
    assert "receiver.yaml" not in result.stdout
    assert "note: alerts/provider.yaml:9: Provider spec.proxy is deprecated" in result.stderr
    assert "target: Flux 2.9 (from --flux-version)" in result.stderr
    assert "2 files would change; --write changes them" in result.stderr


def test_the_diff_applies_with_patch_and_equals_write(tmp_path: Path) -> None:
    diffed = _project(tmp_path / "diffed")
    written = _project(tmp_path / "written")
    diff = cli("migrate", "--flux-version", "2.9", cwd=diffed).stdout
    subprocess.run(
        ["patch", "-p0", "--quiet", "--no-backup-if-mismatch"],
        input=diff,
        text=True,
        cwd=diffed,
        check=True,
        timeout=60,
    )
    assert cli("migrate", "--flux-version", "2.9", "--write", cwd=written).code == 0
    assert _snapshot(diffed) == _snapshot(written)


@pytest.mark.parametrize("run", [cli, console], ids=["in-process", "console-script"])
def test_write_changes_the_files_then_there_is_nothing_left(run: object, tmp_path: Path) -> None:
    root = _project(tmp_path)
    receiver = (root / "receiver.yaml").read_bytes()
    result: Result = run("migrate", "--flux-version", "2.9", "--write", cwd=root)  # type: ignore[operator]
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "migrated alerts/alert.yaml (2 edits)",
        "migrated alerts/provider.yaml (2 edits)",
    ]
    assert (root / "receiver.yaml").read_bytes() == receiver
    again: Result = run("migrate", "--flux-version", "2.9", "--write", cwd=root)  # type: ignore[operator]
    assert (again.code, again.stdout) == (0, "nothing to migrate\n")
    check: Result = run("migrate", "--flux-version", "2.9", cwd=root)  # type: ignore[operator]
    assert (check.code, check.stdout) == (0, "")
    findings = validate(root, flux_version="2.9").findings
    left = [(f.rule, f.message) for f in findings if f.rule in ("api-version", "deprecated-field")]
    assert left == [("deprecated-field", "`spec.proxy` is deprecated since Flux 2.7")]


def test_the_target_release_comes_from_the_repository(tmp_path: Path) -> None:
    root = _project(tmp_path)
    write(root, "clusters/prod/flux-system/gotk-components.yaml", "# Flux Version: v2.1.0\n")
    write(root, "clusters/prod/old.yaml", ALERT.replace("/v1beta2", "/v1beta1"))
    result = cli("migrate", cwd=root)
    assert result.code == 1
    # Flux 2.1 serves Alert v1beta2 at most, where summary is not deprecated
    assert "alerts/" not in result.stdout
    assert f"-apiVersion: {GROUP}/v1beta1\n+apiVersion: {GROUP}/v1beta2\n" in result.stdout
    assert "summary" not in result.stdout
    assert "target: Flux 2.1 (from clusters/prod/flux-system/gotk-components.yaml)" in result.stderr
    write(root, ".fluxnotify.yaml", "flux-version: '2.9'\n")
    configured = cli("migrate", cwd=root)
    assert configured.stdout.count(f"+apiVersion: {GROUP}/v1beta3") == 3
    assert "target: Flux 2.9 (from .fluxnotify.yaml)" in configured.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["migrate", "nowhere"], "fluxnotify: error: no such file or directory: nowhere"),
        (["migrate", "--flux-version", "3.1"], "fluxnotify: error: --flux-version: unsupported"),
        (["migrate", "-"], "fluxnotify: error: migrate rewrites files: `-`"),
        (["migrate", "--root", "missing"], "fluxnotify: error: --root: missing is not a directory"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], says: str, tmp_path: Path) -> None:
    _project(tmp_path)
    for result in (cli(*args, cwd=tmp_path), console(*args, cwd=tmp_path)):
        assert result.code == 2
        assert result.stderr.startswith(says)
        assert "Traceback" not in result.stderr
        assert result.stdout == ""


def test_a_file_that_is_not_yaml_is_noted_and_the_rest_migrated(tmp_path: Path) -> None:
    root = _project(tmp_path)
    write(root, "broken.yaml", f"apiVersion: {GROUP}/v1beta2\nkind: Alert\nspec: [\n")
    result = cli("migrate", "--flux-version", "2.9", "--write", cwd=root)
    assert result.code == 0
    assert "migrated alerts/alert.yaml (2 edits)" in result.stdout
    assert "note: broken.yaml:4: not migrated: not valid YAML (" in result.stderr
    assert (root / "broken.yaml").read_text(encoding="utf-8").endswith("spec: [\n")


@pytest.mark.needs_shared
def test_toboshii_home_ops_migrates_with_only_the_api_version_lines_changed(
    shared: Path, tmp_path: Path
) -> None:
    root = tmp_path / "home-ops"
    shutil.copytree(shared / "corpus" / "toboshii__home-ops", root)
    before = _snapshot(root)
    result = console("migrate", "--write", "--flux-version", "2.9", cwd=root)
    assert result.code == 0, result.stderr
    after = _snapshot(root)
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == [
        "cluster/apps/flux-system/notifications/discord/notification.yaml",
        "cluster/apps/flux-system/notifications/github/notification.yaml",
        "cluster/apps/flux-system/webhook/github/receiver.yaml",
    ]
    for name in changed:
        old = before[name].decode().splitlines(keepends=True)
        new = after[name].decode().splitlines(keepends=True)
        assert len(old) == len(new)
        comments = [line for line in old if line.lstrip().startswith("#")]
        assert comments == [line for line in new if line.lstrip().startswith("#")]
        differing = [line for line in difflib.ndiff(old, new) if line[:1] in "+-"]
        assert differing, name
        assert all(line[2:].startswith("apiVersion: ") for line in differing), differing
    findings = validate(root, flux_version="2.9").findings
    # migrate rewrites the notification kinds; api-version also reports the repository's
    # HelmRelease v2beta1 and source/Kustomization v1beta1 objects, which are not its part
    assert [
        f
        for f in findings
        if f.rule in ("api-version", "deprecated-field")
        and f.object is not None
        and f.object.api_version.startswith("notification.toolkit.fluxcd.io/")
    ] == []
    assert {f.object.kind for f in findings if f.rule == "api-version" and f.object} == {
        "HelmRelease",
        "HelmRepository",
        "GitRepository",
        "Kustomization",
    }
    again = console("migrate", "--write", "--flux-version", "2.9", cwd=root)
    assert (again.code, again.stdout) == (0, "nothing to migrate\n")
    assert _snapshot(root) == after


PAGE = REPO / "docs" / "migrate.md"


def test_the_worked_example_is_what_migrate_prints_and_writes(tmp_path: Path) -> None:
    """docs/migrate.md: its files, run through its commands, give its transcript and result."""
    page = PAGE.read_text(encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, timeout=60)
    inputs = re.findall(r"^`([^`]+)`:\n\n```yaml\n(.*?)```", page, re.M | re.S)
    assert len(inputs) == 2
    for name, text in inputs:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    transcript = re.search(r"```console\n(.*?)```", page, re.S)
    assert transcript is not None
    runs = re.split(r"^\$ ", transcript.group(1), flags=re.M)[1:]
    assert [run.split("\n", 1)[0].split()[:2] for run in runs] == [["fluxnotify", "migrate"]] * 3
    codes = []
    for run in runs:
        command, shown = run.split("\n", 1)
        proc = subprocess.run(
            [str(CONSOLE_SCRIPT), *command.split()[1:]],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=clean_env(PYTHONUNBUFFERED="1"),
            timeout=120,
            check=False,
        )
        assert proc.stdout == shown, command
        codes.append(proc.returncode)
    assert codes == [1, 0, 0]
    results = re.findall(r"^`([^`]+)` after `--write`:\n\n```yaml\n(.*?)```", page, re.M | re.S)
    assert len(results) == 1
    for name, text in results:
        assert (tmp_path / name).read_text(encoding="utf-8") == text


def test_the_page_documents_every_option(tmp_path: Path) -> None:
    page = PAGE.read_text(encoding="utf-8")
    help_text = cli("migrate", "--help", cwd=tmp_path).stdout
    options = set(re.findall(r"(--[a-z][a-z-]+)", help_text)) - {"--help"}
    assert options == {"--flux-version", "--write", "--root", "--exclude"}
    for option in sorted(options):
        assert f"| `{option}" in page, option
    cli_page = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "(migrate.md)" in cli_page
    assert "| `fluxnotify migrate" in readme


KUSTOMIZATION = """
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - alert.yaml
patches:
  - target:
      kind: Alert
      version: v1beta2
    patch: |
      - op: add
        path: /spec/eventMetadata/env
        value: prod
  - target:
      kind: Alert
      version: v1beta3
    path: already-current.yaml
"""

FLUX_KUSTOMIZATION = """
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./alerts
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  patches:
    - target:
        group: notification.toolkit.fluxcd.io
        version: v1beta1
        kind: Receiver
      patch: |
        - op: replace
          path: /spec/secretRef/name
          value: other
"""


def test_patches_that_target_the_old_version_get_a_note(tmp_path: Path) -> None:
    root = _project(tmp_path)
    write(root, "alerts/kustomization.yaml", KUSTOMIZATION)
    write(root, "clusters/apps.yaml", FLUX_KUSTOMIZATION)
    # not in git: the configuration file makes this folder the root, not `alerts/`
    write(root, ".fluxnotify.yaml", "# the project root\n")
    result = cli("migrate", "--flux-version", "2.9", "alerts", cwd=root)
    assert result.code == 1
    notes = [line for line in result.stderr.splitlines() if "this patch targets" in line]
    assert notes == [
        "note: alerts/kustomization.yaml:8: this patch targets Alert version v1beta2; migrated"
        " Alerts are v1beta3 and it would no longer apply to them: change target.version with them",
        "note: clusters/apps.yaml:16: this patch targets Receiver version v1beta1; migrated"
        " Receivers are v1 and it would no longer apply to them: change target.version with them",
    ]
    # nothing to migrate, nothing to warn about
    assert (
        cli("migrate", "--flux-version", "2.9", "receiver.yaml", cwd=root).stderr.count(
            "this patch targets"
        )
        == 0
    )


def test_the_diff_shows_no_credential_even_in_context_lines(tmp_path: Path) -> None:
    # A Secret and a Provider with its webhook in spec.address, next to lines migrate
    # changes: the diff's context would otherwise print them into a CI log.
    hook = "https://hooks.slack.com/services/T04K2N7QZ/B05L9M3XP/q7Zt4Lx9Pw2Rk5Vn8YsMARK"
    token = "xoxb-7391046285-4829105738-q7Zt4Lx9Pw2Rk5Vn8YsMARK"
    text = (
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: flux-system}\n"
        f"stringData:\n  address: {hook}\n  headers: |\n    Authorization: Bearer {token}\n"
        f"data: {{token: {token}}}\n"
        f"---\napiVersion: {GROUP}/v1beta2\nkind: Provider\n"
        "metadata: {name: p, namespace: flux-system}\n"
        f'spec:\n  type: slack\n  address: "{hook}"\n  interval: 10m\n'
        "  proxy: http://user:pa55MARK@proxy.internal:3128\n"
    )
    write(tmp_path, "all.yaml", text)
    result = cli("migrate", "--flux-version", "2.9", cwd=tmp_path)
    assert result.code == 1, result.stderr
    assert "MARK" not in result.stdout + result.stderr
    assert "\n     …\n data: {token: …}\n ---\n" in result.stdout
    assert (
        "   address: https://hooks.slack.com/...\n-  interval: 10m\n"
        "   proxy: http://proxy.internal:3128/...\n"
    ) in result.stdout
    assert f"-apiVersion: {GROUP}/v1beta2\n+apiVersion: {GROUP}/v1beta3\n" in result.stdout
    # the file itself is untouched, and --write still migrates it
    assert (tmp_path / "all.yaml").read_text() == text
    assert cli("migrate", "--flux-version", "2.9", "--write", cwd=tmp_path).code == 0
    assert token in (tmp_path / "all.yaml").read_text()
