"""Whether a ``.sops.yaml`` creation rule covers a file, so init can say if one is missing.

sops looks for ``.sops.yaml`` in the current folder and its parents and uses the
first creation rule whose ``path_regex`` (a Go regex, so RE2) matches the file's
path; a rule without ``path_regex`` matches every file.
"""

from __future__ import annotations

import os
from pathlib import Path

from fluxnotify.generate.render import new_yaml

CONFIG_NAME = ".sops.yaml"
ENCRYPTED_REGEX = "^(data|stringData)$"


def find_config(start: Path) -> Path | None:
    """The nearest ``.sops.yaml`` in ``start`` or a parent, as sops finds it."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate / CONFIG_NAME
    return None


def covers(config: Path, target: Path, shown: str) -> bool:
    """Whether a creation rule of ``config`` matches ``target`` (``shown`` as typed).

    Both the path relative to the config's folder and the path as the user will
    type it are tried, since sops versions differ in which one they match.
    An unreadable config covers nothing.
    """
    import re2
    from ruamel.yaml.error import YAMLError

    try:
        data = new_yaml().load(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError):
        return False
    rules = data.get("creation_rules") if isinstance(data, dict) else None
    if not isinstance(rules, list):
        return False
    relative = Path(os.path.relpath(target.resolve(), config.parent.resolve())).as_posix()
    options = re2.Options()
    options.log_errors = False
    for rule in rules:
        if not isinstance(rule, dict):
            continue
        pattern = rule.get("path_regex")
        if pattern is None:
            return True
        try:
            regex = re2.compile(str(pattern), options=options)
        except re2.error:
            continue
        if regex.search(relative) or regex.search(shown):
            return True
    return False


def config_hint(folder: str) -> str:
    """A ``.sops.yaml`` creation rule for ``folder`` (relative to where it goes)."""
    prefix = "" if folder in ("", ".") else folder.rstrip("/") + "/"
    regex = prefix.replace(".", r"\.") + r".*\.ya?ml$"
    return (
        "creation_rules:\n"
        f"  - path_regex: {regex}\n"
        f"    encrypted_regex: {ENCRYPTED_REGEX}\n"
        "    age: AGE_PUBLIC_KEY  # or pgp:, kms:, ...\n"
    )
