"""Property metadata per resource: which fields are writable, their types, and ``?definitions`` output.

PUT/PATCH bodies are checked against this table: wrong types and unknown properties are a 400 naming the
property (OAS ``error400`` details carry ``property``); read-only properties follow ``--read-only-fields``.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from .responses import bad_request

GIS_RE = re.compile(r"^POINT\s*\(\s*-?\d+(\.\d+)?\s+-?\d+(\.\d+)?(\s+-?\d+(\.\d+)?)?\s*\)$|^POINT EMPTY$", re.IGNORECASE)
GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

VALUE_TYPES = {"name": "string", "string": "string", "gis": "string", "guid": "string", "bool": "bool", "int": "int",
               "double": "double", "enum": "enum", "path": "path", "dateTime": "dateTime", "object": "path"}


@dataclasses.dataclass(frozen=True)
class Field:
    """One property of a resource."""

    name: str
    kind: str
    writable: bool = False
    options: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    ref_type: str | None = None

    def definition(self) -> dict[str, Any]:
        """The ``?definitions`` entry (OAS "definitions parameter")."""
        entry: dict[str, Any] = {"canSet": self.writable, "valueType": VALUE_TYPES[self.kind]}
        if self.options:
            entry["options"] = [{"value": option, "displayName": option} for option in self.options]
        if self.minimum is not None:
            entry["minValue"] = self.minimum
        if self.maximum is not None:
            entry["maxValue"] = self.maximum
        return entry


def ro(name: str, kind: str = "string") -> Field:
    """A read-only field."""
    return Field(name, kind)


def rw(name: str, kind: str, **kwargs: Any) -> Field:
    """A writable field."""
    return Field(name, kind, writable=True, **kwargs)


def table(*fields: Field) -> dict[str, Field]:
    """Fields by name, in declaration order."""
    return {field.name: field for field in fields}


def definitions(fields: dict[str, Field], obj: dict[str, Any] | None = None) -> dict[str, Any]:
    """``?definitions`` for a whole object: its properties (relations are not one; with ``obj``, only those it has)."""
    return {name: field.definition() for name, field in fields.items() if name != "relations" and (obj is None or name in obj)}


def check_name(value: Any, max_length: int, prop: str = "name") -> str:
    """Names must be non-blank strings no longer than ``--max-name-length``."""
    if not isinstance(value, str):
        raise bad_request(f"Bad request: {prop} must be a string", prop=prop)
    if not value.strip():
        raise bad_request(f"Bad request: {prop} cannot be empty", prop=prop)
    if len(value) > max_length:
        raise bad_request(f"Bad request: {prop} is too long ({len(value)} characters); the maximum length is {max_length} characters", prop=prop)
    return value


def coerce(field: Field, value: Any, max_name_length: int, known_refs: set[str] | None = None) -> Any:  # pylint: disable=too-many-return-statements
    """Validate ``value`` for ``field``; booleans must be JSON booleans (strings "True" are pre-2022 R2)."""
    prop = field.name
    if field.kind == "name":
        return check_name(value, max_name_length, prop)
    if field.kind in ("string", "gis"):
        if not isinstance(value, str):
            raise bad_request(f"Bad request: {prop} must be a string", prop=prop)
        if field.kind == "gis" and not GIS_RE.match(value.strip()):
            raise bad_request(f"Bad request: {prop} must be \"POINT (LONGITUDE LATITUDE [ALTITUDE])\" or \"POINT EMPTY\"", prop=prop)
        return value
    if field.kind == "bool":
        if not isinstance(value, bool):
            raise bad_request(f"Bad request: {prop} must be true or false", prop=prop)
        return value
    if field.kind in ("int", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (field.kind == "int" and not float(value).is_integer()):
            raise bad_request(f"Bad request: {prop} must be {'an integer' if field.kind == 'int' else 'a number'}", prop=prop)
        if (field.minimum is not None and value < field.minimum) or (field.maximum is not None and value > field.maximum):
            raise bad_request(f"Bad request: {prop} is out of range ({field.minimum}..{field.maximum})", prop=prop)
        return int(value) if field.kind == "int" else value
    if field.kind == "enum":
        if value not in field.options:
            raise bad_request(f"Bad request: {prop} must be one of {', '.join(field.options)}", prop=prop)
        return value
    if field.kind == "path":
        if not isinstance(value, dict) or value.get("type") != field.ref_type or not isinstance(value.get("id"), str):
            raise bad_request(f"Bad request: {prop} must be {{\"type\": \"{field.ref_type}\", \"id\": \"<guid>\"}}", prop=prop)
        ident = value["id"].lower()
        if known_refs is not None and ident not in known_refs:
            raise bad_request(f"Invalid path. {field.ref_type}/{value['id']}", prop=prop)
        return {"type": field.ref_type, "id": ident}
    raise bad_request(f"Bad request: {prop} cannot be set", prop=prop)


def check_update(fields: dict[str, Field], current: dict[str, Any], body: dict[str, Any], *, full: bool, mode: str,
                 max_name_length: int, known_refs: set[str] | None = None) -> dict[str, Any]:
    """The validated changes a PUT (``full``) or PATCH body asks for.

    ``mode`` is ``--read-only-fields``: ``changed`` rejects a read-only property whose value differs from
    the current one (so GET-modify-PUT of a whole object works), ``any`` rejects every read-only
    property, ``ignore`` drops them.  PUT must carry every writable property ("include (at least) all
    updatable properties", OAS prose).
    """
    by_lower = {name.lower(): field for name, field in fields.items()}
    changes: dict[str, Any] = {}
    for key, value in body.items():
        field = by_lower.get(key.lower())
        if field is None:
            raise bad_request(f"Bad request: unknown property '{key}'", prop=key)
        if not field.writable:
            if mode == "ignore" or (mode == "changed" and value == current.get(field.name)):
                continue
            raise bad_request(f"Bad request: property '{field.name}' is read-only", prop=field.name)
        changes[field.name] = coerce(field, value, max_name_length, known_refs)
    if full:
        missing = [name for name, field in fields.items() if field.writable and name not in changes]
        if missing:
            raise bad_request(f"Bad request: PUT must include all updatable properties; missing: {', '.join(missing)}", prop=missing[0])
    return changes
