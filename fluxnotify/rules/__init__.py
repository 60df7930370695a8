"""The explicit rule registry: every rule, by its stable id."""

from __future__ import annotations

from types import ModuleType

from fluxnotify.rules import (
    address_in_spec,
    api_version,
    cross_namespace_source,
    deprecated_field,
    duplicate_alerts,
    duplicate_object,
    event_severity,
    event_source_ref,
    plaintext_secret,
    provider_ref,
    regex,
    schema,
    secret_keys,
    secret_ref,
    slack_address,
    source_wildcard,
    unknown_field,
    unused_suppression,
    yaml_syntax,
)

#: Rules in the order their findings are computed; ids are stable forever.
RULES: dict[str, ModuleType] = {
    module.ID: module
    for module in (
        yaml_syntax,
        schema,
        unknown_field,
        api_version,
        deprecated_field,
        provider_ref,
        secret_ref,
        secret_keys,
        slack_address,
        address_in_spec,
        plaintext_secret,
        event_source_ref,
        source_wildcard,
        cross_namespace_source,
        event_severity,
        regex,
        duplicate_alerts,
        duplicate_object,
        unused_suppression,
    )
}

#: Rules that look at whole files rather than objects.
FILE_RULES = ("yaml-syntax",)
#: Rules the engine itself reports (from suppression comments).
ENGINE_RULES = ("unused-suppression",)


def enabled_by_default(rule_id: str) -> bool:
    return bool(getattr(RULES[rule_id], "ENABLED_BY_DEFAULT", True))
