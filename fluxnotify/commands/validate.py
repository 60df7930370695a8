"""`fluxnotify validate` (being built)."""

from __future__ import annotations


def validate() -> None:
    """Check manifests."""
