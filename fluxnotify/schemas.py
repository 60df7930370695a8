"""The bundled JSON schemas: finding one for an object and turning jsonschema errors into issues.

Schemas are package data (``fluxnotify/schemas`` in the wheel, ``schemas/`` in
a source checkout), read through importlib.resources. jsonschema is imported
and validators are built only for the kinds a run meets: both cost start-up time.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fluxnotify.model import SchemaIssue
from fluxnotify.redact import CREDENTIAL_FIELDS, scrub_text, url_outline

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from jsonschema import Validator
    from jsonschema.exceptions import ValidationError

#: A Flux post-build substitution such as ``${CLUSTER}`` or ``${VAR:=default}``.
POST_BUILD_VAR = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*[^}]*\}")


def _close_matches(word: str, candidates: list[str]) -> list[str]:
    """ "Did you mean" candidates."""
    return difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)


def resource_dir(name: str) -> Traversable:
    """``fluxnotify/<name>`` inside an installed wheel, else ``<checkout>/<name>``."""
    from importlib import resources  # only when a file is read: it costs start-up time

    packaged = resources.files("fluxnotify").joinpath(name)
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


def schema_name(api_version: str, kind: str) -> str:
    group, _, version = api_version.rpartition("/")
    return f"{group or 'core'}_{version}_{kind}.json"


@functools.cache
def load_schema(api_version: str, kind: str) -> dict[str, Any] | None:
    entry = resource_dir("schemas").joinpath(schema_name(api_version, kind))
    if not entry.is_file():
        return None
    schema: dict[str, Any] = json.loads(entry.read_text(encoding="utf-8"))
    return schema


@functools.cache
def _validator(api_version: str, kind: str) -> Validator | None:
    schema = load_schema(api_version, kind)
    if schema is None:
        return None
    from jsonschema import Draft202012Validator

    validator: Validator = Draft202012Validator(schema)
    return validator


@functools.cache
def _fast_validator(api_version: str, kind: str) -> Callable[[Any], Any] | None:
    """The generated pass/fail check for a schema (scripts/generate_validators.py)."""
    name = schema_name(api_version, kind)
    module = "v_" + "".join(c if c.isalnum() else "_" for c in name.removesuffix(".json"))
    try:
        generated = importlib.import_module(f"fluxnotify._validators.{module}")
    except ModuleNotFoundError:
        return None
    check: Callable[[Any], Any] = generated.validate
    return check


def passes_fast(data: dict[str, Any], api_version: str, kind: str) -> bool:
    """True when the generated check finds no problem (then jsonschema would find none)."""
    check = _fast_validator(api_version, kind)
    if check is None:
        return False
    from fluxnotify._validators._errors import JsonSchemaValueException

    try:
        check(data)
    except JsonSchemaValueException:
        return False
    return True


def screens_clean(data: dict[str, Any], api_version: str, kind: str, sops: bool) -> bool:
    """``passes_fast``, with a SOPS-encrypted Secret's ``ENC[...]`` values read as empty
    strings: the schema rule never judges an encrypted value, and an empty string is
    base64 and a string, so a Secret that passes this way has no issue the rule reports.
    (Without it every SOPS Secret failed the screen on its data's base64 pattern, and a
    run paid for jsonschema's import to find nothing.) Where an empty string does not fit
    either (a boolean, a length), the screen fails and the full check decides."""
    if sops and kind == "Secret" and api_version == "v1":
        data = _encrypted_emptied(data)
    return passes_fast(data, api_version, kind)


def _encrypted_emptied(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _encrypted_emptied(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encrypted_emptied(v) for v in value]
    if isinstance(value, str) and value.startswith("ENC["):
        return ""
    return value


def dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out or "(document)"


_TYPE_NAMES = {
    "string": "a string",
    "object": "a mapping",
    "array": "a list",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    return "null" if value is None else type(value).__name__


class Redactor:
    """Shows values in messages, except where they may be credentials."""

    def __init__(self, secret: bool) -> None:
        self.secret = secret

    def hides(self, path: tuple[str | int, ...]) -> bool:
        return self.secret or (bool(path) and path[-1] in CREDENTIAL_FIELDS)

    def show(self, value: Any, path: tuple[str | int, ...] = ()) -> str:
        if self.secret:
            return "(value hidden)"
        if isinstance(value, str) and path and path[-1] in CREDENTIAL_FIELDS:
            return repr(url_outline(value))
        # a token or webhook URL pasted into the wrong field is still one: not echoed
        text = json.dumps(value) if not isinstance(value, str) else repr(scrub_text(value))
        return text if len(text) <= 80 else text[:77] + "..."


def _x_message(schema: dict[str, Any], error: ValidationError) -> str | None:
    """The API server's own message for a CEL rule, carried as ``x-message`` in the schema."""
    found = None
    node: Any = schema
    for step in error.absolute_schema_path:
        if isinstance(node, dict) and "x-message" in node:
            found = node["x-message"]
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
    if isinstance(node, dict) and "x-message" in node:
        found = node["x-message"]
    return found if isinstance(found, str) else None


def _schema_properties(subschema: dict[str, Any]) -> list[str]:
    return list(subschema.get("properties", {}))


def validate(
    data: dict[str, Any],
    api_version: str,
    kind: str,
    *,
    secret_values: bool = False,
) -> list[SchemaIssue] | None:
    """All schema issues of one object, or None when no schema is bundled for it.

    The generated check screens first: most objects pass, and then neither
    jsonschema's import nor its slower interpretation of the schema is paid for.
    Every bundled schema has a generated check, so no check means no schema.
    """
    if _fast_validator(api_version, kind) is None:
        return None
    if passes_fast(data, api_version, kind):
        return []
    validator = _validator(api_version, kind)
    if validator is None:
        return None
    schema = load_schema(api_version, kind)
    assert schema is not None
    redact = Redactor(secret_values)
    issues: list[SchemaIssue] = []
    for error in validator.iter_errors(data):
        issues.extend(_issues(error, schema, redact))
    # A value of the wrong type also fails its enum or pattern: report the type alone.
    typed = {issue.path for issue in issues if issue.validator == "type"}
    unique: dict[tuple[Any, ...], SchemaIssue] = {}
    for i in issues:
        if i.validator == "type" or i.unknown or i.path not in typed:
            # jsonschema reports each missing required field apart; the message names them all
            unique.setdefault((i.unknown, i.path, i.message, i.validator), i)
    return list(unique.values())


def _leaf_errors(error: ValidationError) -> list[ValidationError]:
    """For anyOf/oneOf, the alternative's error that went deepest (jsonschema's best_match)."""
    if not error.context:
        return [error]
    from jsonschema.exceptions import best_match

    best = best_match(error.context)
    return [best] if best is not None and best.path != error.path else [error]


def _issues(error: ValidationError, schema: dict[str, Any], redact: Redactor) -> list[SchemaIssue]:
    out: list[SchemaIssue] = []
    for leaf in _leaf_errors(error):
        path = tuple(leaf.absolute_path)
        instance = leaf.instance
        keyword = str(leaf.validator)
        if keyword == "additionalProperties" and isinstance(instance, dict):
            subschema = leaf.schema if isinstance(leaf.schema, dict) else {}
            known = _schema_properties(subschema)
            patterns = [re.compile(p) for p in subschema.get("patternProperties", {})]
            for extra in instance:
                if extra in known or any(p.search(str(extra)) for p in patterns):
                    continue
                field_path = (*path, str(extra))
                hint = None
                close = _close_matches(str(extra), known)
                if close:
                    hint = f"did you mean `{close[0]}`?"
                elif known:
                    hint = "known fields here: " + ", ".join(known)
                out.append(
                    SchemaIssue(
                        True,
                        field_path,
                        f"unknown field `{dotted(field_path)}`",
                        hint,
                        key=True,
                        validator=keyword,
                    )
                )
            continue
        message, hint = _describe(leaf, keyword, path, redact)
        cel = _x_message(schema, leaf)
        key = False
        if cel is not None:
            message, hint = cel, None
            named = _field_named_in(cel, instance)
            if named is not None:  # point at the field the rule is about, not its parent
                path, key = (*path, named), True
        out.append(SchemaIssue(False, path, message, hint, key, keyword, instance))
    return out


_FIELD_IN_MESSAGE = r"\.([A-Za-z][A-Za-z0-9]*)"


def _field_named_in(message: str, instance: Any) -> str | None:
    """The first ``.field`` a CEL message names that the object at the error has."""
    if not isinstance(instance, dict):
        return None
    names: list[str] = re.findall(_FIELD_IN_MESSAGE, message)
    return next((name for name in names if name in instance), None)


#: Patterns whose regex says little to a reader: what they mean, and a hint.
_PATTERN_MEANINGS: dict[str, tuple[str, str | None]] = {
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$": (
        "not a DNS-1123 subdomain",
        "use lower-case letters, digits, `-` and `.`, starting and ending with a letter or digit",
    ),
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$": (
        "not a DNS-1123 label",
        "use lower-case letters, digits and `-`, starting and ending with a letter or digit",
    ),
    (
        r"^[\r\n]*(?:(?:[A-Za-z0-9+/][\r\n]*){4})*"
        r"(?:(?:[A-Za-z0-9+/][\r\n]*){2}(?:=[\r\n]*=[\r\n]*|[A-Za-z0-9+/][\r\n]*=[\r\n]*))?$"
    ): (
        "not base64",
        "`data` values are base64-encoded; put plain text under `stringData` instead",
    ),
}


def _describe(
    error: ValidationError, keyword: str, path: tuple[str | int, ...], redact: Redactor
) -> tuple[str, str | None]:
    where = f"`{dotted(path)}`"
    value = error.instance
    expected = error.validator_value
    if keyword == "enum" and isinstance(expected, list):
        allowed = ", ".join(str(v) for v in expected)
        close = (
            _close_matches(value, [str(v) for v in expected])
            if isinstance(value, str) and not redact.secret
            else []
        )
        hint = f"did you mean `{close[0]}`?" if close else None
        return f"{where} is {redact.show(value, path)}: allowed values are {allowed}", hint
    if keyword == "const":
        return f"{where} must be {expected!r}, not {redact.show(value, path)}", None
    if keyword == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        names = " or ".join(_TYPE_NAMES.get(str(w), str(w)) for w in wanted)
        if isinstance(value, list) and "string" in wanted:
            return f"{where} must be a single string, not a list", None
        return f"{where} must be {names}, not {_type_of(value)}", None
    if keyword == "required" and isinstance(expected, list) and isinstance(value, dict):
        missing = [name for name in expected if name not in value]
        fields = ", ".join(f"`{dotted((*path, m))}`" for m in missing)
        return f"missing required field {fields}", None
    if keyword == "pattern":
        meaning = _PATTERN_MEANINGS.get(str(expected))
        if meaning is not None:
            return f"{where} is {redact.show(value, path)}: {meaning[0]}", meaning[1]
        return f"{where} is {redact.show(value, path)}, which does not match `{expected}`", None
    if keyword in ("maxLength", "minLength"):
        size = len(value) if isinstance(value, str) else 0
        bound = "at most" if keyword == "maxLength" else "at least"
        return f"{where} must be {bound} {expected} characters long (it has {size})", None
    if keyword in ("maxItems", "minItems"):
        bound = "at most" if keyword == "maxItems" else "at least"
        return f"{where} must have {bound} {expected} items", None
    if keyword in ("maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum"):
        return f"{where} is {redact.show(value, path)}: {keyword} is {expected}", None
    if keyword == "not":
        return f"{where} has a combination of fields that is not allowed", None
    return f"{where}: {error.message if not redact.hides(path) else keyword + ' failed'}", None
