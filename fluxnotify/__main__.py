"""Entry point for the console script and ``python -m fluxnotify``.

``--version`` is answered here before anything heavy is imported: start-up
time matters for a tool that runs as a pre-commit hook.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:
        from fluxnotify import __version__

        print(f"fluxnotify {__version__}")
        return 0
    from fluxnotify.cli import run

    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
