"""unused-suppression: a `# fluxnotify: disable=...` comment that silences nothing.

Stale suppressions hide future mistakes; unknown rule ids in them are typos.
The engine applies suppressions and reports these (see fluxnotify/directives.py).
"""

from __future__ import annotations

from fluxnotify.model import Severity

ID = "unused-suppression"
SEVERITY = Severity.INFO
SUMMARY = "a suppression comment that silences nothing, or names an unknown rule"
