#!/usr/bin/env python3
"""Time ``fluxnotify validate`` as whole processes against a bare PyYAML parse.

    python bench/run.py [--apps 2000] [--clusters 8] [--seed 1] [--repeat 5] [--out bench/out]

Generates the benchmark repository with generate_repo.py (cached in ``--out``
by size, seed and generator code), then times, in one run, after one warm-up
round and interleaved round by round so that drift on a noisy machine hits all
commands alike:

- ``bare``: a Python process that walks the tree and runs
  ``list(yaml.load_all(text, Loader=yaml.CSafeLoader))`` on every *.yaml/*.yml;
- ``(a)``: ``fluxnotify validate --no-cache --format json <repo>`` (cold);
- ``(a-warm1)``: ``fluxnotify validate --format json <repo>`` after one file changed;
- ``(a-warm0)``: the same run again, nothing changed since;
- ``(b)``: ``fluxnotify validate --format json <one alert file>`` with cwd=<repo>, the
  file changed since the last run (the pre-commit case), then ``(b0)`` unchanged;
- ``pass``: ``python -c pass``;
- ``(c1)``: ``fluxnotify --version``;
- ``(c2)``: ``fluxnotify validate <small file>`` in an empty temporary folder;
- the peak memory of (a): the largest ``ru_maxrss`` among its processes.

A changed file gets new contents (a comment added or taken away) and a
modification time a minute before the run: a file stamped within the last
two seconds is never trusted by the cache (the racily-clean rule), so a
re-run would otherwise never count as unchanged. After (b0) the Alert file's
contents are put back, so that the next round's (a-warm1) sees one changed file
since the last whole-tree run, not that one and the Alert file of (b). Both
files are put back at the end.

It prints medians, minima, maxima and the ratios of the acceptance targets,
and writes everything to ``<out>/results.json``.

    python bench/run.py --case many [--alerts 10000] [--repeat 2]

times only the pairwise case instead: ``fluxnotify validate`` of a repository
of ``--alerts`` Alerts and as many Providers (generate_repo.generate_many)
against one of a quarter of them; four times the Alerts may cost at most six
times the time. Results go to ``<out>/results-many.json``. Exit status: 0 if every
target passes, 1 if one fails (or a fluxnotify command fails), 2 if the
benchmark itself cannot run (generation or the bare parse fails).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate_repo

PROJECT = Path(__file__).resolve().parent.parent

BARE_SCRIPT = """\
import os, sys, yaml
files = docs = 0
for dirpath, dirnames, filenames in os.walk(sys.argv[1]):
    dirnames[:] = [d for d in dirnames if d != ".git"]
    for name in filenames:
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                text = f.read()
            docs += len(list(yaml.load_all(text, Loader=yaml.CSafeLoader)))
            files += 1
print(files, docs)
"""

SMALL_FILE = """\
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: webhook
  namespace: flux-system
spec:
  type: generic
  address: http://event-relay.flux-system.svc.cluster.local:8080/flux
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: kustomizations
  namespace: flux-system
spec:
  providerRef:
    name: webhook
  eventSeverity: error
  eventSources:
    - kind: Kustomization
      name: "*"
"""


@dataclass
class Command:
    key: str
    label: str
    argv: list[str]
    cwd: Path
    fluxnotify: bool = True
    """A fluxnotify command: its failure is reported, not fatal."""
    json_output: bool = False
    #: called before each run (the changed-file cases change their file here)
    before: Callable[[], None] | None = None
    #: called after each run (the pre-commit case puts its file back: see timed())
    after: Callable[[], None] | None = None


class Toggle:
    """Changes one file before a run: a comment added, then taken away, and so on; each
    time a new modification time, a minute in the past (not within the racy tick)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.original = path.read_bytes()
        stat = path.stat()
        self.stamp = (stat.st_atime_ns, stat.st_mtime_ns)
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
        text = self.original + (b"# changed by bench/run.py\n" if self.count % 2 else b"")
        self.path.write_bytes(text)
        when = time.time_ns() - 60 * 10**9 + self.count
        os.utime(self.path, ns=(when, when))

    def restore(self) -> None:
        self.path.write_bytes(self.original)
        os.utime(self.path, ns=self.stamp)


@dataclass
class Result:
    command: Command
    times: list[float] = field(default_factory=list)
    returncode: int | None = None
    status: str = "not run"
    """ok; findings (exit 1); failed (other exit, traceback or timeout)."""
    stdout: str = ""
    stderr: str = ""

    @property
    def usable(self) -> bool:
        return self.status in ("ok", "findings") and bool(self.times)

    def stat(self, fn: str) -> float | None:
        if not self.usable:
            return None
        if fn == "median":
            return statistics.median(self.times)
        return min(self.times) if fn == "min" else max(self.times)

    def to_json(self) -> dict[str, Any]:
        c = self.command
        return {
            "label": c.label,
            "argv": c.argv,
            "cwd": str(c.cwd),
            "status": self.status,
            "returncode": self.returncode,
            "times": [round(t, 4) for t in self.times],
            "median": self.stat("median"),
            "min": self.stat("min"),
            "max": self.stat("max"),
            "stdout_head": self.stdout[:2000],
            "stderr_tail": self.stderr[-4000:],
        }


@dataclass
class Target:
    label: str
    numerator: str
    denominator: str
    limit: float
    limit_text: str
    ratio: float | None = None
    min_ratio: float | None = None
    verdict: str = "FAIL"

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "ratio": None if self.ratio is None else round(self.ratio, 4),
            "ratio_of_minima": None if self.min_ratio is None else round(self.min_ratio, 4),
            "limit": round(self.limit, 4),
            "limit_text": self.limit_text,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "pass": self.verdict == "PASS",
        }


TARGETS = (
    Target("(a) cold tree / bare parse", "a", "bare", 0.6, "<= 0.6"),
    Target("(a-warm1) one changed / bare parse", "a_warm1", "bare", 0.2, "<= 0.2"),
    Target("(a-warm0) unchanged / bare parse", "a_warm0", "bare", 0.15, "<= 0.15"),
    Target("(b) one file, changed / (c2)", "b", "small", 2.0, "<= 2"),
    Target("(b0) one file, unchanged / (c2)", "b0", "small", 2.0, "<= 2"),
    Target("(c1) --version / python -c pass", "version", "pass", 4.0, "<= 4"),
    Target("(c2) validate small file / python -c pass", "small", "pass", 10.0, "<= 10"),
)
#: Peak memory of (a), the largest process (ru_maxrss), in MB.
MEMORY_LIMIT_MB = 100.0

PEAK_SCRIPT = """\
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_memory_mb(argv: list[str], cwd: Path) -> float | None:
    """The largest resident set of ``argv``'s processes (its pool workers included: each is
    waited for by its parent), in MB, through a wrapper that has no other children."""
    proc = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, *argv], cwd=cwd, capture_output=True, text=True
    )
    try:
        return int(proc.stdout.strip()) / 1024  # kilobytes on Linux
    except ValueError:
        return None


def run_once(cmd: Command, timeout: float) -> tuple[float, subprocess.CompletedProcess[str] | None]:
    if cmd.before is not None:
        cmd.before()
    try:
        return _timed_run(cmd, timeout)
    finally:
        if cmd.after is not None:
            cmd.after()


def _timed_run(
    cmd: Command, timeout: float
) -> tuple[float, subprocess.CompletedProcess[str] | None]:
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd.argv,
            cwd=cmd.cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, None
    except OSError as exc:
        failed = subprocess.CompletedProcess(cmd.argv, 127, "", f"cannot run: {exc}\n")
        return time.perf_counter() - start, failed
    return time.perf_counter() - start, proc


def classify(cmd: Command, proc: subprocess.CompletedProcess[str] | None) -> str:
    if proc is None:
        return "failed"
    if "Traceback (most recent call last)" in proc.stderr:
        return "failed"
    if proc.returncode == 0:
        return "ok"
    if proc.returncode == 1 and cmd.key in ("a", "a_warm1", "a_warm0", "b", "b0", "small"):
        return "findings"
    return "failed"


def first_findings(result: Result, limit: int = 5) -> list[str]:
    """The first findings of a validate run, one line each."""
    try:
        doc = json.loads(result.stdout)
        findings = doc["findings"]
        return [
            f"{f.get('path')}:{f.get('line')}:{f.get('column')}: {f.get('severity')} "
            f"[{f.get('rule')}] {f.get('message')}"
            for f in findings[:limit]
        ]
    except (ValueError, KeyError, TypeError, AttributeError):
        return [line for line in result.stdout.splitlines() if line.strip()][:limit]


def report_problem(result: Result) -> None:
    cmd = result.command
    where = f"(cwd {cmd.cwd})"
    if result.status == "findings":
        print(f"WARNING: {cmd.label}: exit 1, findings on a repository that should be clean:")
        for line in first_findings(result):
            print(f"    {line}")
    elif result.status == "failed":
        rc = "timeout" if result.returncode is None else f"exit {result.returncode}"
        print(f"FAIL: {cmd.label}: {rc}: {shlex.join(cmd.argv)} {where}")
        tail = (result.stderr or result.stdout).strip().splitlines()[-15:]
        for line in tail:
            print(f"    {line}")


def prepare_repo(
    out: Path, apps: int, clusters: int, seed: int
) -> tuple[Path, generate_repo.Stats]:
    repo = out / f"repo-a{apps}-c{clusters}-s{seed}"
    stats = generate_repo.load_stats(repo)
    digest = generate_repo.generator_digest()
    if stats is not None and stats.generator == digest and (repo / ".git").is_dir():
        print(f"Using cached {repo} (generated in {stats.seconds:.1f} s)")
        return repo, stats
    print(f"Generating {repo} ...", flush=True)
    stats = generate_repo.generate(repo, apps, clusters, seed)
    print(f"  generated in {stats.seconds:.1f} s")
    # A git repository, so that fluxnotify finds the project root; committed
    # once, like a CI checkout. GIT_DIR is explicit so that nothing can reach
    # an enclosing repository.
    make_git_repository(repo)
    return repo, stats


def make_git_repository(repo: Path) -> None:
    git = ["git", f"--git-dir={repo / '.git'}", f"--work-tree={repo}"]
    ident = ["-c", "user.name=fluxnotify-bench", "-c", "user.email=bench@example.invalid"]
    try:
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        subprocess.run([*git, "add", "-A"], check=True, cwd=repo)
        subprocess.run(
            [*git, *ident, "commit", "-q", "--no-verify", "-m", "generated"],
            check=True,
            cwd=repo,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"WARNING: could not make {repo} a git repository: {exc}")


#: Four times the Alerts may cost at most this many times the time (issue 10).
MANY_LIMIT = 6.0


def many_case(out: Path, alerts: int, repeat: int, timeout: float) -> int:
    """Time validate on ``alerts`` Alerts and Providers against a quarter of them."""
    sizes = (max(1, alerts // 4), alerts)
    fluxnotify = str(Path(sys.executable).parent / "fluxnotify")
    commands = []
    for size in sizes:
        repo = out / f"many-{size}"
        stats = generate_repo.load_stats(repo)
        digest = generate_repo.generator_digest() + ":many"
        if stats is None or stats.generator != digest or not (repo / ".git").is_dir():
            print(f"Generating {repo} ...", flush=True)
            stats = generate_repo.generate_many(repo, size)
            make_git_repository(repo)
        print(f"{repo.name}: {stats.summary()}")
        argv = [fluxnotify, "validate", "--format", "json", str(repo)]
        commands.append(Command(f"many{size}", f"validate {size} Alerts", argv, out))
    results = {c.key: Result(c) for c in commands}
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    for round_ in range(repeat + 1):  # round 0 is the warm-up
        for cmd in commands:
            r = results[cmd.key]
            elapsed, proc = run_once(cmd, timeout)
            if proc is None or proc.returncode != 0 or "Traceback" in proc.stderr:
                r.status = "failed"
                r.returncode = None if proc is None else proc.returncode
                r.stdout, r.stderr = (proc.stdout, proc.stderr) if proc else ("", "timeout")
                report_problem(r)
                return 1
            r.status = "ok"
            if round_:
                r.times.append(elapsed)
    small, large = (results[c.key] for c in commands)
    ratio = (large.stat("median") or 0) / (small.stat("median") or 1)
    verdict = "PASS" if ratio <= MANY_LIMIT else "FAIL"
    for r in results.values():
        print(f"{r.command.label:<24} median {fmt(r.stat('median'))} s  min {fmt(r.stat('min'))} s")
    print(f"ratio {ratio:.2f} (limit {MANY_LIMIT:g}): {verdict}")
    load_after = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"load average before {load_before}, after {load_after}")
    report = {
        "version": 1,
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "project": git_describe(),
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "commands": {k: r.to_json() for k, r in results.items()},
        "ratio": round(ratio, 4),
        "limit": MANY_LIMIT,
        "pass": verdict == "PASS",
    }
    (out / "results-many.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0 if verdict == "PASS" else 1


def git_describe() -> dict[str, Any]:
    def git(*args: str) -> str:
        proc = subprocess.run(
            ["git", "-C", str(PROJECT), *args], capture_output=True, text=True, check=False
        )
        return proc.stdout.strip()

    try:
        return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}
    except OSError:
        return {}


def fmt(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--apps", type=int, default=2000)
    parser.add_argument("--clusters", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per command")
    parser.add_argument("--out", type=Path, default=PROJECT / "bench" / "out")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per process")
    parser.add_argument("--case", choices=("tree", "many"), default="tree")
    parser.add_argument("--alerts", type=int, default=10_000, help="Alerts of --case many")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    if args.case == "many":
        try:
            return many_case(out, args.alerts, args.repeat, args.timeout)
        except (OSError, ValueError) as exc:
            print(f"bench: cannot generate the repository: {exc}", file=sys.stderr)
            return 2
    try:
        repo, stats = prepare_repo(out, args.apps, args.clusters, args.seed)
    except (OSError, ValueError) as exc:
        print(f"bench: cannot generate the repository: {exc}", file=sys.stderr)
        return 2
    print(f"Repository: {stats.summary()}")

    # An Alert file in an application namespace: its Provider and Secret are
    # found through the rest of the repository.
    candidates = [p for p in stats.alert_files if "/flux-system/" not in p] or stats.alert_files
    if not candidates:
        print("bench: the generated repository has no Alert file", file=sys.stderr)
        return 2
    alert_file = candidates[0]
    # Changed before (a-warm1): another application's file, never the Alert file.
    other = next(
        p
        for p in sorted((repo / "apps").rglob("*.yaml"))
        if "kustomization" not in p.name and p != repo / alert_file
    )
    alert_toggle, other_toggle = Toggle(repo / alert_file), Toggle(other)
    try:
        return timed(args, repo, stats, alert_file, alert_toggle, other_toggle)
    finally:
        alert_toggle.restore()
        other_toggle.restore()


def timed(
    args: argparse.Namespace,
    repo: Path,
    stats: generate_repo.Stats,
    alert_file: str,
    alert_toggle: Toggle,
    other_toggle: Toggle,
) -> int:
    out: Path = args.out.resolve()
    py = sys.executable
    fluxnotify = str(Path(py).parent / "fluxnotify")
    with tempfile.TemporaryDirectory(prefix="fluxnotify-bench-") as tmp:
        empty = Path(tmp)
        (empty / "notifications.yaml").write_text(SMALL_FILE)
        commands = [
            Command(
                "bare",
                "bare parse (CSafeLoader)",
                [py, "-c", BARE_SCRIPT, str(repo)],
                out,
                fluxnotify=False,
            ),
            Command(
                "a",
                "(a) tree, --no-cache",
                [fluxnotify, "validate", "--no-cache", "--format", "json", str(repo)],
                out,
                json_output=True,
            ),
            Command(
                "a_warm1",
                "(a-warm1) tree, one changed",
                [fluxnotify, "validate", "--format", "json", str(repo)],
                out,
                json_output=True,
                before=other_toggle,
            ),
            Command(
                "a_warm0",
                "(a-warm0) tree, unchanged",
                [fluxnotify, "validate", "--format", "json", str(repo)],
                out,
                json_output=True,
            ),
            Command(
                "b",
                "(b) one file, changed",
                [fluxnotify, "validate", "--format", "json", alert_file],
                repo,
                json_output=True,
                before=alert_toggle,
            ),
            Command(
                "b0",
                "(b0) one file, unchanged",
                [fluxnotify, "validate", "--format", "json", alert_file],
                repo,
                json_output=True,
                # The Alert file's contents put back (the toggle's next step), so that
                # the next round's whole-tree runs see exactly one changed file, as
                # (a-warm1) says, not that one and the Alert file of (b).
                after=alert_toggle,
            ),
            Command("pass", "python -c pass", [py, "-c", "pass"], out, fluxnotify=False),
            Command("version", "(c1) fluxnotify --version", [fluxnotify, "--version"], out),
            Command(
                "small",
                "(c2) validate small file",
                [fluxnotify, "validate", "notifications.yaml"],
                empty,
            ),
        ]
        results = {c.key: Result(c) for c in commands}
        load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
        started = time.perf_counter()

        # An installed wheel ships compiled bytecode; an editable install under
        # PYTHONDONTWRITEBYTECODE would recompile the package on every start.
        subprocess.run([py, "-m", "compileall", "-q", str(PROJECT / "fluxnotify")], check=False)
        # Warm-up round: also decides which commands work at all (and fills
        # fluxnotify's cache of unchanged files, as a previous commit would).
        print(f"Warm-up, then {args.repeat} interleaved rounds ...", flush=True)
        for cmd in commands:
            _, proc = run_once(cmd, args.timeout)
            r = results[cmd.key]
            r.status = classify(cmd, proc)
            if proc is not None:
                r.returncode = proc.returncode
                r.stdout, r.stderr = proc.stdout, proc.stderr
            report_problem(r)
        if results["bare"].status != "ok":
            print("bench: the bare parse failed; nothing to compare with", file=sys.stderr)
            return 2

        for i in range(args.repeat):
            for cmd in commands:
                r = results[cmd.key]
                if r.status == "failed":
                    continue
                elapsed, proc = run_once(cmd, args.timeout)
                if classify(cmd, proc) == "failed":
                    r.status = "failed"
                    if proc is not None:
                        r.returncode = proc.returncode
                        r.stdout, r.stderr = proc.stdout, proc.stderr
                    report_problem(r)
                    continue
                r.times.append(elapsed)
            print(f"  round {i + 1}/{args.repeat} done", flush=True)
        total = time.perf_counter() - started
        peak = peak_memory_mb(results["a"].command.argv, out)

    # Targets: ratios of medians decide; the ratio of minima is shown as a
    # less noise-prone second opinion.
    for t in TARGETS:
        num, den = results[t.numerator], results[t.denominator]
        n, d = num.stat("median"), den.stat("median")
        if n is not None and d:
            t.ratio = n / d
            t.verdict = "PASS" if t.ratio <= t.limit else "FAIL"
            n_min, d_min = num.stat("min"), den.stat("min")
            t.min_ratio = n_min / d_min if n_min is not None and d_min else None
        else:
            t.ratio, t.min_ratio, t.verdict = None, None, "FAIL"

    # Report: one line per command; a command that is a target's numerator
    # carries that target.
    by_numerator = {t.numerator: t for t in TARGETS}
    print()
    header = (
        f"{'command':<28} {'median s':>9} {'min s':>7} {'max s':>7} "
        f"{'ratio':>6} {'(mins)':>6}  {'target':<18} {'verdict':<7} status"
    )
    print(header)
    print("-" * len(header))
    for key, r in results.items():
        status = r.status if r.returncode in (0, None) else f"{r.status} (exit {r.returncode})"
        target_of = by_numerator.get(key)
        if target_of is None:
            ratio, min_ratio, target, verdict = "", "", "baseline", ""
        else:
            ratio, min_ratio = fmt(target_of.ratio, 2), fmt(target_of.min_ratio, 2)
            target, verdict = f"{target_of.limit_text} x {target_of.denominator}", target_of.verdict
        print(
            f"{r.command.label:<28} {fmt(r.stat('median')):>9} {fmt(r.stat('min')):>7} "
            f"{fmt(r.stat('max')):>7} {ratio:>6} {min_ratio:>6}  {target:<18} {verdict:<7} "
            f"{status}"
        )
    a = results["a"]
    if a.usable:
        try:
            summary = json.loads(a.stdout).get("summary")
            print(f"\n(a) summary from fluxnotify: {summary}")
        except (ValueError, AttributeError):
            pass
    memory_ok = peak is not None and peak <= MEMORY_LIMIT_MB
    print(
        f"\npeak memory of (a), largest process: {fmt(peak, 1)} MB "
        f"(limit {MEMORY_LIMIT_MB:g} MB): {'PASS' if memory_ok else 'FAIL'}"
    )
    load_after = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(
        f"\n{args.repeat} rounds in {total:.1f} s; load average before {load_before}, "
        f"after {load_after}"
    )

    report = {
        "version": 1,
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "executable": py,
            "cpus": os.cpu_count(),
            "loadavg_before": load_before,
            "loadavg_after": load_after,
        },
        "project": git_describe(),
        "repeat": args.repeat,
        "repository": {"path": str(repo), **stats.to_json()},
        "one_file": alert_file,
        "commands": {k: r.to_json() for k, r in results.items()},
        "targets": {t.numerator: t.to_json() for t in TARGETS},
        "peak_memory_mb": None if peak is None else round(peak, 1),
        "peak_memory_limit_mb": MEMORY_LIMIT_MB,
    }
    (out / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"Results written to {out / 'results.json'}")
    return 0 if memory_ok and all(t.verdict == "PASS" for t in TARGETS) else 1


if __name__ == "__main__":
    raise SystemExit(main())
