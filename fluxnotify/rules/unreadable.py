"""unreadable: a file or folder of the checked paths that cannot be read.

An Alert in a folder nobody may list is never checked; saying nothing would
pass it as clean. The run goes on with the other files, and this is a warning:
the files may well be fine, fluxnotify just cannot tell.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from fluxnotify.model import Problem, Severity, SourceFile

ID = "unreadable"
SEVERITY = Severity.WARNING
SUMMARY = "a file or folder of the checked paths cannot be read, so nothing in it is checked"
ENABLED_BY_DEFAULT = True


def check_file(source: SourceFile) -> Iterator[Problem]:
    if source.unreadable is None:
        return
    folder = source.display.endswith("/") or os.path.isdir(source.path)
    what = "folder" if folder else "file"
    access = "read and search (x) access" if folder else "read access"
    yield Problem(
        f"cannot read this {what} ({source.unreadable.lower()}): nothing in it is checked",
        hint=f"give the user running fluxnotify {access}, or exclude it"
        " (--exclude, or `exclude:` in the configuration)",
        position=(1, 1),
    )
