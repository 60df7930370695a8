"""The explicit rule registry: every rule, by its stable id."""

from __future__ import annotations

from types import ModuleType

from fluxnotify.rules import (
    api_version,
    deprecated_field,
    schema,
    unknown_field,
    yaml_syntax,
)

#: Rules in the order their findings are computed; ids are stable forever.
RULES: dict[str, ModuleType] = {
    module.ID: module
    for module in (yaml_syntax, schema, unknown_field, api_version, deprecated_field)
}

FILE_RULES = ("yaml-syntax",)
