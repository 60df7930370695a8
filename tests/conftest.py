"""Shared fixtures and the rule for tests that read ../shared.

Tests marked ``needs_shared`` read the reference data in ``../shared`` in place.
In a clone without it they are skipped with a reason; when
``FLUXNOTIFY_REQUIRE_SHARED=1`` (set by ``.ci/run`` whenever ../shared exists)
a skipped ``needs_shared`` test is a failure instead, so CI cannot pass by
silently skipping them.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests check behaviour, not speed (bench/ measures speed): on a busy
# 2-core machine Hypothesis' timing checks fail at random, so they are off, and
# examples are derandomized so that a CI run can be repeated exactly.
settings.register_profile(
    "fluxnotify",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
)
settings.load_profile("fluxnotify")

ROOT = Path(__file__).resolve().parents[1]
# validate's cache (fluxnotify/cache.py) goes to a folder of the test run, for the
# console-script subprocesses too: never the user's ~/.cache.
os.environ["FLUXNOTIFY_CACHE_DIR"] = tempfile.mkdtemp(prefix="fluxnotify-test-cache-")
SHARED = Path(os.environ.get("FLUXNOTIFY_SHARED", ROOT.parent / "shared"))
REQUIRE_SHARED = os.environ.get("FLUXNOTIFY_REQUIRE_SHARED") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SHARED.is_dir():
        return
    skip = pytest.mark.skip(reason=f"needs the reference data in {SHARED}, absent in this clone")
    for item in items:
        if "needs_shared" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
    report: pytest.TestReport = yield
    if REQUIRE_SHARED and report.skipped and "needs_shared" in item.keywords:
        report.outcome = "failed"
        report.longrepr = (
            f"needs_shared test skipped although FLUXNOTIFY_REQUIRE_SHARED=1: {item.nodeid}"
        )
    return report


@pytest.fixture
def shared() -> Path:
    """The ../shared folder (tests using it must be marked needs_shared)."""
    if not SHARED.is_dir():
        pytest.skip(f"needs the reference data in {SHARED}")
    return SHARED
