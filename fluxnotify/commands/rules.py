"""`fluxnotify rules` (being built)."""

from __future__ import annotations


def rules() -> None:
    """List rules."""
