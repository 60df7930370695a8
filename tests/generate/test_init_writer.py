"""Writing: all files or none, no overwrite without --force, kustomization.yaml kept as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from init_support import invoke, run_script, tree

from fluxnotify.errors import InputError, UsageError
from fluxnotify.generate import writer
from fluxnotify.generate.writer import add_resources, write_files

COMMENTED = """\
# Notifications for the production cluster.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: flux-system  # everything here lives in flux-system
resources:
- existing.yaml  # keep me
# Patches come last.
patches:
- path: patch.yaml
"""


def test_kustomization_keeps_its_comments_order_and_style() -> None:
    """The list style is guessed from the file (ruamel applies one style to the whole file)."""
    assert (
        add_resources(COMMENTED, ["secret.yaml", "provider.yaml"])
        == """\
# Notifications for the production cluster.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: flux-system  # everything here lives in flux-system
resources:
- existing.yaml  # keep me
- secret.yaml
- provider.yaml
# Patches come last.
patches:
- path: patch.yaml
"""
    )


def test_resources_key_goes_before_the_comment_of_the_next_key() -> None:
    text = "---\nkind: Kustomization\nnamespace: apps  # ns\n# Labels for all.\nlabels:\n  - pairs:\n      a: b\n"
    assert add_resources(text, ["alert.yaml"]) == (
        "---\nkind: Kustomization\nnamespace: apps  # ns\nresources:\n  - alert.yaml\n"
        "# Labels for all.\nlabels:\n  - pairs:\n      a: b\n"
    )


def test_flow_style_resources_become_a_block_list() -> None:
    assert add_resources("kind: Kustomization\nresources: []\n", ["a.yaml"]) == (
        "kind: Kustomization\nresources:\n  - a.yaml\n"
    )


def test_init_into_a_commented_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kustomization.yaml").write_text(COMMENTED)
    assert invoke(["init"]).exit_code == 0
    text = (tmp_path / "kustomization.yaml").read_text()
    for line in COMMENTED.splitlines():
        assert line in text
    assert "- existing.yaml  # keep me\n- secret.yaml\n- provider.yaml\n- alert.yaml\n" in text


def test_second_identical_run_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kustomization.yaml").write_text(COMMENTED)
    args = ["init", "--route", "error=#ops", "--route", "info=#dev"]
    assert invoke(args).exit_code == 0
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    result = invoke(args)
    assert result.exit_code == 0
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()} == before
    assert "unchanged" in result.stdout
    assert "already lists them" in result.stdout


def test_conflict_exits_2_names_the_files_and_changes_nothing(tmp_path: Path) -> None:
    assert run_script(["init", "--output-dir", "out"], tmp_path).returncode == 0
    out = tmp_path / "out"
    (out / "provider.yaml").write_text("# mine\n")
    (out / "alert.yaml").write_text("# mine too\n")
    before = tree(out)
    result = run_script(["init", "--output-dir", "out", "--event-severity", "info"], tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("fluxnotify: error: out/provider.yaml, out/alert.yaml already exist")
    assert "--force" in line
    assert tree(out) == before


def test_force_overwrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "alert.yaml").write_text("# old\n")
    result = invoke(["init"])
    assert isinstance(result.exception, UsageError)
    assert (tmp_path / "alert.yaml").read_text() == "# old\n"
    assert not (tmp_path / "provider.yaml").exists()
    assert invoke(["init", "--force"]).exit_code == 0
    assert "kind: Alert" in (tmp_path / "alert.yaml").read_text()


def test_existing_kustomization_yml_is_the_one_updated(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yml").write_text("resources:\n  - a.yaml\n")
    write_files(tmp_path, {"b.yaml": "kind: B\n"}, force=False)
    assert (tmp_path / "kustomization.yml").read_text() == "resources:\n  - a.yaml\n  - b.yaml\n"
    assert not (tmp_path / "kustomization.yaml").exists()


@pytest.mark.parametrize("text", ["resources: [a\n", "- a\n- b\n", "resources: a.yaml\n"])
def test_unusable_kustomization_is_an_error_and_nothing_is_written(
    tmp_path: Path, text: str
) -> None:
    (tmp_path / "kustomization.yaml").write_text(text)
    with pytest.raises(InputError, match="nothing was written"):
        write_files(tmp_path, {"b.yaml": "kind: B\n"}, force=False)
    assert tree(tmp_path) == {"kustomization.yaml": text.encode()}


def test_a_failed_write_leaves_no_file_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "kustomization.yaml").write_text(COMMENTED)
    real_open = os.open
    calls = []

    def failing_open(path: str, flags: int, mode: int = 0o777) -> int:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real_open(path, flags, mode)

    monkeypatch.setattr(writer.os, "open", failing_open)
    files = {"a.yaml": "a: 1\n", "b.yaml": "b: 1\n", "c.yaml": "c: 1\n"}
    with pytest.raises(InputError, match="No space left on device; nothing was written"):
        write_files(tmp_path, files, force=False)
    assert tree(tmp_path) == {"kustomization.yaml": COMMENTED.encode()}


def test_a_failed_rename_puts_every_file_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replacing is all or nothing too: the files already replaced get their old content
    back, a file that was new goes away, and no temporary file or backup stays."""
    (tmp_path / "kustomization.yaml").write_text(COMMENTED)
    (tmp_path / "a.yaml").write_text("a: old\n")
    os.chmod(tmp_path / "a.yaml", 0o640)
    before = tree(tmp_path)
    real_replace = os.replace
    targets: list[str] = []

    def failing_replace(source: str | Path, target: str | Path) -> None:
        if str(source).endswith(".tmp"):  # a rename into place, not a restore
            targets.append(Path(target).name)
            if len(targets) == 3:
                raise OSError(5, "Input/output error")
        real_replace(source, target)

    monkeypatch.setattr(writer.os, "replace", failing_replace)
    files = {"a.yaml": "a: new\n", "b.yaml": "b: 1\n", "c.yaml": "c: 1\n"}
    with pytest.raises(InputError, match="Input/output error; every file was put back"):
        write_files(tmp_path, files, force=True)
    assert targets == ["a.yaml", "b.yaml", "c.yaml"]
    assert tree(tmp_path) == before
    assert os.stat(tmp_path / "a.yaml").st_mode & 0o777 == 0o640


FILLED_SECRETS = {
    "value": "stringData:\n  address: https://hooks.slack.com/services/T0/B0/x\n",
    "data": "data:\n  address: aHR0cHM6Ly9leGFtcGxlLmNvbS9ob29r\n",
    "sops": "stringData:\n  address: ENC[AES256_GCM,data:eA==,iv:aQ==,tag:dA==,type:str]\n"
    "sops:\n  version: 3.10.2\n",
    "unparsable": "stringData: [\n",
}


@pytest.mark.parametrize("content", FILLED_SECRETS, ids=list(FILLED_SECRETS))
def test_a_filled_secret_is_kept_even_with_force(tmp_path: Path, content: str) -> None:
    secret = (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: slack-webhook\n"
        "  namespace: flux-system\n" + FILLED_SECRETS[content]
    )
    assert run_script(["init", "--channel", "alerts"], cwd=tmp_path).returncode == 0
    (tmp_path / "secret.yaml").write_text(secret)
    result = run_script(
        ["init", "--channel", "alerts", "--event-severity", "info", "--force"], cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret.yaml").read_text() == secret
    assert "eventSeverity: info" in (tmp_path / "alert.yaml").read_text()
    assert "  secret.yaml         kept       holds values or is encrypted: left as it is" in (
        result.stdout
    )
    assert "T0/B0" not in result.stdout + result.stderr
    assert "sops --encrypt" not in result.stdout  # it holds its values already
    replaced = run_script(
        ["init", "--channel", "alerts", "--force", "--replace-secret"], cwd=tmp_path
    )
    assert replaced.returncode == 0, replaced.stderr
    assert "address: ''" in (tmp_path / "secret.yaml").read_text()


def test_an_empty_template_secret_is_replaced_with_force(tmp_path: Path) -> None:
    assert run_script(["init", "--channel", "alerts"], cwd=tmp_path).returncode == 0
    result = run_script(["init", "--channel", "other", "--force"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "kept" not in result.stdout


def test_output_dir_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("")
    with pytest.raises(UsageError, match="is a file, not a folder"):
        write_files(tmp_path / "out", {"a.yaml": ""}, force=False)


def test_new_files_get_the_usual_permissions(tmp_path: Path) -> None:
    write_files(tmp_path / "new" / "folder", {"a.yaml": "a: 1\n"}, force=False)
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "new" / "folder" / "a.yaml").stat().st_mode & 0o777 == 0o666 & ~umask
