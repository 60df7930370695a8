"""Odd trees, through the console script: no hang, no crash, the right note or finding.

Each case builds its tree in a temporary folder and runs ``fluxnotify validate`` with a
timeout: a FIFO (which blocks a plain read forever), a socket, a dangling link tracked
in git, an unreadable folder and file (as an unprivileged user), a file over the size
limit, many Alerts, a Helm template next to a broken Alert in one file, line separators
in comments, and the parent of the loading workers killed. None may hang, exit 3 or
print a traceback (issue 10).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from validate_support import ALERT, CONSOLE_SCRIPT, PROVIDER, clean_env, git, write

from fluxnotify.parsing import MAX_FILE_BYTES

#: seconds per case: a hang fails the case instead of the whole run
TIMEOUT = 120
BROKEN_ALERT = ALERT.replace("eventSeverity: error", "eventSeverity: warn")


class Run:
    def __init__(self, code: int, stdout: str, stderr: str, max_rss_kb: int) -> None:
        self.code, self.stdout, self.stderr, self.max_rss_kb = code, stdout, stderr, max_rss_kb

    def lines(self) -> list[str]:
        return self.stdout.splitlines()


def run(*args: str, cwd: Path, user: str | None = None, output: str = "parsable") -> Run:
    """The console script with a timeout: its exit code, output and peak memory (its own
    rusage, from wait4)."""
    argv = [str(CONSOLE_SCRIPT), "validate", "--format", output, *args]
    if user is not None:
        account = pwd.getpwnam(user)
        argv = [
            _setpriv(),
            f"--reuid={account.pw_uid}",
            f"--regid={account.pw_gid}",
            "--clear-groups",
            *argv,
        ]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=clean_env(FLUXNOTIFY_CACHE_DIR=str(cwd / ".cache-of-test")),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        deadline = time.monotonic() + TIMEOUT
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                pytest.fail(f"validate {' '.join(args)} hung for {TIMEOUT} s")
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = Run(proc.returncode, out.read(), err.read(), usage.ru_maxrss)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.code != 3, result.stderr
    return result


def _setpriv() -> str:
    return shutil.which("setpriv") or "setpriv"


def _unprivileged() -> str | None:
    """A user to drop to when running as root (root reads every file), else None."""
    if os.geteuid() != 0:
        return None
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot drop privileges to test")
    try:
        pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("running as root and there is no `nobody` user to drop to")
    return "nobody"


def test_a_fifo_in_a_folder_or_named_is_skipped_with_a_note(tmp_path: Path) -> None:
    write(tmp_path, "notify/alert.yaml", BROKEN_ALERT)
    os.mkfifo(tmp_path / "notify" / "pipe.yaml")
    walked = run("notify", cwd=tmp_path)
    assert walked.code == 1  # the Alert is still checked
    assert any("[schema]" in line for line in walked.lines())
    named = run("notify/pipe.yaml", cwd=tmp_path, output="text")
    assert named.code == 0
    assert "note: notify/pipe.yaml: not a regular file (a FIFO): skipped" in named.lines()


def test_a_socket_is_skipped(tmp_path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "events.yaml"))
        result = run("events.yaml", cwd=tmp_path, output="text")
    assert result.code == 0
    assert "note: events.yaml: not a regular file (a socket): skipped" in result.lines()


def test_a_dangling_link_tracked_in_git_is_a_note_and_the_rest_is_checked(
    tmp_path: Path,
) -> None:
    write(tmp_path, "alert.yaml", BROKEN_ALERT)
    (tmp_path / "gone.yaml").symlink_to("deleted.yaml")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    result = run(".", cwd=tmp_path)
    assert result.code == 1, result.stderr
    assert any(line.startswith("alert.yaml:") and "[schema]" in line for line in result.lines())
    named = run("gone.yaml", cwd=tmp_path, output="text")
    assert named.code == 0
    assert "note: gone.yaml: a symbolic link to nothing (deleted.yaml): skipped" in named.lines()


def test_an_unreadable_folder_or_file_is_a_warning_and_the_run_goes_on(tmp_path: Path) -> None:
    user = _unprivileged()
    # a folder the unprivileged user can reach (pytest's are the test user's own)
    project = Path(tempfile.mkdtemp(prefix="fluxnotify-hostile-"))
    project.chmod(0o755)
    write(project, "apps/alert.yaml", BROKEN_ALERT)
    write(project, "locked/alert.yaml", ALERT)
    write(project, "secret.yaml", PROVIDER)
    (project / "locked").chmod(0)
    (project / "secret.yaml").chmod(0)
    try:
        result = run(".", cwd=project, user=user)
    finally:
        (project / "locked").chmod(0o755)
        shutil.rmtree(project)
    assert result.code == 1, result.stderr  # the schema error in apps/, not exit 2
    unreadable = sorted(line.split(":", 1)[0] for line in result.lines() if "[unreadable]" in line)
    assert unreadable == ["locked", "secret.yaml"]
    assert any(line.startswith("apps/alert.yaml:") for line in result.lines())
    assert all(
        " warning [unreadable] cannot read this " in line
        for line in result.lines()
        if "[unreadable]" in line
    )


def test_a_file_over_the_limit_is_not_read_whole(tmp_path: Path) -> None:
    """Named or walked, the size is checked before reading: memory stays well below it."""
    size = 4 * MAX_FILE_BYTES
    with (tmp_path / "huge.yaml").open("wb") as out:
        out.write(b"# " + b"x" * 1022 + b"\n")
        out.truncate(size - 64)
        out.seek(size - 64)
        out.write(b"\napiVersion: v1\nkind: Secret\nmetadata:\n  name: big\n")
    write(tmp_path, "small/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n")
    baseline = run("small/secret.yaml", cwd=tmp_path).max_rss_kb * 1024
    named = run("huge.yaml", cwd=tmp_path)
    assert named.code == 1
    assert "file too large to check (67.1 MB; the limit is 16 MB)" in named.stdout
    assert named.max_rss_kb * 1024 - baseline < MAX_FILE_BYTES // 2
    walked = run(".", cwd=tmp_path)  # the kind line is at the very end
    assert walked.code == 1
    assert "huge.yaml:1:1: error [yaml-syntax] file too large" in walked.stdout
    assert walked.max_rss_kb * 1024 - baseline < MAX_FILE_BYTES // 2


def test_a_thousand_identical_alerts(tmp_path: Path) -> None:
    alerts = "---\n".join(ALERT.lstrip("\n") for _ in range(1000))
    write(tmp_path, "alerts.yaml", PROVIDER.lstrip("\n") + "---\n" + alerts)
    result = run(".", cwd=tmp_path)
    duplicates = [line for line in result.lines() if "[duplicate-object]" in line]
    assert len(duplicates) == 1000
    assert len([line for line in result.lines() if "[duplicate-alerts]" in line]) <= 1000


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _read_so_far(pid: int) -> int:
    """Bytes ``pid`` has read (``rchar``): its task pipe, then the files it loads."""
    try:
        for line in Path(f"/proc/{pid}/io").read_text().splitlines():
            if line.startswith("rchar:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


#: A worker that has read this much has loaded files: the pool is built and mapping.
_LOADING = 1 << 20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", ["SIGKILL", "SIGTERM", "SIGINT"])
def test_loading_workers_end_with_their_parent(tmp_path: Path, sig: str) -> None:
    """Over 1,500 files load in worker processes; killed mid-load, however, the parent
    takes them along at once instead of leaving them to finish their share.

    The signal goes once a worker has read files, not as soon as one exists: then
    ``Pool()`` may still be starting its threads, and a SIGINT there is not mid-load.
    (Sent there under load, it left the parent hung at exit, joining workers that the
    pool's own thread had started again.) Every wait has a deadline; a parent that does
    not end is made to print its threads' stacks.
    """
    document = ALERT.lstrip("\n")
    for number in range(1600):
        names = (f"alert-{number * 150 + i}" for i in range(150))
        body = "---\n".join(document.replace("on-call", name) for name in names)
        (tmp_path / f"alerts-{number:04d}.yaml").write_text(body)
    stderr_path = tmp_path / "stderr.txt"  # not YAML: validate does not read it
    with stderr_path.open("w") as stderr:
        proc = subprocess.Popen(
            [str(CONSOLE_SCRIPT), "validate", "--no-cache", "--format", "json", "."],
            cwd=tmp_path,
            env=clean_env(PYTHONFAULTHANDLER="1"),  # SIGABRT prints every thread's stack
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + TIMEOUT
        while proc.poll() is None and time.monotonic() < deadline:
            workers = _children(proc.pid)
            if any(_read_so_far(w) > _LOADING for w in workers):
                break
            time.sleep(0.02)
        else:
            if proc.poll() is not None:
                pytest.skip("the run ended before its workers loaded (one CPU, or very fast)")
            pytest.fail(f"no worker loaded files within {TIMEOUT} s")
        os.kill(proc.pid, getattr(signal, sig))
        try:
            code = proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGABRT)
            proc.wait(timeout=TIMEOUT)
            pytest.fail(f"the parent did not end after {sig}:\n{stderr_path.read_text()}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    gone_by = time.monotonic() + 1.0
    while any(_alive(w) for w in workers) and time.monotonic() < gone_by:
        time.sleep(0.05)
    assert not [w for w in workers if _alive(w)], f"workers outlived the parent ({sig})"
    if sig == "SIGINT":  # Ctrl-C: the parent ends the pool itself and says so
        assert (code, stderr_path.read_text()) == (130, "fluxnotify: interrupted\n")
    else:
        assert code == -getattr(signal, sig)


def test_line_separators_in_comments_do_not_shift_line_numbers(tmp_path: Path) -> None:
    text = "# a comment\u2028with a line separator\x85and NEL\n" + BROKEN_ALERT.lstrip("\n")
    (tmp_path / "alert.yaml").write_text(text, encoding="utf-8")
    result = run("alert.yaml", cwd=tmp_path)
    assert result.code == 1
    line = text.split("\n").index("  eventSeverity: warn") + 1
    assert f"alert.yaml:{line}:18: error [schema]" in result.stdout


def test_a_helm_template_document_does_not_hide_a_broken_alert_in_the_file(
    tmp_path: Path,
) -> None:
    template = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\n"
        "data:\n  {{- toYaml .Values.settings | nindent 2 }}\n"
    )
    text = template + "---\n" + BROKEN_ALERT.lstrip("\n")
    (tmp_path / "mixed.yaml").write_text(text, encoding="utf-8")
    result = run("mixed.yaml", cwd=tmp_path, output="text")
    assert result.code == 1
    line = text.split("\n").index("  eventSeverity: warn") + 1
    assert any(ln.startswith(f"  {line}:18  error") for ln in result.lines())
    assert (
        "note: mixed.yaml: Helm template markup in 1 of its 2 documents: skipped, not YAML"
        " until rendered; the other documents are checked"
    ) in result.lines()
    # a file of templates only is still skipped as a whole
    (tmp_path / "only.yaml").write_text(template + "---\n" + template, encoding="utf-8")
    only = run("only.yaml", cwd=tmp_path, output="text")
    assert only.code == 0
    assert any(ln.startswith("note: only.yaml: ") for ln in only.lines())
