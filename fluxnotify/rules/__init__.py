"""The explicit rule registry: every rule, by its stable id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fluxnotify.rules import (
    address_in_spec,
    api_version,
    commit_status_repository,
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
    secret_type,
    slack_address,
    source_wildcard,
    unknown_field,
    unreadable,
    unused_suppression,
    yaml_syntax,
)

if TYPE_CHECKING:  # the protocols are checked by mypy; no run needs their classes
    from fluxnotify.rules.base import DocumentRule, FileRule, Rule, SuppressionRule

#: Rules that look at whole files.
FILE_RULES: tuple[FileRule, ...] = (yaml_syntax, unreadable)
#: Rules that look at each object, in the order their findings are computed.
DOCUMENT_RULES: tuple[DocumentRule, ...] = (
    schema,
    unknown_field,
    api_version,
    deprecated_field,
    provider_ref,
    secret_ref,
    secret_keys,
    secret_type,
    slack_address,
    commit_status_repository,
    address_in_spec,
    plaintext_secret,
    event_source_ref,
    source_wildcard,
    cross_namespace_source,
    event_severity,
    regex,
    duplicate_alerts,
    duplicate_object,
)
#: Rules about a file's suppression comments, applied after the others.
SUPPRESSION_RULES: tuple[SuppressionRule, ...] = (unused_suppression,)

_ALL: tuple[Rule, ...] = (*FILE_RULES, *DOCUMENT_RULES, *SUPPRESSION_RULES)
#: Every rule by its id; ids are stable forever.
RULES: dict[str, Rule] = {rule.ID: rule for rule in _ALL}
