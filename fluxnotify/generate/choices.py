"""The choices `init` offers as options: kept apart from spec.py so that building the
command line (on every fluxnotify run) does not import the generator."""

from __future__ import annotations

from enum import Enum

DEFAULT_NAMESPACE = "flux-system"


class Severity(str, Enum):
    """Alert ``eventSeverity``: ``info`` forwards every event, ``error`` only errors."""

    INFO = "info"
    ERROR = "error"


class SecretMode(str, Enum):
    """How the Provider's credential reaches the cluster; never as a plain Secret."""

    SOPS = "sops"
    EXTERNAL = "external"
    NONE = "none"
