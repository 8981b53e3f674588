"""Field tables and routes of every resource type, derived from Milestone's OpenAPI document.

The document (``tests/openapi/xprotect-config-rest-v1.openapi.yaml.gz``, 1.3 MB of YAML) takes about a second to
parse, longer than the simulator may take to start, so the derived tables are kept in ``openapi_tables.json`` next to
this file. Regenerate them after the document changes (needs PyYAML; ``--check`` exits 1 when the file is out of step,
and ``tests/integration/test_simulator_generic.py`` runs that check)::

    python -m simulator.schema [--check]

What the tables hold, all read from the document:

- ``routes``: every path of the document (``cameras/{id}/settings``), the type it serves (its last name), the parent
  type below which it sits, and per HTTP method the operation: ``list``, ``get``, ``create``, ``add`` (a group's
  membership POST with an ``itemSelectionRequest`` body), ``task``, ``put``, ``patch``, ``delete``; the tasks a POST
  invokes (names and display names from the ``task`` parameter or the summary, parameters from the ``*_RequestBody``
  schemas); the status of a create and the fields its body schema requires; ``deleteAnswer`` ``data`` where a DELETE
  answers the deleted object instead of ``{"state": "Success"}`` (registeredServices).
- ``types``: per type its object schema (the schema of its GET answers), display name, the parent type of
  ``relations.parent`` (from the schema's example), whether its lists hide disabled objects ("Get array of all
  enabled ..."; ``includeDisabled`` for the services API), and whether it is a singleton addressed by its parent's id.
- ``schemas``: per object schema its fields: JSON type, format, read-only, enum values and their display names ("Value
  map to display names"), the referenced type of ``{"type", "id"}`` references (``path_*`` schemas), the schema of
  nested objects and array items, the example, the range the description states ("from -120 to 120", "between 1 and
  1099511627776"), ``embedded`` for child arrays that only ``?includeChildren=`` fills, and ``writeOnly`` for a field
  the document pairs with a read-only ``<field>HasValue`` (loginProviders.clientSecret).

A singleton is a type with an item path that has PUT or PATCH, but no collection of its own and no item path under a
parent: the OAS prose says "a resource with only one instance will re-use the ID of its parent" (``/streams/{camera-id}``).

Deviations from the document (``DEVIATIONS``) are the ones docs/xprotect-api.md and the OAS prose establish; each says why.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import os
import re
import sys
from typing import Any, Iterable

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE_FILE = os.path.join(HERE, "openapi_tables.json")
DOCUMENT_FILE = os.path.join(os.path.dirname(HERE), "tests", "openapi", "xprotect-config-rest-v1.openapi.yaml.gz")
HTTP_METHODS = ("get", "post", "put", "patch", "delete")

TASK_NAME_RE = re.compile(r"task=(\w+)")
TASK_DISPLAY_RE = re.compile(r"^\s*(\w+) - (.+?)\s*$", re.MULTILINE)
VALUE_MAP_RE = re.compile(r"^\s*([^=\n]*?)=(.*?)\s*$", re.MULTILINE)
RANGE_RES = (
    re.compile(r"\bfrom (-?\d+(?:\.\d+)?) to (-?\d+(?:\.\d+)?)"),
    re.compile(r"\bbetween (-?\d+(?:\.\d+)?) and +(-?\d+(?:\.\d+)?)"),
    re.compile(r"\b[Vv]alues between (-?\d+)-(-?\d+)\b"),
)
ENABLED_ONLY_RE = re.compile(r"^Get array of all enabled ")
EMBEDDED_PREFIX = "Only included if called with"

# Where the simulator departs from the document, and why.  Applied by ``generate``.
DEVIATIONS: dict[str, dict[str, Any]] = {
    # OAS: settings.generalSettings and settings.stream are flagged readOnly, but the properties of their items are not,
    # and the prose says only that POST and DELETE are not supported on settings: a PATCH changes them.
    "settings": {"writable": ["generalSettings", "stream"]},
}


# ============================================================================================== generation (needs PyYAML)

def load_document(path: str = DOCUMENT_FILE) -> dict[str, Any]:
    """The OpenAPI document as a dict (PyYAML's C loader when available)."""
    import yaml  # pylint: disable=import-outside-toplevel  # only the generator needs PyYAML

    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return yaml.load(stream, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # nosec B506 - a safe loader


def _lcfirst(name: str) -> str:
    return name[:1].lower() + name[1:]


class _Generator:
    """Derives the tables from one document."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.paths: dict[str, Any] = document["paths"]
        self.components: dict[str, Any] = document["components"]["schemas"]
        self.schemas: dict[str, Any] = {}

    # ------------------------------------------------------------------------------------------------ schemas

    def ref_name(self, node: dict[str, Any] | None) -> str | None:
        if node and "$ref" in node:
            return node["$ref"].rsplit("/", 1)[1]
        return None

    def field(self, node: dict[str, Any]) -> dict[str, Any]:
        """One property (or array item) of a schema."""
        ref = self.ref_name(node)
        if ref is not None:
            target = self.components[ref]
            props = target.get("properties") or {}
            if ref.startswith("path_") or set(props) == {"type", "id"}:
                return {"type": "object", "ref": props.get("type", {}).get("example") or ref[len("path_"):]}
            self.schema(ref)
            return {"type": target.get("type") or "object", "schema": ref}
        spec: dict[str, Any] = {"type": node.get("type") or ("object" if "properties" in node else "string")}
        description = node.get("description") or ""
        for key in ("format", "example"):
            if node.get(key) is not None:
                spec[key] = node[key]
        if node.get("readOnly"):
            spec["readOnly"] = True
        if node.get("enum"):
            spec["enum"] = [str(value) for value in node["enum"]]
            names = self.value_map(description)
            if names:
                spec["enumNames"] = {value: names[value] for value in spec["enum"] if names.get(value)}
        if spec["type"] == "array":
            spec["items"] = self.field(node.get("items") or {"type": "string"})
            if node.get("readOnly") and description.startswith(EMBEDDED_PREFIX):
                spec["embedded"] = True
        if spec["type"] in ("integer", "number"):
            for pattern in RANGE_RES:
                match = pattern.search(description)
                if match:
                    low, high = (float(value) for value in match.groups())
                    if low < high:
                        spec["min"], spec["max"] = (int(low), int(high)) if spec["type"] == "integer" else (low, high)
                        break
        return spec

    @staticmethod
    def value_map(description: str) -> dict[str, str]:
        """``Value map to display names:`` lines (``0=Always``)."""
        marker = description.find("Value map to display names")
        if marker < 0:
            return {}
        lines = description[marker:].split("\n", 1)[1] if "\n" in description[marker:] else ""
        return {key.strip(): value.strip() for key, value in VALUE_MAP_RE.findall(lines)}

    def schema(self, name: str) -> dict[str, Any]:
        """The fields of component schema ``name`` (collected once)."""
        if name in self.schemas:
            return self.schemas[name]
        node = self.components[name]
        entry: dict[str, Any] = {"description": node.get("description") or "", "fields": {}}
        self.schemas[name] = entry
        properties = node.get("properties") or {}
        for prop, spec in properties.items():
            if prop == "relations":
                entry["fields"][prop] = {"type": "object", "readOnly": True}
                continue
            entry["fields"][prop] = self.field(spec)
        for prop, spec in entry["fields"].items():
            sibling = entry["fields"].get(prop + "HasValue")
            if sibling and sibling.get("readOnly") and not spec.get("readOnly"):
                spec["writeOnly"] = True
        if node.get("required"):
            entry["required"] = list(node["required"])
        return entry

    # ------------------------------------------------------------------------------------------------- routes

    @staticmethod
    def template(raw: str) -> tuple[str, list[str]]:
        """``/cameras/{idParent}/ptzPresets/{id}`` -> (``cameras/{id}/ptzPresets/{id}``, [names])."""
        segments = raw.strip("/").split("/")
        names = [segment for index, segment in enumerate(segments) if index % 2 == 0]
        for index, segment in enumerate(segments):
            if (index % 2 == 1) != segment.startswith("{"):
                raise ValueError(f"unexpected path shape: {raw}")
        return "/".join(segment if index % 2 == 0 else "{id}" for index, segment in enumerate(segments)), names

    @staticmethod
    def query(operation: dict[str, Any], path_item: dict[str, Any]) -> dict[str, Any]:
        return {p["name"]: p for p in list(path_item.get("parameters") or []) + list(operation.get("parameters") or [])
                if p.get("in") == "query"}

    def body_refs(self, operation: dict[str, Any]) -> list[str]:
        schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if not schema:
            return []
        return [name for name in (self.ref_name(option) for option in schema.get("oneOf", [schema])) if name]

    def tasks(self, operation: dict[str, Any], path_item: dict[str, Any]) -> list[dict[str, Any]]:
        parameter = self.query(operation, path_item).get("task")
        if parameter:
            text = parameter.get("description") or ""
            names = TASK_NAME_RE.findall(text.split("\n", 1)[0]) or [parameter.get("schema", {}).get("example")]
        else:
            text = ""
            names = TASK_NAME_RE.findall(operation.get("summary") or "")
        displays = dict(TASK_DISPLAY_RE.findall(text))
        bodies = {ref[: -len("_RequestBody")].lower(): ref for ref in self.body_refs(operation) if ref.endswith("_RequestBody")}
        found = []
        for name in names:
            if not name:
                continue
            server_task = self.components.get(_lcfirst(name) + "ServerTask") or {}
            display = displays.get(name) or server_task.get("description") or name
            body = bodies.get(name.lower())
            if body:
                self.schema(body)
            found.append({"id": name, "displayName": display.strip(), "params": body})
        return found

    def response_item(self, operation: dict[str, Any]) -> str | None:
        """The schema of the objects a GET answers (``data`` or ``array`` items)."""
        for status in ("200", "201"):
            schema = (operation.get("responses", {}).get(status) or {}).get("content", {}).get("application/json", {}).get("schema")
            if not schema:
                continue
            answer = self.components.get(self.ref_name(schema) or "", schema)
            props = answer.get("properties") or {}
            if "data" in props:
                return self.ref_name(props["data"])
            if "array" in props:
                return self.ref_name(props["array"].get("items"))
        return None

    def routes(self) -> list[dict[str, Any]]:
        found = []
        for raw in sorted(self.paths):
            path_item = self.paths[raw]
            template, names = self.template(raw)
            item = template.endswith("{id}")
            route: dict[str, Any] = {"path": template, "type": names[-1], "parent": names[0] if len(names) > 1 else None,
                                     "kind": "item" if item else "collection", "ops": {}}
            for method in HTTP_METHODS:
                operation = path_item.get(method)
                if operation is None:
                    continue
                if method == "get":
                    route["ops"]["GET"] = "get" if item else "list"
                    schema = self.response_item(operation)
                    if schema:
                        route["schema"] = schema
                    if not item and ENABLED_ONLY_RE.match(operation.get("summary") or ""):
                        route["enabledOnly"] = "disabled"
                    if "includeDisabled" in (operation.get("description") or ""):
                        route["enabledOnly"] = "includeDisabled"
                elif method == "post":
                    tasks = self.tasks(operation, path_item)
                    refs = self.body_refs(operation)
                    creates = [ref for ref in refs if not ref.endswith("_RequestBody")]
                    if item or ("task" in self.query(operation, path_item)):
                        route["ops"]["POST"] = "task"
                    elif refs == ["itemSelectionRequest"]:
                        route["ops"]["POST"] = "add"
                    else:
                        route["ops"]["POST"] = "create"
                        statuses = sorted(code for code in operation.get("responses", {}) if code.startswith("2"))
                        route["createStatus"] = 201 if "201" in statuses else int(statuses[0])
                        if creates:
                            route["createSchema"] = creates[0]
                            self.schema(creates[0])
                    if tasks:
                        route["tasks"] = tasks
                else:
                    route["ops"][method.upper()] = method
                    if method == "delete" and self.response_item(operation):  # registeredServices: the deleted object in data
                        route["deleteAnswer"] = "data"
            found.append(route)
        return found

    # -------------------------------------------------------------------------------------------------- types

    def types(self, routes: list[dict[str, Any]]) -> dict[str, Any]:
        by_type: dict[str, list[dict[str, Any]]] = {}
        for route in routes:
            by_type.setdefault(route["type"], []).append(route)
        types: dict[str, Any] = {}
        for name in sorted(by_type):
            mine = by_type[name]
            schemas = [route["schema"] for route in mine if route.get("schema")]
            schema = schemas[0] if schemas else (self.components.get(name) and name)
            if schema is None:
                schema = next((route["createSchema"] for route in mine if route.get("createSchema")), None)
            entry: dict[str, Any] = {"schema": schema}
            node = self.components.get(schema or "", {})
            relations = (node.get("properties") or {}).get("relations", {}).get("properties", {})
            parent = relations.get("parent", {}).get("properties", {}).get("type", {}).get("example")
            entry["parent"] = parent
            if schema:
                self.schema(schema)
                entry["displayName"] = node.get("description") or name
            root_collection = any(route["parent"] is None and route["kind"] == "collection" for route in mine)
            root_item = [route for route in mine if route["parent"] is None and route["kind"] == "item"]
            parent_item = any(route["parent"] is not None and route["kind"] == "item" for route in mine)
            entry["singleton"] = bool(not root_collection and not parent_item and
                                      any({"PUT", "PATCH"} & set(route["ops"]) for route in root_item))
            enabled = [route["enabledOnly"] for route in mine if route.get("enabledOnly")]
            if enabled:
                entry["enabledOnly"] = enabled[0]
            types[name] = entry
        return types

    def apply_deviations(self, types: dict[str, Any]) -> None:
        for name, deviation in DEVIATIONS.items():
            fields = self.schemas[types[name]["schema"]]["fields"]
            for prop in deviation.get("writable", ()):
                fields[prop].pop("readOnly", None)

    def run(self) -> dict[str, Any]:
        routes = self.routes()
        types = self.types(routes)
        self.apply_deviations(types)
        info = self.document.get("info", {})
        return {
            "document": {"file": os.path.relpath(DOCUMENT_FILE, os.path.dirname(HERE)).replace(os.sep, "/"),
                         "title": info.get("title"), "version": info.get("version"),
                         "openapi": self.document.get("openapi"), "paths": len(self.paths)},
            "routes": routes,
            "types": types,
            "schemas": {name: self.schemas[name] for name in sorted(self.schemas)},
        }


def generate(document: dict[str, Any]) -> dict[str, Any]:
    """The tables for ``document``."""
    return _Generator(document).run()


def render(tables: dict[str, Any]) -> str:
    """The JSON text of ``tables`` as committed (ASCII, sorted keys, one value per line)."""
    return json.dumps(tables, indent=1, sort_keys=True, ensure_ascii=True) + "\n"


def main(argv: Iterable[str] | None = None) -> int:
    """``python -m simulator.schema [--check]``."""
    parser = argparse.ArgumentParser(prog="python -m simulator.schema", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if openapi_tables.json is out of step with the document")
    args = parser.parse_args(list(argv) if argv is not None else None)
    text = render(generate(load_document()))
    if args.check:
        with open(TABLE_FILE, encoding="utf-8") as stream:
            if stream.read() != text:
                print(f"{os.path.basename(TABLE_FILE)} is out of step with the OpenAPI document; run python -m simulator.schema",
                      file=sys.stderr)
                return 1
        return 0
    with open(TABLE_FILE, "w", encoding="utf-8") as stream:
        stream.write(text)
    return 0


# ================================================================================================= runtime (JSON only)

@dataclasses.dataclass(frozen=True)
class FieldSpec:  # pylint: disable=too-many-instance-attributes
    """One property of an object schema (or the items of an array)."""

    name: str
    type: str
    format: str | None = None
    read_only: bool = False
    write_only: bool = False
    embedded: bool = False
    enum: tuple[str, ...] = ()
    enum_names: dict[str, str] = dataclasses.field(default_factory=dict)
    ref: str | None = None
    schema: str | None = None
    items: "FieldSpec | None" = None
    example: Any = None
    minimum: float | None = None
    maximum: float | None = None

    @classmethod
    def load(cls, name: str, raw: dict[str, Any]) -> "FieldSpec":
        """From the JSON table."""
        return cls(name=name, type=raw["type"], format=raw.get("format"), read_only=raw.get("readOnly", False),
                   write_only=raw.get("writeOnly", False), embedded=raw.get("embedded", False),
                   enum=tuple(raw.get("enum", ())), enum_names=raw.get("enumNames", {}), ref=raw.get("ref"),
                   schema=raw.get("schema"), items=cls.load(name, raw["items"]) if "items" in raw else None,
                   example=raw.get("example"), minimum=raw.get("min"), maximum=raw.get("max"))

    @property
    def writable(self) -> bool:
        """Whether a client may set it (``canSet``)."""
        return not self.read_only and not self.embedded


@dataclasses.dataclass(frozen=True)
class Schema:
    """An object schema: its fields in document order."""

    name: str
    description: str
    fields: dict[str, FieldSpec]
    required: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Task:
    """A task a POST invokes."""

    id: str
    display_name: str
    params: str | None  # schema name of its body, if the document has one


@dataclasses.dataclass(frozen=True)
class Route:  # pylint: disable=too-many-instance-attributes
    """One path of the document."""

    path: str
    type: str
    parent: str | None
    kind: str
    ops: dict[str, str]
    tasks: tuple[Task, ...] = ()
    create_status: int = 201
    create_schema: str | None = None
    delete_answer: str = "state"


@dataclasses.dataclass(frozen=True)
class TypeSpec:
    """One resource type."""

    name: str
    schema: str | None
    display_name: str
    parent: str | None
    singleton: bool
    enabled_only: str | None


class Tables:
    """The loaded tables, with lookups."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.document: dict[str, Any] = raw["document"]
        self.schemas = {name: Schema(name, entry["description"], {prop: FieldSpec.load(prop, spec) for prop, spec in entry["fields"].items()},
                                     tuple(entry.get("required", ())))
                        for name, entry in raw["schemas"].items()}
        self.types = {name: TypeSpec(name, entry["schema"], entry.get("displayName") or name, entry["parent"], entry["singleton"],
                                     entry.get("enabledOnly"))
                      for name, entry in raw["types"].items()}
        self.routes = [Route(entry["path"], entry["type"], entry["parent"], entry["kind"], entry["ops"],
                             tuple(Task(task["id"], task["displayName"], task["params"]) for task in entry.get("tasks", ())),
                             entry.get("createStatus", 201), entry.get("createSchema"), entry.get("deleteAnswer", "state"))
                       for entry in raw["routes"]]
        self.by_lower = {name.lower(): name for name in self.types}

    def fields(self, type_name: str) -> dict[str, FieldSpec]:
        """The fields of a type's objects ({} for a type without a schema)."""
        schema = self.types[type_name].schema
        return self.schemas[schema].fields if schema in self.schemas else {}

    def canonical(self, name: str) -> str | None:
        """The documented spelling of a type name, compared case-insensitively."""
        return self.by_lower.get(name.lower())

    def child_types(self, type_name: str) -> list[str]:
        """Types served below an object of ``type_name`` (``X/{id}/Y``), in document order."""
        seen: list[str] = []
        for route in self.routes:
            if route.parent == type_name and route.kind == "collection" and "GET" in route.ops and route.type not in seen:
                seen.append(route.type)
        return seen


def load_tables(path: str = TABLE_FILE) -> Tables:
    """The committed tables."""
    with open(path, encoding="utf-8") as stream:
        return Tables(json.load(stream))


# None only while the file is first generated (``python -m simulator.schema`` runs before it exists).
TABLES: Tables = load_tables() if os.path.exists(TABLE_FILE) else None  # type: ignore[assignment]

if __name__ == "__main__":
    sys.exit(main())
