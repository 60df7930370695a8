"""The generated table of served apiVersions (fluxnotify/apiversions_data.py).

Its notification part must say what the hand-checked reference says (section 1 of
../shared/reference/flux-notification-api.md, written out below), and the table must be
what scripts/generate_apiversions.py makes of the CRDs when the clones are at hand.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fluxnotify import apiversions_data, fluxversion
from fluxnotify.fluxversion import Served

REPO = Path(__file__).resolve().parents[1]
NC = "notification.toolkit.fluxcd.io"


def _served(kind: str, minor: int) -> dict[str, str]:
    return dict(apiversions_data.KINDS[(NC, kind)].get(f"2.{minor}", ()))


@pytest.mark.parametrize("minor", range(10))
def test_notification_versions_match_the_reference(minor: int) -> None:
    for kind in ("Alert", "Provider"):
        expected = {}
        if minor < 7:
            expected["v1beta1"] = "deprecated" if minor >= 2 else "served"
        if minor < 9:
            expected["v1beta2"] = "deprecated" if minor >= 2 else "storage"
        if minor >= 2:
            expected["v1beta3"] = "storage"
        assert _served(kind, minor) == expected, (kind, minor)
    receiver = {"v1": "storage"}
    if minor < 7:
        receiver["v1beta1"] = "deprecated"
    if minor < 9:
        receiver["v1beta2"] = "deprecated"
    assert _served("Receiver", minor) == receiver


def test_every_release_ships_the_kinds_fluxnotify_reads() -> None:
    for minor in range(10):
        release = f"2.{minor}"
        for kind in (
            ("kustomize.toolkit.fluxcd.io", "Kustomization"),
            ("helm.toolkit.fluxcd.io", "HelmRelease"),
            ("source.toolkit.fluxcd.io", "GitRepository"),
            ("source.toolkit.fluxcd.io", "HelmChart"),
            ("image.toolkit.fluxcd.io", "ImagePolicy"),
            ("image.toolkit.fluxcd.io", "ImageUpdateAutomation"),
        ):
            states = [s for _, s in apiversions_data.KINDS[kind][release]]
            assert states.count("storage") == 1, (kind, release)
    for kind, url in apiversions_data.SOURCES.items():
        assert url.startswith("https://github.com/fluxcd/"), kind
        assert f"/config/crd/bases/{kind[0]}_" in url


def test_served_keeps_its_notification_answers() -> None:
    """The API migrate and api-version use, now read from the table."""
    assert fluxversion.served(f"{NC}/v1beta2", "Alert", "2.9") == (
        Served.REMOVED,
        f"{NC}/v1beta3",
    )
    assert fluxversion.served(f"{NC}/v1beta3", "Alert", "2.1") == (Served.NEVER, f"{NC}/v1beta2")
    assert fluxversion.served(f"{NC}/v1beta1", "Receiver", "2.0").status is Served.DEPRECATED
    assert fluxversion.served("apps/v1", "Deployment", "2.9").status is Served.SERVED


CLONES = Path(os.environ.get("FLUXNOTIFY_FLUX_CLONES", "/work/.mirror"))


@pytest.mark.skipif(
    not (CLONES / "fluxcd+flux2" / "repo").exists(),
    reason="needs local clones of fluxcd/flux2 and the controllers (FLUXNOTIFY_FLUX_CLONES)",
)
def test_the_script_regenerates_the_table(tmp_path: Path) -> None:
    out = tmp_path / "apiversions_data.py"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "generate_apiversions.py"), "--clones", str(CLONES), "--out", str(out)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    namespace: dict[str, object] = {}
    exec(compile(out.read_text(), str(out), "exec"), namespace)
    assert namespace["KINDS"] == apiversions_data.KINDS
    assert namespace["RELEASES"] == apiversions_data.RELEASES
