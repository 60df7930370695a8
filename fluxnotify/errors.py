"""One hierarchy of expected errors; ``cli.run`` turns each into a message and an exit code.

Exit codes (documented in docs/cli.md): 0 success, 1 findings / not delivered,
2 usage, configuration or input error, 3 a bug in fluxnotify, 130 interrupted.
"""

from __future__ import annotations


class FluxnotifyError(Exception):
    """An error the user can fix; never shown with a traceback."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(FluxnotifyError):
    """A bad flag, argument or combination of them."""


class ConfigError(FluxnotifyError):
    """A bad configuration file or value."""


class InputError(FluxnotifyError):
    """A path that does not exist or cannot be read."""
