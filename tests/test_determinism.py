"""Same input, same bytes out: whatever PYTHONHASHSEED, in every output format (issue 10).

kashalls__home-cluster is the repository where this broke: the Component's Alert has a
duplicate-alerts finding in two namespaces at one path, line and column, and the two
swapped places from run to run.
"""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from validate_support import CONSOLE_SCRIPT, clean_env

from fluxnotify.commands.validate import OutputFormat
from fluxnotify.model import Finding, ObjectRef, Severity

SEEDS = ("0", "1", "2", "42", "4294967295")
FORMATS = tuple(f.value for f in OutputFormat)


def _run(repo: Path, output_format: str, seed: str) -> tuple[int, bytes, bytes]:
    # --no-cache: every run computes its Report; a memo would answer all but the first
    proc = subprocess.run(
        [
            str(CONSOLE_SCRIPT),
            "validate",
            "--no-cache",
            "--root",
            ".",
            "--format",
            output_format,
            ".",
        ],
        cwd=repo,
        capture_output=True,
        env=clean_env(PYTHONHASHSEED=seed),
        timeout=300,
        check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.needs_shared
def test_every_format_is_byte_identical_under_five_hash_seeds(shared: Path) -> None:
    repo = shared / "corpus" / "kashalls__home-cluster"
    jobs = [(f, seed) for f in FORMATS for seed in SEEDS]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = dict(zip(jobs, pool.map(lambda job: _run(repo, *job), jobs), strict=True))
    for output_format in FORMATS:
        first = results[(output_format, SEEDS[0])]
        assert first[0] == 0, first[2].decode()  # warnings only
        assert first[2] == b""
        assert b"duplicate-alerts" in first[1]
        for seed in SEEDS[1:]:
            assert results[(output_format, seed)] == first, (output_format, seed)


def test_findings_at_one_position_are_ordered_by_rule_message_and_object() -> None:
    def finding(rule: str, message: str, name: str | None = None) -> Finding:
        ref = ObjectRef("v1", "Alert", "ns", name) if name is not None else None
        return Finding("a.yaml", 3, 1, rule, Severity.WARNING, message, object=ref)

    ordered = [
        finding("duplicate-alerts", "in namespace a"),
        finding("duplicate-alerts", "in namespace b"),
        finding("duplicate-alerts", "in namespace b", "x"),
        finding("duplicate-alerts", "in namespace b", "y"),
        finding("provider-ref", "in namespace a"),
    ]
    for rotation in range(len(ordered)):
        shuffled = ordered[rotation:] + ordered[:rotation]
        assert sorted(shuffled, key=lambda f: f.sort_key) == ordered


@pytest.mark.needs_shared
@pytest.mark.parametrize("output_format", ["json", "text"])
def test_route_all_is_byte_identical_under_five_hash_seeds(
    shared: Path, output_format: str
) -> None:
    # haraldkoch applies one Alert in two clusters: its two hops for an object differ only
    # in the cluster, and they came out in hash-seeded order.
    repo = shared / "corpus" / "haraldkoch__kochhaus-home"

    def run(seed: str) -> tuple[int, bytes, bytes]:
        proc = subprocess.run(
            [str(CONSOLE_SCRIPT), "route", "--all", "--format", output_format, "."],
            cwd=repo,
            capture_output=True,
            env=clean_env(PYTHONHASHSEED=seed),
            timeout=300,
            check=False,
        )
        return proc.returncode, proc.stdout, proc.stderr

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, SEEDS))
    assert results[0][0] == 0, results[0][2].decode()
    assert b"kubernetes/network" in results[0][1]
    for seed, result in zip(SEEDS[1:], results[1:], strict=True):
        assert result == results[0], seed
