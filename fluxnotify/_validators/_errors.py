"""The exception the generated validators raise, without importing fastjsonschema at run time."""

from __future__ import annotations

from typing import Any


class JsonSchemaValueException(ValueError):
    """The object does not match the schema (the first problem found)."""

    def __init__(
        self,
        message: str,
        value: Any = None,
        name: str | None = None,
        definition: Any = None,
        rule: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.value = value
        self.name = name
        self.definition = definition
        self.rule = rule


class JsonSchemaValuesException(ValueError):
    """Several problems at once (the generated code names it; fail-fast mode never raises it)."""
